"""Renderers for table operations: create, drop, rename, comments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mig_autogen.render import items

if TYPE_CHECKING:
    from mig.ops import (
        CreateTableCommentOp,
        CreateTableOp,
        DropTableCommentOp,
        DropTableOp,
        RenameTableOp,
    )
    from mig_autogen.render.context import RenderContext


def _schema(schema: str | None) -> list[tuple[str, str]]:
    return [("schema", repr(schema))] if schema is not None else []


def create_table(operation: CreateTableOp, ctx: RenderContext) -> str:
    from sqlalchemy import Column, Index, PrimaryKeyConstraint
    from sqlalchemy.schema import Constraint

    columns = [c for c in operation.columns if isinstance(c, Column)]
    constraints = [c for c in operation.columns if isinstance(c, Constraint)]
    lines = [items.column(c, ctx) for c in columns]
    pk_columns = [c.name for c in columns if c.primary_key]
    if pk_columns and not any(isinstance(c, PrimaryKeyConstraint) for c in constraints):
        lines.append(f"{ctx.sa_prefix}PrimaryKeyConstraint({', '.join(repr(n) for n in pk_columns)})")
    for constraint in constraints:
        if isinstance(constraint, PrimaryKeyConstraint) and not constraint.columns:
            constraint = PrimaryKeyConstraint(*pk_columns, name=constraint.name)  # type: ignore[arg-type]
        lines.append(items.constraint(constraint, ctx))
    lines.extend(items.custom("index", i, ctx) or "" for i in operation.columns if isinstance(i, Index))
    kw = _schema(operation.schema)
    if operation.if_not_exists is not None:
        kw.append(("if_not_exists", repr(operation.if_not_exists)))
    for key, option in sorted(operation.kw.items()):
        kw.append((key, repr(option)))
    lines.extend(f"{k}={v}" for k, v in kw)
    body = "".join(f"    {line},\n" for line in lines if line)
    return f"{ctx.op_prefix}create_table(\n    {operation.table_name!r},\n{body})"


def drop_table(operation: DropTableOp, ctx: RenderContext) -> str:
    kw = _schema(operation.schema)
    if operation.if_exists is not None:
        kw.append(("if_exists", repr(operation.if_exists)))
    return f"{ctx.op_prefix}drop_table({items.args([repr(operation.table_name)], kw)})"


def rename_table(operation: RenameTableOp, ctx: RenderContext) -> str:
    positional = [repr(operation.old_table_name), repr(operation.new_table_name)]
    return f"{ctx.op_prefix}rename_table({items.args(positional, _schema(operation.schema))})"


def create_table_comment(operation: CreateTableCommentOp, ctx: RenderContext) -> str:
    kw: list[tuple[str, str]] = [("existing_comment", repr(operation.existing_comment))]
    kw.extend(_schema(operation.schema))
    positional = [repr(operation.table_name), repr(operation.comment)]
    return f"{ctx.op_prefix}create_table_comment({items.args(positional, kw)})"


def drop_table_comment(operation: DropTableCommentOp, ctx: RenderContext) -> str:
    kw: list[tuple[str, str]] = [("existing_comment", repr(operation.existing_comment))]
    kw.extend(_schema(operation.schema))
    return f"{ctx.op_prefix}drop_table_comment({items.args([repr(operation.table_name)], kw)})"


