"""The built-in schema-level comparator: tables added (in foreign-key order) and removed (in reverse)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mig.ops import (
    CreateForeignKeyOp,
    CreateIndexOp,
    CreateTableOp,
    DropConstraintOp,
    DropTableOp,
    Operation,
    RenameHintOp,
)
from mig_autogen.compare.columns import (
    column_signature,
    db_column_signature,
    model_column_copy,
    pair_lookalikes,
)
from mig_autogen.compare.indexes import drop_index_op, fk_backing, index_op
from mig_autogen.compare.keys import fk_op
from mig_autogen.compare.names import name_of, sql_text

if TYPE_CHECKING:
    from sqlalchemy import ForeignKeyConstraint, Table

    from mig_autogen.compare.context import CompareContext
    from mig_autogen.compare.reflected import ReflectedTable


def _fk_constraint(fk: ForeignKeyConstraint) -> Any:
    from sqlalchemy import ForeignKeyConstraint

    return ForeignKeyConstraint([c.name for c in fk.columns], [e.target_fullname for e in fk.elements],
                                name=name_of(fk), onupdate=fk.onupdate, ondelete=fk.ondelete,
                                deferrable=fk.deferrable, initially=fk.initially, match=fk.match)


def table_items(ctx: CompareContext, table: Table, skip_fks: set[int]) -> tuple[Any, ...]:
    """Detached columns and constraints that re-create ``table`` (its indexes are separate operations)."""
    from sqlalchemy import CheckConstraint, PrimaryKeyConstraint, UniqueConstraint

    items: list[Any] = [model_column_copy(c) for c in table.columns]
    pk = table.primary_key
    if pk.columns and name_of(pk) is not None:
        items.append(PrimaryKeyConstraint(*[c.name for c in pk.columns], name=name_of(pk)))
    for constraint in sorted(table.constraints, key=lambda c: name_of(c) or ""):
        if isinstance(constraint, UniqueConstraint):
            items.append(UniqueConstraint(*[c.name for c in constraint.columns], name=name_of(constraint)))
        elif isinstance(constraint, CheckConstraint) and not getattr(constraint, "_type_bound", False):
            items.append(CheckConstraint(sql_text(ctx, constraint.sqltext), name=name_of(constraint)))
    for fk in sorted(table.foreign_key_constraints, key=lambda f: name_of(f) or ""):
        if id(fk) not in skip_fks:
            items.append(_fk_constraint(fk))
    return tuple(items)


def table_kw(table: Table) -> dict[str, Any]:
    kw: dict[str, Any] = {k: v for k, v in table.dialect_kwargs.items() if v is not None}
    if table.comment:
        kw["comment"] = table.comment
    return kw


def _sorted(tables: list[Table]) -> tuple[list[tuple[Table, list[Any]]], list[Any]]:
    """Tables in foreign-key order, and the foreign keys of cycles (to be created after the tables)."""
    from sqlalchemy.schema import sort_tables_and_constraints

    try:
        result = sort_tables_and_constraints(sorted(tables, key=lambda t: t.name))
    except Exception:
        return [(t, list(t.foreign_key_constraints)) for t in sorted(tables, key=lambda t: t.name)], []
    ordered = [(t, list(fks)) for t, fks in result if t is not None]
    leftover = [fk for t, fks in result if t is None for fk in fks]
    return ordered, leftover


def _table_signature(ctx: CompareContext, table: Table) -> Any:
    return (frozenset((c.name, *column_signature(ctx, c)[:3]) for c in table.columns),
            tuple(c.name for c in table.primary_key.columns))


def _db_table_signature(ctx: CompareContext, table: ReflectedTable) -> Any:
    return (frozenset((n, *db_column_signature(ctx, table, c)[:3]) for n, c in table.columns.items()),
            table.primary_key_columns)


def compare_tables(ctx: CompareContext, schema: str | None, model_tables: dict[str, Table],
                   db_tables: dict[str, ReflectedTable]) -> Iterator[Operation]:
    """``create_table`` for tables only in the models, ``drop_table`` for tables only in the database.

    A dropped table's downgrade re-creates it, so SQLAlchemy reflects the
    dropped tables (together, once) for their schema objects.
    """
    added = [t for name, t in model_tables.items() if name not in db_tables]
    removed = [t for name, t in db_tables.items() if name not in model_tables]
    if ctx.options.get("detect_renames") and added and removed:
        for old, new in pair_lookalikes(added, removed, lambda t: _table_signature(ctx, t),
                                        lambda t: _db_table_signature(ctx, t)):
            yield RenameHintOp("table", old.name, new.name, schema=new.schema)
    if removed:
        ctx.objects.reflect(schema, [t.name for t in removed])
        sa_tables = [ctx.schema_item("table", None, t) for t in removed]
        reflected = {id(sa_table): t for sa_table, t in zip(sa_tables, removed, strict=True)}
        ordered, cyclic = _sorted(sa_tables)
        for fk in cyclic:
            table = fk.parent
            if name_of(fk) is not None:
                yield DropConstraintOp(name_of(fk) or "", table.name, type_="foreignkey", schema=table.schema,
                                       existing=fk_op(ctx, table, fk, table.schema))
        cyclic_ids = {id(fk) for fk in cyclic}
        for table, _ in reversed(ordered):
            db_table = reflected[id(table)]
            for db_index in sorted(db_table.indexes, key=lambda i: i.get("name") or ""):
                if db_index.get("name") is not None and not fk_backing(db_index, db_table) and not (
                        ctx.rules.index_is_implicit(db_index, db_table, ctx.dialect)):
                    yield drop_index_op(ctx, table.name, db_index, table.schema)
            yield DropTableOp(table.name, schema=table.schema,
                              existing_columns=table_items(ctx, table, cyclic_ids), existing_kw=table_kw(table))
    if added:
        ordered, cyclic = _sorted(added)
        cyclic_ids = {id(fk) for fk in cyclic}
        for table, _ in ordered:
            yield CreateTableOp(table.name, table_items(ctx, table, cyclic_ids), schema=table.schema,
                                kw=table_kw(table))
            for index in sorted(table.indexes, key=lambda i: name_of(i) or ""):
                op: CreateIndexOp = index_op(ctx, table, index)
                yield op
        for fk in cyclic:
            created: CreateForeignKeyOp = fk_op(ctx, fk.parent, fk, fk.parent.schema)
            yield created
