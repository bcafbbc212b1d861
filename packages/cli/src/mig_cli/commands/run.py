"""Commands that run against the database (or write its SQL with ``--sql``):
upgrade, downgrade, stamp, current, check."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import click

from mig_cli.commands.options import RELATIVE, no_options
from mig_cli.commands.plan_output import plan_options, show_plan, show_stamp_plan
from mig_cli.output import echo_json, format_revision, format_verbose, revision_json
from mig_cli.state import CliState

sql_option = click.option("--sql", is_flag=True,
                          help="Print the SQL to stdout instead of running it (offline mode).")
tag_option = click.option("--tag", help="An arbitrary string for env.py (context.get_tag_argument()).")


def lock_options(fn: Any) -> Any:
    """``--lock-timeout SECONDS`` and ``--no-lock`` (read from ``config.cmd_opts`` by the run's lock step)."""
    fn = click.option("--lock", "offline_lock", is_flag=True,
                      help="With --sql: write the dialect's statements that take the migration lock "
                           "before the first step and release it after the last.")(fn)
    fn = click.option("--no-lock", "no_lock", is_flag=True,
                      help="Do not take the migration lock (only when no other run can be going on).")(fn)
    return click.option("--lock-timeout", "lock_timeout", type=float, default=None, metavar="SECONDS",
                        help="Wait at most SECONDS for another run's migration lock "
                             "(default: lock_timeout of the configuration, else 60).")(fn)


def _prepare(state: CliState, sql: bool) -> Any:
    params = click.get_current_context().params
    if params.get("offline_lock") and not sql:
        raise click.UsageError("--lock is for --sql (a run against the database takes the lock "
                               "unless --no-lock)")
    if params.get("offline_lock") and params.get("no_lock"):
        raise click.UsageError("--lock and --no-lock contradict each other; pass one of them")
    config = state.config(cmd_opts=click.get_current_context().params)
    if sql:
        config.output_buffer = _sql_output(config)
    else:
        state.show_progress()
    return config


def _sql_output(config: Any) -> Any:
    """stdout for ``--sql``, in the configuration's ``output_encoding`` when it sets one."""
    out = sys.stdout
    if config.get("output_encoding") and hasattr(out, "reconfigure"):
        out.flush()
        out.reconfigure(encoding=config.output_encoding)
    return out


@click.command(context_settings=RELATIVE)
@click.argument("revision", callback=no_options)
@sql_option
@tag_option
@lock_options
@plan_options
@click.pass_obj
def upgrade(state: CliState, revision: str, sql: bool, tag: str | None, plan: bool = False,
            as_json: bool = False, **_lock: Any) -> None:
    """Upgrade the database to REVISION (e.g. `head`, `+1`, `ae10`; `A:B` with --sql)."""
    from mig import command

    if plan or as_json:  # --plan: mig_cli.commands.plan_output
        show_plan(state.config(cmd_opts=click.get_current_context().params), revision,
                  upgrade=True, sql=sql, as_json=as_json, plan=plan, tag=tag)
        return
    config = _prepare(state, sql)
    command.upgrade(config, revision, sql=sql, tag=tag)


@click.command(context_settings=RELATIVE)
@click.argument("revision", callback=no_options)
@sql_option
@tag_option
@lock_options
@plan_options
@click.pass_obj
def downgrade(state: CliState, revision: str, sql: bool, tag: str | None, plan: bool = False,
              as_json: bool = False, **_lock: Any) -> None:
    """Revert the database to REVISION (e.g. `-1`, `base`, `ae10`; `A:B` with --sql)."""
    from mig import command

    if plan or as_json:  # --plan: mig_cli.commands.plan_output
        show_plan(state.config(cmd_opts=click.get_current_context().params), revision,
                  upgrade=False, sql=sql, as_json=as_json, plan=plan, tag=tag)
        return
    config = _prepare(state, sql)
    command.downgrade(config, revision, sql=sql, tag=tag)


@click.command(context_settings=RELATIVE)
@click.argument("revisions", callback=no_options, nargs=-1, required=True)
@sql_option
@tag_option
@click.option("--purge", is_flag=True, help="Empty the version table before stamping.")
@lock_options
@plan_options
@click.pass_obj
def stamp(state: CliState, revisions: tuple[str, ...], sql: bool, tag: str | None,
          purge: bool, plan: bool = False, as_json: bool = False, **_lock: Any) -> None:
    """Set the version table to REVISIONS without running any migration."""
    from mig import command

    if plan or as_json:  # --plan: mig_cli.commands.plan_output
        show_stamp_plan(state.config(cmd_opts=click.get_current_context().params), list(revisions),
                        sql=sql, as_json=as_json, plan=plan, tag=tag, purge=purge)
        return
    config = _prepare(state, sql)
    command.stamp(config, list(revisions), sql=sql, tag=tag, purge=purge)


@click.command("ensure-version", context_settings=RELATIVE)
@sql_option
@lock_options
@click.pass_obj
def ensure_version(state: CliState, sql: bool, **_lock: Any) -> None:
    """Create the version table (and mig's log table beside it) if it does not exist; run no migration."""
    from mig import command

    config = _prepare(state, sql)
    command.ensure_version(config, sql=sql)


@dataclass(frozen=True)
class CurrentEntry:
    """One line of ``mig current``: a script, and whether it is only an effective head."""

    script: Any
    effective: bool = False


def current_entries(result: Any) -> list[CurrentEntry]:
    """Normalise what ``mig.command.current`` returns into :class:`CurrentEntry` objects."""
    items: Iterable[Any]
    if result is None:
        return []
    rows = getattr(result, "rows", None)
    if rows is not None:  # an object with .rows and .effective_heads
        effective = getattr(result, "effective_heads", None) or ()
        return ([CurrentEntry(_script_of(r)) for r in rows]
                + [CurrentEntry(_script_of(r), True) for r in effective])
    items = result
    entries = []
    for item in items:
        flag = False
        for name in ("effective", "is_effective", "effective_head", "is_effective_head"):
            value = getattr(item, name, None)
            if isinstance(value, bool):
                flag = value
                break
        entries.append(CurrentEntry(_script_of(item), flag))
    return entries


def _script_of(item: Any) -> Any:
    script = getattr(item, "script", None)
    return script if script is not None else item


@click.command()
@click.option("-v", "--verbose", is_flag=True, help="Show the database URL and every detail.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (shape in docs/cli.md).")
@click.pass_obj
def current(state: CliState, verbose: bool, as_json: bool) -> None:
    """Show the revision(s) the database is at, and the revisions they depend on."""
    from mig import command
    from mig_cli.errors import _hide_password

    config = state.config(cmd_opts=click.get_current_context().params)
    result = command.current(config, verbose=verbose)
    url = _hide_password(config.url) if config.url else None
    databases = list(getattr(result, "databases", ()) or ())
    if as_json:
        def rows_of(found: Any) -> list[dict[str, Any]]:
            rows = []
            for entry in current_entries(found):
                data = revision_json(entry.script)
                data["effective_head"] = entry.effective
                rows.append(data)
            return rows

        document: dict[str, Any] = {"url": url, "current": rows_of(result)}
        if databases:
            document["databases"] = [{"name": db.name, "url": db.url, "current": rows_of(db)}
                                     for db in databases]
        echo_json(document)
        return
    # a multi-database environment: each database in turn, as Alembic prints them
    for db in databases or [result]:
        if verbose:
            shown = (db.url or url) if databases else url
            click.echo(f"Current revision(s) for {shown}" + (f" ({db.name})" if databases and db.name else "")
                       + ":", err=False)
        for entry in current_entries(db):
            if verbose:
                click.echo(format_verbose(entry.script))
            else:
                click.echo(format_revision(entry.script, effective_head=entry.effective))


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON (shape in docs/autogenerate.md).")
@click.pass_obj
def check(state: CliState, as_json: bool) -> None:
    """Fail (exit 1) if the models have changes that no revision covers (needs mig-autogen)."""
    from mig import command

    config = state.config(cmd_opts=click.get_current_context().params)
    found = command.differences(config)
    if as_json:
        echo_json({"differences": [difference_json(d) for d in found]})
    elif not state.quiet:
        if not found:
            click.echo("No differences: the database matches the models.")
        else:
            plural = "difference" if len(found) == 1 else "differences"
            click.echo(f"{len(found)} {plural} between the models and the database:")
            for difference in found:
                where = f"[{difference.database}] " if difference.database else ""
                click.echo(f"  {where}{difference.operation.describe()}")
            click.echo('Draft a migration for them with `mig revision --autogenerate -m "..."`.')
    if found:
        click.get_current_context().exit(1)


def difference_json(difference: Any) -> dict[str, Any]:
    """One entry of ``mig check --json``: ``operation``, ``description``, ``database``, ``table``, ``schema``."""
    operation = difference.operation
    table = (getattr(operation, "table_name", None) or getattr(operation, "source_table", None)
             or getattr(getattr(operation, "table", None), "name", None))
    schema = getattr(operation, "schema", None) or getattr(operation, "source_schema", None)
    return {"operation": type(operation).script_name() or type(operation).__name__,
            "description": operation.describe(), "database": difference.database,
            "table": table, "schema": schema}
