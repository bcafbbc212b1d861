"""The lock step of a run (mig.runtime.lock) on SQLite: re-entrant, bounded, and loud without a dialect lock."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig.ddl.impl import DialectImpl
from mig.errors import ConfigError, LockError
from mig.runtime import lock
from mig.runtime.migration import MigrationContext


def _context(url: str, **opts: object) -> tuple[sa.Engine, sa.Connection, MigrationContext]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    connection = engine.connect()
    return engine, connection, MigrationContext.configure(connection, opts=opts)


def test_lock_is_reentrant_and_a_second_context_times_out_naming_this_process(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    _, first, ctx = _context(url)
    _, second, other = _context(url, lock_timeout=0)
    try:
        with lock.migration_lock(ctx), lock.migration_lock(ctx):
            assert (tmp_path / "db.sqlite.mig-lock").read_text().startswith(f"pid {os.getpid()} on host ")
            with pytest.raises(LockError) as err, lock.migration_lock(other):
                pass
            assert f"holds the migration lock (mig:{tmp_path / 'db.sqlite'}::mig_version)" in str(err.value)
            assert f"pid {os.getpid()} on host" in str(err.value)
            assert "waited 0 s" in str(err.value)
        with lock.migration_lock(other):  # let go: the other context gets it at once
            pass
        assert not (tmp_path / "db.sqlite.mig-lock").exists()  # removed when let go
    finally:
        first.close()
        second.close()


def test_offline_and_memory_databases_take_no_lock(tmp_path: Path) -> None:
    _, connection, ctx = _context("sqlite://")
    try:
        assert lock.lock_wanted(ctx, True)
        with lock.migration_lock(ctx):
            pass
    finally:
        connection.close()
    offline = MigrationContext.configure(dialect_name="sqlite", opts={"as_sql": True})
    assert not lock.lock_wanted(offline, True)
    assert list(tmp_path.iterdir()) == []


def test_a_dialect_without_a_lock_warns_once(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock, "_warned", set())
    _, connection, ctx = _context(f"sqlite:///{tmp_path / 'db.sqlite'}", impl_class=DialectImpl)
    try:
        with caplog.at_level(logging.WARNING, logger="mig.runtime"):
            for _ in range(2):
                with lock.migration_lock(ctx):
                    pass
    finally:
        connection.close()
    warnings = [r.getMessage() for r in caplog.records if "no migration lock" in r.getMessage()]
    assert warnings == ["no migration lock on sqlite: mig's dialect for it implements none, so runs that "
                        "start at the same time may apply a migration twice; run one `mig upgrade` at a time"]
    assert not (tmp_path / "db.sqlite.mig-lock").exists()


@pytest.mark.parametrize(("value", "message"), [
    ("soon", "lock_timeout = 'soon' is not a number of seconds"),
    (-1, "lock_timeout = -1 is negative"),
])
def test_a_bad_lock_timeout_is_a_config_error(value: object, message: str) -> None:
    _, connection, ctx = _context("sqlite://", lock_timeout=value)
    try:
        with pytest.raises(ConfigError, match=message):
            lock.lock_timeout(ctx)
    finally:
        connection.close()


@pytest.mark.parametrize("database", ["sqlite", "postgresql", "mysql"])
def test_the_lock_depth_is_a_field_of_the_context_and_an_error_lets_the_lock_go(
        request: pytest.FixtureRequest, tmp_path: Path, database: str) -> None:
    """``MigrationContext._lock_depth`` counts the open ``migration_lock`` blocks; the outermost
    takes the lock, an exception inside nested blocks leaves the depth at 0 and the lock free."""
    if database == "sqlite":
        url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    else:
        url = request.getfixturevalue(f"mig_{database}_clean_database")
    _, first, ctx = _context(url, lock_timeout=0)
    _, second, other = _context(url, lock_timeout=0)
    try:
        assert ctx._lock_depth == 0
        with pytest.raises(RuntimeError, match="inside"):
            with lock.migration_lock(ctx):
                assert ctx._lock_depth == 1
                with lock.migration_lock(ctx):
                    assert ctx._lock_depth == 2
                    with pytest.raises(LockError), lock.migration_lock(other):
                        pass
                    assert other._lock_depth == 0
                    raise RuntimeError("inside")
        assert ctx._lock_depth == 0
        with lock.migration_lock(other):  # released: the other context gets it at once
            assert other._lock_depth == 1
            with pytest.raises(LockError), lock.migration_lock(ctx):  # and this one takes it anew
                pass
    finally:
        first.close()
        second.close()
