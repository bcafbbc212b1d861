"""``recreate="auto"``/``"never"`` on SQLite: can its native ALTER TABLE do the whole batch?

SQLite can ``ADD COLUMN`` (no primary key, unique, foreign key or check, a
constant default, NOT NULL only with a default), ``RENAME COLUMN`` (>= 3.25)
and ``DROP COLUMN`` (>= 3.35, when nothing else in the schema uses the
column); ``CREATE INDEX``/``DROP INDEX`` are native anyway. Comments do not
exist on SQLite, so comment changes need nothing. Everything else needs a
move-and-copy.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from typing import Any

from sqlalchemy.schema import DefaultClause
from sqlalchemy.sql.elements import TextClause

from mig.ops import (
    AddColumnOp,
    AlterColumnOp,
    BatchAlterTableOp,
    CreateIndexOp,
    CreateTableCommentOp,
    DropColumnOp,
    DropIndexOp,
    DropTableCommentOp,
    Operation,
)
from mig_sqlite_batch.batch.model import TableModel, mentions

_CONSTANT = re.compile(r"""^\s*(?:[-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|'(?:[^']|'')*'|NULL|TRUE|FALSE)\s*$""",
                       re.IGNORECASE)


def sqlite_version() -> tuple[int, ...]:
    return tuple(int(p) for p in sqlite3.sqlite_version.split("."))


def _constant_default(default: Any) -> bool:
    if default is None:
        return True
    arg = default.arg if isinstance(default, DefaultClause) else default
    if isinstance(arg, str):
        return True
    if isinstance(arg, TextClause):
        return _CONSTANT.match(arg.text) is not None
    return False


def copy_reasons(op: BatchAlterTableOp, model: TableModel | None,
                 used_elsewhere: list[str] | None = None,
                 version: tuple[int, ...] | None = None, *,
                 registered: Callable[[Operation], bool] | None = None) -> list[str]:
    """Why this batch needs a move-and-copy on SQLite (empty: native ALTERs can do it all).

    ``model`` is the table before the batch (``None`` offline without
    ``copy_from``: then a native DROP COLUMN is trusted to fail loudly if the
    column is in use); ``used_elsewhere`` holds the SQL of triggers and views
    on the table. ``registered`` tells the operations plugins registered for
    batches: they run through the dialect either way, so they need no copy.
    """
    version = version or sqlite_version()
    reasons: list[str] = []
    if op.partial_reordering:
        reasons.append("partial_reordering")
    # table_args / table_kwargs shape the new table when the batch copies; alone they force no copy
    dropped: set[str] = set()
    for inner in op.operations:
        if registered is not None and registered(inner):
            continue
        why = _op_reason(inner, model, used_elsewhere or [], version, dropped)
        if why:
            reasons.append(f"{inner.describe()} ({why})")
    return reasons


def _op_reason(op: Operation, model: TableModel | None, elsewhere: list[str],
               version: tuple[int, ...], dropped: set[str]) -> str | None:
    if isinstance(op, (CreateIndexOp, DropIndexOp, CreateTableCommentOp, DropTableCommentOp)):
        return None
    if isinstance(op, AddColumnOp):
        col = op.column
        if op.kw.get("insert_before") is not None or op.kw.get("insert_after") is not None:
            return "insert_before/insert_after: ADD COLUMN can only append"
        if col.primary_key or col.unique:
            return "a primary key or unique column"
        if col.foreign_keys or col.constraints:
            return "a column with a foreign key or check"
        if col.computed is not None and getattr(col.computed, "persisted", None):
            return "a stored generated column"
        if not _constant_default(col.server_default):
            return "a non-constant default"
        if not col.nullable and col.server_default is None:
            return "NOT NULL without a default"
        return None
    if isinstance(op, AlterColumnOp):
        if op.kw.get("insert_before") is not None or op.kw.get("insert_after") is not None:
            return "insert_before/insert_after: ALTER TABLE cannot move a column"
        if op.type_ is not None or op.nullable is not None or op.server_default is not False \
                or op.autoincrement is not None:
            return "SQLite cannot alter a column's type, nullability or default"
        if op.new_column_name is not None and version < (3, 25):
            return "RENAME COLUMN needs SQLite >= 3.25"
        return None
    if isinstance(op, DropColumnOp):
        if version < (3, 35):
            return "DROP COLUMN needs SQLite >= 3.35"
        name = op.column_name
        if model is None:
            return None
        for cons in model.constraints:
            if name in cons.columns or (cons.kind == "check" and mentions(str(cons.sqltext), name)):
                return f"the column is part of {cons.label()}"
            if cons.kind == "foreignkey" and cons.ref_table == model.name and name in cons.ref_columns:
                return "a foreign key refers to the column"
        for idx in model.indexes:
            if (idx.columns is not None and name in idx.columns) or mentions(idx.sql or "", name) \
                    or (idx.columns is None and idx.sql is None):
                return f"the column is indexed by {idx.name}"
        for spec in model.columns:
            if spec.computed is not None and mentions(str(spec.computed.sqltext), name):
                return f"generated column {spec.name} uses it"
        for sql in elsewhere:
            if mentions(sql, name):
                return "a trigger or view uses the column"
        dropped.add(name)
        return None
    return "SQLite cannot ALTER this natively"


__all__ = ["copy_reasons", "sqlite_version"]
