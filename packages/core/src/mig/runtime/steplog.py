"""The log table (``mig_log``): one row per applied step, with the checksum of the script it ran.

The version table says where the database is; the log says how it got
there: for each step, the revision, the direction (``upgrade``,
``downgrade``, ``stamp``, ``unstamp``, or ``baseline`` for the files a
database already had applied when mig first met it), the checksum of the
script's normalized source (:mod:`mig.runtime.checksum`), when (UTC), how
long (milliseconds) and which mig wrote it. ``mig verify`` compares the
last checksum of every applied revision with its file.

The log row of a step is written by the step itself, right after its
version rows and in the same transaction: a step that fails and rolls back
leaves no row. Its statements are SQLAlchemy constructs sent through the
dialect's one sink (:meth:`DialectImpl.execute`); offline they are written
with their values inline (``applied_at`` is then the database's
``CURRENT_TIMESTAMP`` when the DBA runs the file, and the duration is NULL)
and without the ``RETURNING`` of the new ``id`` that SQLAlchemy adds online.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.schema import CreateTable

from mig.runtime.bookkeeping import BookkeepingTable
from mig.runtime.checksum import CHECKSUM_LENGTH, file_checksum
from mig.runtime.version import VERSION_NUM_LENGTH

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ddl.impl import DialectImpl

log = logging.getLogger("mig.runtime")

DEFAULT_LOG_TABLE = "mig_log"

#: Directions of log rows that leave a revision applied (their checksum is what ``verify`` checks).
APPLYING = frozenset({"upgrade", "stamp", "baseline"})


def log_table(name: str = DEFAULT_LOG_TABLE, schema: str | None = None) -> Table:
    """The log table's ``Table`` (primary key ``id``, named ``<name>_pkc``)."""
    return Table(
        name, MetaData(),
        Column("id", Integer, autoincrement=True, nullable=False),
        Column("revision", String(VERSION_NUM_LENGTH), nullable=False),
        Column("direction", String(16), nullable=False),
        Column("checksum", String(CHECKSUM_LENGTH), nullable=True),
        Column("applied_at", DateTime(), nullable=False),
        Column("duration_ms", Integer, nullable=True),
        Column("mig_version", String(32), nullable=False),
        PrimaryKeyConstraint("id", name=f"{name}_pkc"),
        schema=schema,
    )


@dataclass(frozen=True)
class LogRow:
    """One row of the log table."""

    id: int
    revision: str
    direction: str
    checksum: str | None
    applied_at: datetime | None
    duration_ms: int | None
    mig_version: str


class StepLog(BookkeepingTable):
    """Creates, writes and reads the log table through a :class:`DialectImpl`."""

    def __init__(self, impl: DialectImpl, name: str | None = None, schema: str | None = None) -> None:
        from mig import __version__

        super().__init__(impl, name or DEFAULT_LOG_TABLE, schema)
        self.table = log_table(self.name, schema)
        self.mig_version = __version__
        self._insert = insert(self.table)

    # -- reading -------------------------------------------------------------

    def rows(self, connection: Connection) -> list[LogRow]:
        """Every row, oldest first (empty when the table does not exist)."""
        if not self.exists(connection):
            return []
        t = self.table
        result = connection.execute(select(t).order_by(t.c.id))
        return [LogRow(r.id, r.revision, r.direction, r.checksum, r.applied_at, r.duration_ms, r.mig_version)
                for r in result]

    def latest(self, connection: Connection) -> dict[str, LogRow]:
        """Each logged revision's last row."""
        return {row.revision: row for row in self.rows(connection)}

    # -- writing -------------------------------------------------------------

    def create(self) -> bool:
        """Create the table if it does not exist (then ``True``). Offline: ``CREATE TABLE IF NOT
        EXISTS`` (a SQL file does not know the database), or, when :meth:`known_to_exist` said
        (a plan), the run's own ``CREATE TABLE`` where the table is missing."""
        impl = self.impl
        if impl.as_sql:
            if self._exists:
                return False
            impl.execute(CreateTable(self.table, if_not_exists=self._exists is None))
            if self._exists is not None:
                self._exists = True
            return True
        if self.exists(impl.require_connection("creating the log table")):
            return False
        impl.execute(CreateTable(self.table))
        self._exists = True
        return True

    def record(self, revision: str, direction: str, checksum: str | None, duration_ms: int | None) -> None:
        """Write one row (online with bound values, offline inline with ``CURRENT_TIMESTAMP``)."""
        impl = self.impl
        values: dict[str, Any] = {"revision": revision, "direction": direction, "checksum": checksum,
                                  "duration_ms": duration_ms, "mig_version": self.mig_version}
        if impl.as_sql:
            values["duration_ms"] = None
            # inline(): no ``RETURNING id`` (PostgreSQL, MariaDB): a SQL file has no use for the new id
            impl.execute(insert(self.table).inline().values(applied_at=func.current_timestamp(), **values))
            return
        values["applied_at"] = datetime.now(timezone.utc).replace(tzinfo=None)
        impl.execute(self._insert, values)

    def record_step(self, step: Any, elapsed: float | None, revision_map: Any) -> None:
        """The rows of one step: its script's revision and checksum; for a stamp, a row for each
        revision that became applied (``stamp``) or stopped being applied (``unstamp``)."""
        script = step.script
        duration = None if elapsed is None else round(elapsed * 1000)
        if script is not None:
            self.record(script.revision, step.direction, file_checksum(script.path), duration)
            return
        before = applied_set(revision_map, step.heads_before)
        after = applied_set(revision_map, step.heads_after)
        for rev in ordered(revision_map, after - before):
            self.record(rev, "stamp", _checksum_of(revision_map, rev), None)
        for rev in reversed(ordered(revision_map, before - after)):
            self.record(rev, "unstamp", _checksum_of(revision_map, rev), None)

    def record_baseline(self, revision_map: Any, revisions: Iterable[str]) -> list[str]:
        """``baseline`` rows with the current files' checksums of ``revisions``; returns them, in order."""
        done = []
        for rev in ordered(revision_map, revisions):
            self.record(rev, "baseline", _checksum_of(revision_map, rev), None)
            done.append(rev)
        return done

    def adopt(self, heads: Iterable[str], revision_map: Any) -> list[str] | None:
        """Create the table if needed; a database that already has applied revisions (``heads``)
        gets their current files as the ``baseline``. Returns those revisions (in order), or
        ``None`` if the table was there already or (a ``--sql`` file) whether it is there is not known.

        A plan (offline, :meth:`known_to_exist`) writes the same ``CREATE TABLE`` and baseline
        rows as the run it plans."""
        known = self.existence_known
        if not self.create() or not known:
            return None
        rows = [h for h in heads if h]
        if not rows or revision_map is None:
            return []
        applied = applied_set(revision_map, rows)
        done = self.record_baseline(revision_map, applied)
        if not self.impl.as_sql:
            log.info("adopted a database without a log table: recorded the current files of %d applied "
                     "migration(s) as the baseline in %s", len(done), self.qualified_name)
        return done


def applied_set(revision_map: Any, heads: Iterable[str]) -> set[str]:
    """Every revision the version rows ``heads`` say is applied (rows no script declares included)."""
    heads = [h for h in heads if h]
    if revision_map is None:
        return set(heads)
    known = [h for h in heads if h in revision_map]
    found: set[str] = set(revision_map.ancestors(known)) if known else set()
    found.update(h for h in heads if h not in revision_map)
    return found


def ordered(revision_map: Any, revs: Iterable[str]) -> list[str]:
    """``revs`` parents first (those no script declares last, by name)."""
    revs = set(revs)
    if revision_map is None:
        return sorted(revs)
    known = [r for r in revs if r in revision_map]
    return list(revision_map.sort(known)) + sorted(r for r in revs if r not in revision_map)


def _checksum_of(revision_map: Any, rev: str) -> str | None:
    if revision_map is None or rev not in revision_map:
        return None
    return file_checksum(revision_map.script(rev).path)


def log_table_name(opts: Mapping[str, Any]) -> str:
    return str(opts.get("log_table") or DEFAULT_LOG_TABLE)


__all__ = ["APPLYING", "DEFAULT_LOG_TABLE", "LogRow", "StepLog", "applied_set", "log_table", "ordered"]
