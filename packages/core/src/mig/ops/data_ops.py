"""Operations on data and raw SQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from mig.ops.base import Operation


@dataclass(frozen=True, eq=False)
class BulkInsertOp(Operation):
    """``op.bulk_insert(table, rows, multiinsert=True)``.

    ``table`` is a ``Table`` or ``table()`` construct whose columns give the
    types used to render each value; ``rows`` are dictionaries. Offline, each
    row becomes an INSERT with its values inlined.
    """

    impl_method: ClassVar[str] = "bulk_insert"
    table: Any
    rows: Sequence[Mapping[str, Any]]
    multiinsert: bool = True

    def describe(self) -> str:
        return f"bulk_insert {getattr(self.table, 'name', self.table)} ({len(self.rows)} rows)"


@dataclass(frozen=True, eq=False)
class ExecuteSQLOp(Operation):
    """``op.execute(sqltext, execution_options=None)``: a string, ``text()`` or any executable construct."""

    impl_method: ClassVar[str] = "execute_sql"
    op_name: ClassVar[str] = "execute"
    sqltext: Any
    execution_options: Mapping[str, Any] | None = None

    def describe(self) -> str:
        text = str(self.sqltext) if isinstance(self.sqltext, str) else type(self.sqltext).__name__
        return f"execute {text[:60]}"


@dataclass(frozen=True, eq=False)
class BatchAlterTableOp(Operation):
    """``with op.batch_alter_table(table_name, ...) as batch_op:`` and the operations inside it.

    ``operations`` are ordinary IR nodes whose table is this one. The batch
    strategy (``recreate``: ``"auto"``, ``"always"``, ``"never"``) decides
    whether they run as plain ALTERs or as one move-and-copy.
    """

    impl_method: ClassVar[str] = "batch_alter_table"
    table_name: str
    schema: str | None = None
    recreate: str = "auto"
    partial_reordering: tuple[tuple[str, ...], ...] | None = None
    copy_from: Any = None
    table_args: tuple[Any, ...] = ()
    table_kwargs: Mapping[str, Any] = field(default_factory=dict)
    reflect_args: tuple[Any, ...] = ()
    reflect_kwargs: Mapping[str, Any] = field(default_factory=dict)
    naming_convention: Mapping[str, Any] | None = None
    operations: tuple[Operation, ...] = ()

    def reverse(self) -> Operation:
        from dataclasses import replace

        return replace(self, operations=tuple(op.reverse() for op in reversed(self.operations)))

    def describe(self) -> str:
        name = f"{self.schema}.{self.table_name}" if self.schema else self.table_name
        return f"batch_alter_table {name} ({len(self.operations)} operations)"


__all__ = ["BatchAlterTableOp", "BulkInsertOp", "ExecuteSQLOp"]
