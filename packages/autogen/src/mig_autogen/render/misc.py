"""Renderers for raw SQL, data, batch blocks and the notes autogenerate leaves (rename hints)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mig_autogen.render import items

if TYPE_CHECKING:
    from mig.ops import BatchAlterTableOp, BulkInsertOp, ExecuteSQLOp
    from mig.ops.autogen_ops import RenameHintOp
    from mig_autogen.render.context import RenderContext


def execute(operation: ExecuteSQLOp, ctx: RenderContext) -> str:
    sqltext = operation.sqltext
    text = repr(sqltext) if isinstance(sqltext, str) else items.sql(sqltext, ctx)
    kw = [("execution_options", repr(dict(operation.execution_options)))] if operation.execution_options else []
    return f"{ctx.op_prefix}execute({items.args([text], kw)})"


def bulk_insert(operation: BulkInsertOp, ctx: RenderContext) -> str:
    table = operation.table
    columns = ", ".join(f"{ctx.sa_prefix}column({c.name!r}, {items.type_(c.type, ctx)})"
                        for c in table.columns)
    rows = "".join(f"        {dict(row)!r},\n" for row in operation.rows)
    kw = "" if operation.multiinsert else ", multiinsert=False"
    return (f"{ctx.op_prefix}bulk_insert(\n    {ctx.sa_prefix}table({table.name!r}, {columns}),\n"
            f"    [\n{rows}    ]{kw},\n)")


def batch_alter_table(operation: BatchAlterTableOp, ctx: RenderContext) -> str:
    from mig_autogen.render.core import render_lines

    kw: list[tuple[str, str]] = []
    if operation.schema is not None:
        kw.append(("schema", repr(operation.schema)))
    if operation.recreate != "auto":
        kw.append(("recreate", repr(operation.recreate)))
    if operation.naming_convention:
        kw.append(("naming_convention", repr(dict(operation.naming_convention))))
    head = f"with {ctx.op_prefix}batch_alter_table({items.args([repr(operation.table_name)], kw)}) as batch_op:"
    outer = ctx.batch_table
    ctx.batch_table = operation.table_name
    try:
        body = render_lines(list(operation.operations), ctx) or ["pass"]
    finally:
        ctx.batch_table = outer
    return "\n".join([head, *("    " + line if line else line for line in body)])


def rename_hint(operation: RenameHintOp, ctx: RenderContext) -> str:
    return f"# {operation.comment()}"


