"""Commands that run against a database: ``upgrade``, ``downgrade``, ``stamp``, ``current``, ``check``.

Each one plans its steps from the version rows (online) or from the start of
the given range (offline, ``sql=True``), then runs the project's ``env.py``,
which connects and calls ``context.run_migrations()``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from mig.errors import CommandError

if TYPE_CHECKING:
    from mig.config import Config
    from mig.revision.script import Script
    from mig.runtime.migration import MigrationContext


def _directory(config: Config) -> Any:
    from mig.revision.directory import ScriptDirectory

    return ScriptDirectory.from_config(config)


def _start(script: Any, start: str) -> tuple[str, ...]:
    start = start.strip()
    if start in ("", "base"):
        return ()
    return tuple(s.revision for s in script.get_revisions(start))


def _run(config: Config, script: Any, plan: Any, **kw: Any) -> Any:
    from mig.runtime.environment import run_env

    config.apply_prepend_sys_path()
    return run_env(config, plan, script=script, **kw)


def _require_database(config: Config, command: str) -> None:
    """Refuse a read-only command on a SQLite file that does not exist (connecting would create it)."""
    from mig.config import sqlite_file

    path = sqlite_file(config.url)
    if path is None or path.exists():
        return
    raise CommandError(
        f"the database does not exist: there is no SQLite file {path}; {command} only reads the "
        f"database and does not create it. Check the url in the configuration (relative paths are "
        f"relative to the configuration file), or run `mig upgrade head` to create it")


def _split_range(script: Any, revision: str, sql: bool) -> tuple[str | None, tuple[str, ...], str]:
    """``FROM:TO`` (only with ``--sql``) -> (FROM, the heads FROM stands for, TO)."""
    if ":" not in revision:
        return None, (), revision
    if not sql:
        raise CommandError(f"a range ({revision}) is only allowed with --sql; give one target revision")
    start_rev, target = revision.split(":", 1)
    return start_rev, _start(script, start_rev), target


def upgrade(config: Config, revision: str, sql: bool = False, tag: str | None = None) -> None:
    """Apply revisions up to ``revision``; with ``sql``, write them as SQL (``A:B`` or, from base, ``B``)."""
    _move(config, revision, sql, tag, upgrade=True)


def downgrade(config: Config, revision: str, sql: bool = False, tag: str | None = None) -> None:
    """Remove revisions down to ``revision``; with ``sql`` a range ``FROM:TO`` is required."""
    if sql and ":" not in revision:
        raise CommandError(
            f"downgrade --sql needs a range FROM:TO (e.g. `mig downgrade --sql head:{revision}`), "
            f"because offline mode cannot read the current revision from the database")
    _move(config, revision, sql, tag, upgrade=False)


def _move(config: Config, revision: str, sql: bool, tag: str | None, *, upgrade: bool) -> None:
    """Plan from the database's heads towards ``revision`` (or the range's end) and run it."""
    script = _directory(config)
    start_rev, starting, target = _split_range(script, revision, sql)
    planner = script.plan_upgrade if upgrade else script.plan_downgrade

    def plan(heads: Sequence[str], ctx: MigrationContext) -> list[Any]:
        return list(planner(heads, target))

    _run(config, script, plan, as_sql=sql, starting_heads=starting, starting_rev=start_rev,
         destination_rev=target, tag=tag)


def stamp(config: Config, revisions: str | Sequence[str], sql: bool = False, tag: str | None = None,
          purge: bool = False) -> None:
    """Make the version table say ``revisions`` without running any migration."""
    script = _directory(config)
    targets = [revisions] if isinstance(revisions, str) else list(revisions)
    starting: tuple[str, ...] = ()
    start_rev: str | None = None
    if sql and targets and ":" in targets[0]:
        start_rev, first = targets[0].split(":", 1)
        targets[0] = first
        starting = _start(script, start_rev)
    if any(":" in t for t in targets):
        raise CommandError("stamp takes revisions, not ranges (a FROM:TO range only with --sql)")

    def plan(heads: Sequence[str], ctx: MigrationContext) -> list[Any]:
        return list(script.plan_stamp(heads, targets, purge))

    _run(config, script, plan, as_sql=sql, starting_heads=starting, starting_rev=start_rev,
         destination_rev=targets, tag=tag)


@dataclass(frozen=True)
class Current:
    """What ``current`` found: the version rows and the revisions they depend on (effective heads)."""

    rows: tuple[Script, ...] = ()
    effective_heads: tuple[Script, ...] = ()
    heads: tuple[str, ...] = field(default=())
    #: a multi-database environment (env.py runs the migrations once per database): each
    #: database's own ``Current``, named by the ``engine_name`` env.py passed; the fields
    #: above then hold every database's, in turn
    databases: tuple[Current, ...] = ()
    name: str | None = None
    url: str | None = None
    #: steps a killed or failed run left in progress on a database without transactional DDL
    #: (``"upgrade r02"``): they may be partially applied (:mod:`mig.runtime.progress`)
    interrupted: tuple[str, ...] = ()

    def __iter__(self) -> Any:
        return iter(self.rows + self.effective_heads)


def current(config: Config, verbose: bool = False) -> Current:
    """The revisions in the version table, and (as Alembic shows) the ones they depend on."""
    _require_database(config, "mig current")
    script = _directory(config)
    found: list[tuple[tuple[str, ...], str | None, str | None]] = []

    def plan(heads: Sequence[str], ctx: MigrationContext) -> list[Any]:
        connection = ctx.connection
        url = connection.engine.url.render_as_string(hide_password=True) if connection is not None else None
        name = ctx.run_arguments.get("engine_name")
        found.append((tuple(heads), None if name is None else str(name), url))
        left = progress.interrupted(ctx)
        if left is not None:
            logging.getLogger("mig.runtime").warning("%s", progress.describe(left))
            interrupted.append(f"{left['direction']} {left['revision']}")
        return []

    from mig.runtime import progress

    interrupted: list[str] = []
    _run(config, script, plan, create_version_table=False)
    # an env.py that does not pass engine_name: the [databases] tables, in their order
    databases = config.get("databases")
    if all(name is None for _, name, _ in found) and isinstance(databases, Mapping) \
            and len(databases) == len(found):
        found = [(heads, str(name), url) for (heads, _, url), name in zip(found, databases, strict=True)]
    rmap = script.revision_map

    def one(heads: tuple[str, ...], name: str | None, url: str | None) -> Current:
        applied_heads = rmap.applied_heads(heads)
        # the rows, less one another row reaches (Alembic can leave such a row), as Alembic shows
        rows = tuple(rmap.script(h) for h in applied_heads if h in heads)
        # every head of the applied set that is not a row: applied only through a depends_on
        effective = [r for r in applied_heads if r not in heads]
        return Current(rows=rows, effective_heads=tuple(rmap.script(r) for r in effective), heads=heads,
                       name=name, url=url)

    each = [one(*entry) for entry in found]
    if len(each) <= 1:
        return replace(each[0] if each else Current(), interrupted=tuple(interrupted))
    return Current(rows=tuple(r for c in each for r in c.rows),
                   effective_heads=tuple(r for c in each for r in c.effective_heads),
                   heads=tuple(h for c in each for h in c.heads), databases=tuple(each),
                   interrupted=tuple(interrupted))


def ensure_version(config: Config, sql: bool = False) -> None:
    """Create the version table and the log table if they do not exist (with ``sql``, write their
    ``CREATE TABLE``); no migration runs (Alembic's ``ensure_version``)."""
    script = _directory(config)

    def plan(heads: Sequence[str], ctx: MigrationContext) -> list[Any]:
        if ctx.as_sql:  # online the run creates what is missing before its (no) steps
            ctx.ensure_version_table()
        return []

    _run(config, script, plan, as_sql=sql)


@dataclass(frozen=True)
class Difference:
    """One operation ``mig check`` found, and the database it is for.

    :param operation: the :mod:`mig.ops` operation that would reconcile it.
    :param database: the ``engine_name`` of a multi-database environment, ``None`` otherwise.
    """

    operation: Any
    database: str | None = None


def differences(config: Config) -> list[Difference]:
    """The upgrade operations autogenerate finds for each database at head (``mig check``)."""
    from mig import plugins
    from mig.autogen_seam import require_autogenerate

    _require_database(config, "mig check")
    require_autogenerate("mig check")
    script = _directory(config)
    result: list[Difference] = []

    def plan(heads: Sequence[str], ctx: MigrationContext) -> list[Any]:
        engine_name = ctx.run_arguments.get("engine_name")
        where = f"database {engine_name!r}" if engine_name else "the database"
        wanted = set(script.get_heads())
        if set(heads) != wanted:
            raise CommandError(
                f"{where} is not up to date (at {', '.join(heads) or 'base'}, heads are "
                f"{', '.join(sorted(wanted))}); run `mig upgrade heads` first")
        metadata = ctx.opts.get("target_metadata")
        if metadata is None:
            metadata = config.load_target_metadata()
        operations = plugins.autogenerate(ctx, metadata, config)
        result.extend(Difference(op, engine_name) for op in operations or ())
        return []

    _run(config, script, plan, create_version_table=False)
    return result


def check(config: Config, *, raise_on_differences: bool = True) -> Any:
    """Fail if autogenerate finds changes between the models and a database at head.

    Returns the operations found (``[]`` when the models match); with
    ``raise_on_differences`` (the default, as Alembic's ``check``) any
    operation is a :class:`CommandError` listing them.
    """
    result = [d.operation for d in differences(config)]
    if result and raise_on_differences:
        described = "; ".join(op.describe() for op in result)
        raise CommandError(f"new upgrade operations detected: {described}; run `mig revision --autogenerate`")
    return result


__all__ = ["Current", "Difference", "check", "differences", "current", "downgrade", "ensure_version", "stamp", "upgrade"]
