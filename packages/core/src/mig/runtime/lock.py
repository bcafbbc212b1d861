"""The migration lock step of a run: one process at a time reads and moves the version table.

``upgrade``, ``downgrade`` and ``stamp`` hold the lock from before the version
table is read (or created) until after their last step, so that several
replicas starting at once apply each migration exactly once: the second
process waits (at most ``lock_timeout`` seconds), then reads the version
table anew and finds nothing left to do.

The lock itself belongs to the dialect (:meth:`DialectImpl.acquire_migration_lock`,
:meth:`DialectImpl.release_migration_lock`, :meth:`DialectImpl.describe_lock_holder`):
an advisory lock on a dedicated session on PostgreSQL, ``GET_LOCK`` on
MySQL/MariaDB, a file lock beside the database on SQLite. Every one of them
is released by the database (or the operating system) when the holding
process dies, so a killed run never leaves a stale lock behind.

The key names the version table (database, schema, table), so two projects
on one server, or two version tables in one database, do not block each
other.

:func:`migration_lock` is the one entry point; it is re-entrant per migration
context, so a step that must read the version under the lock (``--plan``)
can wrap its read in it whether or not the run already holds it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from mig.errors import ConfigError, LockError

if TYPE_CHECKING:
    from mig.runtime.migration import MigrationContext

log = logging.getLogger("mig.runtime")

#: Seconds a run waits for the lock when neither ``--lock-timeout`` nor ``lock_timeout`` says.
DEFAULT_LOCK_TIMEOUT = 60.0

_warned: set[str] = set()


def lock_key(ctx: MigrationContext) -> str:
    """The key of the lock: ``mig:<database>:<schema>:<version table>`` (empty parts for defaults)."""
    database = ""
    connection = ctx.connection
    if connection is not None:
        database = str(connection.engine.url.database or "")
    elif ctx.url is not None:  # offline: the database the SQL file is for
        from sqlalchemy.engine import make_url

        database = str(make_url(ctx.url).database or "")
    schema = ctx.version.schema or ""
    return f"mig:{database}:{schema}:{ctx.version.name}"


def lock_timeout(ctx: MigrationContext) -> float:
    """``--lock-timeout``, else ``lock_timeout`` of the configuration, else 60 seconds."""
    value: Any = ctx.opts.get("lock_timeout")
    config = ctx.config
    if value is None and config is not None:
        value = (getattr(config, "cmd_opts", None) or {}).get("lock_timeout")
        if value is None:
            value = config.get("lock_timeout")
    if value is None:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"lock_timeout = {value!r} is not a number of seconds; use e.g. lock_timeout = 60")
    if seconds < 0:
        raise ConfigError(f"lock_timeout = {value!r} is negative; use 0 (do not wait) or more seconds")
    return seconds


def lock_wanted(ctx: MigrationContext, default: bool) -> bool:
    """Whether this run takes the lock: online, not ``--no-lock``, not ``lock = false``."""
    if ctx.as_sql or ctx.connection is None:
        return False
    env_choice = getattr(ctx.environment, "lock", None)
    wanted = default if env_choice is None else bool(env_choice)
    if not wanted:
        return False
    if ctx.opts.get("lock") is False:
        return False
    config = ctx.config
    if config is not None:
        if (getattr(config, "cmd_opts", None) or {}).get("no_lock"):
            return False
        if config.get("lock", True) is False:
            return False
    return True


@contextmanager
def migration_lock(ctx: MigrationContext, *, wanted: bool = True) -> Iterator[None]:
    """Hold the migration lock of ``ctx``'s version table for the ``with`` block.

    Re-entrant: inside a block that already holds it (for the same context) it does nothing.
    Does nothing offline, with ``--no-lock`` / ``lock = false``, or when ``wanted`` is false.
    Raises :class:`mig.errors.LockError` naming the holder when ``lock_timeout`` runs out.
    """
    if ctx.as_sql and wanted and not ctx._lock_depth and offline_lock_wanted(ctx):
        with _offline_lock(ctx):
            yield
        return
    if ctx._lock_depth or not lock_wanted(ctx, wanted):
        ctx._lock_depth += 1
        try:
            yield
        finally:
            ctx._lock_depth -= 1
        return
    impl = ctx.impl
    connection = impl.require_connection("taking the migration lock")
    key = lock_key(ctx)
    timeout = lock_timeout(ctx)
    handle = impl.acquire_migration_lock(connection, key, timeout)
    if handle is NotImplemented:
        if impl.dialect.name not in _warned:
            _warned.add(impl.dialect.name)
            log.warning("no migration lock on %s: mig's dialect for it implements none, so runs that "
                        "start at the same time may apply a migration twice; run one `mig upgrade` at a time",
                        impl.dialect.name)
        handle = None
    elif handle is None:
        holder = impl.describe_lock_holder(connection, key)
        raise LockError(
            f"another mig run holds the migration lock ({key}) of this database"
            f"{': ' + holder if holder else ''}; waited {timeout:g} s. Wait for it to finish and run "
            f"again, raise --lock-timeout / lock_timeout, or (only if you know no run is going on) "
            f"pass --no-lock")
    ctx._lock_depth = 1
    log.debug("holding the migration lock %s", key)
    try:
        yield
    finally:
        ctx._lock_depth = 0
        if handle is not None:
            _release_after_transaction(ctx, lambda: impl.release_migration_lock(handle))


def offline_lock_wanted(ctx: MigrationContext) -> bool:
    """Whether ``--sql`` was asked to write the lock statements (``--sql --lock``)."""
    config = ctx.config
    asked = ctx.opts.get("offline_lock")
    if asked is None and config is not None:
        asked = (getattr(config, "cmd_opts", None) or {}).get("offline_lock")
    return bool(asked)


@contextmanager
def _offline_lock(ctx: MigrationContext) -> Iterator[None]:
    """Write the dialect's lock statement before the steps and its release after them."""
    impl = ctx.impl
    statements = impl.offline_migration_lock(lock_key(ctx), lock_timeout(ctx),
                                             one_transaction=not ctx.transaction_per_migration)
    if statements is None:
        log.warning("--lock: mig's %s dialect has no lock statement for SQL files; the file takes no lock",
                    impl.dialect.name)
    else:
        for sql in statements[0]:
            impl._write(sql)
    ctx._lock_depth = 1
    try:
        yield
    finally:
        ctx._lock_depth = 0
    if statements is not None:
        for sql in statements[1]:
            impl._write(sql)


def _release_after_transaction(ctx: MigrationContext, release: Callable[[], None]) -> None:
    """Release now, or, inside the run's transaction (``env.py``'s ``begin_transaction()``
    around ``run_migrations()``, or its own ``engine.begin()``), once it has ended: a run
    waiting for the lock must read the version rows this run committed, not the ones from before."""
    trans = ctx._transaction
    if trans is not None and trans.active:
        ctx._after_transaction.append(release)
        return
    # a transaction env.py began itself (``engine.begin()``): hold on until env.py has ended
    connection = ctx.connection
    later = getattr(ctx.environment, "_after_run", None)
    if later is not None and (not ctx.transaction_per_migration or ctx.external_transaction) \
            and connection is not None and connection.in_transaction():
        later.append(release)
        return
    release()


__all__ = ["DEFAULT_LOCK_TIMEOUT", "lock_key", "lock_timeout", "lock_wanted", "migration_lock", "offline_lock_wanted"]
