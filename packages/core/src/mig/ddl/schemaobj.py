"""Throw-away SQLAlchemy schema objects built from the names an operation holds.

SQLAlchemy's DDL constructs compile schema objects (tables, constraints,
indexes), while operations hold names. These helpers build the smallest
objects that compile correctly, each in a fresh ``MetaData``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKeyConstraint,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
)
from sqlalchemy.schema import Constraint, SchemaItem
from sqlalchemy.sql.elements import ClauseElement, TextClause
from sqlalchemy.types import NullType

__all__ = [
    "check_constraint", "own", "stub_table", "column_for", "constraint_stub", "foreign_key", "index", "primary_key",
    "table", "unique_constraint",
]


def own(item: Any) -> Any:
    """``item`` itself, or a copy if it already belongs to another table."""
    if isinstance(item, Column) and item.table is not None:
        return item._copy()
    return item


def table(name: str, *items: SchemaItem, schema: str | None = None, metadata: MetaData | None = None,
          **kw: Any) -> Table:
    """A ``Table`` holding ``items`` (columns copied when they already belong to a table)."""
    return Table(name, metadata if metadata is not None else MetaData(), *(own(i) for i in items),
                 schema=schema, **kw)


def column_for(tbl: Table, name: str) -> Column[Any]:
    """``tbl.c[name]``, adding an untyped column of that name if it is not there yet."""
    if name in tbl.c:
        return tbl.c[name]
    col: Column[Any] = Column(name, NullType())
    tbl.append_column(col)
    return col


def _stub(name: str, columns: Iterable[str], schema: str | None, metadata: MetaData | None = None) -> Table:
    md = metadata if metadata is not None else MetaData()
    key = f"{schema}.{name}" if schema else name
    tbl = md.tables.get(key)
    if tbl is None:
        tbl = Table(name, md, schema=schema)
    for col in columns:
        column_for(tbl, col)
    return tbl


def unique_constraint(name: str | None, table_name: str, columns: Sequence[str], *,
                      schema: str | None = None, metadata: MetaData | None = None,
                      **kw: Any) -> UniqueConstraint:
    tbl = _stub(table_name, columns, schema, metadata)
    uc = UniqueConstraint(*columns, name=name, **kw)
    tbl.append_constraint(uc)
    return uc


def primary_key(name: str | None, table_name: str, columns: Sequence[str], *,
                schema: str | None = None, metadata: MetaData | None = None,
                **kw: Any) -> PrimaryKeyConstraint:
    tbl = _stub(table_name, columns, schema, metadata)
    pk = PrimaryKeyConstraint(*columns, name=name, **kw)
    tbl.append_constraint(pk)
    return pk


def check_constraint(name: str | None, table_name: str, condition: Any, *,
                     schema: str | None = None, metadata: MetaData | None = None,
                     **kw: Any) -> CheckConstraint:
    tbl = _stub(table_name, (), schema, metadata)
    ck = CheckConstraint(condition, name=name, **kw)
    tbl.append_constraint(ck)
    return ck


def foreign_key(name: str | None, source_table: str, referent_table: str, local_cols: Sequence[str],
                remote_cols: Sequence[str], *, source_schema: str | None = None,
                referent_schema: str | None = None, onupdate: str | None = None,
                ondelete: str | None = None, deferrable: bool | None = None,
                initially: str | None = None, match: str | None = None,
                metadata: MetaData | None = None, **kw: Any) -> ForeignKeyConstraint:
    md = metadata if metadata is not None else MetaData()
    source = _stub(source_table, local_cols, source_schema, md)
    _stub(referent_table, remote_cols, referent_schema, md)
    prefix = f"{referent_schema}.{referent_table}" if referent_schema else referent_table
    fk = ForeignKeyConstraint(list(local_cols), [f"{prefix}.{c}" for c in remote_cols], name=name,
                              onupdate=onupdate, ondelete=ondelete, deferrable=deferrable,
                              initially=initially, match=match, **kw)
    source.append_constraint(fk)
    return fk


def constraint_stub(name: str, table_name: str, type_: str | None, *,
                    schema: str | None = None, metadata: MetaData | None = None) -> Constraint:
    """A named constraint of the given kind attached to a stub table, for ``DROP CONSTRAINT``."""
    tbl = _stub(table_name, (), schema, metadata)
    cons: Constraint
    if type_ == "foreignkey":
        md = tbl.metadata
        ref = _stub("_mig_ref", ("x",), None, md)
        column_for(tbl, "_mig_x")
        cons = ForeignKeyConstraint(["_mig_x"], [ref.c.x], name=name)
    elif type_ == "primary":
        cons = PrimaryKeyConstraint(name=name)
    elif type_ == "check":
        cons = CheckConstraint("1 = 1", name=name)
    else:
        cons = UniqueConstraint(name=name)
    tbl.append_constraint(cons)
    return cons


def stub_table(name: str, schema: str | None, metadata: MetaData) -> Table:
    """The stub ``Table`` of this name in ``metadata`` (created empty on first use)."""
    return _stub(name, (), schema, metadata)


def index(name: str | None, table_name: str | None, columns: Sequence[Any], *,
          schema: str | None = None, unique: bool = False, metadata: MetaData | None = None,
          **kw: Any) -> Index:
    """An ``Index`` on a stub table; ``columns`` are names or SQL expressions (``text()``)."""
    tbl = _stub(table_name or "_mig_unknown", (), schema, metadata)
    exprs: list[Any] = []
    for col in columns:
        if isinstance(col, str):
            exprs.append(column_for(tbl, col))
        elif isinstance(col, (ClauseElement, TextClause)):
            exprs.append(col)
        else:
            exprs.append(col)
    idx = Index(name, *exprs, unique=unique, **kw)
    if idx.table is None:
        tbl.append_constraint(idx)
    return idx


def table_kw(kw: Mapping[str, Any]) -> dict[str, Any]:
    """Table keyword arguments from an operation's ``kw`` (comment, info, prefixes, dialect options)."""
    return dict(kw)
