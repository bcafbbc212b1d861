"""SQLite's migration lock: an operating-system lock on a file beside the database.

SQLite has no lock that outlives a transaction, and a run with
``transaction_per_migration`` commits between its steps, so the lock is an
exclusive ``flock`` on ``<database file>.mig-lock``. The operating system
drops it the moment the holding process exits, however it exits. The holder
writes its pid, host and start time into the file, which is what the error
message of a waiting run quotes. An in-memory database needs no lock (no
other process can see it).
"""

from __future__ import annotations

import os
import socket
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

POLL_SECONDS = 0.05


@dataclass
class FileLock:
    """A held lock: the open lock file (``None`` for an in-memory database)."""

    fd: int | None
    path: str | None


def lock_path(database: str | None) -> str | None:
    """``<database>.mig-lock`` for a database file; ``None`` for an in-memory database."""
    if not database or database == ":memory:" or "mode=memory" in database:
        return None
    if database.startswith("file:"):
        database = database[len("file:"):].split("?", 1)[0]
    return os.path.abspath(database) + ".mig-lock"


def acquire(database: str | None, timeout: float) -> Any:
    """Take the lock (polling), ``None`` when ``timeout`` ran out, ``NotImplemented`` without ``fcntl``."""
    path = lock_path(database)
    if path is None:
        return FileLock(None, None)
    if sys.platform == "win32":  # pragma: no cover - no flock there
        return NotImplemented
    import fcntl

    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                return None
            time.sleep(POLL_SECONDS)
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()} on host {socket.gethostname()} since {started}\n".encode(), 0)
    return FileLock(fd, path)


def release(handle: FileLock) -> None:
    if handle.fd is None:
        return
    import fcntl

    try:
        os.ftruncate(handle.fd, 0)
        fcntl.flock(handle.fd, fcntl.LOCK_UN)
    finally:
        os.close(handle.fd)
        handle.fd = None


def holder(database: str | None) -> str | None:
    """What the holder wrote into the lock file (its pid, host and start time)."""
    path = lock_path(database)
    if path is None:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read().strip()
    except OSError:
        return None
    return f"{text} (lock file {path})" if text else f"lock file {path}"
