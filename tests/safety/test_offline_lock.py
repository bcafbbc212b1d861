"""``--sql --lock``: a SQL file that takes the same migration lock a ``mig upgrade`` takes (docs/safety.md, Lock)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from .verify_project import Project, new_project

T1 = 'op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))'
T2 = 'op.create_table("t2", sa.Column("id", sa.Integer, primary_key=True))'


def _project(tmp_path: Path, url: str, extra: str = "") -> Project:
    project = new_project(tmp_path, url, extra)
    project.script("r1", None, T1, 'op.drop_table("t1")')
    project.script("r2", "r1", T2, 'op.drop_table("t2")')
    return project


def _statements(sql: str) -> list[str]:
    """The statements of a SQL file, its ``--`` comment lines left out."""
    text = "\n".join(line for line in sql.splitlines() if not line.startswith("--"))
    return [s.strip() for s in text.split(";\n") if s.strip()]


def _key(url: str) -> str:
    return f"mig:{make_url(url).database}::mig_version"


def _psql(url: str, path: Path, lock_timeout_ms: int | None = None) -> subprocess.CompletedProcess[str]:
    u = make_url(url)
    env = dict(os.environ)
    if lock_timeout_ms is not None:
        env["PGOPTIONS"] = f"-c lock_timeout={lock_timeout_ms}"
    return subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", u.host or "127.0.0.1",
                           "-p", str(u.port or 5432), "-U", u.username or "root", "-d", u.database or "",
                           "-f", str(path)], capture_output=True, text=True, env=env, timeout=60)


def _versions(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text("SELECT version_num FROM mig_version")).scalars())
    finally:
        engine.dispose()


@pytest.mark.postgresql
def test_postgresql_file_takes_the_lock_in_its_transaction(tmp_path: Path,
                                                           mig_postgresql_clean_database: str) -> None:
    from mig_postgresql.lock import acquire, lock_id, release

    url = mig_postgresql_clean_database
    project = _project(tmp_path, url)
    sql = project("upgrade", "head", "--sql", "--lock", ok=True).stdout
    ident = lock_id(_key(url))
    statements = _statements(sql)
    assert statements[:2] == ["BEGIN", f"SELECT pg_advisory_xact_lock({ident})"]  # released by COMMIT
    assert statements[-1] == "COMMIT"
    assert "pg_advisory_unlock" not in sql
    path = tmp_path / "upgrade.sql"
    path.write_text(sql)

    # the file and a mig run exclude each other: with the lock held as `mig upgrade` holds it, the file waits
    engine = sa.create_engine(url)
    session = acquire(engine, _key(url), 5)
    assert session is not None
    try:
        blocked = _psql(url, path, lock_timeout_ms=500)
        assert blocked.returncode != 0
        assert "lock timeout" in blocked.stderr
    finally:
        release(session, _key(url))
        engine.dispose()
    assert not sa.inspect(sa.create_engine(url)).has_table("t1")

    done = _psql(url, path)
    assert done.returncode == 0, done.stderr
    assert _versions(url) == ["r2"]


@pytest.mark.postgresql
def test_postgresql_per_migration_file_holds_a_session_lock_around_the_steps(
        tmp_path: Path, mig_postgresql_clean_database: str) -> None:
    from mig_postgresql.lock import lock_id

    url = mig_postgresql_clean_database
    project = _project(tmp_path, url, "transaction_per_migration = true\n")
    sql = project("upgrade", "head", "--sql", "--lock", ok=True).stdout
    ident = lock_id(_key(url))
    statements = _statements(sql)
    assert statements[0] == f"SELECT pg_advisory_lock({ident})"  # before the version table and any step
    assert statements.count("BEGIN") == 2
    assert statements[-2:] == ["COMMIT", f"SELECT pg_advisory_unlock({ident})"]
    path = tmp_path / "upgrade.sql"
    path.write_text(sql)
    done = _psql(url, path)
    assert done.returncode == 0, done.stderr
    assert _versions(url) == ["r2"]


@pytest.mark.mysql
def test_mariadb_file_takes_the_named_lock(tmp_path: Path, mig_mysql_clean_database: str) -> None:
    from mig_mysql.lock import lock_name

    url = mig_mysql_clean_database
    project = _project(tmp_path, url, "lock_timeout = 7\n")
    sql = project("upgrade", "head", "--sql", "--lock", ok=True).stdout
    name = lock_name(_key(url))
    statements = _statements(sql)
    assert f"SELECT GET_LOCK('{name}', 7)" in statements[:2]
    assert statements[-1] == f"SELECT RELEASE_LOCK('{name}')" or \
        statements[-2:] == [f"SELECT RELEASE_LOCK('{name}')", "COMMIT"]
    u = make_url(url)
    done = subprocess.run(["mariadb", "-h", u.host or "127.0.0.1", "-P", str(u.port or 3306),
                           "-u", u.username or "root", u.database or ""],
                          input=sql, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert _versions(url) == ["r2"]


def test_sqlite_has_no_lock_statement_and_says_so(tmp_path: Path, mig_sqlite_url: str) -> None:
    project = _project(tmp_path, mig_sqlite_url)
    result = project("upgrade", "head", "--sql", "--lock", ok=True)
    assert "no lock statement for SQL files" in result.stderr
    assert "lock" not in result.stdout.lower().replace("block", "")


def test_lock_needs_sql(tmp_path: Path, mig_sqlite_url: str) -> None:
    project = _project(tmp_path, mig_sqlite_url)
    result = project("upgrade", "head", "--lock")
    assert result.returncode == 2
    assert "--lock is for --sql" in result.stderr
    assert not Path(make_url(mig_sqlite_url).database or "").exists()
