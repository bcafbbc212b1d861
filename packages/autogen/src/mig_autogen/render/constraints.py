"""Renderers for indexes and constraints (also inside ``batch_alter_table``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mig_autogen.render import items

if TYPE_CHECKING:
    from mig.ops import (
        CreateCheckConstraintOp,
        CreateForeignKeyOp,
        CreateIndexOp,
        CreatePrimaryKeyOp,
        CreateUniqueConstraintOp,
        DropConstraintOp,
        DropIndexOp,
    )
    from mig_autogen.render.context import RenderContext


def _table(table_name: str | None, schema: str | None, ctx: RenderContext) -> tuple[list[str], list[tuple[str, str]]]:
    if ctx.batch_table is not None:
        return [], []
    positional = [repr(table_name)] if table_name is not None else []
    return positional, ([("schema", repr(schema))] if schema is not None else [])


def create_index(operation: CreateIndexOp, ctx: RenderContext) -> str:
    table, kw = _table(operation.table_name, operation.schema, ctx)
    columns = "[" + ", ".join(items.index_column(c, ctx) for c in operation.columns) + "]"
    positional = [items.name(operation.index_name, ctx), *table, columns]
    if operation.unique:
        kw.append(("unique", "True"))
    if operation.if_not_exists is not None:
        kw.append(("if_not_exists", repr(operation.if_not_exists)))
    kw.extend(items.dialect_kw(operation.kw, ctx))
    return f"{ctx.op_prefix}create_index({items.args(positional, kw)})"


def drop_index(operation: DropIndexOp, ctx: RenderContext) -> str:
    kw: list[tuple[str, str]] = []
    if ctx.batch_table is None and operation.table_name is not None:
        kw.append(("table_name", repr(operation.table_name)))
    if ctx.batch_table is None and operation.schema is not None:
        kw.append(("schema", repr(operation.schema)))
    if operation.if_exists is not None:
        kw.append(("if_exists", repr(operation.if_exists)))
    kw.extend(items.dialect_kw(operation.kw, ctx))
    return f"{ctx.op_prefix}drop_index({items.args([items.name(operation.index_name, ctx)], kw)})"


def create_unique_constraint(operation: CreateUniqueConstraintOp, ctx: RenderContext) -> str:
    table, kw = _table(operation.table_name, operation.schema, ctx)
    positional = [items.name(operation.constraint_name, ctx), *table, repr(list(operation.columns))]
    kw.extend(items.dialect_kw(operation.kw, ctx))
    return f"{ctx.op_prefix}create_unique_constraint({items.args(positional, kw)})"


def create_primary_key(operation: CreatePrimaryKeyOp, ctx: RenderContext) -> str:
    table, kw = _table(operation.table_name, operation.schema, ctx)
    positional = [items.name(operation.constraint_name, ctx), *table, repr(list(operation.columns))]
    return f"{ctx.op_prefix}create_primary_key({items.args(positional, kw)})"


def create_check_constraint(operation: CreateCheckConstraintOp, ctx: RenderContext) -> str:
    table, kw = _table(operation.table_name, operation.schema, ctx)
    condition = items._sql_string(operation.condition, ctx)
    positional = [items.name(operation.constraint_name, ctx), *table, repr(condition)]
    kw.extend(items.dialect_kw(operation.kw, ctx))
    return f"{ctx.op_prefix}create_check_constraint({items.args(positional, kw)})"


def create_foreign_key(operation: CreateForeignKeyOp, ctx: RenderContext) -> str:
    source = [] if ctx.batch_table is not None else [repr(operation.source_table)]
    positional = [items.name(operation.constraint_name, ctx), *source, repr(operation.referent_table),
                  repr(list(operation.local_cols)), repr(list(operation.remote_cols))]
    kw: list[tuple[str, str]] = []
    for key in ("onupdate", "ondelete", "deferrable", "initially", "match"):
        current = getattr(operation, key)
        if current is not None:
            kw.append((key, repr(current)))
    if operation.source_schema is not None and ctx.batch_table is None:
        kw.append(("source_schema", repr(operation.source_schema)))
    if operation.referent_schema is not None:
        kw.append(("referent_schema", repr(operation.referent_schema)))
    kw.extend(items.dialect_kw(operation.kw, ctx))
    return f"{ctx.op_prefix}create_foreign_key({items.args(positional, kw)})"


def drop_constraint(operation: DropConstraintOp, ctx: RenderContext) -> str:
    table, kw = _table(operation.table_name, operation.schema, ctx)
    positional = [items.name(operation.constraint_name, ctx), *table]
    if operation.type_ is not None:
        kw.insert(0, ("type_", repr(operation.type_)))
    if operation.if_exists is not None:
        kw.append(("if_exists", repr(operation.if_exists)))
    return f"{ctx.op_prefix}drop_constraint({items.args(positional, kw)})"
