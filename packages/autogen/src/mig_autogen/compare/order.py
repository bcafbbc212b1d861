"""The order of autogenerate's operations, whatever order the comparators yielded them in.

1. operations marked ``autogen_position = "first"`` (and other schema-level
   operations without a table: types and sequences tables may use);
2. tables renamed (so everything after uses the new names);
3. foreign keys dropped;
4. tables dropped (their indexes first; reverse foreign-key order);
5. each existing table's changes, table by table: indexes and constraints
   dropped, columns renamed, columns dropped, columns added, columns
   altered and comments, then constraints and indexes created;
6. tables created (foreign-key order), each followed by its indexes;
7. foreign keys created;
8. operations marked ``autogen_position = "last"`` (a type no column uses any more).

A third-party operation class sets ``autogen_position`` (``"first"``,
``"table"`` or ``"last"``) to choose; one with a ``table_name`` goes with its
table's changes by default. The downgrade reverses every operation and the
order, which keeps these dependencies the other way round.
"""

from __future__ import annotations

from typing import Any

from mig.ops import (
    AddColumnOp,
    AlterColumnOp,
    CreateCheckConstraintOp,
    CreateForeignKeyOp,
    CreateIndexOp,
    CreatePrimaryKeyOp,
    CreateTableCommentOp,
    CreateTableOp,
    CreateUniqueConstraintOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    DropTableCommentOp,
    DropTableOp,
    Operation,
    RenameHintOp,
    RenameTableOp,
)

_FIRST, _RENAME, _DROP_FK, _DROP_TABLE, _TABLE, _CREATE_TABLE, _CREATE_FK, _LAST = range(8)


def _table_of(op: Operation) -> tuple[str | None, str] | None:
    if isinstance(op, CreateForeignKeyOp):
        return (op.source_schema, op.source_table)
    name = getattr(op, "table_name", None)
    if isinstance(name, str):
        return (getattr(op, "schema", None), name)
    return None


def _sub(op: Operation) -> int:
    if isinstance(op, (DropIndexOp, DropConstraintOp)):
        return 0
    if isinstance(op, AlterColumnOp) and op.new_column_name is not None:
        return 1
    if isinstance(op, RenameHintOp):
        return 2
    if isinstance(op, DropColumnOp):
        return 3
    if isinstance(op, AddColumnOp):
        return 4
    if isinstance(op, (AlterColumnOp, CreateTableCommentOp, DropTableCommentOp)):
        return 5
    if isinstance(op, (CreatePrimaryKeyOp, CreateUniqueConstraintOp, CreateCheckConstraintOp, CreateIndexOp)):
        return 6
    return 7


def order_operations(operations: list[Operation]) -> list[Operation]:
    """``operations`` sorted into the phases above (stable within a phase)."""
    dropped = {(op.schema, op.table_name) for op in operations if isinstance(op, DropTableOp)}
    created = {(op.schema, op.table_name) for op in operations if isinstance(op, CreateTableOp)}
    table_rank: dict[tuple[str | None, str], int] = {}
    keyed: list[tuple[Any, ...]] = []
    for seq, op in enumerate(operations):
        table = _table_of(op)
        if table is not None and table not in table_rank:
            table_rank[table] = len(table_rank)
        position = getattr(type(op), "autogen_position", None)
        if position == "first":
            key: tuple[Any, ...] = (_FIRST, 0, 0)
        elif position == "last":
            key = (_LAST, 0, 0)
        elif isinstance(op, DropConstraintOp) and op.type_ == "foreignkey" and table not in dropped:
            key = (_DROP_FK, 0, 0)
        elif isinstance(op, RenameHintOp) and op.kind == "table":
            key = (_CREATE_TABLE, -1, 0)
        elif table is not None and table in dropped and not isinstance(op, CreateForeignKeyOp):
            key = (_DROP_TABLE, 0, 0)
        elif isinstance(op, RenameTableOp):
            key = (_RENAME, 0, 0)
        elif isinstance(op, CreateForeignKeyOp):
            key = (_CREATE_FK, 0, 0)
        elif table is not None and table in created:
            key = (_CREATE_TABLE, 0, 0)
        elif table is not None or position == "table":
            key = (_TABLE, table_rank.get(table, 0) if table else 0, _sub(op))
        else:
            key = (_FIRST, 0, 0)
        keyed.append((*key, seq, op))
    keyed.sort(key=lambda k: k[:4])
    return [k[4] for k in keyed]
