"""Commands that read or write revision scripts without touching a database (except
``history --indicate-current``): revision, merge, history, heads, branches, show, edit."""

from __future__ import annotations

from typing import Any

import click

from mig_cli.commands.options import RELATIVE, no_options
from mig_cli.output import echo_json, format_revision, format_verbose, revision_json
from mig_cli.state import CliState

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print JSON instead of text (shape in docs/cli.md).")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Show every detail.")


def _written(state: CliState, scripts: Any) -> None:
    if state.quiet:
        return
    if scripts == []:
        click.echo("No script written: process_revision_directives emptied the draft.")
    for script in scripts if isinstance(scripts, list) else [scripts]:
        if script is not None:
            click.echo(f"Generating {script.path} ...  done")


@click.command()
@click.option("-m", "--message", help="What the revision does (its docstring and file name).")
@click.option("--autogenerate", is_flag=True,
              help="Draft the operations by comparing the models with the database (needs mig-autogen).")
@click.option("--sql", is_flag=True, help="Do not run env.py for autogenerate; write the script only.")
@click.option("--head", default="head", show_default=True,
              help="The head (or revision) the new revision builds on.")
@click.option("--splice", is_flag=True, help="Allow a --head that is not a head (start a new branch).")
@click.option("--branch-label", help="A branch label for the new revision.")
@click.option("--version-path", help="The version location to write the script in.")
@click.option("--rev-id", help="Use this revision id instead of a generated one.")
@click.option("--depends-on", multiple=True, help="A revision or label it depends on (repeatable).")
@click.pass_obj
def revision(state: CliState, message: str | None, autogenerate: bool, sql: bool, head: str,
             splice: bool, branch_label: str | None, version_path: str | None,
             rev_id: str | None, depends_on: tuple[str, ...]) -> None:
    """Create a new revision script in versions/."""
    from mig import command

    config = state.config(cmd_opts=click.get_current_context().params)
    scripts = command.revision(
        config, message=message, autogenerate=autogenerate, sql=sql, head=head, splice=splice,
        branch_label=branch_label, version_path=version_path, rev_id=rev_id,
        depends_on=list(depends_on) or None)
    _written(state, scripts)


@click.command(context_settings=RELATIVE)
@click.argument("revisions", callback=no_options, nargs=-1, required=True)
@click.option("-m", "--message", help="What the merge is for.")
@click.option("--branch-label", help="A branch label for the merge revision.")
@click.option("--rev-id", help="Use this revision id instead of a generated one.")
@click.pass_obj
def merge(state: CliState, revisions: tuple[str, ...], message: str | None,
          branch_label: str | None, rev_id: str | None) -> None:
    """Create a revision that merges REVISIONS (e.g. `heads`) into one."""
    from mig import command

    config = state.config(cmd_opts=click.get_current_context().params)
    script = command.merge(config, list(revisions), message=message, branch_label=branch_label,
                           rev_id=rev_id)
    _written(state, script)


def current_ids(state: CliState) -> set[str]:
    """The revision ids in the database's version table (for ``--indicate-current``)."""
    from mig import command
    from mig_cli.commands.run import current_entries

    config = state.config()
    return {entry.script.revision for entry in current_entries(command.current(config))
            if not entry.effective}


def _needs_current(rev_range: str | None) -> bool:
    """Whether a range is relative to the database (``-3:``, ``current:``), as in Alembic."""
    if not rev_range:
        return False
    return any(part.strip().startswith(("-", "+")) or "current" in part
               for part in rev_range.split(":"))


def _replace_current(rev_range: str, current: set[str]) -> str:
    """``current`` in a range means the database's revision (``base`` when it has none)."""
    from mig.errors import CommandError

    if len(current) > 1:
        raise CommandError(f"the database is at several revisions ({', '.join(sorted(current))}); "
                           f"name one of them instead of `current` in -r")
    value = next(iter(current), "base")
    return ":".join(value if part.strip() == "current" else part for part in rev_range.split(":"))


@click.command()
@click.option("-r", "--rev-range", help="Only revisions in this range, e.g. `base:head`, `ae1:`, `-3:`.")
@verbose_option
@click.option("-i", "--indicate-current", is_flag=True,
              help="Mark the database's current revision(s) with (current).")
@json_option
@click.pass_obj
def history(state: CliState, rev_range: str | None, verbose: bool, indicate_current: bool,
            as_json: bool) -> None:
    """List revisions in order, newest first."""
    from mig import command

    config = state.config()
    current = current_ids(state) if indicate_current or _needs_current(rev_range) else set()
    if rev_range and "current" in rev_range:
        rev_range = _replace_current(rev_range, current)
    scripts = command.history(config, rev_range=rev_range, current=sorted(current))
    if not indicate_current:
        current = set()
    if as_json:
        entries = []
        for script in scripts:
            entry = revision_json(script)
            if indicate_current:
                entry["current"] = script.revision in current
            entries.append(entry)
        echo_json({"history": entries})
        return
    for script in scripts:
        is_current = script.revision in current
        if verbose:
            click.echo(format_verbose(script, current=is_current))
        else:
            click.echo(format_revision(script, parents=True, branches=True, doc=True,
                                       current=is_current))


@click.command()
@verbose_option
@click.option("--resolve-dependencies", is_flag=True,
              help="Treat revisions that others depend on as not heads.")
@json_option
@click.pass_obj
def heads(state: CliState, verbose: bool, resolve_dependencies: bool, as_json: bool) -> None:
    """Show the head revision(s) of the scripts."""
    from mig import command

    config = state.config()
    scripts = command.heads(config, resolve_dependencies=resolve_dependencies)
    if as_json:
        echo_json({"heads": [revision_json(s) for s in scripts]})
        return
    for script in scripts:
        if verbose:
            click.echo(format_verbose(script))
        else:
            click.echo(format_revision(script, branches=True, tree_markers=False))


@click.command()
@verbose_option
@json_option
@click.pass_obj
def branches(state: CliState, verbose: bool, as_json: bool) -> None:
    """Show the branch points of the revision graph and where each leads."""
    from mig import command

    config = state.config()
    points = command.branches(config)
    if as_json:
        echo_json({"branches": [revision_json(s) for s in points]})
        return
    for script in points:
        click.echo(format_verbose(script) if verbose else format_revision(script, branches=True))
        pad = " " * len(script.revision)
        for rev in sorted(script.nextrev):
            child = command.show(config, rev)[0]
            click.echo(f"{pad} -> {format_revision(child, branches=True, doc=verbose)}")


@click.command(context_settings=RELATIVE)
@click.argument("rev", callback=no_options)
@json_option
@click.pass_obj
def show(state: CliState, rev: str, as_json: bool) -> None:
    """Show the revision(s) REV names, in full."""
    from mig import command

    config = state.config()
    scripts = command.show(config, rev)
    if as_json:
        echo_json({"revisions": [revision_json(s) for s in scripts]})
        return
    for script in scripts:
        click.echo(format_verbose(script))


@click.command(context_settings=RELATIVE)
@click.argument("rev", callback=no_options, default="current")
@click.pass_obj
def edit(state: CliState, rev: str) -> None:
    """Open the script of revision REV (default: current) in $EDITOR."""
    from mig import command

    config = state.config()
    if rev == "current":  # the database's revision, as in Alembic
        current = current_ids(state)
        if len(current) != 1:
            from mig.errors import CommandError

            found = ", ".join(sorted(current)) or "no revision (base)"
            raise CommandError(f"the database is at {found}; name the revision to edit")
        rev = next(iter(current))
    path = command.edit(config, rev)
    if path is not None:
        click.edit(filename=str(path))
