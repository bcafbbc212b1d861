"""Every failure a user can cause is one line `mig: error: ...` and exit status 1."""

from __future__ import annotations

import os

import pytest

from .conftest import Mig


def _project(mig: Mig, url: str | None = None) -> None:
    mig("-q", "init", "migrations", ok=True)
    if url is not None:
        toml = mig.cwd / "mig.toml"
        toml.write_text(toml.read_text().replace('url = "sqlite:///mig.db"', f'url = "{url}"'))


def _one_error_line(result, exit_status: int = 1) -> str:
    assert result.returncode == exit_status, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("mig: error: ")]
    assert len(errors) == 1, result
    assert "Traceback" not in result.stderr, result
    return errors[0]


def test_no_configuration(mig: Mig) -> None:
    line = _one_error_line(mig("heads"))
    assert line.startswith(f"mig: error: no configuration found in {mig.cwd}")
    assert "mig init migrations" in line


def test_missing_config_file(mig: Mig) -> None:
    line = _one_error_line(mig("-c", "nope.toml", "heads"))
    assert line == (f"mig: error: config file '{mig.cwd / 'nope.toml'}' does not exist; "
                    "pass an existing .toml file to -c/--config")


def test_invalid_toml(mig: Mig) -> None:
    (mig.cwd / "mig.toml").write_text("[mig\n")
    line = _one_error_line(mig("heads"))
    assert "not valid TOML" in line


def test_unknown_revision(mig: Mig) -> None:
    _project(mig)
    mig("revision", "-m", "one", "--rev-id", "aaa1", ok=True)
    for args in (("show", "zzz"), ("upgrade", "zzz", "--sql")):
        line = _one_error_line(mig(*args))
        assert "'zzz'" in line
        assert "mig history" in line


def test_script_with_syntax_error(mig: Mig) -> None:
    _project(mig)
    mig("revision", "-m", "one", "--rev-id", "aaa1", ok=True)
    script = next((mig.cwd / "migrations" / "versions").glob("aaa1_*.py"))
    script.write_text(script.read_text().replace("def upgrade() -> None:", "def upgrade( -> None:"))
    line = _one_error_line(mig("heads"))
    assert script.name in line
    assert "syntax" in line.lower()


def test_traceback_flag_shows_the_traceback(mig: Mig) -> None:
    result = mig("--traceback", "-c", "nope.toml", "heads")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "ConfigError" in result.stderr
    assert result.stderr.rstrip().splitlines()[-1].startswith("mig: error: config file")


def test_missing_dialect_plugin(mig: Mig, tmp_path) -> None:
    _project(mig, f"sqlite:///{tmp_path / 'app.db'}")
    mig("revision", "-m", "one", ok=True)
    # With autoloading limited to the CLI, no plugin provides SQLite.
    line = _one_error_line(mig("upgrade", "head", env={"MIG_PLUGINS": "cli"}))
    assert "no mig dialect for 'sqlite'" in line
    assert "pip install mig-sqlite-batch" in line


def test_missing_database_driver(mig: Mig) -> None:
    _project(mig, "mssql+pymssql://user:secret@127.0.0.1:1/db")
    mig("revision", "-m", "one", ok=True)
    line = _one_error_line(mig("upgrade", "head"))
    assert "pymssql" in line
    assert "secret" not in line


@pytest.mark.parametrize("url", ["postgresql+psycopg://root:secret@127.0.0.1:1/test",
                                 "mysql+pymysql://root:secret@127.0.0.1:1/test"])
def test_unreachable_database(mig: Mig, url: str) -> None:
    _project(mig, url)
    mig("revision", "-m", "one", ok=True)
    line = _one_error_line(mig("upgrade", "head"))
    assert line.startswith("mig: error: cannot connect to the database: ")
    assert "check that the server is running and the url in mig.toml, or MIG_URL" in line
    assert "secret" not in line


def test_mig_url_overrides_config(mig: Mig) -> None:
    _project(mig)
    mig("revision", "-m", "one", ok=True)
    line = _one_error_line(mig("upgrade", "head",
                               env={"MIG_URL": "postgresql+psycopg://root@127.0.0.1:1/test"}))
    assert "cannot connect to the database" in line
    assert not (mig.cwd / "mig.db").exists()


@pytest.mark.skipif(os.name != "posix", reason="uses a POSIX path")
def test_failing_migration_names_revision_and_file(mig: Mig, tmp_path) -> None:
    _project(mig, f"sqlite:///{tmp_path / 'app.db'}")
    mig("revision", "-m", "boom", "--rev-id", "b00m", ok=True)
    script = next((mig.cwd / "migrations" / "versions").glob("b00m_*.py"))
    script.write_text(script.read_text().replace(
        "def upgrade() -> None:\n    pass", "def upgrade() -> None:\n    raise RuntimeError('kaboom')"))
    line = _one_error_line(mig("upgrade", "head", real=True))
    assert "b00m" in line
    assert script.name in line
    assert "kaboom" in line


def test_unexpected_exception_is_one_line_with_a_hint(mig: Mig) -> None:
    _project(mig)
    env_py = mig.cwd / "migrations" / "env.py"
    env_py.write_text(env_py.read_text().replace(
        "config = context.config\n", "config = context.config\nraise TypeError('boom in env')\n"))
    line = _one_error_line(mig("upgrade", "head"))
    assert line == ("mig: error: unexpected TypeError: boom in env "
                    "(run again with --traceback to see where it happened)")
    result = mig("--traceback", "upgrade", "head")
    assert result.returncode == 1
    assert 'raise TypeError(\'boom in env\')' in result.stderr
    assert result.stderr.rstrip().splitlines()[-1] == "mig: error: unexpected TypeError: boom in env"


def test_no_url(mig: Mig) -> None:
    _project(mig)
    toml = mig.cwd / "mig.toml"
    toml.write_text(toml.read_text().replace('url = "sqlite:///mig.db"\n', ""))
    mig("revision", "-m", "one", ok=True)
    for args in (("upgrade", "head"), ("upgrade", "head", "--sql")):
        line = _one_error_line(mig(*args))
        assert line == ('mig: error: no database url: set url = "..." in the configuration file, '
                        'or MIG_URL')
