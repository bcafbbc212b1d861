"""``mig adopt``: turn an Alembic project into a mig project (the work is :mod:`mig.command.adopt`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from mig_cli.state import CliState


@click.command()
@click.option("--from", "source", metavar="PATH", type=click.Path(dir_okay=False),
              help="The Alembic configuration (alembic.ini or pyproject.toml). Default: ./alembic.ini, "
                   "else [tool.alembic] in ./pyproject.toml.")
@click.option("--dry-run", is_flag=True, help="Show the changes and what mig cannot run; change nothing.")
@click.option("-y", "--yes", is_flag=True, help="Write the changes without asking.")
@click.pass_obj
def adopt(state: CliState, source: str | None, dry_run: bool, yes: bool) -> None:
    """Turn the Alembic project here into a mig project.

    Writes mig.toml (keeping Alembic's version table, alembic_version, so the
    database is adopted as it is) and rewrites the `alembic` imports of env.py,
    script.py.mako and every script of every version location to `mig`. Shows
    a unified diff first, and lists what mig cannot run (file:line and what to
    do). The -c file, if given, is the mig.toml to write.
    """
    from mig.command.adopt import apply_adopt, plan_adopt

    plan = plan_adopt(Path.cwd(), source=source, config_path=state.config_path)
    here = Path.cwd().resolve()
    for change in plan.pending:
        click.echo(change.diff(here), nl=False)
    if plan.notes:
        click.echo("\nNotes:", err=True)
        for note in plan.notes:
            click.echo(f"  {_where(note)}: {note.message}", err=True)
    if plan.findings:
        click.echo("\nWhat mig cannot run as it is (fix these by hand):", err=True)
        for finding in plan.findings:
            click.echo(f"  {_where(finding)}: {finding.message}", err=True)
    pending = plan.pending
    if not pending:
        click.echo(f"Nothing to change: {_shown(plan.config_file)} and the scripts are already adopted.",
                   err=True)
        return
    if dry_run:
        click.echo(f"\nDry run: {len(pending)} file(s) would change; nothing was written.", err=True)
        return
    if not yes:
        if not _isatty(sys.stdin):
            from mig.errors import CommandError

            raise CommandError(f"mig adopt would change {len(pending)} file(s) and cannot ask for "
                               f"confirmation (stdin is not a terminal); pass --yes to write them, "
                               f"or --dry-run to only show them")
        if not click.confirm(f"Write these changes to {len(pending)} file(s)?", default=False, err=True):
            click.echo("mig: nothing written", err=True)
            sys.exit(1)
    written = apply_adopt(plan)
    if not state.quiet:
        for path in written:
            click.echo(f"Wrote {_shown(path)}", err=True)
        click.echo(f"Adopted: version table {plan.options['version_table']}; next `mig current` and "
                   f"`mig upgrade head`.", err=True)


def _where(finding: Any) -> str:
    return f"{_shown(finding.path)}:{finding.line}" if finding.line else _shown(finding.path)


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError):
        return False


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
