"""A whole session through the real console script, on SQLite, PostgreSQL and MariaDB:
init -> revision -> upgrade -> history -> current -> downgrade -> upgrade --sql."""

from __future__ import annotations

import json
import re
from pathlib import Path

import sqlalchemy as sa

from .conftest import Mig

R1, R2 = "a1b2c3d4e5f6", "0f9e8d7c6b5a"

UPGRADE_1 = """def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False),
    )"""
UPGRADE_2 = """def upgrade() -> None:
    op.add_column("accounts", sa.Column("email", sa.String(120)))"""


def _write_body(path: Path, upgrade: str, downgrade: str) -> None:
    text = path.read_text()
    text = text.replace("def upgrade() -> None:\n    pass", upgrade)
    text = text.replace("def downgrade() -> None:\n    pass", downgrade)
    path.write_text(text)


def _generated(stdout: str) -> Path:
    match = re.fullmatch(r"Generating (.+\.py) \.\.\.  done\n", stdout)
    assert match, stdout
    return Path(match.group(1))


def _schema(url: str) -> dict[str, list[str]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        insp = sa.inspect(engine)
        return {t: [c["name"] for c in insp.get_columns(t)] for t in sorted(insp.get_table_names())}
    finally:
        engine.dispose()


def _versions(url: str) -> list[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return sorted(r[0] for r in conn.exec_driver_sql("SELECT version_num FROM mig_version"))
    finally:
        engine.dispose()


def test_session(mig: Mig, database_url: str) -> None:
    # The real console script in a subprocess on SQLite; in-process (same entry) on the servers.
    mig.real = mig.real or database_url.startswith("sqlite")
    # init: the environment and a config file pointing at the test database
    result = mig("init", "migrations", ok=True)
    assert "Creating file migrations/env.py ...  done" in result.stdout
    toml = mig.cwd / "mig.toml"
    toml.write_text(toml.read_text().replace('url = "sqlite:///mig.db"', f'url = "{database_url}"'))

    # revision -m, twice, then give the scripts bodies
    first = _generated(mig("revision", "-m", "create accounts", "--rev-id", R1, ok=True).stdout)
    assert first == mig.cwd / "migrations" / "versions" / f"{R1}_create_accounts.py"
    _write_body(first, UPGRADE_1, 'def downgrade() -> None:\n    op.drop_table("accounts")')
    second = _generated(mig("revision", "-m", "add email", "--rev-id", R2, ok=True).stdout)
    _write_body(second, UPGRADE_2, 'def downgrade() -> None:\n    op.drop_column("accounts", "email")')

    # heads and history before touching the database
    assert mig("heads", ok=True).stdout == f"{R2} (head)\n"
    assert mig("history", ok=True).stdout == (
        f"{R1} -> {R2} (head), add email\n"
        f"<base> -> {R1}, create accounts\n")
    history = json.loads(mig("history", "--json", ok=True).stdout)["history"]
    assert [(h["revision"], h["down_revisions"], h["message"], h["is_head"]) for h in history] == [
        (R2, [R1], "add email", True), (R1, [], "create accounts", False)]

    # upgrade head
    result = mig("upgrade", "head", ok=True)
    assert f"Ran upgrade base -> {R1}" in result.stderr
    assert f"Ran upgrade {R1} -> {R2}" in result.stderr
    assert result.stdout == ""
    schema = _schema(database_url)
    assert schema["accounts"] == ["id", "name", "email"]
    assert _versions(database_url) == [R2]

    # current, history with --indicate-current
    assert mig("current", ok=True).stdout == f"{R2} (head)\n"
    current = json.loads(mig("current", "--json", ok=True).stdout)
    assert [(c["revision"], c["is_head"], c["effective_head"]) for c in current["current"]] == [
        (R2, True, False)]
    assert mig("history", "-i", ok=True).stdout.splitlines()[0] == (
        f"{R1} -> {R2} (head) (current), add email")

    # downgrade -1, then base
    mig("downgrade", "-1", ok=True)
    assert _schema(database_url)["accounts"] == ["id", "name"]
    assert mig("current", ok=True).stdout == f"{R1}\n"
    result = mig("downgrade", "base", ok=True)
    assert f"Ran downgrade {R1} -> base" in result.stderr
    assert "accounts" not in _schema(database_url)
    assert _versions(database_url) == []
    assert mig("current", ok=True).stdout == ""

    # upgrade head --sql: the SQL on stdout, the database untouched
    result = mig("upgrade", "head", "--sql", ok=True)
    sql = result.stdout
    id_column = {"sqlite": "id INTEGER NOT NULL", "postgresql": "id SERIAL NOT NULL",
                 "mysql": "id INTEGER NOT NULL AUTO_INCREMENT"}[sa.make_url(database_url).get_backend_name()]
    assert (f"CREATE TABLE accounts (\n    {id_column},\n    name VARCHAR(50) NOT NULL,\n"
            "    PRIMARY KEY (id)\n);") in sql, sql
    assert re.search(r"ALTER TABLE accounts ADD (COLUMN )?email VARCHAR\(120\)", sql), sql
    assert f"INSERT INTO mig_version (version_num) VALUES ('{R1}')" in sql
    assert f"UPDATE mig_version SET version_num='{R2}' WHERE mig_version.version_num = '{R1}'" in sql
    assert sql.index("CREATE TABLE accounts") < sql.index("ALTER TABLE accounts")
    assert "Ran upgrade" not in result.stderr
    assert "accounts" not in _schema(database_url)

    # and a range downgrade --sql
    sql = mig("downgrade", f"{R2}:{R1}", "--sql", ok=True).stdout
    assert re.search(r"ALTER TABLE accounts DROP (COLUMN )?email", sql), sql

    # show
    shown = mig("show", R1[:4], ok=True).stdout
    assert shown.startswith(f"Rev: {R1}\nParent: <base>\nPath: {first}\n\n    create accounts\n")
