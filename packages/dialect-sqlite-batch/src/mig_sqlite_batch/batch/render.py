"""Turn a :class:`TableModel` into SQLAlchemy objects: the new ``Table``, its indexes, the copy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    Constraint,
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
    # the user's own objects (table_args) stay theirs: the table gets copies, built once per table
    items.extend(_own_copy(item) for item in model.extra_args)
    kwargs = dict(model.kwargs)
    tbl = Table(name, md, *items, schema=model.schema, comment=model.comment, **kwargs)
    assert own_key in md.tables
    return tbl


def _own_copy(item: Any) -> Any:
    """A new constraint or index equal to one from ``table_args`` (the user's object stays unbound).

    Anything else (a ``Column``, say) is passed as it is.
    """
    common: dict[str, Any] = dict(item.dialect_kwargs) if hasattr(item, "dialect_kwargs") else {}
    if isinstance(item, Constraint):
        common.update(name=item.name, deferrable=item.deferrable, initially=item.initially)
        if item.info:
            common["info"] = dict(item.info)
    if isinstance(item, CheckConstraint):
        return CheckConstraint(item.sqltext, **common)
    if isinstance(item, ForeignKeyConstraint):
        return ForeignKeyConstraint(_column_names(item), [fk._get_colspec() for fk in item.elements],
                                    onupdate=item.onupdate, ondelete=item.ondelete, match=item.match,
                                    use_alter=item.use_alter, link_to_name=item.link_to_name, **common)
    if isinstance(item, (UniqueConstraint, PrimaryKeyConstraint)):
        return type(item)(*_column_names(item), **common)
    if isinstance(item, Index):
        exprs = [e.key if isinstance(e, Column) else e for e in item.expressions]
        return Index(item.name, *exprs, unique=item.unique, **common)
    return item


def _column_names(item: Any) -> list[Any]:
    if getattr(item, "parent", None) is not None:
        return [c.key for c in item.columns]
    return [c if isinstance(c, str) else getattr(c, "key", c) for c in item._pending_colargs]


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


def copy_statement(model: TableModel, target: str, source: str,
                   *, cast_types: bool | Callable[[ColumnSpec], bool], where: Any = None) -> Any:
    """``INSERT INTO target (...) SELECT ... FROM source`` for the columns the old table fills.

    ``cast_types``: whether a column whose type changed is copied with ``CAST`` (a callable
    decides per column).
    """
    copied = model.copied_columns()
    exprs: list[Any] = []
    for spec in copied:
        if spec.using is not None:
            expr: Any = literal_column(spec.using)
        else:
            expr = column(str(spec.source))
            if spec.type_changed and (cast_types(spec) if callable(cast_types) else cast_types):
                expr = cast(expr, spec.type)
        exprs.append(expr)
    src = table(source, schema=model.schema)
    query = select(*exprs).select_from(src)
    if where is not None:
        query = query.where(where)
    tgt = table(target, *(column(c.name) for c in copied), schema=model.schema)
    return insert(tgt).from_select([c.name for c in copied], query)


__all__ = ["build_index", "build_table", "copy_statement"]
