"""``mig ensure-version``: the version table (and the log table) created, nothing else run, as Alembic's ``ensure_version``."""

from __future__ import annotations

import re

import sqlalchemy as sa

from .conftest import Mig
from .test_adopt import alembic, write_alembic_project


def test_ensure_version_creates_the_tables_once(mig: Mig, database_url: str) -> None:
    mig("init", "migrations", ok=True)
    toml = mig.cwd / "mig.toml"
    toml.write_text(toml.read_text().replace('url = "sqlite:///mig.db"', f'url = "{database_url}"'))
    mig("ensure-version", ok=True)
    mig("ensure-version", ok=True)  # there already: nothing to do
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        assert sorted(sa.inspect(engine).get_table_names()) == ["mig_log", "mig_version"]
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM mig_version")).scalar() == 0
    finally:
        engine.dispose()
    assert mig("current", ok=True).stdout.strip() == ""


def _creates(sql: str) -> list[str]:
    return [" ".join(s.split()) for s in re.findall(r"^(CREATE TABLE[^;]*);", sql, re.M)]


def test_ensure_version_sql_matches_alembic(mig: Mig) -> None:
    write_alembic_project(mig.cwd)
    alembic_sql = alembic(mig.cwd, "ensure_version", "--sql").stdout
    mig("adopt", "--yes", ok=True)
    mig_sql = mig("ensure-version", "--sql", ok=True).stdout
    assert not (mig.cwd / "app.db").exists()  # --sql connects to nothing
    alembic_creates, mig_creates = _creates(alembic_sql), _creates(mig_sql)
    assert [s for s in mig_creates if "mig_log" not in s] == alembic_creates
    assert len(alembic_creates) == 1 and alembic_creates[0].startswith("CREATE TABLE alembic_version (")
    assert [s.split(" (")[0] for s in mig_creates] == ["CREATE TABLE alembic_version",
                                                       "CREATE TABLE IF NOT EXISTS mig_log"]


def test_alembic_spellings_of_command_names(mig: Mig) -> None:
    """``mig ensure_version`` and ``mig list_templates``, as Alembic users type them, are the dashed commands."""
    mig("init", "migrations", ok=True)
    assert mig("list_templates", ok=True).stdout == mig("list-templates", ok=True).stdout
    mig("ensure_version", ok=True)
    assert sorted(sa.inspect(sa.create_engine(f"sqlite:///{mig.cwd / 'mig.db'}")).get_table_names()) == [
        "mig_log", "mig_version"]
    result = mig("no_such_command")
    assert result.returncode == 2 and "No such command 'no_such_command'" in result.stderr
