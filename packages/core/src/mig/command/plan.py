"""``upgrade --plan`` and ``downgrade --plan``: what the run would do, read from the live database.

The command runs env.py as ``upgrade``/``downgrade`` do, with a
:class:`mig.runtime.plan.Plan` on the environment: ``run_migrations()`` then
records the steps instead of running them (:mod:`mig.runtime.plan`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mig.errors import CommandError

if TYPE_CHECKING:
    from mig.config import Config
    from mig.runtime.migration import MigrationContext
    from mig.runtime.plan import Plan


def plan_upgrade(config: Config, revision: str, tag: str | None = None) -> Plan:
    """The plan of ``mig upgrade REVISION``: nothing is changed in the database."""
    return _plan(config, revision, tag, upgrade=True)


def plan_downgrade(config: Config, revision: str, tag: str | None = None) -> Plan:
    """The plan of ``mig downgrade REVISION``: nothing is changed in the database."""
    return _plan(config, revision, tag, upgrade=False)


def _plan(config: Config, revision: str, tag: str | None, *, upgrade: bool) -> Plan:
    from mig.revision.directory import ScriptDirectory
    from mig.runtime.environment import EnvironmentContext
    from mig.runtime.plan import Plan

    if ":" in revision:
        raise CommandError(f"--plan reads the current revision from the database; give one target "
                           f"revision, not a range ({revision})")
    config.apply_prepend_sys_path()
    script = ScriptDirectory.from_config(config)
    planner = script.plan_upgrade if upgrade else script.plan_downgrade

    def plan(heads: Sequence[str], ctx: MigrationContext) -> list[Any]:
        return list(planner(heads, revision))

    sink = Plan("upgrade" if upgrade else "downgrade", revision)
    env = EnvironmentContext(config, script, fn=plan, destination_rev=revision, tag=tag)
    env.plan = sink  # type: ignore[attr-defined]  # read by MigrationContext.run_migrations
    missing = _missing_sqlite_file(config)
    if missing is not None:
        env.lock = False  # no database yet: nothing to read under a lock, and no lock file left behind
    try:
        env.run_env()
    finally:
        if missing is not None:
            _remove_if_created(missing)
    return sink


def _missing_sqlite_file(config: Config) -> Path | None:
    """The configuration's SQLite file when it does not exist yet (connecting creates it)."""
    from mig.config import sqlite_file

    path = sqlite_file(config.url)
    return path if path is not None and not path.exists() else None


def _remove_if_created(path: Path) -> None:
    """A plan creates nothing: remove the empty file SQLite made when env.py connected."""
    if path.is_file() and path.stat().st_size == 0:
        path.unlink()


__all__ = ["plan_downgrade", "plan_upgrade"]
