"""Indexes on PostgreSQL: CONCURRENTLY outside the transaction, partial and expression indexes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig import op
from mig.errors import MigrationFailedError


def _table_with_rows(runner, pg, t: str) -> None:
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("email", sa.String(50)), sa.Column("active", sa.Boolean)))
    pg.execute(f"INSERT INTO {t} (id, email, active) SELECT g, 'u' || g || '@x', g % 2 = 0 "
               f"FROM generate_series(1, 50) g")


def _valid(pg, index: str) -> bool | None:
    return pg.scalar("SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                     "WHERE c.relname = :n", n=index)


def test_create_and_drop_index_concurrently(runner, pg, name) -> None:
    t, ix = name("t"), name("ix")
    _table_with_rows(runner, pg, t)

    def upgrade() -> None:
        op.add_column(t, sa.Column("n", sa.Integer))
        op.create_index(ix, t, ["email"], unique=True, postgresql_concurrently=True)
        op.execute(f"UPDATE {t} SET n = id")

    # CREATE INDEX CONCURRENTLY inside a transaction block is an error: success proves the
    # autocommit block ran it outside the run's transaction
    runner.run(upgrade)
    assert _valid(pg, ix) is True
    assert pg.scalar(f"SELECT count(*) FROM {t} WHERE n = id") == 50
    assert runner.heads() == ("0002",)

    runner.run(lambda: op.drop_index(ix, table_name=t, postgresql_concurrently=True))
    assert _valid(pg, ix) is None


def test_concurrently_with_transaction_per_migration(mig_postgresql_database, tmp_path, pg, name) -> None:
    from mig.testing.project import MigrationRunner

    runner = MigrationRunner(tmp_path / "p", mig_postgresql_database, transaction_per_migration=True)
    t, ix = name("t"), name("ix")
    _table_with_rows(runner, pg, t)
    runner.run(lambda: op.create_index(ix, t, ["email"], postgresql_concurrently=True))
    assert _valid(pg, ix) is True
    assert runner.heads() == ("0002",)


def test_failure_after_concurrently_keeps_what_was_committed(runner, pg, name) -> None:
    """The autocommit block commits the work before it; a later failure rolls back only the rest."""
    t, ix, later = name("t"), name("ix"), name("later")
    _table_with_rows(runner, pg, t)

    def upgrade() -> None:
        op.create_index(ix, t, ["email"], postgresql_concurrently=True)
        op.create_table(later, sa.Column("id", sa.Integer, primary_key=True))
        op.execute("SELECT * FROM no_such_table_anywhere")

    with pytest.raises(MigrationFailedError):
        runner.run(upgrade)
    assert _valid(pg, ix) is True
    assert not pg.inspect().has_table(later)
    assert runner.heads() == ("0001",)


def test_partial_and_expression_indexes_reflected(runner, pg, name) -> None:
    t, partial, expr = name("t"), name("partial"), name("expr")
    _table_with_rows(runner, pg, t)

    def upgrade() -> None:
        op.create_index(partial, t, ["email"], unique=True, postgresql_where=sa.text("active"))
        op.create_index(expr, t, [sa.text("lower(email)"), "id"], postgresql_using="btree",
                        postgresql_include=["active"])

    runner.run(upgrade)
    found = {i["name"]: i for i in pg.inspect().get_indexes(t)}
    assert found[partial]["dialect_options"]["postgresql_where"] == "active"
    assert found[expr]["expressions"] == ["lower(email::text)", "id"]
    assert found[expr]["dialect_options"]["postgresql_include"] == ["active"]
    # the partial unique index only covers active rows
    pg.execute(f"INSERT INTO {t} (id, email, active) VALUES (101, 'u1@x', false)")
    assert pg.fails(f"INSERT INTO {t} (id, email, active) VALUES (102, 'u2@x', true)")


def test_index_in_schema_with_if_not_exists(runner, pg, name) -> None:
    schema, t, ix = name("s"), name("t"), name("ix")
    pg.execute(f"CREATE SCHEMA {schema}")
    try:
        def upgrade() -> None:
            op.create_table(t, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer),
                            schema=schema)
            op.create_index(ix, t, ["v"], schema=schema)
            op.create_index(ix, t, ["v"], schema=schema, if_not_exists=True)

        runner.run(upgrade)
        assert [i["name"] for i in pg.inspect().get_indexes(t, schema=schema)] == [ix]
        runner.run(lambda: op.drop_index(ix, table_name=t, schema=schema, if_exists=True))
        assert pg.inspect().get_indexes(t, schema=schema) == []
    finally:
        pg.execute(f"DROP SCHEMA {schema} CASCADE")
