"""SQLite's migration lock: an operating-system lock on a file beside the database.

SQLite has no lock that outlives a transaction, and a run with
``transaction_per_migration`` commits between its steps, so the lock is an
exclusive ``flock`` on ``<database file>.mig-lock``. The operating system
drops it the moment the holding process exits, however it exits. The holder
writes its pid, host and start time into the file, which is what the error
message of a waiting run quotes, and removes the file when it lets go (a
killed run leaves it behind, unlocked: the next run takes it over). A run
that waited on a file its holder removed meanwhile opens the new one, so two
runs never hold locks on two files of one name. An in-memory database needs
no lock (no other process can see it).
"""

from __future__ import annotations

import contextlib
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

    deadline = time.monotonic() + timeout
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            if time.monotonic() >= deadline:
                return None
            time.sleep(POLL_SECONDS)
            continue
        if _still_there(fd, path):
            break
        os.close(fd)  # the holder removed this file as it let go: take the one now there
    started = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"pid {os.getpid()} on host {socket.gethostname()} since {started}\n".encode(), 0)
    return FileLock(fd, path)


def _still_there(fd: int, path: str) -> bool:
    """Whether ``path`` is still the file ``fd`` has open (the holder before may have removed it)."""
    try:
        here = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino)


def release(handle: FileLock) -> None:
    """Remove the lock file, then let go of the lock (whoever waits on the removed file opens a new one)."""
    if handle.fd is None:
        return
    import fcntl

    try:
        if handle.path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(handle.path)
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
