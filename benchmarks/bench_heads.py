"""`alembic heads` vs `mig heads` on a generated project of N revisions.

Generates the same revision scripts twice, as an Alembic project
(alembic.ini, env.py, versions/) and as a mig project (mig.toml, versions/,
the scripts importing ``mig`` instead of ``alembic``), then runs each tool's
console script (``alembic heads``, ``mig heads``) as a whole process, as a
user runs it, interleaved round by round; reports medians and mig's time as
a fraction of Alembic's (target: at most 0.125x).

Both tools run with ``PYTHONDONTWRITEBYTECODE`` unset, after one untimed
run each, so that their bytecode caches are warm (Alembic's includes the
compiled scripts it imports). mig's revision cache and command index are
warm too (kept in the project and in a temporary ``XDG_CACHE_HOME``); a
separate row runs mig with its revision cache deleted before each run (the
first command after every script changed).

    uv run --locked python benchmarks/bench_heads.py [--revisions 5000] [--rounds 9] [--no-cold]

Exit status 1 when the target is not met.
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
from pathlib import Path

SCRIPT = '''"""{message}

Revision ID: {rev}
Revises: {down_text}
Create Date: 2024-01-01 00:00:00.000000

"""
from typing import Sequence, Union

from {tool} import op
import sqlalchemy as sa


# revision identifiers, used by {Tool}.
revision: str = {rev!r}
down_revision: Union[str, Sequence[str], None] = {down!r}
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "table_{n}",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_table_{n}_name", "table_{n}", ["name"])


def downgrade() -> None:
    op.drop_index("ix_table_{n}_name", table_name="table_{n}")
    op.drop_table("table_{n}")
'''

MAKO = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from %(tool)s import op
import sqlalchemy as sa

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
'''

ALEMBIC_INI = """[alembic]
script_location = migrations
sqlalchemy.url = sqlite:///bench.db
"""

ENV_PY = "raise SystemExit('env.py is not needed for heads')\n"


def graph(n: int) -> list[tuple[str, str | tuple[str, ...] | None]]:
    """A main line with a side branch every 250 revisions, merged back 20 revisions later,
    and one branch left open at the end (two heads)."""
    revs: list[tuple[str, str | tuple[str, ...] | None]] = []
    ids = [f"{i:04x}{(i * 2654435761) % (1 << 32):08x}"[:12] for i in range(n)]
    main_head: str | None = None
    side_head: str | None = None
    side_left = 0
    open_end = False
    i = 0
    while i < n:
        rev = ids[i]
        if side_left > 0 and side_head is not None:
            revs.append((rev, side_head))
            side_head = rev
            side_left -= 1
            if side_left == 0 and not open_end:
                i += 1
                if i >= n:
                    break
                merge = ids[i]
                assert main_head is not None
                revs.append((merge, (main_head, side_head)))
                main_head, side_head = merge, None
        elif i % 250 == 100 and main_head is not None and i < n - 300:
            revs.append((rev, main_head))
            side_head, side_left = rev, 20
        elif i == n - 10 and main_head is not None:
            revs.append((rev, main_head))  # an open branch at the end: two heads
            side_head, side_left, open_end = rev, 5, True
        else:
            revs.append((rev, main_head))
            main_head = rev
        i += 1
    return revs


def write_project(root: Path, tool: str, revs: list[tuple[str, str | tuple[str, ...] | None]]) -> None:
    location = root / "migrations"
    versions = location / "versions"
    versions.mkdir(parents=True)
    (location / "script.py.mako").write_text(MAKO % {"tool": tool})
    (location / "env.py").write_text(ENV_PY)
    if tool == "alembic":
        (root / "alembic.ini").write_text(ALEMBIC_INI)
    else:
        (root / "mig.toml").write_text('[mig]\nscript_location = "migrations"\nurl = "sqlite:///bench.db"\n')
    for n, (rev, down) in enumerate(revs):
        down_text = ", ".join(down) if isinstance(down, tuple) else (down or "")
        (versions / f"{rev}_create_table_{n}.py").write_text(SCRIPT.format(
            message=f"create table {n}", rev=rev, down=down, down_text=down_text, n=n,
            tool=tool, Tool=tool.capitalize()))


BIN = Path(sys.executable).parent
TARGET = 0.125  # mig's `heads` at most this fraction of Alembic's time


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{result.stderr}")
    return elapsed, result.stdout


def heads_of(output: str) -> set[str]:
    return {line.split()[0] for line in output.splitlines() if line.strip()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--revisions", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=9, help="interleaved rounds (at least 9)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-cache runs")
    parser.add_argument("--keep", action="store_true", help="keep the generated projects")
    args = parser.parse_args()
    rounds = max(args.rounds, 9)

    for tool in ("alembic", "mig"):
        if not (BIN / tool).exists():
            raise SystemExit(f"{BIN / tool} is missing; run `uv sync` (Alembic is a dev dependency)")
    tmp = Path(tempfile.mkdtemp(prefix="bench_heads_"))
    env = dict(os.environ)
    # Bytecode caches warm for both tools: Python writes and reuses __pycache__ (the warm-up run
    # below fills them), as on a user's machine. mig's own caches live in a fresh folder.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("MIG_NO_CACHE", None)
    env.pop("MIG_PLUGINS", None)
    env["XDG_CACHE_HOME"] = str(tmp / "cache")
    revs = graph(args.revisions)
    write_project(tmp / "alembic", "alembic", revs)
    write_project(tmp / "mig", "mig", revs)
    alembic = [str(BIN / "alembic"), "heads"]
    mig = [str(BIN / "mig"), "heads"]
    cache = tmp / "mig" / "migrations" / "versions" / "__pycache__" / "mig-revisions.cache"

    # One untimed run each: writes both tools' bytecode (the 5,000 scripts' for Alembic, which
    # imports them), mig's revision cache and command index, fills the OS file cache, and
    # checks that the tools agree on the heads.
    expected = heads_of(run(alembic, tmp / "alembic", env)[1])
    got = heads_of(run(mig, tmp / "mig", env)[1])
    if got != expected:
        raise SystemExit(f"mig disagrees with alembic: {sorted(got)} != {sorted(expected)}")

    names = ["alembic heads", "mig heads"] + ([] if args.no_cold else ["mig heads, cold revision cache"])
    times: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(rounds):
        times["alembic heads"].append(run(alembic, tmp / "alembic", env)[0])
        times["mig heads"].append(run(mig, tmp / "mig", env)[0])
        if not args.no_cold:
            cache.unlink(missing_ok=True)
            times["mig heads, cold revision cache"].append(run(mig, tmp / "mig", env)[0])

    alembic_median = statistics.median(times["alembic heads"])
    round_ratios = [m / a for m, a in zip(times["mig heads"], times["alembic heads"])]
    print(f"revisions: {len(revs)}, heads: {' '.join(sorted(expected))}")
    print(f"rounds: {rounds} (interleaved), Python {sys.version.split()[0]}, "
          f"PYTHONDONTWRITEBYTECODE unset (bytecode caches warm)")
    print()
    print(f"| {'command':<31} | median s | min s | max s | time / alembic's |")
    print(f"|{'-' * 33}|---------:|------:|------:|-----------------:|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name:<31} | {median:8.3f} | {min(values):5.3f} | {max(values):5.3f} | "
              f"{median / alembic_median:15.3f}x |")
    ratio = statistics.median(times["mig heads"]) / alembic_median
    print()
    print(f"mig heads takes {ratio:.3f}x Alembic's time (ratio of the medians; median of the "
          f"rounds' ratios {statistics.median(round_ratios):.3f}x); target <= {TARGET}x: "
          f"{'met' if ratio <= TARGET else 'NOT met'}")
    if args.keep:
        print(f"projects kept in {tmp}")
    else:
        shutil.rmtree(tmp)
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
