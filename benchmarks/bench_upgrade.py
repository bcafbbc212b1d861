"""``mig upgrade head`` vs ``alembic upgrade head`` as users run them, with raw SQL beside them.

A generated linear chain of revisions (each creates a small table, adds a
column, creates an index or inserts a row) is written twice, as an Alembic
project (``alembic.ini``) and as a mig project (``mig.toml``) whose scripts
and ``env.py`` differ only in ``alembic`` -> ``mig``. Each round, interleaved
(odd rounds in reverse order), on a fresh database:

- ``mig``: the ``mig upgrade head`` command, a whole process, progress
  output on (the default);
- ``alembic``: the ``alembic upgrade head`` command, a whole process;
- ``raw``: the statements of the run (mig's ``--sql`` output, which
  ``test_offline`` checks against what runs online), executed in-process by
  the database's driver in one transaction, timed from connect to commit
  (SQLite: ``executescript``; PostgreSQL and MariaDB: one ``execute`` per
  statement). It is the floor: no Python tool, no interpreter start-up.

Databases: a SQLite file (always), and PostgreSQL and MariaDB when
``--servers`` is given (URLs from ``MIG_TEST_POSTGRESQL_URL`` /
``MIG_TEST_MYSQL_URL``, defaulting to the local servers; a scratch database
``mig_bench`` is dropped and created before every measurement). The offline
part times ``upgrade base:head --sql`` for both tools on a larger chain.

Bytecode caches are warm for both tools, as on users' machines: the children
run without ``PYTHONDONTWRITEBYTECODE`` and an untimed warm-up run per tool
writes the ``.pyc`` files. Medians of at least 9 rounds are reported, with the
ratios mig/Alembic and mig/raw.

    uv run python benchmarks/bench_upgrade.py [--revisions 1000] [--sql-revisions 5000]
                                              [--rounds 9] [--servers] [--only online|sql]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent

ENV_PY = '''\
from sqlalchemy import engine_from_config, pool
from alembic import context

config = context.config


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True,
                      dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

SCRIPT = '''\
"""step {n}

Revision ID: {rev}
Revises: {down}
"""
import sqlalchemy as sa
from {tool} import op

revision = {rev!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
{upgrade}


def downgrade():
    pass
'''


def _rev(n: int) -> str:
    return f"{n:012x}"


def _body(n: int) -> str:
    base = n - n % 4
    table = f"t_{base}"
    kind = n % 4
    if kind == 0:
        return (f'op.create_table("{table}", sa.Column("id", sa.Integer, primary_key=True),\n'
                f'                sa.Column("name", sa.String(50), nullable=False),\n'
                f'                sa.Column("created", sa.DateTime))')
    if kind == 1:
        return f'op.add_column("{table}", sa.Column("extra", sa.Integer, server_default="0"))'
    if kind == 2:
        return f'op.create_index("ix_{table}_name", "{table}", ["name"])'
    return f'op.execute("INSERT INTO {table} (id, name) VALUES (1, \'row {n}\')")'


def generate(root: Path, revisions: int, url: str) -> dict[str, Path]:
    """Write the Alembic and the mig project for ``url`` under ``root``; return their folders."""
    projects = {}
    for tool in ("alembic", "mig"):
        folder = root / tool
        versions = folder / "migrations" / "versions"
        versions.mkdir(parents=True)
        env = ENV_PY if tool == "alembic" else ENV_PY.replace("from alembic", "from mig")
        (folder / "migrations" / "env.py").write_text(env)
        for n in range(revisions):
            down = _rev(n - 1) if n else None
            (versions / f"{_rev(n)}_step_{n}.py").write_text(SCRIPT.format(
                n=n, rev=_rev(n), down=down, tool=tool, upgrade=textwrap.indent(_body(n), "    ")))
        if tool == "mig":
            (folder / "mig.toml").write_text(f'[mig]\nscript_location = "migrations"\nurl = "{url}"\n')
        else:
            (folder / "alembic.ini").write_text(
                f"[alembic]\nscript_location = migrations\nsqlalchemy.url = {url}\n")
        projects[tool] = folder
    return projects


def child_env() -> dict[str, str]:
    """The children's environment: bytecode caches allowed (warm after the first run)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("MIG_URL", None)
    return env


def run_command(tool: str, folder: Path, args: list[str]) -> float:
    """Run ``tool args`` in ``folder`` as a fresh process; returns its wall-clock time."""
    start = time.perf_counter()
    done = subprocess.run([str(BIN / tool), *args], cwd=folder, env=child_env(),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{tool} {' '.join(args)} failed in {folder}:\n{done.stderr[-2000:]}")
    return elapsed


RAW_CHILD = r"""
import sys, time
kind, url, path = sys.argv[1:4]
sql = "\n".join(line for line in open(path).read().splitlines() if not line.startswith("-- "))
statements = [part.strip().rstrip(";") for part in sql.split(";\n\n") if part.strip()]
statements = [s for s in statements if s.upper() not in ("BEGIN", "COMMIT")]
if kind == "sqlite":
    import sqlite3
    script = "BEGIN;\n" + ";\n".join(statements) + ";\nCOMMIT;"
    start = time.perf_counter()
    conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    conn.executescript(script)
    conn.close()
else:
    from sqlalchemy.engine import make_url
    u = make_url(url)
    if kind == "postgresql":
        import psycopg
        start = time.perf_counter()
        conn = psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database)
    else:
        import pymysql
        start = time.perf_counter()
        conn = pymysql.connect(host=u.host, port=u.port or 3306, user=u.username,
                               password=u.password or "", database=u.database)
    cur = conn.cursor()
    for statement in statements:
        cur.execute(statement)
    conn.commit()
    conn.close()
print(time.perf_counter() - start)
"""


def run_raw(kind: str, url: str, script: Path) -> float:
    out = subprocess.run([sys.executable, "-c", RAW_CHILD, kind, url, str(script)], check=True,
                         capture_output=True, text=True, env=child_env())
    return float(out.stdout.strip().splitlines()[-1])


class Database:
    """One database kind of the benchmark: its URL and how to start each measurement afresh."""

    def __init__(self, kind: str, url: str, root: Path) -> None:
        self.kind = kind
        self.root = root
        if kind == "sqlite":
            self.url = f"sqlite:///{root / 'bench.db'}"
        else:
            from sqlalchemy.engine import make_url

            self.server = make_url(url)
            self.url = self.server.set(database="mig_bench").render_as_string(hide_password=False)

    def reset(self) -> None:
        if self.kind == "sqlite":
            Path(self.url.removeprefix("sqlite:///")).unlink(missing_ok=True)
            return
        import sqlalchemy as sa

        engine = sa.create_engine(self.server, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.exec_driver_sql("DROP DATABASE IF EXISTS mig_bench")
            conn.exec_driver_sql("CREATE DATABASE mig_bench")
        engine.dispose()

    def check(self, version_table: str, revisions: int) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(self.url)
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            version = conn.exec_driver_sql(f"SELECT version_num FROM {version_table}").fetchall()
        engine.dispose()
        assert len(tables) == (revisions + 3) // 4 + 1, sorted(tables)
        assert [tuple(v) for v in version] == [(_rev(revisions - 1),)], version


def interleave(contestants: dict[str, Callable[[], float]], rounds: int,
               before: Callable[[], None]) -> dict[str, list[float]]:
    """Time each contestant ``rounds`` times, interleaved; ``before`` runs untimed before each."""
    for run in contestants.values():  # warm-up: .pyc files, the OS's caches
        before()
        run()
    times: dict[str, list[float]] = {name: [] for name in contestants}
    order = list(contestants.items())
    for round_ in range(rounds):
        for name, run in (order if round_ % 2 == 0 else order[::-1]):
            before()
            times[name].append(run())
    return times


def report(label: str, times: dict[str, list[float]]) -> dict[str, float]:
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(label)
    for name, values in times.items():
        print(f"  {name:8} median {medians[name]:7.3f} s  (min {min(values):.3f}, max {max(values):.3f})")
    if "alembic" in medians:
        print(f"  mig/alembic {medians['mig'] / medians['alembic']:.3f}x")
    if "raw" in medians:
        print(f"  mig/raw     {medians['mig'] / medians['raw']:.2f}x")
    return medians


def online(kind: str, url: str, root: Path, revisions: int, rounds: int) -> dict[str, float]:
    db = Database(kind, url, root)
    projects = generate(root, revisions, db.url)
    script = root / "script.sql"
    with script.open("w") as fh:
        subprocess.run([str(BIN / "mig"), "upgrade", "head", "--sql"], cwd=projects["mig"], env=child_env(),
                       stdout=fh, check=True)
    for tool, table in (("mig", "mig_version"), ("alembic", "alembic_version")):
        db.reset()
        run_command(tool, projects[tool], ["upgrade", "head"])
        db.check(table, revisions)
    times = interleave({
        "alembic": lambda: run_command("alembic", projects["alembic"], ["upgrade", "head"]),
        "mig": lambda: run_command("mig", projects["mig"], ["upgrade", "head"]),
        "raw": lambda: run_raw(kind, db.url, script),
    }, rounds, db.reset)
    return report(f"upgrade head, {revisions} revisions, {kind}", times)


def offline(root: Path, revisions: int, rounds: int) -> dict[str, float]:
    projects = generate(root, revisions, "sqlite:///offline.db")
    times = interleave({
        tool: (lambda tool=tool: run_command(tool, projects[tool], ["upgrade", "base:head", "--sql"]))
        for tool in ("alembic", "mig")
    }, rounds, lambda: None)
    return report(f"upgrade base:head --sql, {revisions} revisions", times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--revisions", type=int, default=1000)
    parser.add_argument("--sql-revisions", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--servers", action="store_true", help="also PostgreSQL and MariaDB")
    parser.add_argument("--only", choices=("online", "sql"))
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    ns = parser.parse_args()
    rounds = max(ns.rounds, 9)
    print(f"{rounds} interleaved rounds, bytecode caches warm, Python {sys.version.split()[0]}")
    root = Path(tempfile.mkdtemp(prefix="mig-bench-upgrade-"))
    ok = True
    try:
        if ns.only != "sql":
            medians = online("sqlite", "", root / "sqlite", ns.revisions, rounds)
            ok &= medians["mig"] <= 0.5 * medians["alembic"]
            if ns.servers:
                pg = os.environ.get("MIG_TEST_POSTGRESQL_URL") or "postgresql+psycopg://root@127.0.0.1:5432/test"
                my = os.environ.get("MIG_TEST_MYSQL_URL") or "mysql+pymysql://root:@127.0.0.1:3306/test"
                online("postgresql", pg, root / "postgresql", ns.revisions, rounds)
                online("mysql", my, root / "mysql", ns.revisions, rounds)
        if ns.only != "online":
            offline(root / "offline", ns.sql_revisions, rounds)
    finally:
        if ns.keep:
            print(f"projects kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
