"""``mig init``, ``mig list-templates`` and ``mig plugins``."""

from __future__ import annotations

import os
from pathlib import Path

import click

from mig_cli.output import echo_json
from mig_cli.state import CliState


@click.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("-t", "--template", default="generic", show_default=True,
              help="Template to use (see `mig list-templates`).")
@click.option("--package", is_flag=True, help="Write __init__.py files in the folder and versions/.")
@click.pass_obj
def init(state: CliState, directory: str, template: str, package: bool) -> None:
    """Create a migrations folder DIRECTORY from a template.

    Writes DIRECTORY/env.py, DIRECTORY/script.py.mako and DIRECTORY/versions/,
    and a mig.toml pointing at them unless the project already has a
    configuration (mig.toml, [tool.mig] in pyproject.toml, or the -c file).
    """
    from mig import command

    result = command.init(directory, template=template, config_path=state.config_path,
                          package=package)
    if state.quiet:
        return
    for path in result.created:
        kind = "directory" if path.is_dir() else "file"
        click.echo(f"Creating {kind} {_shown(path)} ...  done")
    if result.config_written:
        click.echo(f"Writing configuration {_shown(result.config_file)} ...  done")
    elif result.config_file is not None:
        click.echo(f"Configuration {_shown(result.config_file)} exists; make sure script_location "
                   f"points at {_shown(result.directory)}")
    click.echo(f"Next: set url in {_shown(result.config_file) if result.config_file else 'mig.toml'}"
               f", then `mig revision -m \"first\"` and `mig upgrade head`.")


def _shown(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


@click.command("list-templates")
def list_templates() -> None:
    """List the templates `mig init -t NAME` accepts."""
    from mig import command

    templates = command.list_templates()
    width = max((len(name) for name, _ in templates), default=0)
    click.echo("Available templates:\n")
    for name, description in templates:
        click.echo(f"{name.ljust(width)} - {description}")
    click.echo("\nTemplates are used via the 'init' command, e.g.:\n\n  mig init --template generic ./migrations")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see docs/cli.md).")
def plugins(as_json: bool) -> None:
    """List the loaded plugins: name, distribution, version, status."""
    from mig import plugins as registry
    from mig_cli.main import register_cli_plugin

    register_cli_plugin()  # listed as loaded whatever MIG_PLUGINS says, as the commands are there
    infos = registry.plugin_infos()
    if as_json:
        echo_json({"plugins": [
            {"name": i.name, "distribution": i.distribution, "version": i.version,
             "status": i.status, "error": i.error or None} for i in infos]})
        return
    rows = [("name", "distribution", "version", "status")]
    rows += [(i.name, i.distribution, i.version or "-", i.status) for i in infos]
    widths = [max(len(row[n]) for row in rows) for n in range(4)]
    colours = {"loaded": "green", "failed": "red", "disabled": "yellow"}
    for index, row in enumerate(rows):
        cells = [row[n].ljust(widths[n]) for n in range(3)]
        status = row[3] if index == 0 else click.style(row[3], fg=colours.get(row[3]))
        click.echo("  ".join([*cells, status]).rstrip())
