"""Transactional DDL for the whole run on PostgreSQL, with the version table in a schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig import op
from mig.errors import MigrationFailedError
from mig.testing.project import MigrationRunner


@pytest.fixture
def schema(pg, name):
    s = name("ops")
    pg.execute(f"CREATE SCHEMA {s}")
    yield s
    pg.execute(f"DROP SCHEMA {s} CASCADE")


def test_failed_run_leaves_nothing_behind(mig_postgresql_database, tmp_path, pg, name, schema) -> None:
    runner = MigrationRunner(tmp_path / "p", mig_postgresql_database, version_table_schema=schema)
    t, mood, seq = name("t"), name("mood"), name("seq")

    runner.add(lambda: op.create_table(t, sa.Column("id", sa.Integer, sa.Sequence(seq), primary_key=True),
                                       sa.Column("m", sa.Enum("a", "b", name=mood))))
    runner.add(lambda: (op.add_enum_value(mood, "c"), op.create_table_comment(t, "x")))
    runner.add(lambda: op.execute(f"INSERT INTO {t} (id, m) VALUES (1, 'nope')"))
    with pytest.raises(MigrationFailedError, match=r"upgrade 0003 \(0003_migration.py\) failed"):
        runner.upgrade("head")

    insp = pg.inspect()
    assert not insp.has_table(t)
    assert not insp.has_table(runner.version_table, schema=schema)  # created in the same transaction
    assert pg.enum_labels(mood) is None
    assert pg.scalar("SELECT count(*) FROM pg_class WHERE relname = :s", s=seq) == 0


def test_version_table_in_schema_tracks_heads(mig_postgresql_database, tmp_path, pg, name, schema) -> None:
    runner = MigrationRunner(tmp_path / "p", mig_postgresql_database, version_table="alembic_version",
                             version_table_schema=schema)
    t = name("t")
    runner.add(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True)),
               lambda: op.drop_table(t))
    runner.add(lambda: op.add_column(t, sa.Column("v", sa.Integer)), lambda: op.drop_column(t, "v"))
    runner.upgrade("head")
    assert pg.all(f"SELECT version_num FROM {schema}.alembic_version") == [("0002",)]
    assert not pg.inspect().has_table("alembic_version")
    runner.downgrade("0001")
    assert pg.all(f"SELECT version_num FROM {schema}.alembic_version") == [("0001",)]
    assert list(pg.columns(t)) == ["id"]
    runner.downgrade("base")
    assert pg.all(f"SELECT version_num FROM {schema}.alembic_version") == []
    assert not pg.inspect().has_table(t)
