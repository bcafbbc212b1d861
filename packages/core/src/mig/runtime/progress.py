"""The step marker: which step was running when a run on a database without transactional DDL died.

On MySQL and MariaDB every DDL statement commits by itself, so a run killed
in the middle of a migration leaves that migration's first statements
applied while the version table still names the migration before it. Before
such a step starts, mig writes one row into ``<version table>_step``
(``mig_version_step``: revision, direction, started_at, pid, host) and
commits it on a connection of its own; it deletes the row once the step's
version row is committed, and drops the table when the run ends (also with
an error, which names the failed statement itself), so only a killed run
leaves the table behind and a database at rest has no marker table (its schema
is what Alembic's would be). A row that is still there names the step that
may be partially applied: ``mig current`` says so, and the next run that
applies the step again replaces it.

The version table itself is untouched (Alembic reads it as before); the
marker table exists only on databases without transactional DDL. On
PostgreSQL and SQLite nothing of a killed step remains, so there is nothing
to mark.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    inspect,
    select,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.runtime.migration import MigrationContext

log = logging.getLogger("mig.runtime")


def marker_table(version_table: str, schema: str | None = None) -> Table:
    """``<version_table>_step``: at most one row, the step in progress."""
    return Table(
        f"{version_table}_step", MetaData(),
        Column("revision", String(32), nullable=False),
        Column("direction", String(16), nullable=False),
        Column("started_at", DateTime, nullable=False),
        Column("pid", Integer, nullable=True),
        Column("host", String(255), nullable=True),
        schema=schema,
    )


class StepMarker:
    """Writes and clears the marker of a run, on an autocommit connection of its own."""

    def __init__(self, connection: Connection, version_table: str, schema: str | None) -> None:
        self._engine = connection.engine
        self.table = marker_table(version_table, schema)
        self._conn: Connection | None = None
        self._pending = False

    def _connection(self) -> Connection:
        if self._conn is None:
            self._conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self.table.create(self._conn, checkfirst=True)
        return self._conn

    def begin(self, revision: str, direction: str) -> None:
        """Record that ``direction`` of ``revision`` starts now (committed before its first statement)."""
        conn = self._connection()
        conn.execute(delete(self.table))
        self._pending = True
        conn.execute(insert(self.table).values(
            revision=revision, direction=direction, started_at=datetime.now(timezone.utc).replace(tzinfo=None),
            pid=os.getpid(), host=socket.gethostname()[:255]))

    def done(self) -> None:
        """The step and its version row are committed: nothing is in progress."""
        if self._conn is not None:
            self._conn.execute(delete(self.table))
            self._pending = False

    def close(self) -> None:
        """End the run's marking: drop the table. Only a killed run leaves it behind; a step that
        fails with an error is named by the run's error message (with the statement that failed)."""
        if self._conn is not None:
            try:
                self.table.drop(self._conn, checkfirst=True)
            finally:
                self._conn.close()
                self._conn = None


def marker_for(ctx: MigrationContext) -> StepMarker | None:
    """A marker for a run that writes, online, on a database without transactional DDL; else ``None``."""
    if ctx.as_sql or ctx.connection is None or ctx.impl.transactional_ddl:
        return None
    return StepMarker(ctx.connection, ctx.version.name, ctx.version.schema)


def interrupted(ctx: MigrationContext) -> dict[str, Any] | None:
    """The step a killed (or failed) run left in progress: ``revision``, ``direction``, ``started_at``,
    ``pid``, ``host``; ``None`` when there is none (or the database has transactional DDL)."""
    connection = ctx.connection
    if ctx.as_sql or connection is None or ctx.impl.transactional_ddl:
        return None
    table = marker_table(ctx.version.name, ctx.version.schema)
    if not inspect(connection).has_table(table.name, schema=table.schema):
        return None
    row = connection.execute(select(table)).mappings().first()
    return dict(row) if row is not None else None


def describe(found: dict[str, Any]) -> str:
    """The warning ``mig current`` shows for a step left in progress."""
    return (f"{found['direction']} {found['revision']} did not finish (started {found['started_at']:%Y-%m-%d %H:%M:%S} "
            f"UTC by pid {found['pid']} on {found['host']}): the database has no transactional DDL, so its "
            f"first statements may be applied; check the schema (undo what it applied if {found['revision']} "
            f"cannot run twice), then run `mig {found['direction']}` again")


__all__ = ["StepMarker", "describe", "interrupted", "marker_for", "marker_table"]
