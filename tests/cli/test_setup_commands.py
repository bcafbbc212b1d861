"""`mig init`, `mig list-templates`, `mig plugins` and click's usage errors."""

from __future__ import annotations

import json

import pytest
import tomllib

from .conftest import Mig


@pytest.mark.parametrize("template", ["generic", "multidb", "async"])
def test_init_creates_environment_and_config(mig: Mig, template: str) -> None:
    result = mig("init", "migrations", "-t", template, ok=True)
    folder = mig.cwd / "migrations"
    assert sorted(p.name for p in folder.iterdir()) == ["README", "env.py", "script.py.mako", "versions"]
    assert (folder / "versions").is_dir()
    assert "Writing configuration mig.toml" in result.stdout
    config = tomllib.loads((mig.cwd / "mig.toml").read_text())
    assert config["mig"]["script_location"] == "migrations"
    if template == "multidb":
        assert set(config["mig"]["databases"]) == {"engine1", "engine2"}
    elif template == "async":
        assert config["mig"]["url"].startswith("sqlite+aiosqlite:")
    else:
        assert config["mig"]["url"] == "sqlite:///mig.db"
    compile((folder / "env.py").read_text(), "env.py", "exec")
    assert "from mig import op" in (folder / "script.py.mako").read_text()


def test_init_package_and_nested_dir(mig: Mig) -> None:
    mig("init", "db/migrations", "--package", ok=True)
    assert (mig.cwd / "db/migrations/__init__.py").is_file()
    assert (mig.cwd / "db/migrations/versions/__init__.py").is_file()
    config = tomllib.loads((mig.cwd / "mig.toml").read_text())
    assert config["mig"]["script_location"] == "db/migrations"


def test_init_refuses_non_empty_directory(mig: Mig) -> None:
    (mig.cwd / "migrations").mkdir()
    (mig.cwd / "migrations" / "keep.txt").write_text("x")
    result = mig("init", "migrations")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "mig: error: directory 'migrations' already exists and is not empty; "
        "choose a new folder name or empty it first")
    assert not (mig.cwd / "mig.toml").exists()


def test_init_accepts_an_empty_existing_directory(mig: Mig) -> None:
    (mig.cwd / "migrations").mkdir()
    mig("init", "migrations", ok=True)
    assert (mig.cwd / "migrations" / "env.py").is_file()


def test_init_unknown_template(mig: Mig) -> None:
    result = mig("init", "migrations", "-t", "nosuch")
    assert result.returncode == 1
    assert result.stderr.startswith("mig: error: no template named 'nosuch'; available: async, generic, multidb")
    assert not (mig.cwd / "migrations").exists()


def test_init_keeps_existing_configuration(mig: Mig) -> None:
    (mig.cwd / "pyproject.toml").write_text('[tool.mig]\nscript_location = "elsewhere"\n')
    result = mig("init", "migrations", ok=True)
    assert not (mig.cwd / "mig.toml").exists()
    assert "pyproject.toml exists" in result.stdout
    assert (mig.cwd / "pyproject.toml").read_text() == '[tool.mig]\nscript_location = "elsewhere"\n'


def test_init_writes_the_dash_c_file(mig: Mig) -> None:
    mig("-c", "conf/mine.toml", "init", "migrations", ok=True)
    config = tomllib.loads((mig.cwd / "conf/mine.toml").read_text())
    assert config["mig"]["script_location"] == "../migrations" or \
        config["mig"]["script_location"].endswith("/migrations")


def test_list_templates(mig: Mig) -> None:
    result = mig("list-templates", ok=True)
    lines = result.stdout.splitlines()
    assert "generic - One database, online and --sql (the default)." in lines
    assert any(line.startswith("multidb - ") for line in lines)
    assert any(line.startswith("async   - ") for line in lines)


def test_plugins_text_and_json(mig: Mig) -> None:
    result = mig("plugins", ok=True)
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["name", "distribution", "version", "status"]
    by_name = {row.split()[0]: row.split() for row in rows}
    assert by_name["cli"][1:] == ["mig-cli", "0.1.0", "loaded"]
    assert by_name["mig.builtin"][1] == "mig-core"
    data = json.loads(mig("plugins", "--json", ok=True).stdout)
    entry = {p["name"]: p for p in data["plugins"]}["cli"]
    assert entry == {"name": "cli", "distribution": "mig-cli", "version": "0.1.0",
                     "status": "loaded", "error": None}


def test_plugins_respects_mig_plugins(mig: Mig) -> None:
    data = json.loads(mig("plugins", "--json", env={"MIG_PLUGINS": "cli"}, ok=True).stdout)
    status = {p["name"]: p["status"] for p in data["plugins"]}
    assert status["cli"] == "loaded"
    assert status["postgresql"] == "disabled"
    assert status["sqlite-batch"] == "disabled"


def test_commands_work_with_autoloading_off(mig: Mig) -> None:
    # MIG_PLUGINS= loads no entry point; the CLI still has its own commands.
    result = mig("list-templates", env={"MIG_PLUGINS": ""}, ok=True)
    assert "generic" in result.stdout


def test_usage_errors_exit_2(mig: Mig) -> None:
    result = mig("upgrade")
    assert result.returncode == 2
    assert "Missing argument 'REVISION'" in result.stderr
    result = mig("nosuchcommand")
    assert result.returncode == 2
    assert "No such command 'nosuchcommand'" in result.stderr
    result = mig("history", "--bogus")
    assert result.returncode == 2


def test_a_broken_plugin_is_reported_and_the_rest_work(mig: Mig, tmp_path) -> None:
    site = tmp_path / "site"
    dist = site / "broken_plugin-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[mig]\nbroken = nosuchmodule_xyz.plugin\n")
    env = {"PYTHONPATH": str(site), "PYTHONWARNINGS": ""}
    result = mig("plugins", env=env, real=True)
    assert result.returncode == 0, result
    assert result.stderr == (
        "mig: warning: mig plugin 'broken' from broken-plugin failed to load (ModuleNotFoundError: "
        "No module named 'nosuchmodule_xyz'); continuing without it. Reinstall it or set "
        "MIG_PLUGINS to skip it.\n")
    row = next(line for line in result.stdout.splitlines() if line.startswith("broken "))
    assert row.split() == ["broken", "broken-plugin", "0.1", "failed"]
    data = json.loads(mig("plugins", "--json", env=env, real=True, ok=True).stdout)
    broken = {p["name"]: p for p in data["plugins"]}["broken"]
    assert broken["status"] == "failed"
    assert broken["error"] == "ModuleNotFoundError: No module named 'nosuchmodule_xyz'"
    assert mig("list-templates", env=env, real=True, ok=True).stdout.startswith("Available templates:")


def test_options_after_a_revision_argument(mig: Mig) -> None:
    mig("-q", "init", "migrations", ok=True)
    result = mig("downgrade", "-q")
    assert result.returncode == 2 and "No such option '-q'" in result.stderr
    result = mig("upgrade", "--bogus")
    assert result.returncode == 2 and "No such option '--bogus'" in result.stderr
