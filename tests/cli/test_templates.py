"""The `multidb` and `async` templates, and `-x` values reaching env.py."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import Mig


def _tables(path: Path) -> dict[str, list[str]]:
    engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
    try:
        insp = sa.inspect(engine)
        # mig's log table (checked in tests/safety) left out
        return {t: [c["name"] for c in insp.get_columns(t)] for t in sorted(insp.get_table_names())
                if t != "mig_log"}
    finally:
        engine.dispose()


def test_multidb_migrates_each_database_with_its_own_version_table(mig: Mig) -> None:
    mig("-q", "init", "-t", "multidb", "migrations", ok=True)
    mig("revision", "-m", "tables", "--rev-id", "m1", ok=True)
    script = mig.cwd / "migrations" / "versions" / "m1_tables.py"
    text = script.read_text()
    assert "def upgrade_engine1() -> None:" in text and "def downgrade_engine2() -> None:" in text
    text = text.replace("def upgrade_engine1() -> None:\n    pass",
                        "def upgrade_engine1() -> None:\n    op.create_table('one', sa.Column('id', sa.Integer, primary_key=True))")
    text = text.replace("def downgrade_engine1() -> None:\n    pass",
                        "def downgrade_engine1() -> None:\n    op.drop_table('one')")
    text = text.replace("def upgrade_engine2() -> None:\n    pass",
                        "def upgrade_engine2() -> None:\n    op.create_table('two', sa.Column('id', sa.Integer, primary_key=True))")
    script.write_text(text)

    result = mig("upgrade", "head", ok=True)
    assert result.stderr.count("Ran upgrade base -> m1") == 2
    assert _tables(mig.cwd / "engine1.db") == {"mig_version": ["version_num"], "one": ["id"]}
    assert _tables(mig.cwd / "engine2.db") == {"mig_version": ["version_num"], "two": ["id"]}

    sql = mig("upgrade", "head", "--sql", ok=True).stdout
    part1, part2 = sql.split("-- database: engine2\n")
    assert part1.startswith("-- database: engine1\n")
    assert "CREATE TABLE one" in part1 and "CREATE TABLE two" not in part1
    assert "CREATE TABLE two" in part2 and "CREATE TABLE one" not in part2

    override = mig.cwd / "other.db"
    mig("downgrade", "base", env={"MIG_URL_ENGINE2": f"sqlite:///{override}"}, ok=True)
    assert _tables(mig.cwd / "engine1.db") == {"mig_version": ["version_num"]}
    assert "two" in _tables(mig.cwd / "engine2.db")  # engine2 was redirected to other.db


@pytest.mark.skipif(importlib.util.find_spec("aiosqlite") is None, reason="aiosqlite is not installed")
def test_async_template_online(mig: Mig) -> None:
    mig("-q", "init", "-t", "async", "migrations", ok=True)
    mig("revision", "-m", "one", ok=True)
    mig("upgrade", "head", ok=True)
    assert "mig_version" in _tables(mig.cwd / "mig.db")


def test_async_template_offline(mig: Mig) -> None:
    mig("-q", "init", "-t", "async", "migrations", ok=True)
    mig("revision", "-m", "one", "--rev-id", "as1", ok=True)
    sql = mig("upgrade", "head", "--sql", ok=True).stdout
    assert "INSERT INTO mig_version (version_num) VALUES ('as1')" in sql


def test_x_arguments_reach_env_py(mig: Mig) -> None:
    mig("-q", "init", "migrations", ok=True)
    env_py = mig.cwd / "migrations" / "env.py"
    env_py.write_text(env_py.read_text().replace(
        "if context.is_offline_mode():",
        "print('X=' + repr(context.get_x_argument(as_dictionary=True)))\n"
        "print('TAG=' + repr(context.get_tag_argument()))\n"
        "if context.is_offline_mode():"))
    mig("revision", "-m", "one", ok=True)
    out = mig("-x", "tenant=acme", "-x", "dry=1", "upgrade", "head", "--sql", "--tag", "v2",
              ok=True).stdout
    assert re.search(r"^X=\{'tenant': 'acme', 'dry': '1'\}$", out, re.MULTILINE), out
    assert re.search(r"^TAG='v2'$", out, re.MULTILINE), out


def test_tool_mig_in_pyproject(mig: Mig) -> None:
    (mig.cwd / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[tool.mig]\nscript_location = "db"\n'
        f'url = "sqlite:///{mig.cwd / "py.db"}"\n')
    mig("-q", "init", "db", ok=True)
    assert not (mig.cwd / "mig.toml").exists()
    mig("revision", "-m", "one", "--rev-id", "p1", ok=True)
    mig("upgrade", "head", ok=True)
    assert "mig_version" in _tables(mig.cwd / "py.db")
    assert mig("current", ok=True).stdout == "p1 (head)\n"


def test_generic_env_honours_version_table_from_config(mig: Mig) -> None:
    mig("-q", "init", "migrations", ok=True)
    toml = mig.cwd / "mig.toml"
    toml.write_text(toml.read_text().replace('# version_table = "mig_version"',
                                             'version_table = "alembic_version"'))
    mig("revision", "-m", "one", "--rev-id", "v1", ok=True)
    mig("upgrade", "head", ok=True)
    tables = _tables(mig.cwd / "mig.db")
    assert tables == {"alembic_version": ["version_num"]}
    assert mig("current", ok=True).stdout == "v1 (head)\n"


def test_multidb_current_shows_every_database(mig: Mig) -> None:
    mig("-q", "init", "-t", "multidb", "migrations", ok=True)
    mig("revision", "-m", "one", "--rev-id", "m1", ok=True)
    mig("revision", "-m", "two", "--rev-id", "m2", ok=True)
    mig("upgrade", "m1", ok=True)
    # engine1.db stays at m1: this upgrade takes engine1 to another file
    mig("upgrade", "head", env={"MIG_URL_ENGINE1": f"sqlite:///{mig.cwd / 'other.db'}"}, ok=True)
    # each database in turn, as Alembic prints them
    assert mig("current", ok=True).stdout == "m1\nm2 (head)\n"
    verbose = mig("current", "-v", ok=True).stdout
    assert re.search(r"^Current revision\(s\) for sqlite:///.*engine1\.db \(engine1\):$", verbose, re.M), verbose
    assert re.search(r"^Current revision\(s\) for sqlite:///.*engine2\.db \(engine2\):$", verbose, re.M), verbose
    data = json.loads(mig("current", "--json", ok=True).stdout)
    assert [(db["name"], [c["revision"] for c in db["current"]]) for db in data["databases"]] == [
        ("engine1", ["m1"]), ("engine2", ["m2"])]
    assert [c["revision"] for c in data["current"]] == ["m1", "m2"]


def test_multidb_current_names_databases_by_engine_name_not_by_order(mig: Mig) -> None:
    mig("-q", "init", "-t", "multidb", "migrations", ok=True)
    env = mig.cwd / "migrations" / "env.py"
    text = env.read_text()
    # an env.py that migrates the databases in the other order than the configuration lists them
    env.write_text(text.replace("for name, db in _databases().items():",
                                "for name, db in reversed(list(_databases().items())):"))
    mig("revision", "-m", "one", "--rev-id", "m1", ok=True)
    mig("revision", "-m", "two", "--rev-id", "m2", ok=True)
    mig("upgrade", "m1", ok=True)
    mig("upgrade", "head", env={"MIG_URL_ENGINE1": f"sqlite:///{mig.cwd / 'other.db'}"}, ok=True)
    data = json.loads(mig("current", "--json", ok=True).stdout)
    assert [(db["name"], [c["revision"] for c in db["current"]]) for db in data["databases"]] == [
        ("engine2", ["m2"]), ("engine1", ["m1"])]
