"""PostgreSQL's migration lock: a session-level advisory lock on a session of its own.

The lock is taken on a dedicated connection (not the run's), in autocommit,
so the run's own connection is free to commit, roll back and leave its
transaction (``autocommit_block()``, ``CREATE INDEX CONCURRENTLY``) while
the lock stays held. PostgreSQL releases the lock when that session ends,
so a killed run frees it at once. The session names itself in
``application_name`` (``mig pid N on HOST``), which a waiting run quotes.
"""

from __future__ import annotations

import hashlib
import os
import socket
import time
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

#: The longest pause (seconds) between two tries while another session holds the lock.
POLL_MAX = 0.25


def lock_id(key: str) -> int:
    """The advisory lock's bigint: the first 8 bytes of the key's SHA-256, signed."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)


def acquire(engine: Engine, key: str, timeout: float) -> Connection | None:
    """Open the lock's session and take the lock; ``None`` (session closed) when ``timeout`` ran out.

    The wait polls ``pg_try_advisory_lock`` with short statements rather than blocking in
    ``pg_advisory_lock``: a backend blocked in a statement holds a snapshot, and the holder's
    ``CREATE INDEX CONCURRENTLY`` waits for every older snapshot, so a blocked waiter and the
    holder would wait for each other for ever (through the client, where PostgreSQL cannot see it).
    """
    session = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    ident = lock_id(key)
    try:
        session.execute(text("SELECT set_config('application_name', :name, false)"),
                        {"name": f"mig pid {os.getpid()} on {socket.gethostname()}"[:63]})
        deadline = time.monotonic() + max(0.0, timeout)
        pause = 0.02
        try_lock = text("SELECT pg_try_advisory_lock(:id)")
        while not session.execute(try_lock, {"id": ident}).scalar():
            left = deadline - time.monotonic()
            if left <= 0:
                session.close()
                return None
            time.sleep(min(pause, left))
            pause = min(pause * 2, POLL_MAX)
    except BaseException:
        session.close()
        raise
    return session


def release(session: Connection, key: str) -> None:
    """Unlock and close the session (never handed back to a pool holding the lock)."""
    try:
        session.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": lock_id(key)})
    finally:
        session.invalidate()
        session.close()


def holder(connection: Connection, key: str) -> str | None:
    """The backend holding the lock: pid, application, client address, user, since when."""
    ident = lock_id(key) & 0xFFFFFFFFFFFFFFFF
    row = connection.execute(text(
        "SELECT a.pid, a.application_name, a.client_addr, a.client_hostname, a.usename, a.backend_start "
        "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
        "AND l.classid::bigint = :hi AND l.objid::bigint = :lo "
        "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
        {"hi": ident >> 32, "lo": ident & 0xFFFFFFFF}).first()
    if row is None:
        return None
    pid, app, addr, host, user, since = row
    parts = [f"backend pid {pid}"]
    if app:
        parts.append(f"application {app!r}")
    where = host or addr
    parts.append(f"client {where}" if where else "client local socket")
    if user:
        parts.append(f"user {user}")
    if since is not None:
        parts.append(f"connected since {since:%Y-%m-%d %H:%M:%S %Z}".strip())
    return ", ".join(parts)


