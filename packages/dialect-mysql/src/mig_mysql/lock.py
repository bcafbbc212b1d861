"""MySQL's and MariaDB's migration lock: ``GET_LOCK`` on a connection of its own.

A named lock belongs to a session, not to a transaction, so it survives the
commits every DDL statement makes. It is taken on a dedicated connection and
the server releases it when that connection ends, so a killed run frees it
at once. A waiting run names the holder from ``IS_USED_LOCK`` and the
process list (connection id, user, client host).
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from sqlalchemy import text

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

#: The longest lock name the server accepts.
MAX_NAME = 64


def lock_name(key: str) -> str:
    """The key itself when it fits in 64 characters, else ``mig:`` and its SHA-256 (hex, shortened)."""
    if len(key) <= MAX_NAME:
        return key
    return "mig:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:MAX_NAME - 4]


def acquire(engine: Engine, key: str, timeout: float) -> Connection | None:
    """Open the lock's connection and ``GET_LOCK``; ``None`` (connection closed) when ``timeout`` ran out."""
    session = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    try:
        got = session.execute(text("SELECT GET_LOCK(:name, :timeout)"),
                              {"name": lock_name(key), "timeout": timeout}).scalar()
    except BaseException:
        session.close()
        raise
    if got != 1:
        session.close()
        return None
    return session


def release(session: Connection, key: str) -> None:
    """``RELEASE_LOCK`` and close the connection (never handed back to a pool holding the lock)."""
    try:
        session.execute(text("SELECT RELEASE_LOCK(:name)"), {"name": lock_name(key)})
    finally:
        session.invalidate()
        session.close()


def holder(connection: Connection, key: str) -> str | None:
    """The connection holding the lock: its id, user, client host and what it does."""
    ident = connection.execute(text("SELECT IS_USED_LOCK(:name)"), {"name": lock_name(key)}).scalar()
    if ident is None:
        return None
    row = connection.execute(text(
        "SELECT USER, HOST, DB, COMMAND, TIME FROM information_schema.PROCESSLIST WHERE ID = :id"),
        {"id": ident}).first()
    if row is None:
        return f"connection id {ident}"
    user, host, db, command, seconds = row
    return f"connection id {ident} (user {user}, client {host}, database {db}, {command} for {seconds} s)"
