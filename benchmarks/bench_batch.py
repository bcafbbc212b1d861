"""A SQLite batch (move-and-copy) on a 1,000,000-row table: mig, Alembic and raw SQL side by side.

One batch changes a column's type and drops another column::

    with op.batch_alter_table("big") as batch_op:
        batch_op.alter_column("qty", type_=sa.BigInteger)
        batch_op.drop_column("note")

A SQLite file holding table ``big`` (1,000,000 rows, an index, a unique
constraint) is prepared once. Each round, interleaved and in a rotating
order, every contender gets its own copy of that file (the copy is not
timed) and the clock runs around:

- ``mig``: ``mig.command.upgrade(config, "head")`` of a project with one
  revision holding the batch (env.py, version table and all);
- ``alembic``: ``alembic.command.upgrade(config, "head")`` of the same
  revision with ``alembic`` imports;
- ``raw``: the same move-and-copy written by hand (CREATE TABLE, INSERT ...
  SELECT, DROP, RENAME, CREATE INDEX) executed with the ``sqlite3`` module
  in one transaction.

Everything runs in one interpreter after a warm-up round (imports are not
timed). The median of the rounds is reported with the ratios mig/raw and
mig/alembic, for wall-clock time and for the CPU time of the process (SQLite
runs in-process, so CPU time is the same work minus waiting for the disk and
for other processes: the steadier figure on a busy machine). The
``PYTHONDONTWRITEBYTECODE`` setting (the same for all) is printed.

With ``--progress`` a ``mig_step_progress`` listener is registered, as the
CLI does on a terminal: mig then counts the rows and copies them in chunks
of ``batch_progress_rows`` (100,000), reporting after each.

    uv run python benchmarks/bench_batch.py [--rows 1000000] [--rounds 9] [--progress] [--dir /dev/shm]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TABLE_SQL = (
    "CREATE TABLE big (id INTEGER NOT NULL, qty INTEGER, price NUMERIC(10, 2), "
    "code VARCHAR(20) NOT NULL, note TEXT, PRIMARY KEY (id), CONSTRAINT uq_big_code UNIQUE (code))"
)
INDEX_SQL = "CREATE INDEX ix_big_qty ON big (qty)"

#: The batch as hand-written SQL (what mig's move-and-copy amounts to).
RAW_SQL = [
    "CREATE TABLE _tmp_big (id INTEGER NOT NULL, qty BIGINT, price NUMERIC(10, 2), "
    "code VARCHAR(20) NOT NULL, PRIMARY KEY (id), CONSTRAINT uq_big_code UNIQUE (code))",
    "INSERT INTO _tmp_big (id, qty, price, code) SELECT id, qty, price, code FROM big",
    "DROP TABLE big",
    "ALTER TABLE _tmp_big RENAME TO big",
    INDEX_SQL,
]

SCRIPT = '''\
"""batch"""
import sqlalchemy as sa
from {tool} import op

revision = "b1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("big") as batch_op:
        batch_op.alter_column("qty", type_=sa.BigInteger)
        batch_op.drop_column("note")


def downgrade():
    pass
'''

ENV = '''\
from sqlalchemy import create_engine, pool
from {tool} import context

config = context.config


def run():
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()


run()
'''

MIG_ENV = ENV.replace('config.get_main_option("sqlalchemy.url")', "config.url")


def prepare(path: Path, rows: int) -> None:
    conn = sqlite3.connect(path)
    conn.execute(TABLE_SQL)
    conn.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                 "INSERT INTO big SELECT i, i % 1000, (i % 9973) / 100.0, 'c' || i, "
                 "CASE WHEN i % 3 = 0 THEN NULL ELSE 'note ' || i END FROM n", (rows,))
    conn.execute(INDEX_SQL)
    conn.commit()
    conn.close()


def project(root: Path, tool: str) -> Path:
    location = root / f"{tool}_migrations"
    (location / "versions").mkdir(parents=True)
    (location / "env.py").write_text((MIG_ENV if tool == "mig" else ENV).format(tool=tool))
    (location / "versions" / "b1_batch.py").write_text(SCRIPT.format(tool=tool))
    (location / "script.py.mako").write_text("")
    return location


Timing = tuple[float, float]  # (wall seconds, CPU seconds of this process)


def _clock() -> Timing:
    return time.perf_counter(), time.process_time()


def _since(start: Timing) -> Timing:
    return time.perf_counter() - start[0], time.process_time() - start[1]


def run_mig(location: Path, db: Path) -> Timing:
    from mig import command
    from mig.config import Config

    config = Config.from_options(location.parent, script_location=str(location), url=f"sqlite:///{db}")
    start = _clock()
    command.upgrade(config, "head")
    return _since(start)


def run_alembic(location: Path, db: Path) -> Timing:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(location))
    config.set_main_option("sqlalchemy.url", f"sqlite:///{db}")
    start = _clock()
    command.upgrade(config, "head")
    return _since(start)


def run_raw(db: Path) -> Timing:
    start = _clock()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN")
    for sql in RAW_SQL:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.close()
    return _since(start)


def check(db: Path, rows: int) -> None:
    conn = sqlite3.connect(db)
    cols = [r[1:3] for r in conn.execute("PRAGMA table_info(big)")]
    assert cols == [("id", "INTEGER"), ("qty", "BIGINT"), ("price", "NUMERIC(10, 2)"),
                    ("code", "VARCHAR(20)")], cols
    count, qty_sum = conn.execute("SELECT count(*), sum(qty) FROM big").fetchone()
    assert count == rows and qty_sum == sum(i % 1000 for i in range(1, rows + 1)), (count, qty_sum)
    indexes = sorted(r[1] for r in conn.execute("PRAGMA index_list(big)"))
    assert "ix_big_qty" in indexes, indexes
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--dir", default=None,
                        help="where the database files go (default: the system temp dir; "
                             "/dev/shm takes the disk out of the measurement)")
    parser.add_argument("--progress", action="store_true",
                        help="register a mig_step_progress listener (as the CLI does on a terminal): "
                             "mig then counts the rows and copies them in chunks")
    args = parser.parse_args()
    if args.progress:
        from mig import hookimpl, plugins

        class Listener:
            @hookimpl
            def mig_step_progress(self, step: object, done: int, total: int | None, what: str) -> None:
                pass

        plugins.register(Listener(), name="bench-progress")
    if args.rows < 1_000_000:
        parser.error("--rows must be at least 1,000,000 (the claim is about a 1,000,000-row table)")
    if args.rounds < 9:
        parser.error("--rounds must be at least 9")
    print(f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '')!r} "
          f"sqlite {sqlite3.sqlite_version}, {args.rows:,} rows, {args.rounds} rounds, "
          f"progress listener: {'yes' if args.progress else 'no'}, files in {args.dir or tempfile.gettempdir()}")
    with tempfile.TemporaryDirectory(prefix="bench_batch_", dir=args.dir) as tmp:
        root = Path(tmp)
        source = root / "prepared.db"
        prepare(source, args.rows)
        locations = {"mig": project(root, "mig"), "alembic": project(root, "alembic")}
        runners: dict[str, Callable[[Path], Timing]] = {
            "mig": lambda db: run_mig(locations["mig"], db),
            "alembic": lambda db: run_alembic(locations["alembic"], db),
            "raw": run_raw,
        }
        names = list(runners)
        times: dict[str, list[float]] = {name: [] for name in names}
        cpu: dict[str, list[float]] = {name: [] for name in names}
        for round_no in range(args.rounds + 1):  # round 0 warms up (imports, page cache)
            order = names[round_no % 3:] + names[:round_no % 3]
            for name in order:
                db = root / f"{name}.db"
                for suffix in ("", "-journal", "-wal"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(source, db)
                wall, used = runners[name](db)
                check(db, args.rows)
                if round_no:
                    times[name].append(wall)
                    cpu[name].append(used)
            if round_no:
                print(f"round {round_no}: " + ", ".join(
                    f"{n} {times[n][-1]:.3f}s (cpu {cpu[n][-1]:.3f}s)" for n in names), flush=True)
    for label, data in (("wall", times), ("cpu", cpu)):
        med = {name: statistics.median(values) for name, values in data.items()}
        print(f"median {label}: " + ", ".join(f"{n} {med[n]:.3f}s" for n in names))
        print(f"  mig / raw     = {med['mig'] / med['raw']:.3f}  (goal <= 1.05)")
        print(f"  mig / alembic = {med['mig'] / med['alembic']:.3f}  (goal <= 1.00)")


if __name__ == "__main__":
    main()
