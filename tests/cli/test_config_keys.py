"""mig.toml keys: unknown ones are errors, Alembic's keys do what Alembic's do (or are refused),
relative SQLite paths follow the file, read-only commands never create a database, Ctrl-C is 130."""

from __future__ import annotations

import os
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import MIG, Mig


def _project(mig: Mig, extra: str = "") -> Path:
    mig("-q", "init", "migrations", ok=True)
    toml = mig.cwd / "mig.toml"
    toml.write_text(toml.read_text() + extra)
    return toml


def _script(mig: Mig, rev: str, down: str | None, body: str) -> Path:
    path = mig.cwd / "migrations" / "versions" / f"{rev}_step.py"
    path.write_text(textwrap.dedent(f'''\
        """step {rev}"""
        import time
        from mig import op
        import sqlalchemy as sa

        revision = {rev!r}
        down_revision = {down!r}
        branch_labels = None
        depends_on = None


        def upgrade():
        ''') + textwrap.indent(textwrap.dedent(body), "    ") + "\n\ndef downgrade():\n    pass\n")
    return path


def test_unknown_key_names_the_nearest_known_one(mig: Mig) -> None:
    _project(mig, 'version_tabel = "alembic_version"\n')
    result = mig("heads")
    assert result.returncode == 1
    assert result.stderr == (
        f"mig: error: {mig.cwd / 'mig.toml'}: unknown key 'version_tabel'; did you mean "
        f"'version_table'? (values for env.py go in [mig.env], read with config.get_main_option; "
        f"see docs/config.md)\n")


def test_unknown_key_in_tool_mig_and_in_a_database_table(mig: Mig) -> None:
    (mig.cwd / "pyproject.toml").write_text('[tool.mig]\nscript_location = "m"\nscript_locaton = "x"\n')
    result = mig("heads")
    assert result.returncode == 1
    assert "unknown key 'script_locaton'; did you mean 'script_location'?" in result.stderr
    (mig.cwd / "pyproject.toml").write_text(
        '[tool.mig]\nscript_location = "m"\n[tool.mig.databases.one]\nulr = "sqlite://"\n')
    result = mig("heads")
    assert result.stderr == (f"mig: error: {mig.cwd / 'pyproject.toml'}: unknown key 'ulr' in "
                             f"databases.one; did you mean 'url'?\n")


@pytest.mark.parametrize(("line", "message"), [
    ("sourceless = true", "sourceless: mig loads migration scripts from their .py source only; remove "
                          "`sourceless` (or set it to false) and keep the .py files"),
    ('output_encoding = "klingon"', "output_encoding = 'klingon' is not an encoding Python knows; "
                                    "use e.g. \"utf-8\""),
])
def test_keys_mig_cannot_honour_are_refused(mig: Mig, line: str, message: str) -> None:
    _project(mig, line + "\n")
    result = mig("heads")
    assert result.returncode == 1
    assert result.stderr.strip().endswith(message), result
    assert result.stderr.startswith("mig: error: ")


def test_sourceless_false_is_accepted(mig: Mig) -> None:
    _project(mig, "sourceless = false\n")
    mig("heads", ok=True)


def test_env_values_reach_get_main_option(mig: Mig) -> None:
    _project(mig, '\n[mig.env]\ngreeting = "hello"\n\n[mig.sections.extra]\nkey = "value"\n')
    env = mig.cwd / "migrations" / "env.py"
    env.write_text(env.read_text() + '\nassert config.get_main_option("greeting") == "hello"\n'
                   'assert config.get_section("extra") == {"key": "value"}\n'
                   'assert config.get_section(config.config_ini_section)["greeting"] == "hello"\n'
                   'import pathlib\npathlib.Path(config.root, "read").write_text("yes")\n')
    mig("upgrade", "head", ok=True)
    assert (mig.cwd / "read").read_text() == "yes"


def test_prepend_sys_path_is_relative_to_the_file(mig: Mig, tmp_path: Path) -> None:
    _project(mig, 'prepend_sys_path = ["src"]\n')
    (mig.cwd / "src").mkdir()
    (mig.cwd / "src" / "projmodels.py").write_text("TABLE = 'from_src'\n")
    _script(mig, "a1", None, "import projmodels\nop.create_table(projmodels.TABLE, sa.Column('id', sa.Integer, primary_key=True))")
    other = tmp_path / "elsewhere"
    other.mkdir()
    runner = Mig(other, mig.env)
    runner("-c", str(mig.cwd / "mig.toml"), "upgrade", "head", ok=True)
    assert sa.inspect(sa.create_engine(f"sqlite:///{mig.cwd / 'mig.db'}")).get_table_names() == [
        "from_src", "mig_log", "mig_version"]


def test_revision_environment_runs_env_py(mig: Mig) -> None:
    _project(mig, "revision_environment = true\n")
    env = mig.cwd / "migrations" / "env.py"
    env.write_text(env.read_text() + "\nimport pathlib\npathlib.Path(config.root, 'env-ran').write_text('yes')\n")
    mig("revision", "-m", "one", ok=True)
    assert (mig.cwd / "env-ran").read_text() == "yes"
    assert not (mig.cwd / "mig.db").exists() or "mig_version" not in sa.inspect(
        sa.create_engine(f"sqlite:///{mig.cwd / 'mig.db'}")).get_table_names()
    (mig.cwd / "env-ran").unlink()
    toml = mig.cwd / "mig.toml"
    toml.write_text(toml.read_text().replace("revision_environment = true", "revision_environment = false"))
    mig("revision", "-m", "two", ok=True)
    assert not (mig.cwd / "env-ran").exists()


def test_output_encoding_applies_to_sql_output(mig: Mig) -> None:
    _project(mig, 'output_encoding = "latin-1"\n')
    _script(mig, "a1", None, "op.execute(\"INSERT INTO t (name) VALUES ('café')\")")
    result = subprocess.run([str(MIG), "upgrade", "head", "--sql"], cwd=mig.cwd, env=mig.env,
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "INSERT INTO t (name) VALUES ('café');".encode("latin-1") in result.stdout


@pytest.mark.parametrize("args", [("current",), ("history", "-i"), ("history", "--indicate-current"),
                                  ("check",)])
def test_read_only_commands_never_create_a_sqlite_file(mig: Mig, args: tuple[str, ...]) -> None:
    _project(mig)
    result = mig(*args)
    assert result.returncode == 1, result
    assert result.stderr == (
        f"mig: error: the database does not exist: there is no SQLite file {mig.cwd / 'mig.db'}; "
        f"mig {'current' if args[0] != 'check' else 'check'} only reads the database and does not "
        f"create it. Check the url in the configuration (relative paths are relative to the "
        f"configuration file), or run `mig upgrade head` to create it\n")
    assert not (mig.cwd / "mig.db").exists()


def test_relative_sqlite_path_is_relative_to_the_config_file(mig: Mig, tmp_path: Path) -> None:
    _project(mig)
    _script(mig, "a1", None, "op.create_table('t', sa.Column('id', sa.Integer, primary_key=True))")
    other = tmp_path / "elsewhere"
    other.mkdir()
    runner = Mig(other, mig.env)
    config = str(mig.cwd / "mig.toml")
    runner("-c", config, "upgrade", "head", ok=True)
    assert not (other / "mig.db").exists()
    assert (mig.cwd / "mig.db").is_file()
    assert runner("-c", config, "current", ok=True).stdout == "a1 (head)\n"
    assert runner("-c", config, "current", "-v", ok=True).stdout.startswith(
        f"Current revision(s) for sqlite:///{mig.cwd / 'mig.db'}:")
    assert sa.inspect(sa.create_engine(f"sqlite:///{mig.cwd / 'mig.db'}")).get_table_names() == [
        "mig_log", "mig_version", "t"]


def test_ctrl_c_rolls_back_and_exits_130(mig: Mig) -> None:
    _project(mig, "transaction_per_migration = true\n")
    marker = mig.cwd / "sleeping"
    _script(mig, "a1", None, "op.create_table('first', sa.Column('id', sa.Integer, primary_key=True))")
    _script(mig, "b2", "a1", f"""\
        op.create_table('second', sa.Column('id', sa.Integer, primary_key=True))
        op.execute("INSERT INTO first (id) VALUES (1)")
        open({str(marker)!r}, 'w').close()
        time.sleep(60)
        """)
    proc = subprocess.Popen([str(MIG), "upgrade", "head"], cwd=mig.cwd, env=mig.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the migration never started"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr
    lines = stderr.splitlines()
    assert lines[-1] == "mig: interrupted"
    assert [line for line in lines if line.startswith("mig:")] == ["mig: interrupted"]
    assert "Traceback" not in stderr
    engine = sa.create_engine(f"sqlite:///{mig.cwd / 'mig.db'}")
    try:
        assert sorted(sa.inspect(engine).get_table_names()) == ["first", "mig_log", "mig_version"]
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM mig_version")).all() == [("a1",)]
            assert conn.execute(sa.text("SELECT count(*) FROM first")).scalar() == 0
    finally:
        engine.dispose()


def test_log_table_and_verify_keys_are_known_and_verify_is_checked(mig: Mig) -> None:
    toml = _project(mig, 'log_table = "deploy_log"\nverify = "strict"\n')
    assert mig("heads").returncode == 0
    toml.write_text(toml.read_text().replace('verify = "strict"', 'verify = "never"'))
    result = mig("heads")
    assert result.returncode == 1
    assert result.stderr.startswith("mig: error: verify = 'never' is not a verify mode; use \"warn\"")
