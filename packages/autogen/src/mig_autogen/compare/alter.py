"""Building and merging ``alter_column`` operations from column comparators."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from mig.ops import AlterColumnOp, Operation
from mig_autogen.compare.reflected import default_clause

if TYPE_CHECKING:
    from sqlalchemy import Column, Table
    from sqlalchemy.engine.interfaces import ReflectedColumn

#: The fields that say what an ``alter_column`` changes, with their "no change" value.
CHANGE_FIELDS: dict[str, Any] = {
    "nullable": None, "comment": False, "server_default": False, "type_": None, "autoincrement": None,
}


def alter_column(model_table: Table, model_column: Column[Any], db_column: ReflectedColumn,
                 **changes: Any) -> AlterColumnOp:
    """An ``alter_column`` of ``model_column`` changing only ``changes``, its ``existing_*`` fields
    taken from the reflected ``db_column`` (the inspector's dictionary), so it can be reversed."""
    return AlterColumnOp(
        model_table.name, model_column.name, schema=model_table.schema,
        existing_type=db_column["type"], existing_nullable=db_column["nullable"],
        existing_server_default=default_clause(db_column), existing_comment=db_column.get("comment"),
        **changes)


def merge_alters(operations: list[Operation]) -> list[Operation]:
    """One ``alter_column`` per column: the fragments column comparators yielded, merged in place of the first."""
    first: dict[tuple[str | None, str, str], int] = {}
    out: list[Operation] = []
    for op in operations:
        if not isinstance(op, AlterColumnOp) or op.new_column_name is not None:
            out.append(op)
            continue
        key = (op.schema, op.table_name, op.column_name)
        index = first.get(key)
        if index is None:
            first[key] = len(out)
            out.append(op)
            continue
        previous = out[index]
        assert isinstance(previous, AlterColumnOp)
        changes = {name: getattr(op, name) for name, unchanged in CHANGE_FIELDS.items()
                   if getattr(op, name) is not unchanged and getattr(previous, name) is unchanged}
        if op.kw:
            changes["kw"] = {**previous.kw, **op.kw}
        out[index] = replace(previous, **changes)
    return out
