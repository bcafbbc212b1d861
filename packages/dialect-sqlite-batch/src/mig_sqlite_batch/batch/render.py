"""Turn a :class:`TableModel` into SQLAlchemy objects: the new ``Table``, its indexes, the copy."""

from __future__ import annotations

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
    cast,
    column,
    insert,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.schema import DefaultClause, FetchedValue
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import NullType

from mig_sqlite_batch.batch.model import ColumnSpec, ConstraintSpec, IndexSpec, TableModel


def _default(value: Any) -> Any:
    """A server default that is not attached to any column yet."""
    if isinstance(value, DefaultClause):
        return DefaultClause(value.arg, for_update=value.for_update)
    if isinstance(value, FetchedValue):
        return FetchedValue()
    return value


def _column(spec: ColumnSpec) -> Column[Any]:
    args: list[Any] = []
    if spec.computed is not None:
        args.append(spec.computed._copy())
    if spec.identity is not None:
        args.append(spec.identity._copy())
    return Column(spec.name, spec.type, *args, nullable=spec.nullable,
                  server_default=_default(spec.server_default), comment=spec.comment,
                  autoincrement=spec.autoincrement)


def _qualified(name: str, schema: str | None) -> str:
    return f"{schema}.{name}" if schema else name


def build_table(model: TableModel, name: str, *, self_ref: str | None = None,
                with_constraints: bool = True) -> Table:
    """The new table under ``name`` (``self_ref``: the table name self-referencing keys point at)."""
    md = MetaData()
    items: list[Any] = [_column(c) for c in model.columns]
    own_key = _qualified(name, model.schema)
    self_target = self_ref or name
    if with_constraints:
        for cons in model.constraints:
            items.append(_constraint(cons, md, model, self_target, name))
    items.extend(model.extra_args)
    kwargs = dict(model.kwargs)
    tbl = Table(name, md, *items, schema=model.schema, comment=model.comment, **kwargs)
    assert own_key in md.tables
    return tbl


def _constraint(cons: ConstraintSpec, md: MetaData, model: TableModel, self_target: str,
                built: str) -> Any:
    name = cons.name
    if cons.kind == "primary":
        return PrimaryKeyConstraint(*cons.columns, name=name, **cons.kw)
    if cons.kind == "unique":
        return UniqueConstraint(*cons.columns, name=name, **cons.kw)
    if cons.kind == "check":
        sqltext: Any = cons.sqltext if isinstance(cons.sqltext, ClauseElement) else text(str(cons.sqltext))
        return CheckConstraint(sqltext, name=name, **cons.kw)
    ref_table = str(cons.ref_table)
    ref_schema = cons.ref_schema
    if ref_table == model.name and ref_schema == model.schema:
        ref_table = self_target
    key = _qualified(ref_table, ref_schema)
    if not (ref_table == built and ref_schema == model.schema):
        ref = md.tables.get(key)
        if ref is None:
            ref = Table(ref_table, md, schema=ref_schema)
        for col in cons.ref_columns:
            if col not in ref.c:
                ref.append_column(Column(col, NullType()))
    return ForeignKeyConstraint(cons.columns, [f"{key}.{c}" for c in cons.ref_columns], name=name,
                                **cons.options, **cons.kw)


def build_index(spec: IndexSpec, tbl: Table) -> Index:
    """An ``Index`` on ``tbl`` (the new table under its final name)."""
    exprs = [tbl.c[e] if isinstance(e, str) and e in tbl.c else e for e in spec.expressions]
    return Index(spec.name, *exprs, unique=spec.unique, _table=tbl, **spec.kw)


def copy_statement(model: TableModel, target: str, source: str, *, cast_types: bool,
                   where: Any = None) -> Any:
    """``INSERT INTO target (...) SELECT ... FROM source`` for the columns the old table fills."""
    copied = model.copied_columns()
    exprs: list[Any] = []
    for spec in copied:
        if spec.using is not None:
            expr: Any = literal_column(spec.using)
        else:
            expr = column(str(spec.source))
            if cast_types and spec.type_changed:
                expr = cast(expr, spec.type)
        exprs.append(expr)
    src = table(source, schema=model.schema)
    query = select(*exprs).select_from(src)
    if where is not None:
        query = query.where(where)
    tgt = table(target, *(column(c.name) for c in copied), schema=model.schema)
    return insert(tgt).from_select([c.name for c in copied], query)


__all__ = ["build_index", "build_table", "copy_statement"]
