"""Start-up stays cheap: `mig --help` and `mig --version` import no SQLAlchemy and no plugin's
real code (a plugin module and the hook specifications it adds are declarations, cheap by
design); with a fresh command index, `mig heads` loads no plugin at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import MIG

PROBE = """
import sys
from mig_cli.main import run
status = run({args!r})
heavy = sorted(m for m in sys.modules if m == "sqlalchemy" or m.startswith(("sqlalchemy.", "mako",
    "mig.revision", "mig.runtime", "mig.ddl.impl"))
    or (m.startswith(("mig_postgresql.", "mig_mysql.", "mig_sqlite_batch.", "mig_autogen."))
        and not m.endswith((".plugin", ".hookspecs"))))
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


HEADS_PROBE = """
import sys
from mig_cli.main import run
status = run(["heads"])
print("STATUS", status)
print("LOADED", sorted(m for m in sys.modules if m in ("mig.plugins", "importlib.metadata", "pluggy",
    "sqlalchemy", "mako") or m.startswith(("mig_postgresql", "mig_mysql", "mig_sqlite_batch",
    "mig_autogen", "mig.runtime", "mig.ddl"))))
"""


def _heads_probe(cwd, env) -> tuple[str, int, list[str]]:
    proc = subprocess.run([sys.executable, "-c", HEADS_PROBE], cwd=cwd, env=env, capture_output=True,
                          text=True)
    out, _, loaded = proc.stdout.rpartition("LOADED ")
    heads, _, status = out.rpartition("STATUS ")
    return heads + proc.stderr, int(status), eval(loaded)


def _graph_project(tmp_path, env) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    for args in (["init", "migrations"], ["revision", "-m", "one", "--rev-id", "aaaa"]):
        subprocess.run([str(MIG), *args], cwd=project, env=env, check=True, capture_output=True)
    return project


def _clean_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIG_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    return env


def test_heads_loads_no_plugin_once_the_command_index_is_fresh(tmp_path) -> None:
    env = _clean_env(tmp_path)
    project = _graph_project(tmp_path, env)
    out, status, loaded = _heads_probe(project, env)  # loads the plugins, writes the index
    assert status == 0 and out == "aaaa (head)\n"
    assert "mig.plugins" in loaded
    out, status, loaded = _heads_probe(project, env)
    assert status == 0 and out == "aaaa (head)\n"
    assert loaded == []  # no entry-point scan, no pluggy, no dialect, no SQLAlchemy

    # Without the index the command still works, through a full plugin load.
    out, status, loaded = _heads_probe(project, {**env, "MIG_NO_CACHE": "1"})
    assert status == 0 and out == "aaaa (head)\n"
    assert "mig.plugins" in loaded and "importlib.metadata" in loaded
    assert "sqlalchemy" not in loaded and "mako" not in loaded


def _fake_dist(site: Path, name: str, module: str, source: str) -> None:
    (site / f"{module}.py").write_text(source)
    dist = site / f"{module}-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(f"[mig]\n{module} = {module}\n")


def test_a_broken_plugin_is_not_indexed_so_every_run_reports_it(tmp_path) -> None:
    env = _clean_env(tmp_path)
    project = _graph_project(tmp_path, env)
    site = tmp_path / "site"
    site.mkdir()
    _fake_dist(site, "broken-plugin", "broken_plugin_xyz", "raise ImportError('half installed')\n")
    env = {**env, "PYTHONPATH": str(site), "PYTHONWARNINGS": ""}
    for _ in range(2):
        out, status, loaded = _heads_probe(project, env)
        assert status == 0
        assert "mig: warning: mig plugin 'broken_plugin_xyz' from broken-plugin failed to load" in out
        assert out.startswith("aaaa (head)\n") and "mig.plugins" in loaded


def test_a_command_name_clash_is_not_indexed(tmp_path) -> None:
    env = _clean_env(tmp_path)
    project = _graph_project(tmp_path, env)
    site = tmp_path / "site"
    site.mkdir()
    _fake_dist(site, "clash-plugin", "clash_plugin_xyz",
               "from mig import hookimpl\nfrom mig_cli.specs import CommandSpec\n\n"
               "@hookimpl\ndef mig_cli_register_commands():\n"
               "    return [CommandSpec('heads', 'clash_plugin_xyz:nothing', 'Clashes.')]\n")
    env = {**env, "PYTHONPATH": str(site)}
    for _ in range(2):
        out, status, _ = _heads_probe(project, env)
        assert status == 1
        assert "'heads' is registered twice" in out and "clash-plugin" in out and "mig-cli" in out
