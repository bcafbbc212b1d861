"""Renderers for column operations: add, drop, alter (also inside ``batch_alter_table``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mig_autogen.render import items

if TYPE_CHECKING:
    from mig.ops import AddColumnOp, AlterColumnOp, DropColumnOp
    from mig_autogen.render.context import RenderContext


def _where(table_name: str, schema: str | None, ctx: RenderContext) -> tuple[list[str], list[tuple[str, str]]]:
    """The table positional and ``schema=`` keyword; both left out inside a batch block."""
    if ctx.batch_table is not None:
        return [], []
    return [repr(table_name)], ([("schema", repr(schema))] if schema is not None else [])


def add_column(operation: AddColumnOp, ctx: RenderContext) -> str:
    positional, kw = _where(operation.table_name, operation.schema, ctx)
    positional.append(items.column(operation.column, ctx, inline_primary_key=True))
    if operation.if_not_exists is not None:
        kw.append(("if_not_exists", repr(operation.if_not_exists)))
    for key in ("inline_references", "inline_primary_key"):
        if getattr(operation, key) is not None:
            kw.append((key, repr(getattr(operation, key))))
    kw.extend((k, repr(v)) for k, v in sorted(operation.kw.items()))
    return f"{ctx.op_prefix}add_column({items.args(positional, kw)})"


def drop_column(operation: DropColumnOp, ctx: RenderContext) -> str:
    positional, kw = _where(operation.table_name, operation.schema, ctx)
    positional.append(repr(operation.column_name))
    if operation.if_exists is not None:
        kw.append(("if_exists", repr(operation.if_exists)))
    kw.extend((k, repr(v)) for k, v in sorted(operation.kw.items()))
    return f"{ctx.op_prefix}drop_column({items.args(positional, kw)})"


def alter_column(operation: AlterColumnOp, ctx: RenderContext) -> str:
    positional, where_kw = _where(operation.table_name, operation.schema, ctx)
    positional.append(repr(operation.column_name))
    kw: list[tuple[str, str]] = []
    if operation.existing_type is not None:
        kw.append(("existing_type", items.type_(operation.existing_type, ctx)))
    if operation.type_ is not None:
        kw.append(("type_", items.type_(operation.type_, ctx)))
    if operation.nullable is not None:
        kw.append(("nullable", repr(operation.nullable)))
    if operation.server_default is not False:
        kw.append(("server_default", items.server_default(operation.server_default, ctx)))
    if operation.comment is not False:
        kw.append(("comment", repr(operation.comment)))
    if operation.new_column_name is not None:
        kw.append(("new_column_name", repr(operation.new_column_name)))
    if operation.autoincrement is not None:
        kw.append(("autoincrement", repr(operation.autoincrement)))
    if operation.nullable is None and operation.existing_nullable is not None:
        kw.append(("existing_nullable", repr(operation.existing_nullable)))
    existing_default = operation.existing_server_default
    if operation.server_default is False and existing_default is not False and existing_default is not None:
        kw.append(("existing_server_default", items.server_default(operation.existing_server_default, ctx)))
    if operation.comment is False and operation.existing_comment is not None:
        kw.append(("existing_comment", repr(operation.existing_comment)))
    if operation.autoincrement is None and operation.existing_autoincrement is not None:
        kw.append(("existing_autoincrement", repr(operation.existing_autoincrement)))
    kw.extend(items.dialect_kw(operation.kw, ctx))
    kw.extend(where_kw)
    return f"{ctx.op_prefix}alter_column({items.args(positional, kw)})"
