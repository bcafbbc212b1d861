"""``mig check`` vs ``alembic check`` on a large model, with SQLAlchemy's own reflection beside them.

A model of ``--tables`` tables (default 1,000; each with a primary key, a
``NOT NULL`` string, a numeric, a timestamp, a foreign key to the table
before it and an index) is created in a fresh database with
``metadata.create_all()``; the models the tools compare against add a column
to every tenth table, so both find ``tables / 10`` differences and exit
non-zero. Both projects have no revisions (the empty database is at their
head) and the same ``env.py`` apart from ``alembic`` -> ``mig``; each tool
runs with its defaults (mig also compares server defaults, Alembic does not).

Contestants, timed as whole processes, interleaved (odd rounds reversed):

- ``mig``: ``mig check``;
- ``alembic``: ``alembic check``;
- ``reflect``: a Python process that imports SQLAlchemy, connects and runs
  ``MetaData().reflect()`` of the database (the floor: reading the schema,
  with no comparison, no models and no tool). Its in-process time (connect to
  done) is printed too.
- ``models``: a Python process that imports SQLAlchemy and the models and
  connects, nothing else: what both tools pay before they read the database.

Then, in one process that has imported the models, ``MetaData().reflect()``,
mig's ``compare_metadata()`` and Alembic's ``compare_metadata()`` are timed
interleaved: the comparison engines against each other and against the
reflection they are built on, without the start-up and the import of the
models that both commands pay.

Databases: PostgreSQL (the target: mig <= 0.33x Alembic and <= 1.5x
``reflect``), SQLite and MariaDB reported. URLs from
``MIG_TEST_POSTGRESQL_URL`` / ``MIG_TEST_MYSQL_URL`` (default: the local
servers); a scratch database ``mig_bench_check`` is created once per kind.
Bytecode caches are warm (no ``PYTHONDONTWRITEBYTECODE``; an untimed warm-up
run per contestant). Medians of at least 9 rounds.

    uv run python benchmarks/bench_check.py [--tables 1000] [--rounds 9] [--only postgresql,sqlite,mysql]

``--tables 50 --rounds 9`` is a quick run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent

MODELS = '''\
import os

import sqlalchemy as sa

TABLES = int(os.environ["BENCH_TABLES"])
DRIFT = os.environ.get("BENCH_DRIFT", "1") == "1"

metadata = sa.MetaData()
for i in range(TABLES):
    columns = [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("amount", sa.Numeric(10, 2)),
        sa.Column("created", sa.DateTime),
        sa.Column("parent_id", sa.Integer, *([sa.ForeignKey(f"t{i - 1}.id")] if i else [])),
    ]
    if DRIFT and i % 10 == 0:
        columns.append(sa.Column("extra", sa.Integer))
    table = sa.Table(f"t{i}", metadata, *columns)
    sa.Index(f"ix_t{i}_name", table.c.name)
'''

ENV_PY = '''\
import os
import sys

from sqlalchemy import engine_from_config, pool
from alembic import context

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from models import metadata  # noqa: E402

config = context.config


def run_migrations_online():
    connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                     prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
'''

REFLECT_CHILD = r"""
import sys, time
import sqlalchemy as sa
start = time.perf_counter()
engine = sa.create_engine(sys.argv[1])
with engine.connect() as conn:
    md = sa.MetaData()
    md.reflect(conn)
assert len(md.tables) >= int(sys.argv[2]), sorted(md.tables)
print(time.perf_counter() - start)
"""


MODELS_CHILD = r"""
import sys
import sqlalchemy as sa
sys.path.insert(0, sys.argv[2])
from models import metadata
sa.create_engine(sys.argv[1]).connect().close()
"""


ENGINE_CHILD = r"""
import json, os, statistics, sys, time
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata as alembic_compare_metadata
from alembic.runtime.migration import MigrationContext
from mig_autogen import compare_metadata
sys.path.insert(0, sys.argv[3])
from models import metadata
engine = sa.create_engine(sys.argv[1])
rounds = int(sys.argv[2])
expected = (len(metadata.tables) + 9) // 10
times = {"reflect": [], "compare": [], "alembic_compare": []}
def reflect():
    with engine.connect() as conn:
        sa.MetaData().reflect(conn)
def compare():
    with engine.connect() as conn:
        ops = compare_metadata(conn, metadata, include_name=lambda n, t, p: n != "alembic_version")
        assert len(ops) == expected, [op.describe() for op in ops]
def alembic_compare():
    with engine.connect() as conn:
        diffs = alembic_compare_metadata(MigrationContext.configure(conn), metadata)
        assert len(diffs) == expected, diffs
contestants = [("reflect", reflect), ("compare", compare), ("alembic_compare", alembic_compare)]
for _, fn in contestants:
    fn()
for i in range(rounds):
    for name, fn in (contestants if i % 2 == 0 else contestants[::-1]):
        start = time.perf_counter()
        fn()
        times[name].append(time.perf_counter() - start)
print(json.dumps({k: statistics.median(v) for k, v in times.items()}))
"""


def engine_only(url: str, tables: int, rounds: int, folder: Path) -> dict[str, float]:
    """In one process, models imported: ``MetaData().reflect()``, mig's ``compare_metadata()`` and Alembic's
    ``compare_metadata()``, interleaved."""
    import json

    done = subprocess.run([sys.executable, "-c", ENGINE_CHILD, url, str(rounds), str(folder)],
                          capture_output=True, text=True, env=child_env(tables))
    if done.returncode:
        raise SystemExit(f"the in-process comparison failed:\n{done.stderr[-3000:]}")
    medians: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return medians


def child_env(tables: int) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("MIG_URL", None)
    env["BENCH_TABLES"] = str(tables)
    return env


def generate(root: Path, url: str) -> dict[str, Path]:
    projects = {}
    for tool in ("alembic", "mig"):
        folder = root / tool
        (folder / "migrations" / "versions").mkdir(parents=True)
        (folder / "models.py").write_text(MODELS)
        env = ENV_PY if tool == "alembic" else ENV_PY.replace("from alembic", "from mig")
        (folder / "migrations" / "env.py").write_text(env)
        if tool == "mig":
            (folder / "mig.toml").write_text(f'[mig]\nscript_location = "migrations"\nurl = "{url}"\n')
        else:
            (folder / "alembic.ini").write_text(f"[alembic]\nscript_location = migrations\nsqlalchemy.url = {url}\n")
        projects[tool] = folder
    return projects


def run_check(tool: str, folder: Path, tables: int) -> float:
    """``tool check`` as a fresh process; it must fail, naming the drift (the added columns)."""
    start = time.perf_counter()
    done = subprocess.run([str(BIN / tool), "check"], cwd=folder, env=child_env(tables),
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    out = done.stdout + done.stderr
    if done.returncode == 0 or "extra" not in out:
        raise SystemExit(f"{tool} check did not report the drift (exit {done.returncode}):\n{out[-3000:]}")
    return elapsed


def run_reflect(url: str, tables: int, inner: list[float]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", REFLECT_CHILD, url, str(tables)], check=True,
                          capture_output=True, text=True, env=child_env(tables))
    elapsed = time.perf_counter() - start
    inner.append(float(done.stdout.strip().splitlines()[-1]))
    return elapsed


def run_models(url: str, tables: int, folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", MODELS_CHILD, url, str(folder)], check=True,
                   capture_output=True, text=True, env=child_env(tables))
    return time.perf_counter() - start


def prepare(kind: str, url: str, root: Path, tables: int) -> str:
    """A fresh database holding the model without its drift; returns its URL."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    if kind == "sqlite":
        path = root / "bench.db"
        path.unlink(missing_ok=True)
        target = f"sqlite:///{path}"
    else:
        server = make_url(url)
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("DROP DATABASE IF EXISTS mig_bench_check")
            conn.exec_driver_sql("CREATE DATABASE mig_bench_check")
        admin.dispose()
        target = server.set(database="mig_bench_check").render_as_string(hide_password=False)
    namespace: dict[str, object] = {}
    os.environ["BENCH_TABLES"], os.environ["BENCH_DRIFT"] = str(tables), "0"
    exec(MODELS, namespace)
    del os.environ["BENCH_DRIFT"]
    engine = sa.create_engine(target)
    namespace["metadata"].create_all(engine)  # type: ignore[attr-defined]
    engine.dispose()
    return target


def interleave(contestants: dict[str, Callable[[], float]], rounds: int) -> dict[str, list[float]]:
    for run in contestants.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in contestants}
    order = list(contestants.items())
    for round_ in range(rounds):
        for name, run in (order if round_ % 2 == 0 else order[::-1]):
            times[name].append(run())
    return times


def bench(kind: str, url: str, root: Path, tables: int, rounds: int) -> dict[str, float]:
    root.mkdir(parents=True)
    target = prepare(kind, url, root, tables)
    projects = generate(root, target)
    inner: list[float] = []
    times = interleave({
        "alembic": lambda: run_check("alembic", projects["alembic"], tables),
        "mig": lambda: run_check("mig", projects["mig"], tables),
        "reflect": lambda: run_reflect(target, tables, inner),
        "models": lambda: run_models(target, tables, projects["mig"]),
    }, rounds)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"check, {tables} tables, a drift in every tenth, {kind}")
    for name, values in times.items():
        print(f"  {name:8} median {medians[name]:7.3f} s  (min {min(values):.3f}, max {max(values):.3f})")
    print(f"  (reflect in-process, connect to done: median {statistics.median(inner[1:] or inner):.3f} s)")
    print(f"  mig/alembic {medians['mig'] / medians['alembic']:.3f}x")
    print(f"  mig/reflect {medians['mig'] / medians['reflect']:.3f}x")
    print(f"  models floor/alembic {medians['models'] / medians['alembic']:.3f}x "
          f"(importing the models and connecting, before any reading)")
    inside = engine_only(target, tables, rounds, projects["mig"])
    print(f"  in one process: MetaData.reflect() {inside['reflect']:.3f} s, compare_metadata() "
          f"{inside['compare']:.3f} s, compare/reflect {inside['compare'] / inside['reflect']:.3f}x")
    print(f"  in one process: Alembic's compare_metadata() {inside['alembic_compare']:.3f} s, "
          f"mig/Alembic {inside['compare'] / inside['alembic_compare']:.3f}x (the comparison alone, without "
          f"the start-up and the models both processes pay)")
    medians["compare_in_process"], medians["reflect_in_process"] = inside["compare"], inside["reflect"]
    medians["alembic_compare_in_process"] = inside["alembic_compare"]
    return medians


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--only", default="postgresql,sqlite,mysql",
                        help="comma-separated database kinds (postgresql, sqlite, mysql)")
    ns = parser.parse_args()
    rounds = max(ns.rounds, 9)
    kinds = [k.strip() for k in ns.only.split(",") if k.strip()]
    print(f"{rounds} interleaved rounds, bytecode caches warm, Python {sys.version.split()[0]}")
    root = Path(tempfile.mkdtemp(prefix="mig-bench-check-"))
    urls = {"postgresql": os.environ.get("MIG_TEST_POSTGRESQL_URL") or "postgresql+psycopg://root@127.0.0.1:5432/test",
            "mysql": os.environ.get("MIG_TEST_MYSQL_URL") or "mysql+pymysql://root:@127.0.0.1:3306/test",
            "sqlite": ""}
    ok = True
    try:
        for kind in kinds:
            medians = bench(kind, urls[kind], root / kind, ns.tables, rounds)
            if kind == "postgresql":
                ok &= medians["mig"] <= 0.33 * medians["alembic"] and medians["mig"] <= 1.5 * medians["reflect"]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
