"""``upgrade --plan``, ``downgrade --plan`` and ``stamp --plan``: what the run would do, read from the live database.

The command runs env.py as ``upgrade``/``downgrade``/``stamp`` do, with a
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


def plan_stamp(config: Config, revisions: str | Sequence[str], tag: str | None = None,
               purge: bool = False) -> Plan:
    """The plan of ``mig stamp REVISIONS``: the version and log rows it would write; nothing is changed."""
    from mig.revision.directory import ScriptDirectory

    targets = [revisions] if isinstance(revisions, str) else list(revisions)
    for target in targets:
        _refuse_range(target)
    config.apply_prepend_sys_path()
    script = ScriptDirectory.from_config(config)

    def plan(heads: Sequence[str], ctx: MigrationContext) -> list[Any]:
        return list(script.plan_stamp(heads, targets, purge))

    return _record(config, script, plan, "stamp", " ".join(targets), targets, tag)


def _refuse_range(revision: str) -> None:
    if ":" in revision:
        raise CommandError(f"--plan reads the current revision from the database; give one target "
                           f"revision, not a range ({revision})")


def _plan(config: Config, revision: str, tag: str | None, *, upgrade: bool) -> Plan:
    from mig.revision.directory import ScriptDirectory

    _refuse_range(revision)
    config.apply_prepend_sys_path()
    script = ScriptDirectory.from_config(config)
    planner = script.plan_upgrade if upgrade else script.plan_downgrade

    def plan(heads: Sequence[str], ctx: MigrationContext) -> list[Any]:
        return list(planner(heads, revision))

    return _record(config, script, plan, "upgrade" if upgrade else "downgrade", revision, revision, tag)


def _record(config: Config, script: Any, plan: Any, command: str, target: str, destination: Any,
            tag: str | None) -> Plan:
    """Run env.py with a :class:`Plan` on the environment: ``run_migrations()`` records into it."""
    from mig.runtime.environment import EnvironmentContext
    from mig.runtime.plan import Plan

    sink = Plan(command, target)
    env = EnvironmentContext(config, script, fn=plan, destination_rev=destination, tag=tag)
    env.plan = sink  # read by MigrationContext.run_migrations
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


__all__ = ["plan_downgrade", "plan_stamp", "plan_upgrade"]
