"""A project of N migrations for the lock and crash tests, run by real ``mig`` processes.

Every migration inserts a row naming itself into a ``ran`` table (created by
the test, without a key, so a migration applied twice shows as two rows) and
creates a table ``t<n>``. A migration named by ``TEST_BLOCK_REV`` first runs
its DDL (unless ``TEST_BLOCK_WHEN=before``), then writes
``<TEST_BLOCK_DIR>/started`` and waits until ``<TEST_BLOCK_DIR>/go`` exists:
the test then knows the process is inside that step, holding the lock, and
can make a second process wait for it or kill the first.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

MIG = Path(sys.executable).parent / "mig"

MIGRATION = '''"""step {n}"""
import os
import time

import sqlalchemy as sa

from mig import op

revision = {revision!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def _block() -> None:
    folder = os.environ["TEST_BLOCK_DIR"]
    with open(os.path.join(folder, "started"), "w") as f:
        f.write(str(os.getpid()))
    while not os.path.exists(os.path.join(folder, "go")):
        time.sleep(0.05)


def upgrade() -> None:
    block = os.environ.get("TEST_BLOCK_REV") == revision
    if block and os.environ.get("TEST_BLOCK_WHEN") == "before":
        _block()
    op.execute("CREATE TABLE IF NOT EXISTS t{n} (id INTEGER)")
    op.execute(sa.text("INSERT INTO ran (revision) VALUES (:r)").bindparams(r=revision))
    if block and os.environ.get("TEST_BLOCK_WHEN") != "before":
        _block()


def downgrade() -> None:
    op.execute("DROP TABLE t{n}")
'''


def rev(n: int) -> str:
    return f"r{n:02d}"


class Project:
    """A project folder with migrations ``r01`` ... ``rNN`` on the database ``url``."""

    def __init__(self, folder: Path, url: str) -> None:
        self.folder = folder
        self.url = url
        self.block_dir = folder / "block"
        self.block_dir.mkdir()
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("MIG_", "TEST_BLOCK"))}
        self.env["PYTHONWARNINGS"] = "ignore"
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.env["TEST_BLOCK_DIR"] = str(self.block_dir)
        self._procs: list[subprocess.Popen[str]] = []

    def setup(self, count: int, *, per_migration: bool = False, env_begins: bool = False) -> None:
        """``mig init`` and ``count`` migrations; ``env_begins``: env.py runs the migrations in a
        transaction of its own (``engine.begin()``) instead of ``context.begin_transaction()``."""
        subprocess.run([str(MIG), "init", "migrations"], cwd=self.folder, env=self.env, check=True,
                       capture_output=True)
        toml = self.folder / "mig.toml"
        text = toml.read_text().replace('url = "sqlite:///mig.db"', f'url = "{self.url}"')
        if per_migration:
            text += "transaction_per_migration = true\n"
        toml.write_text(text)
        env_py = self.folder / "migrations" / "env.py"
        # TEST_SLOW_COMMIT=<seconds>: env.py works on after run_migrations(), inside its transaction
        env_py.write_text(env_py.read_text().replace(
            "                context.run_migrations()\n",
            "                context.run_migrations()\n"
            "                import os, time; time.sleep(float(os.environ.get('TEST_SLOW_COMMIT', 0)))\n"))
        if env_begins:
            text = env_py.read_text()
            for before, after in (("with engine.connect() as connection:", "with engine.begin() as connection:"),
                                  ("with context.begin_transaction():\n                context.run_migrations()",
                                   "if True:\n                context.run_migrations()")):
                assert before in text
                text = text.replace(before, after)
            env_py.write_text(text)
        versions = self.folder / "migrations" / "versions"
        for n in range(1, count + 1):
            down = rev(n - 1) if n > 1 else None
            (versions / f"{rev(n)}_step.py").write_text(MIGRATION.format(n=n, revision=rev(n), down=down))
        engine = self.engine()
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE ran (revision VARCHAR(32) NOT NULL)"))
        engine.dispose()

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.url, poolclass=sa.pool.NullPool)

    def start(self, *args: str, block: str | None = None, before: bool = False,
              env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        """Start ``mig *args``; with ``block``, that step waits for :meth:`release` (``before``:
        before its DDL, else after it)."""
        env = {**self.env, **(env or {})}
        if block is not None:
            env["TEST_BLOCK_REV"] = block
            if before:
                env["TEST_BLOCK_WHEN"] = "before"
        proc = subprocess.Popen([str(MIG), *args], cwd=self.folder, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._procs.append(proc)
        return proc

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(MIG), *args], cwd=self.folder, env=self.env, text=True,
                              capture_output=True, timeout=timeout)

    def wait_started(self, proc: subprocess.Popen[str], timeout: float = 30) -> None:
        """Wait until ``proc`` is inside its blocking step."""
        deadline = time.monotonic() + timeout
        while not (self.block_dir / "started").exists():
            if proc.poll() is not None:
                out, err = proc.communicate()
                pytest.fail(f"the blocking process ended early ({proc.returncode}):\n{out}\n{err}")
            if time.monotonic() > deadline:
                pytest.fail("the blocking process never reached its step")
            time.sleep(0.05)
        time.sleep(0.1)

    def release(self) -> None:
        (self.block_dir / "go").write_text("")

    def kill(self, proc: subprocess.Popen[str]) -> None:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)

    def ran(self) -> dict[str, int]:
        engine = self.engine()
        with engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT revision, COUNT(*) FROM ran GROUP BY revision")).all()
        engine.dispose()
        return {r: int(c) for r, c in rows}

    def versions(self) -> list[str]:
        engine = self.engine()
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("mig_version"):
                return []
            rows = conn.execute(sa.text("SELECT version_num FROM mig_version")).scalars().all()
        engine.dispose()
        return sorted(rows)

    def tables(self) -> set[str]:
        engine = self.engine()
        with engine.connect() as conn:
            names = set(sa.inspect(conn).get_table_names())
        engine.dispose()
        return names

    def close(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=30)


#: The ``mig.testing`` fixture that gives each kind of database its empty database.
DATABASES = {"sqlite": "mig_sqlite_url", "postgresql": "mig_postgresql_clean_database",
             "mysql": "mig_mysql_clean_database"}

#: ``params`` of a fixture parametrised over the three databases.
DATABASE_PARAMS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                   pytest.param("mysql", marks=pytest.mark.mysql)]


def project_in(tmp_path: Path, url: str) -> Iterator[Project]:
    """The body of a fixture: a :class:`Project` in ``tmp_path``, its processes killed afterwards."""
    folder = tmp_path / "procs"
    folder.mkdir()
    p = Project(folder, url)
    try:
        yield p
    finally:
        p.close()
