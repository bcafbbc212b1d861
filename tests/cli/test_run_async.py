"""``op.run_async``: a script's async code runs on the run's own connection and transaction, as under Alembic."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import Mig
from .test_adopt import alembic
from .test_adopt_alembic_templates import _alembic_project

UPGRADE = '''    op.create_table("accounts", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("email", sa.String(80), nullable=False))

    async def fill(connection, count, domain="example.org"):
        for i in range(count):
            await connection.execute(sa.text("INSERT INTO accounts (id, email) VALUES (:i, :e)"),
                                     {"i": i, "e": f"user{i}@{domain}"})
        return (await connection.execute(sa.text("SELECT count(*) FROM accounts"))).scalar()

    assert op.run_async(fill, 3, domain="example.com") == 3
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(20)))
        assert batch_op.run_async(fill, 0) == 3  # at once: before the column is added
'''
DOWNGRADE = '''    op.drop_table("accounts")
'''
#: a second revision whose async insert is undone with it when the revision fails
FAILING = '''"""fails after its async insert"""
import sqlalchemy as sa
from alembic import op

revision = "a2"
down_revision = "a1"
branch_labels = None
depends_on = None


def upgrade():
    async def insert(connection):
        await connection.execute(sa.text("INSERT INTO accounts (id, email) VALUES (99, 'late@example.com')"))

    op.run_async(insert)
    raise RuntimeError("a2 fails after its insert")


def downgrade():
    pass
'''


def _rows(url: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(url.replace("+aiosqlite", "").replace("+psycopg_async", "+psycopg"),
                              poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text("SELECT id, email, note FROM accounts ORDER BY id"))]
    finally:
        engine.dispose()


def _project(root: Path, url: str) -> None:
    _alembic_project(root, "async", url, UPGRADE, DOWNGRADE)
    (root / "migrations" / "versions" / "a2_fails.py").write_text(FAILING)


EXPECTED = [(0, "user0@example.com", None), (1, "user1@example.com", None), (2, "user2@example.com", None)]


def test_run_async_on_sqlite_as_under_alembic(mig: Mig, tmp_path: Path) -> None:
    theirs_root = tmp_path / "alembic_copy"
    theirs, mine = f"sqlite+aiosqlite:///{theirs_root / 'app.db'}", f"sqlite+aiosqlite:///{mig.cwd / 'app.db'}"
    _project(theirs_root, theirs)
    _project(mig.cwd, mine)
    alembic(theirs_root, "upgrade", "a1")
    mig("adopt", "--yes", ok=True, real=True)
    mig("upgrade", "a1", ok=True, real=True)
    assert _rows(mine) == _rows(theirs) == EXPECTED

    # the async connection is in the run's transaction: the failed revision's insert is rolled back
    failed = mig("upgrade", "head", real=True)
    assert failed.returncode == 1, failed
    assert "a2 fails after its insert" in failed.stderr
    assert _rows(mine) == EXPECTED
    assert mig("current", ok=True, real=True).stdout.split() == ["a1"]

    # --sql has no connection to give
    offline = mig("upgrade", "a1", "--sql", real=True)
    assert offline.returncode == 1, offline
    assert "op.run_async() runs code against the database, which --sql mode cannot do" in offline.stderr


@pytest.mark.postgresql
def test_run_async_on_postgresql(mig: Mig, mig_postgresql_clean_database: str) -> None:
    url = mig_postgresql_clean_database.replace("+psycopg", "+psycopg_async")
    if "+psycopg_async" not in url:
        url = url.replace("postgresql://", "postgresql+psycopg_async://", 1)
    _project(mig.cwd, url)
    mig("adopt", "--yes", ok=True, real=True)
    mig("upgrade", "a1", ok=True, real=True)
    assert _rows(url) == EXPECTED
    failed = mig("upgrade", "head", real=True)
    assert failed.returncode == 1 and "a2 fails after its insert" in failed.stderr, failed
    assert _rows(url) == EXPECTED
    mig("downgrade", "base", ok=True, real=True)
    assert "accounts" not in sa.inspect(sa.create_engine(url.replace("+psycopg_async", "+psycopg"),
                                                         poolclass=sa.pool.NullPool)).get_table_names()


def test_run_async_needs_an_async_driver(mig: Mig, tmp_path: Path) -> None:
    _alembic_project(mig.cwd, "generic", f"sqlite:///{mig.cwd / 'app.db'}",
                     UPGRADE, DOWNGRADE)
    mig("adopt", "--yes", ok=True, real=True)
    result = mig("upgrade", "head", real=True)
    assert result.returncode == 1, result
    assert "op.run_async() needs an async driver, and this run connects with sqlite+pysqlite" in result.stderr
