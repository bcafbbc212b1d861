"""``upgrade head`` on SQLite and ``upgrade base:head --sql``: mig, Alembic and raw SQL side by side.

A generated linear chain of revisions (each creates a small table, adds a
column, creates an index or inserts a row) is written twice, as an Alembic
project and as a mig project whose scripts differ only in ``alembic`` ->
``mig``. Each round, interleaved:

- ``mig``: ``mig.command.upgrade(config, "head")`` on a fresh SQLite file;
- ``alembic``: ``alembic.command.upgrade(config, "head")`` on a fresh file;
- ``raw``: the same statements (mig's ``--sql`` output, identical DDL)
  executed with the ``sqlite3`` module in one transaction (``executescript``);
- ``raw-each``: the same, one ``cursor.execute()`` per statement, as a
  tool that executes each statement as its script runs does (reported for
  reference; mig defers a transaction's statements to one script at commit
  when nothing watches the steps, see docs/runtime.md).

Every measurement runs in a fresh interpreter with the libraries already
imported, and times only the command (the import of SQLAlchemy, of its
SQLite dialect, of the ``sqlite3`` driver and of each tool is start-up,
measured by bench_startup.py: ``import alembic.command`` imports all of
Alembic's dialect modules, so mig's plugins and every mig module the command
imports are loaded before timing too). The offline part times
``upgrade base:head --sql`` for both tools at a larger chain. The median of
the rounds is reported; both tools run under the same
``PYTHONDONTWRITEBYTECODE`` setting, which is printed. A warm-up run per
tool comes first; it also fills mig's own code cache of the scripts, which
mig keeps even under ``PYTHONDONTWRITEBYTECODE=1`` (run with
``MIG_NO_CACHE=1`` to measure mig without it).

``--instructions`` counts instructions with valgrind's callgrind instead of
timing: each child runs twice, with and without the command, and the
difference is the command's count. Counts do not move with the machine's
load (on the shared development machine timings swing up to threefold),
but they weigh every instruction alike: cache misses, which cost Python's
interpreter more than SQLite, do not show, nor do waiting and the kernel,
so the timed ratio against raw SQL is the higher one.

    uv run python benchmarks/bench_upgrade.py [--revisions 1000] [--sql-revisions 5000] [--rounds 9]
                                              [--only online|sql] [--instructions] [--keep]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ALEMBIC_ENV = '''\
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


def generate(root: Path, revisions: int) -> dict[str, Path]:
    """Write the Alembic and the mig project under ``root``; return their folders."""
    projects = {}
    for tool in ("alembic", "mig"):
        folder = root / tool
        versions = folder / "migrations" / "versions"
        versions.mkdir(parents=True)
        env = ALEMBIC_ENV if tool == "alembic" else ALEMBIC_ENV.replace("from alembic", "from mig")
        (folder / "migrations" / "env.py").write_text(env)
        for n in range(revisions):
            down = _rev(n - 1) if n else None
            (versions / f"{_rev(n)}_step_{n}.py").write_text(SCRIPT.format(
                n=n, rev=_rev(n), down=down, tool=tool,
                upgrade=textwrap.indent(_body(n), "    ")))
        if tool == "mig":
            (folder / "mig.toml").write_text(
                '[mig]\nscript_location = "migrations"\nurl = "sqlite:///bench.db"\n')
        projects[tool] = folder
    return projects


# Each measurement runs in a child interpreter: imports first (not timed), then the command.
# With a fourth argument "setup" it stops just before the command (for --instructions).
CHILD = r"""
import io, os, sys, time
tool, folder, what = sys.argv[1], sys.argv[2], sys.argv[3]
setup_only = sys.argv[4:] == ["setup"]
os.chdir(folder)
db = os.path.join(folder, "bench-setup.db" if setup_only else "bench.db")
if os.path.exists(db):
    os.remove(db)
url = "sqlite:///" + db
import sqlalchemy
import sqlalchemy.dialects.sqlite  # the dialect and the driver are imports for every tool:
import sqlite3  # start-up, not timed (the raw script imports sqlite3 before its clock starts too)
if tool == "raw":
    sql = open(os.path.join(folder, "script.sql")).read()

    def run():
        conn = sqlite3.connect(db, isolation_level=None)
        conn.executescript(sql)
        conn.close()
elif tool == "raw-each":
    text = "\n".join(line for line in open(os.path.join(folder, "script.sql")).read().splitlines()
                     if not line.startswith("--"))
    statements = [part.strip() for part in text.split(";\n\n") if part.strip()]

    def run():
        conn = sqlite3.connect(db, isolation_level=None)
        cursor = conn.cursor()
        for statement in statements:
            cursor.execute(statement)
        conn.close()
else:
    if tool == "mig":
        from mig import command
        from mig.config import Config
        # every module of mig's that `upgrade` imports (as `import alembic.command` imports Alembic's)
        import mig.runtime.environment, mig.runtime.migration, mig.operations, mig.revision.directory
        import mig.command.run, mig.context, mig.ddl.constructs, mig.op, mig.revision.plan
        import mig.runtime.codecache, mig.runtime.loader
        from mig import plugins
        plugins.dialect("sqlite").load()  # importing mig's plugins, as `import alembic.command` imports alembic.ddl
        config = Config.load(cwd=folder)
        config.options["url"] = url
        config.output_buffer = io.StringIO()
    else:
        from alembic import command
        from alembic.config import Config
        config = Config(output_buffer=io.StringIO())
        config.set_main_option("script_location", os.path.join(folder, "migrations"))
        config.set_main_option("sqlalchemy.url", url)

    def run():
        if what == "sql":
            command.upgrade(config, "base:head", sql=True)
        else:
            command.upgrade(config, "head")
if setup_only:
    sys.exit(0)
start = time.perf_counter()
run()
print(time.perf_counter() - start)
"""


def measure(tool: str, folder: Path, what: str) -> float:
    out = subprocess.run([sys.executable, "-c", CHILD, tool, str(folder), what], check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def count_instructions(tool: str, folder: Path, what: str) -> int:
    """The instructions the command executes, counted by valgrind's callgrind (deterministic).

    The child runs twice at once, with and without the command; the
    difference is the command's own count. ``PYTHONHASHSEED=0`` keeps both
    runs' start-up identical.
    """
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory() as tmp:
        children = [
            subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/{n}.out",
                              sys.executable, "-c", CHILD, tool, str(folder), what, *extra],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
            for n, extra in enumerate(([], ["setup"]))
        ]
        totals = []
        for child in children:
            _, err = child.communicate()
            found = re.search(r"Collected : (\d+)", err)
            if child.returncode or found is None:
                raise SystemExit(f"callgrind run of {tool} failed:\n{err[-2000:]}")
            totals.append(int(found.group(1)))
    return totals[0] - totals[1]


def count(label: str, tools: dict[str, Path], what: str) -> dict[str, int]:
    for tool, folder in tools.items():
        measure(tool, folder, what)  # warm-up: OS cache and mig's code cache, as for timing
    counts = {tool: count_instructions(tool, folder, what) for tool, folder in tools.items()}
    print(f"{label} (instructions, callgrind)")
    for tool, value in counts.items():
        print(f"  {tool:8} {value / 1e6:10.1f} M")
    return counts


def raw_script(mig_folder: Path) -> str:
    """mig's offline output for the chain: the statements ``upgrade head`` runs, in one transaction."""
    import io

    from mig import command
    from mig.config import Config

    config = Config.load(cwd=mig_folder)
    config.output_buffer = io.StringIO()
    command.upgrade(config, "base:head", sql=True)
    return str(config.output_buffer.getvalue())


def check_result(folder: Path, revisions: int) -> None:
    import sqlite3

    conn = sqlite3.connect(folder / "bench.db")
    tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
    version = conn.execute(f"SELECT version_num FROM {'alembic' if folder.name == 'alembic' else 'mig'}"
                           "_version").fetchall()
    conn.close()
    assert tables == (revisions + 3) // 4 + 1, tables
    assert version == [(_rev(revisions - 1),)], version


def run(label: str, tools: dict[str, Path], what: str, rounds: int) -> dict[str, list[float]]:
    """Time every tool ``rounds`` times, interleaved; prints the medians, returns every time.

    Odd rounds run the tools in reverse order, so that neither of two
    neighbours always goes first; a tool's time in round ``i`` is
    ``times[tool][i]``.
    """
    # Warm-up: OS cache, .pyc files where allowed, mig's own code cache (versions/__pycache__/
    # mig-code.cache, which mig keeps whatever PYTHONDONTWRITEBYTECODE says; MIG_NO_CACHE=1 turns it off).
    for tool, folder in tools.items():
        measure(tool, folder, what)
    times: dict[str, list[float]] = {tool: [] for tool in tools}
    order = list(tools.items())
    for round_ in range(rounds):
        for tool, folder in (order if round_ % 2 == 0 else order[::-1]):
            times[tool].append(measure(tool, folder, what))
    print(label)
    for tool, values in times.items():
        print(f"  {tool:8} median {statistics.median(values) * 1000:8.1f} ms  "
              f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f})")
    return times


def paired(times: dict[str, list[float]], tool: str, baseline: str) -> float:
    """The median over rounds of ``tool``'s time over ``baseline``'s, measured side by side."""
    return statistics.median(a / b for a, b in zip(times[tool], times[baseline], strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--revisions", type=int, default=1000)
    parser.add_argument("--sql-revisions", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    parser.add_argument("--only", choices=("online", "sql"), help="run only one of the two parts")
    parser.add_argument("--instructions", action="store_true",
                        help="count instructions with valgrind's callgrind instead of timing (slow, "
                             "but the same on a busy machine)")
    ns = parser.parse_args()
    rounds = max(ns.rounds, 9)
    setting = os.environ.get("PYTHONDONTWRITEBYTECODE") or "unset"
    no_cache = os.environ.get("MIG_NO_CACHE") or "unset"
    how = "instruction counts (callgrind)" if ns.instructions else f"{rounds} interleaved rounds"
    print(f"{how}, PYTHONDONTWRITEBYTECODE={setting}, MIG_NO_CACHE={no_cache}, "
          f"Python {sys.version.split()[0]}")
    root = Path(tempfile.mkdtemp(prefix="mig-bench-upgrade-"))
    ok = True
    try:
        if ns.only == "sql":
            ns.revisions = 0
        online = generate(root / "online", ns.revisions) if ns.revisions else {}
        if online:
            ok &= (_online_instructions(root, online, ns.revisions) if ns.instructions
                   else _online(root, online, ns.revisions, rounds))
        if ns.only != "online":
            ok &= _offline(root, ns.sql_revisions, rounds, ns.instructions)
    finally:
        if ns.keep:
            print(f"projects kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


def _online_tools(root: Path, online: dict[str, Path], revisions: int) -> dict[str, Path]:
    """The four contestants of the online part; mig's and Alembic's results are checked first."""
    raw_folder = root / "online" / "raw"
    raw_folder.mkdir()
    (raw_folder / "script.sql").write_text(raw_script(online["mig"]))
    for tool in ("mig", "alembic"):
        measure(tool, online[tool], "online")
        check_result(online[tool], revisions)
    return {"mig": online["mig"], "alembic": online["alembic"], "raw": raw_folder, "raw-each": raw_folder}


def _online(root: Path, online: dict[str, Path], revisions: int, rounds: int) -> bool:
    tools = _online_tools(root, online, revisions)
    # mig and raw SQL run next to each other in every round: their per-round ratio is the target's.
    times = run(f"upgrade head, {revisions} revisions, SQLite file",
                {name: tools[name] for name in ("alembic", "raw-each", "raw", "mig")}, "online", rounds)
    medians = {tool: statistics.median(values) for tool, values in times.items()}
    vs_alembic = medians["alembic"] / medians["mig"]
    vs_raw = paired(times, "mig", "raw")
    print(f"  mig is {vs_alembic:.2f}x faster than alembic (target >= 2x)")
    print(f"  mig takes {vs_raw:.2f}x the raw script's time (median of the rounds' ratios; target <= 1.5x); "
          f"ratio of the medians {medians['mig'] / medians['raw']:.2f}x")
    print(f"  for reference: the same statements one execute() at a time take "
          f"{paired(times, 'raw-each', 'raw'):.2f}x the script; mig takes "
          f"{paired(times, 'mig', 'raw-each'):.2f}x that")
    return vs_alembic >= 2 and vs_raw <= 1.5


def _online_instructions(root: Path, online: dict[str, Path], revisions: int) -> bool:
    counts = count(f"upgrade head, {revisions} revisions, SQLite file",
                   _online_tools(root, online, revisions), "online")
    vs_alembic = counts["alembic"] / counts["mig"]
    vs_raw = counts["mig"] / counts["raw"]
    print(f"  mig executes {vs_alembic:.2f}x fewer instructions than alembic (target >= 2x); "
          f"{vs_raw:.2f}x the raw script's (target <= 1.5x); {counts['mig'] / counts['raw-each']:.2f}x "
          f"raw-each's")
    return vs_alembic >= 2 and vs_raw <= 1.5


def _offline(root: Path, revisions: int, rounds: int, instructions: bool = False) -> bool:
    offline = generate(root / "offline", revisions)
    tools = {"mig": offline["mig"], "alembic": offline["alembic"]}
    label = f"upgrade base:head --sql, {revisions} revisions"
    if instructions:
        counts = count(label, tools, "sql")
        vs_alembic = counts["alembic"] / counts["mig"]
    else:
        times = run(label, tools, "sql", rounds)
        vs_alembic = statistics.median(times["alembic"]) / statistics.median(times["mig"])
    what = "executes {:.2f}x fewer instructions than" if instructions else "is {:.2f}x faster than"
    print(f"  mig {what.format(vs_alembic)} alembic (target >= 4x)")
    return vs_alembic >= 4


if __name__ == "__main__":
    sys.exit(main())
