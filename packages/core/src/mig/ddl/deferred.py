"""Deferred statements: a transaction's plain writes sent to the database as one script.

A dialect whose driver can run a script of statements in one call (SQLite's
``executescript``) lets the runtime queue a transaction's plain statements
(DDL, ``op.execute`` text without parameters, version-table rows) and send
them together, ``BEGIN`` first, at the end of ``run_migrations`` (or at a
step's commit with ``transaction_per_migration``). Python's work and the
database's then no longer alternate statement by statement. Only the inside
of ``run_migrations`` is queued: there mig and the scripts are the only
users of the connection.

Deferral is invisible to scripts and ends early, for the rest of the
transaction, the moment anything needs the connection itself: a read, a
statement with parameters, ``op.get_bind()``, a batch operation, or
SQLAlchemy executing anything on the connection for whoever holds it (a
listener on the connection, see :meth:`DialectImpl.stop_watching`; reads
while nothing is queued pass). Everything queued runs first, so every read
sees every earlier write.

When the script fails, the transaction is rolled back and the queued
statements are run again one at a time in a new transaction that is rolled
back too: the first statement that fails names its step, with the message
it would have had without deferral. The same check runs when a later
script raises, so that an earlier statement's failure is reported first, as
it would have been.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ddl.impl import DialectImpl


class DeferredStatements:
    """The statements one transaction has queued, each with the step that queued it."""

    __slots__ = ("after_run", "entries", "impl")

    def __init__(self, impl: DialectImpl) -> None:
        self.impl = impl
        #: ``(sql, step)``: the statement and the :class:`mig.runtime.events.StepEvent` current then.
        self.entries: list[tuple[str, Any]] = []
        #: Checks run once the statements have run (a key re-registered replaces its check).
        self.after_run: dict[object, Callable[[Connection], None]] = {}

    def add(self, sql: str) -> None:
        self.entries.append((sql, self.impl.current_step))

    def script(self) -> str:
        """``BEGIN`` and the statements as one script, each ended by ``;`` right after its text
        (so that SQLite keeps the same text in ``sqlite_master`` as for the statement alone)."""
        return "BEGIN;\n" + "".join(f"{sql};\n" for sql, _ in self.entries)

    def run(self, connection: Connection) -> None:
        """Run ``BEGIN`` and the statements; the transaction stays open for the caller to commit.

        On failure the database is rolled back and the statements are
        replayed one at a time (see :meth:`replay`) to raise the error of the
        first that fails; the database is rolled back again.
        """
        impl = self.impl
        error = impl.dialect.loaded_dbapi.Error
        try:
            impl.execute_script(connection, self.script())
        except error as exc:
            impl.rollback_driver(connection)
            try:
                self.replay(connection)
            finally:
                impl.rollback_driver(connection)
            from sqlalchemy.exc import DBAPIError

            # Not reproduced one statement at a time: report the script's own error.
            raise DBAPIError.instance(self.script(), None, exc, error, dialect=impl.dialect) from exc
        try:
            for check in self.after_run.values():
                check(connection)
        except BaseException:
            impl.rollback_driver(connection)
            raise

    def replay(self, connection: Connection) -> None:
        """Run ``BEGIN`` and the statements one at a time; the first that fails raises, named by its step.

        Returns normally when every statement succeeds (the transaction is
        then open, as without deferral).
        """
        from sqlalchemy.exc import DBAPIError

        impl = self.impl
        impl.run_on_cursor(connection, "BEGIN")
        for sql, step in self.entries:
            try:
                impl.run_on_cursor(connection, sql)
            except DBAPIError as exc:
                if step is None or step.path is None:
                    raise
                from mig.runtime.migration import step_failure

                raise step_failure(step.direction, step.revision, step.path, exc) from exc


__all__ = ["DeferredStatements"]
