"""Crash safety: ``mig upgrade`` killed (SIGKILL) inside a step, on SQLite, PostgreSQL and MariaDB.

Afterwards ``mig current`` tells the truth, the lock is free at once (the
database or the operating system drops a dead holder's lock; no timeout
runs out), and ``mig upgrade head`` finishes the job (docs/safety.md, Crash
safety).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .processes import DATABASE_PARAMS, DATABASES, Project, project_in, rev


@pytest.fixture(params=DATABASE_PARAMS)
def procs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Project]:
    url: str = request.getfixturevalue(DATABASES[request.param])
    yield from project_in(tmp_path, url)


@pytest.mark.parametrize("per_migration", [False, True], ids=["per-run", "per-migration"])
@pytest.mark.parametrize("when", ["before-ddl", "after-ddl"])
def test_killed_inside_a_step(procs: Project, per_migration: bool, when: str) -> None:
    procs.setup(3, per_migration=per_migration)
    holder = procs.start("upgrade", "head", block=rev(2), before=when == "before-ddl")
    procs.wait_started(holder)
    procs.kill(holder)
    mysql = procs.url.startswith("mysql")

    current = procs.run("current")
    assert current.returncode == 0, current
    if mysql:
        # no transactional DDL: every migration commits by itself; r02's DDL may have stayed
        assert procs.versions() == [rev(1)]
        assert current.stdout.split() == [rev(1)]
        assert "upgrade r02 did not finish" in current.stderr, current.stderr
        assert ("t2" in procs.tables()) == (when == "after-ddl")
        assert procs.ran() == {rev(1): 1}  # the row r02 inserted rolled back with its transaction
    else:
        # nothing of the killed step remains; with one transaction per run, nothing of the run
        expected = [rev(1)] if per_migration else []
        assert procs.versions() == expected
        assert current.stdout.split() == expected
        assert "did not finish" not in current.stderr
        assert "t2" not in procs.tables()
        assert procs.ran() == ({rev(1): 1} if per_migration else {})

    # the lock died with its holder: a run with a short timeout gets it at once
    started = time.monotonic()
    result = procs.run("upgrade", "head", "--lock-timeout", "2")
    assert result.returncode == 0, result
    assert time.monotonic() - started < 15
    assert procs.versions() == [rev(3)]
    assert procs.ran() == {rev(1): 1, rev(2): 1, rev(3): 1}
    assert {"t1", "t2", "t3"} <= procs.tables()
    after = procs.run("current")
    assert after.returncode == 0, after
    assert after.stdout.split() == [rev(3), "(head)"]
    assert "did not finish" not in after.stderr


def test_killed_waiter_leaves_the_holder_alone(procs: Project) -> None:
    """A run killed while it waits for the lock changes nothing; the holder finishes."""
    procs.setup(2, per_migration=True)
    holder = procs.start("upgrade", "head", block=rev(1))
    procs.wait_started(holder)
    waiter = procs.start("upgrade", "head")
    time.sleep(1.0)
    assert waiter.poll() is None
    procs.kill(waiter)
    procs.release()
    out, err = holder.communicate(timeout=60)
    assert holder.returncode == 0, f"{out}\n{err}"
    assert procs.ran() == {rev(1): 1, rev(2): 1}
    assert procs.versions() == [rev(2)]


SLOW = '''"""step 2, with a slow statement"""
import os

import sqlalchemy as sa

from mig import op

revision = "r02"
down_revision = "r01"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE IF NOT EXISTS t2 (id INTEGER)")
    op.execute(sa.text("INSERT INTO ran (revision) VALUES (:r)").bindparams(r=revision))
    if os.environ.get("TEST_SLOW") == "1":
        with open(os.path.join(os.environ["TEST_BLOCK_DIR"], "started"), "w") as f:
            f.write(str(os.getpid()))
        name = op.get_bind().dialect.name
        op.execute("SELECT pg_sleep(4)" if name == "postgresql" else "SELECT SLEEP(4)")


def downgrade() -> None:
    op.execute("DROP TABLE t2")
'''


@pytest.mark.parametrize("per_migration", [False, True], ids=["per-run", "per-migration"])
def test_killed_inside_a_slow_statement(procs: Project, per_migration: bool) -> None:
    """Killed while the server runs the step's statement (pg_sleep / SLEEP): the server may go on
    with it for a while, but it rolls back what it can, and the next run applies each step once."""
    if procs.url.startswith("sqlite"):
        pytest.skip("SQLite runs statements inside the process: test_killed_inside_a_step covers it")
    procs.setup(3, per_migration=per_migration)
    (procs.folder / "migrations" / "versions" / "r02_step.py").write_text(SLOW)
    holder = procs.start("upgrade", "head", env={"TEST_SLOW": "1"})
    procs.wait_started(holder)
    procs.kill(holder)
    result = procs.run("upgrade", "head", "--lock-timeout", "2")
    assert result.returncode == 0, result
    assert procs.versions() == [rev(3)]
    assert procs.ran() == {rev(1): 1, rev(2): 1, rev(3): 1}
    after = procs.run("current")
    assert after.stdout.split() == [rev(3), "(head)"]
    assert "did not finish" not in after.stderr
