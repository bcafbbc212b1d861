"""The ``mig`` console script: a click group whose commands come from plugins.

Start-up stays cheap: the group lists commands from their
:class:`~mig_cli.specs.CommandSpec` descriptors (collected through the
``mig_cli_register_commands`` hook) and imports a command's module only when
that command runs. Which plugin supplies which command is remembered in the
command index (:mod:`mig_cli.commandindex`), so that a run with a fresh index
loads no plugin to find its command. ``mig --help`` and ``mig --version``
import neither SQLAlchemy nor any plugin's real code.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from mig_cli.state import CliState

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def register_cli_plugin() -> None:
    """Register the CLI's own plugin (its ``mig_cli_*`` hook specs and commands), once.

    It is registered even when ``MIG_PLUGINS`` leaves out ``cli``: without it
    there would be no commands.
    """
    import mig_cli.plugin
    from mig import plugins

    plugins.register(mig_cli.plugin, name="cli", distribution="mig-cli", version=mig_cli.__version__)


def _command_specs() -> dict[str, Any]:
    """Every registered command descriptor by name, from the loaded plugins.

    Loads every plugin; stores the result in the command index (see
    :mod:`mig_cli.commandindex`) when the index is in use.
    """
    from mig_cli import commandindex

    index = commandindex.enabled()
    register_cli_plugin()
    from mig import plugins

    specs = plugins.collect_named("mig_cli_register_commands")
    if index:
        commandindex.store(specs)
    return specs


def _indexed() -> dict[str, Any] | None:
    """The command index's entries, when it is in use and fresh (see :mod:`mig_cli.commandindex`)."""
    from mig_cli import commandindex

    return commandindex.load() if commandindex.enabled() else None


def _load_command(name: str, ref: Any, plugin: str, distribution: str) -> click.Command:
    """The click command ``ref`` names (or is), named ``name``; errors name the plugin."""
    from mig.errors import PluginError

    if isinstance(ref, str):
        from pkgutil import resolve_name

        try:
            command = resolve_name(ref)
        except Exception as exc:
            raise PluginError(
                f"command {name!r} from plugin {plugin!r} ({distribution}) cannot be "
                f"loaded: {type(exc).__name__}: {exc}; reinstall {distribution}"
            ) from exc
    else:
        command = ref
    if not isinstance(command, click.Command):
        raise PluginError(f"command {name!r} from plugin {plugin!r} ({distribution}) "
                          f"is not a click command: {command!r}")
    command.name = name
    return command


class Interrupted(Exception):
    """Ctrl-C while a command ran (click would turn the KeyboardInterrupt into an Abort)."""


class MigGroup(click.Group):
    """A group whose commands are plugin descriptors, loaded on first use.

    Which plugin supplies a command comes from the command index when it is
    fresh (no plugin is loaded then), else from loading every plugin.
    """

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:  # the run's transaction has been rolled back on the way here
            raise Interrupted() from exc

    def list_commands(self, ctx: click.Context) -> list[str]:
        indexed = _indexed()
        return sorted(indexed if indexed is not None else _command_specs())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = self._command(cmd_name)
        if found is None and "_" in cmd_name:  # Alembic's spelling: list_templates, ensure_version
            found = self._command(cmd_name.replace("_", "-"))
        return found

    def _command(self, cmd_name: str) -> click.Command | None:
        indexed = _indexed()
        entry = indexed.get(cmd_name) if indexed is not None else None
        if entry is not None and entry.ref is not None:
            return _load_command(cmd_name, entry.ref, entry.plugin, entry.distribution)
        reg = _command_specs().get(cmd_name)
        if reg is None:
            return None
        return _load_command(cmd_name, reg.item.command, reg.plugin, reg.distribution)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        indexed = _indexed()
        if indexed is not None:
            rows = [(name, indexed[name].help) for name in sorted(indexed)]
        else:
            specs = _command_specs()
            rows = [(name, specs[name].item.help) for name in sorted(specs)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    import mig_cli
    from mig import __version__

    click.echo(f"mig {mig_cli.__version__} (mig-core {__version__}, Python {sys.version.split()[0]})")
    ctx.exit(0)


@click.group(cls=MigGroup, context_settings=CONTEXT_SETTINGS)
@click.option("-c", "--config", "config_path", metavar="PATH", type=click.Path(dir_okay=False),
              help="Configuration file (.toml). Default: ./mig.toml, else [tool.mig] in ./pyproject.toml.")
@click.option("-x", "x_arguments", metavar="KEY=VALUE", multiple=True,
              help="A value for env.py (context.get_x_argument()); repeatable.")
@click.option("--traceback", is_flag=True, help="Show the full traceback when a command fails.")
@click.option("-q", "--quiet", is_flag=True, help="Print only results and errors.")
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_show_version,
              help="Show the version and exit.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, x_arguments: tuple[str, ...],
        traceback: bool, quiet: bool) -> None:
    """mig: database migrations for SQLAlchemy.

    Run `mig init migrations` to start, `mig revision -m "..."` to add a
    migration, `mig upgrade head` to apply them (`--sql` to print the SQL).
    """
    state = CliState(config_path=config_path, x_arguments=list(x_arguments),
                     traceback=traceback, quiet=quiet)
    CliState.current = state
    ctx.obj = state
    state.setup_logging()


def _show_warning(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                  file: Any = None, line: str | None = None) -> None:
    """mig's own warnings (a plugin that failed to load ...) as one line ``mig: warning: ...``."""
    if category is RuntimeWarning and str(message).startswith("mig "):
        click.echo(f"mig: warning: {message}", err=True)
        return
    import warnings

    warnings._showwarnmsg_impl(  # type: ignore[attr-defined]
        warnings.WarningMessage(message, category, filename, lineno, file, line))


def _clear_status() -> None:
    state = CliState.current
    if state is not None and state._status is not None:
        state._status.stop_ticking()
        state._status.clear()


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: run the CLI and turn every failure into one line and an exit status."""
    sys.exit(run(argv))


def run(argv: Sequence[str] | None = None) -> int:
    """Run ``mig`` with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    import warnings

    args = list(sys.argv[1:] if argv is None else argv)
    CliState.current = None
    previous_showwarning = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        result = cli.main(args=args, prog_name="mig", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return int(exc.exit_code)
    except click.Abort as exc:
        if isinstance(exc.__context__, KeyboardInterrupt):
            click.echo("mig: interrupted", err=True)
            return 130
        click.echo("mig: aborted", err=True)
        return 1
    except (KeyboardInterrupt, Interrupted):
        _clear_status()
        click.echo("mig: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:
        from mig_cli.errors import report

        state = CliState.current
        show_traceback = state.traceback if state is not None else "--traceback" in args
        return report(exc, traceback=show_traceback)
    finally:
        warnings.showwarning = previous_showwarning
        if CliState.current is not None:
            CliState.current.close()
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    main()
