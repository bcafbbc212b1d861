"""Start-up time: ``mig --help`` against ``alembic --help``, side by side.

Both console scripts run as subprocesses from the same virtual environment,
interleaved round by round (alembic, mig, alembic, mig ...) after one warm-up
run each, so both see the same disk cache and machine load. Reports the
median wall time of each and the ratio. Both run under the same
``PYTHONDONTWRITEBYTECODE`` setting, which is printed.

    uv run python benchmarks/bench_startup.py [--rounds 15] [--args=--version]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="rounds (>= 9)")
    parser.add_argument("--args", default="--help", help="arguments for both tools")
    ns = parser.parse_args()
    rounds = max(ns.rounds, 9)
    args = ns.args.split()
    tools = {"alembic": [str(BIN / "alembic"), *args], "mig": [str(BIN / "mig"), *args]}
    for cmd in tools.values():  # warm-up: fill the OS cache (and .pyc files where allowed)
        _time(cmd)
    times: dict[str, list[float]] = {name: [] for name in tools}
    for _ in range(rounds):
        for name, cmd in tools.items():
            times[name].append(_time(cmd))
    medians = {name: statistics.median(values) for name, values in times.items()}
    setting = os.environ.get("PYTHONDONTWRITEBYTECODE") or "unset"
    cache = "off (MIG_NO_CACHE)" if os.environ.get("MIG_NO_CACHE", "") not in ("", "0") else "on"
    print(f"start-up, `{' '.join(args)}`, {rounds} interleaved rounds, "
          f"PYTHONDONTWRITEBYTECODE={setting}, mig command index {cache}, Python {sys.version.split()[0]}")
    for name, value in medians.items():
        spread = f"min {min(times[name]) * 1000:.0f} ms, max {max(times[name]) * 1000:.0f} ms"
        print(f"  {name:8} median {value * 1000:7.1f} ms  ({spread})")
    ratio = medians["alembic"] / medians["mig"]
    print(f"  mig is {ratio:.1f}x faster than alembic (target: >= 4x)")
    return 0 if ratio >= 4 else 1


if __name__ == "__main__":
    sys.exit(main())
