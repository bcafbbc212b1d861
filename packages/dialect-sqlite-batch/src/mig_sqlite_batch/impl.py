"""SQLite's ``DialectImpl``: what SQLite can ALTER natively, and a clear error for the rest.

SQLite adds columns, renames tables and columns, and (from 3.35) drops
columns. Everything else that changes an existing table (types, nullability,
defaults, constraints) needs the table rebuilt: ``op.batch_alter_table``.
DDL is transactional; pysqlite does not open a transaction before DDL on its
own, so :meth:`SqliteImpl.on_transaction_begin` emits ``BEGIN``.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from mig.ddl import capabilities as cap
from mig.ddl.contract import override_point
from mig.ddl.impl import DialectImpl
from mig.errors import NotSupportedError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ops import (
        AddColumnOp,
        AlterColumnOp,
        CreateCheckConstraintOp,
        CreateForeignKeyOp,
        CreatePrimaryKeyOp,
        CreateTableCommentOp,
        CreateTableOp,
        CreateUniqueConstraintOp,
        DropColumnOp,
        DropConstraintOp,
        DropTableCommentOp,
        Operation,
    )

#: SQLite learned ``ALTER TABLE ... DROP COLUMN`` in 3.35.0.
DROP_COLUMN_VERSION = (3, 35, 0)


def _batch_hint(table: str, what: str) -> str:
    return (f"SQLite cannot {what} on an existing table; use "
            f"`with op.batch_alter_table({table!r}) as batch_op:` (table {table!r})")


class SqliteImpl(DialectImpl):
    """``DialectImpl`` for SQLite (``sqlite`` dialect)."""

    name: ClassVar[str] = "sqlite"
    display_name: ClassVar[str] = "SQLite"
    #: SQLite adds, renames and drops columns; everything else that changes a table is a batch.
    capabilities: ClassVar[frozenset[str]] = frozenset({
        cap.TRANSACTIONAL_DDL, cap.RENAME_COLUMN, cap.DROP_COLUMN, cap.CHECK_CONSTRAINTS, cap.IF_EXISTS,
        cap.EXPRESSION_INDEXES, cap.PARTIAL_INDEXES, cap.BATCH,
    })

    # -- transactions -----------------------------------------------------------

    def on_transaction_begin(self, connection: Connection) -> None:
        """Make sure SQLite itself is in a transaction, so DDL rolls back with everything else."""
        driver = connection.connection.driver_connection
        in_transaction = getattr(driver, "in_transaction", None)
        if in_transaction is False:
            connection.exec_driver_sql("BEGIN")

    # -- the migration lock (a file lock beside the database: mig_sqlite_batch.lock) -------

    def acquire_migration_lock(self, connection: Connection, key: str, timeout: float) -> Any:
        """An exclusive ``flock`` on ``<database>.mig-lock`` (none for an in-memory database)."""
        from mig_sqlite_batch import lock

        return lock.acquire(connection.engine.url.database, timeout)

    def release_migration_lock(self, handle: Any) -> None:
        from mig_sqlite_batch import lock

        lock.release(handle)

    def describe_lock_holder(self, connection: Connection, key: str) -> str | None:
        from mig_sqlite_batch import lock

        return lock.holder(connection.engine.url.database)

    # -- what SQLite can do -------------------------------------------------------

    @property
    @override_point
    def sqlite_version(self) -> tuple[int, ...]:
        """The SQLite library's version, as a tuple of ints.

        **Called by:** the operations whose SQL depends on it (``DROP COLUMN`` needs 3.35).

        **Return:** the server's version online, else the ``sqlite3`` module's library version.
        """
        version = self.dialect.server_version_info
        if version:
            return tuple(int(v) for v in version if isinstance(v, int))
        return tuple(sqlite3.sqlite_version_info)

    @override_point
    def writes_if_exists(self, operation: Operation) -> bool:
        """Whether SQLite writes the ``IF [NOT] EXISTS`` an operation asks for.

        **Called by:** :meth:`run` (see :meth:`DialectImpl.writes_if_exists`).

        :param operation: the operation with ``if_exists`` / ``if_not_exists``.

        **Return:** ``False`` for ``add_column`` and ``drop_column`` (SQLite
        has no such clause for columns: it is emulated), else ``True``.
        """
        return type(operation).impl_method not in ("add_column", "drop_column")

    def _check_schema(self, schema: str | None, table: str) -> None:
        """SQLite's "schemas" are attached databases: a clear error for one that is not attached."""
        if schema is None or self.as_sql or self.connection is None:
            return
        rows = self.connection.exec_driver_sql("PRAGMA database_list").fetchall()
        if not any(row[1] == schema for row in rows):
            raise NotSupportedError(
                f"SQLite has no schema {schema!r} (table {table!r}): SQLite's schemas are attached "
                f"databases; run ATTACH DATABASE 'file.db' AS {schema} first, or leave schema= out")

    def create_table(self, op: CreateTableOp) -> Any:
        self._check_schema(op.schema, op.table_name)
        return super().create_table(op)

    def add_column(self, op: AddColumnOp) -> None:
        if op.inline_primary_key:
            raise NotSupportedError(_batch_hint(op.table_name, "add a PRIMARY KEY column") +
                                    f", column {op.column.name!r}")
        super().add_column(op)

    def inline_in_add_column(self, op: AddColumnOp, constraint: Any) -> bool:
        """Every check and foreign key goes in the ``ADD COLUMN``: SQLite's column definition takes
        them, and SQLite has no ``ADD CONSTRAINT``."""
        return True

    def drop_column(self, op: DropColumnOp) -> None:
        if self.sqlite_version < DROP_COLUMN_VERSION:
            found = ".".join(str(v) for v in self.sqlite_version)
            raise NotSupportedError(
                f"SQLite {found} cannot DROP COLUMN (3.35 or later can); use "
                f"`with op.batch_alter_table({op.table_name!r}) as batch_op: batch_op.drop_column(...)`")
        super().drop_column(op)

    def alter_column(self, op: AlterColumnOp) -> None:
        changes = [name for name, changed in (
            ("change a column's nullability", op.nullable is not None),
            ("change a column's type", op.type_ is not None),
            ("change a column's server default", op.server_default is not False),
            ("change a column's comment", op.comment is not False),
            ("change a column's autoincrement", op.autoincrement is not None),
        ) if changed]
        if changes:
            raise NotSupportedError(_batch_hint(op.table_name, " or ".join(changes)) +
                                    f", column {op.column_name!r}")
        if op.new_column_name is not None:
            super().alter_column(op)

    def _unsupported(self, table: str, what: str) -> NoReturn:
        raise NotSupportedError(_batch_hint(table, what))

    def create_unique_constraint(self, op: CreateUniqueConstraintOp) -> None:
        self._unsupported(op.table_name, "add a UNIQUE constraint")

    def create_foreign_key(self, op: CreateForeignKeyOp) -> None:
        self._unsupported(op.source_table, "add a FOREIGN KEY constraint")

    def create_check_constraint(self, op: CreateCheckConstraintOp) -> None:
        self._unsupported(op.table_name, "add a CHECK constraint")

    def create_primary_key(self, op: CreatePrimaryKeyOp) -> None:
        self._unsupported(op.table_name, "add a PRIMARY KEY")

    def drop_constraint(self, op: DropConstraintOp) -> None:
        self._unsupported(op.table_name, f"drop constraint {op.constraint_name!r}")

    def create_table_comment(self, op: CreateTableCommentOp) -> None:
        raise NotSupportedError(f"SQLite has no table comments (table {op.table_name!r}); "
                                f"skip the comment when context.get_context().dialect.name == 'sqlite'")

    def drop_table_comment(self, op: DropTableCommentOp) -> None:
        raise NotSupportedError(f"SQLite has no table comments (table {op.table_name!r}); "
                                f"skip the comment when context.get_context().dialect.name == 'sqlite'")

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"<SqliteImpl as_sql={self.as_sql}>"


__all__ = ["DROP_COLUMN_VERSION", "SqliteImpl"]
