"""`mig --help` and `mig --version` stay cheap: no SQLAlchemy, no plugin's real code."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import MIG

PROBE = """
import sys
from mig_cli.main import run
status = run({args!r})
heavy = sorted(m for m in sys.modules if m == "sqlalchemy" or m.startswith(("sqlalchemy.", "mako",
    "mig.revision", "mig.runtime", "mig.ddl.impl"))
    or (m.startswith(("mig_postgresql.", "mig_mysql.", "mig_sqlite_batch.", "mig_autogen."))
        and not m.endswith(".plugin")))
print("STATUS", status)
print("HEAVY", heavy)
"""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["upgrade", "--help"], ["history", "--help"]])
def test_help_and_version_do_not_import_sqlalchemy(args: list[str]) -> None:
    # Without the help cache: the harder case, where every plugin is loaded.
    env = {**os.environ, "MIG_NO_CACHE": "1"}
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True,
                          text=True, check=True, env=env)
    assert "STATUS 0" in proc.stdout
    assert "HEAVY []" in proc.stdout, proc.stdout


def test_help_lists_every_contract_command() -> None:
    proc = subprocess.run([str(MIG), "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    for name in ("init", "list-templates", "revision", "upgrade", "downgrade", "current", "history",
                 "heads", "branches", "merge", "stamp", "show", "check", "edit", "plugins"):
        assert f"\n  {name} " in proc.stdout, name
    for option in ("-c, --config", "-x KEY=VALUE", "--traceback", "-q, --quiet", "--version"):
        assert option in proc.stdout


def test_version() -> None:
    proc = subprocess.run([str(MIG), "--version"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stdout.startswith("mig 0.")
    assert "mig-core" in proc.stdout


def test_version_constant_matches_the_distribution() -> None:
    from importlib.metadata import version

    import mig_cli

    assert mig_cli.__version__ == version("mig-cli")


def _help_probe(cwd, env) -> tuple[str, list[str]]:
    code = ("import sys\nfrom mig_cli.main import run\nrun(['--help'])\n"
            "print('LOADED', sorted(m for m in sys.modules if m in ('mig.plugins', 'importlib.metadata')))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True, check=True)
    help_text, _, loaded = proc.stdout.rpartition("LOADED ")
    return help_text, eval(loaded)


def test_help_uses_the_command_cache_and_notices_new_plugins(tmp_path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIG_")}
    env.update({"XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(site)})
    first, loaded = _help_probe(tmp_path, env)
    assert loaded == ["importlib.metadata", "mig.plugins"]
    again, loaded = _help_probe(tmp_path, env)
    assert again == first and loaded == []  # from the cache: no plugin loading at all
    assert list((tmp_path / "cache" / "mig").glob("commands-*.marshal"))

    # Installing a plugin (a new dist-info on sys.path) shows its command at once.
    (site / "extra_plugin.py").write_text(
        "import click\nfrom mig import hookimpl\nfrom mig_cli.specs import CommandSpec\n\n"
        "@click.command()\ndef extra():\n    click.echo('extra ran')\n\n"
        "@hookimpl\ndef mig_cli_register_commands():\n"
        "    return [CommandSpec('extra', 'extra_plugin:extra', 'An extra command.')]\n")
    dist = site / "extra_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: extra-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[mig]\nextra = extra_plugin\n")
    text, loaded = _help_probe(tmp_path, env)
    assert "  extra           An extra command." in text and loaded
    text, loaded = _help_probe(tmp_path, env)
    assert "  extra           An extra command." in text and loaded == []

    # Editing a loaded plugin module makes the entry stale too.
    plugin = site / "extra_plugin.py"
    plugin.write_text(plugin.read_text().replace("An extra command.", "A changed command."))
    os.utime(plugin, ns=(plugin.stat().st_atime_ns, plugin.stat().st_mtime_ns + 10**9))
    text, _ = _help_probe(tmp_path, env)
    assert "A changed command." in text
    proc = subprocess.run([str(MIG), "extra"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout == "extra ran\n"
