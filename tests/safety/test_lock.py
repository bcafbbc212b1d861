"""The migration lock: real ``mig`` processes on SQLite, PostgreSQL and MariaDB (docs/safety.md, Lock)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from .processes import DATABASE_PARAMS, DATABASES, Project, project_in, rev

COUNT = 20
PROCESSES = 8


@pytest.fixture(params=DATABASE_PARAMS)
def procs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    """A project on an empty database of each kind."""
    yield from project_in(tmp_path, request.getfixturevalue(DATABASES[request.param]))


@pytest.mark.parametrize("per_migration", [False, True], ids=["per-run", "per-migration"])
def test_concurrent_upgrades_apply_each_migration_once(procs: Project, per_migration: bool) -> None:
    procs.setup(COUNT, per_migration=per_migration)
    runs = [procs.start("upgrade", "head") for _ in range(PROCESSES)]
    results = [(p, *p.communicate(timeout=120)) for p in runs]
    for proc, out, err in results:
        assert proc.returncode == 0, f"exit {proc.returncode}\n{out}\n{err}"
    assert procs.ran() == {rev(n): 1 for n in range(1, COUNT + 1)}
    assert procs.versions() == [rev(COUNT)]


def _holder_names(procs: Project) -> set[str]:
    """How the database names the session holding the lock, found from the test's side: the
    backend holding an advisory lock in this database (PostgreSQL), the other connections to
    this database (MySQL/MariaDB; the holder's run and its lock connection)."""
    engine = procs.engine()
    name = engine.dialect.name
    with engine.connect() as conn:
        if name == "postgresql":
            pids = conn.execute(sa.text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
                "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")).scalars().all()
            found = {f"backend pid {pid}" for pid in pids}
        else:
            ids = conn.execute(sa.text(
                "SELECT id FROM information_schema.processlist WHERE db = DATABASE() "
                "AND id <> CONNECTION_ID()")).scalars().all()
            found = {f"connection id {i} " for i in ids}
    engine.dispose()
    return found


def _held(procs: Project, before: bool = False) -> tuple[Project, Any]:
    """A process inside step r02 of three, holding the lock (r01 committed, per migration)."""
    procs.setup(3, per_migration=True)
    holder = procs.start("upgrade", "head", block=rev(2), before=before)
    procs.wait_started(holder)
    return procs, holder


def test_a_second_run_waits_then_times_out_naming_the_holder(procs: Project) -> None:
    _, holder = _held(procs)
    # a run that waits (default lock_timeout, 60 s) finds everything done once the holder is through
    waiter = procs.start("upgrade", "head")
    started = time.monotonic()
    result = procs.run("upgrade", "head", "--lock-timeout", "1")
    waited = time.monotonic() - started
    assert result.returncode == 1, result
    message = result.stderr
    assert "holds the migration lock" in message
    assert "--lock-timeout" in message
    assert waited < 15
    if procs.url.startswith("sqlite"):
        assert f"pid {holder.pid}" in message
    else:
        names = _holder_names(procs)
        assert names and any(n in message for n in names), (names, message)
    # stamp and downgrade take the lock too; lock_timeout from the configuration
    toml = procs.folder / "mig.toml"
    toml.write_text(toml.read_text().replace("[mig]\n", "[mig]\nlock_timeout = 1\n", 1))
    for command in (("stamp", "head"), ("downgrade", "base")):
        result = procs.run(*command)
        assert result.returncode == 1, result
        assert "holds the migration lock" in result.stderr
        assert "waited 1 s" in result.stderr
    assert procs.versions() == [rev(1)]
    assert waiter.poll() is None
    procs.release()
    for proc in (holder, waiter):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, f"{out}\n{err}"
    assert procs.ran() == {rev(1): 1, rev(2): 1, rev(3): 1}
    assert procs.versions() == [rev(3)]


def test_no_lock_runs_beside_a_holder(procs: Project) -> None:
    _, holder = _held(procs, before=True)
    # the holder waits before r02's DDL: a run without the lock applies r02 and r03 beside it
    # (what --no-lock risks: the holder, let go, would apply r02 again)
    result = procs.run("upgrade", "head", "--no-lock", "--lock-timeout", "1")
    assert result.returncode == 0, result
    assert procs.versions() == [rev(3)]
    procs.kill(holder)


def test_the_lock_is_held_until_the_run_transaction_commits(procs: Project) -> None:
    """env.py may work on inside its transaction after run_migrations(): the lock waits for the commit."""
    _lock_held_until_commit(procs, env_begins=False)


# Not MySQL/MariaDB: mig runs one transaction per migration there, which a transaction env.py
# holds open itself (engine.begin()) does not allow.
@pytest.mark.parametrize("procs", DATABASE_PARAMS[:2], indirect=True)
def test_the_lock_is_held_until_env_py_own_transaction_commits(procs: Project) -> None:
    """env.py's own engine.begin() around run_migrations(): the lock waits for its commit."""
    _lock_held_until_commit(procs, env_begins=True)


def _lock_held_until_commit(procs: Project, env_begins: bool) -> None:
    procs.setup(3, env_begins=env_begins)
    holder = procs.start("upgrade", "head", block=rev(2), env={"TEST_SLOW_COMMIT": "1"})
    procs.wait_started(holder)
    waiter = procs.start("upgrade", "head")
    time.sleep(0.5)
    procs.release()
    for proc in (holder, waiter):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, f"{out}\n{err}"
    assert procs.ran() == {rev(1): 1, rev(2): 1, rev(3): 1}
    assert procs.versions() == [rev(3)]


def test_offline_sql_has_no_lock_statement(procs: Project) -> None:
    procs.setup(2)
    result = procs.run("upgrade", "head", "--sql")
    assert result.returncode == 0, result
    assert "INSERT INTO ran" in result.stdout
    for word in ("advisory", "GET_LOCK", "RELEASE_LOCK", "mig-lock"):
        assert word.lower() not in result.stdout.lower()


@pytest.mark.postgresql
def test_create_index_concurrently_under_the_lock(tmp_path: Path, mig_postgresql_clean_database: str) -> None:
    for project in project_in(tmp_path, mig_postgresql_clean_database):
        project.setup(1)
        versions = project.folder / "migrations" / "versions"
        (versions / "r02_index.py").write_text(
            '"""index"""\n'
            "from mig import op\n\n"
            "revision = 'r02'\ndown_revision = 'r01'\nbranch_labels = None\ndepends_on = None\n\n\n"
            "def upgrade() -> None:\n"
            "    op.execute(\"INSERT INTO ran (revision) VALUES ('r02')\")\n"
            "    with op.get_context().autocommit_block():\n"
            "        op.create_index('ix_t1_id', 't1', ['id'], postgresql_concurrently=True)\n"
            "    op.execute(\"INSERT INTO ran (revision) VALUES ('r02b')\")\n\n\n"
            "def downgrade() -> None:\n"
            "    op.drop_index('ix_t1_id', 't1')\n")
        runs = [project.start("upgrade", "head") for _ in range(3)]
        for proc in runs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, f"{out}\n{err}"
        engine = project.engine()
        with engine.connect() as conn:
            indexes = [ix["name"] for ix in sa.inspect(conn).get_indexes("t1")]
        engine.dispose()
        assert indexes == ["ix_t1_id"]
        assert project.ran() == {"r01": 1, "r02": 1, "r02b": 1}
        assert project.versions() == ["r02"]
