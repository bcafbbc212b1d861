"""Other plugins add commands through `mig_cli_register_commands`, like the CLI's own."""

from __future__ import annotations

import click
import pytest

from mig import hookimpl, plugins
from mig_cli.main import run
from mig_cli.specs import CommandSpec


@click.command()
@click.argument("who", default="world")
def hello(who: str) -> None:
    """Say hello."""
    click.echo(f"hello {who}")


class HelloPlugin:
    @hookimpl
    def mig_cli_register_commands(self):
        return [CommandSpec("hello", hello, "Say hello (from a test plugin)."),
                CommandSpec("lazy-hello", "tests_cli_nosuchmodule:command", "Never importable.")]


class ClashPlugin:
    @hookimpl
    def mig_cli_register_commands(self):
        return [CommandSpec("upgrade", hello, "Clashes with the CLI's own upgrade.")]


@pytest.fixture
def registered():
    names = []

    def add(plugin: object, name: str) -> None:
        names.append(plugins.register(plugin, name=name, distribution="test-dist"))

    run(["--version"])  # the CLI's own plugin (and its hook specs) are registered first
    yield add
    for name in names:
        plugins.unregister(name)


def test_plugin_command_is_listed_and_runs(registered, capsys) -> None:
    registered(HelloPlugin(), "hello-plugin")
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    assert "  hello           Say hello (from a test plugin)." in out
    assert run(["hello", "mig"]) == 0
    assert capsys.readouterr().out == "hello mig\n"


def test_plugin_command_that_cannot_load(registered, capsys) -> None:
    registered(HelloPlugin(), "hello-plugin")
    assert run(["lazy-hello"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("mig: error: command 'lazy-hello' from plugin 'hello-plugin' (test-dist) "
                          "cannot be loaded: ModuleNotFoundError")


def test_command_name_clash_names_both_distributions(registered, capsys) -> None:
    registered(ClashPlugin(), "clash-plugin")
    assert run(["plugins"]) == 1
    err = capsys.readouterr().err
    assert "'upgrade' is registered twice" in err
    assert "mig-cli" in err and "test-dist" in err
