"""``op.batch_alter_table`` in real migration scripts on SQLite: online, offline, in a failing run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig import hookimpl, op, plugins
from mig.errors import MigError
from mig.testing.project import MigrationRunner


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[MigrationRunner]:
    r = MigrationRunner(tmp_path / "project", f"sqlite:///{tmp_path / 'app.db'}")
    yield r
    r.close()


def rows(runner: MigrationRunner, sql: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(runner.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def columns(runner: MigrationRunner, table: str) -> list[tuple[str, str, bool]]:
    engine = sa.create_engine(runner.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        return [(c["name"], str(c["type"]), c["nullable"]) for c in sa.inspect(conn).get_columns(table)]


def create_account() -> None:
    op.create_table("account", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("age", sa.Integer), sa.Column("note", sa.Text),
                    sa.Column("email", sa.String(40), nullable=False, unique=True))
    op.create_index("ix_account_age", "account", ["age"])
    op.execute("INSERT INTO account (id, age, note, email) VALUES (1, 30, 'n1', 'a'), (2, 0, NULL, 'b')")


def create_account_with_null_age() -> None:
    create_account()
    op.execute("UPDATE account SET age = NULL WHERE id = 2")


def batch_upgrade() -> None:
    with op.batch_alter_table("account") as batch_op:
        batch_op.alter_column("age", type_=sa.BigInteger, existing_type=sa.Integer, nullable=False,
                              server_default="0")
        batch_op.drop_column("note")


def batch_downgrade() -> None:
    with op.batch_alter_table("account") as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text), insert_after="age")
        batch_op.alter_column("age", type_=sa.Integer, nullable=True, server_default=None)


def test_batch_failing_in_a_migration_changes_nothing(runner):
    runner.run(create_account_with_null_age)
    schema_before = rows(runner, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    with pytest.raises(MigError) as info:
        runner.run(batch_upgrade, batch_downgrade)
    # row 2 has no age: the new NOT NULL fails, naming the column and the table
    assert str(info.value) == (
        "upgrade 0002 (0002_migration.py) failed: batch_alter_table('account') failed: NOT NULL "
        "constraint failed: account.age (table 'account'); the table and its rows are unchanged")
    assert rows(runner, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema_before
    assert rows(runner, "SELECT * FROM account ORDER BY id") == [(1, 30, "n1", "a"), (2, None, None, "b")]
    assert runner.heads() == (runner.revisions[0],)


def test_batch_in_a_migration_up_and_down(runner):
    runner.run(create_account)
    runner.run(batch_upgrade, batch_downgrade)
    assert columns(runner, "account") == [("id", "INTEGER", False), ("age", "BIGINT", False),
                                          ("email", "VARCHAR(40)", False)]
    assert rows(runner, "SELECT * FROM account ORDER BY id") == [(1, 30, "a"), (2, 0, "b")]
    runner.downgrade(runner.revisions[-2])
    assert columns(runner, "account") == [("id", "INTEGER", False), ("age", "INTEGER", True),
                                          ("note", "TEXT", True), ("email", "VARCHAR(40)", False)]
    assert rows(runner, "SELECT * FROM account ORDER BY id") == [(1, 30, None, "a"), (2, 0, None, "b")]
    engine = sa.create_engine(runner.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        insp = sa.inspect(conn)
        assert [(i["name"], i["column_names"]) for i in insp.get_indexes("account")] == [
            ("ix_account_age", ["age"])]
        assert [u["column_names"] for u in insp.get_unique_constraints("account")] == [["email"]]


def test_a_later_failing_migration_rolls_the_batch_back(runner):
    runner.run(create_account)
    runner.add(batch_upgrade)
    runner.add(lambda: op.execute("UPDATE account SET age = 'x' WHERE nope = 1"))
    schema_before = rows(runner, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    with pytest.raises(MigError, match="no such column: nope"):
        # one transaction for the whole run: the batch of the first step is undone too
        runner.upgrade()
    assert rows(runner, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema_before
    assert rows(runner, "SELECT * FROM account ORDER BY id") == [(1, 30, "n1", "a"), (2, 0, None, "b")]


def test_offline_batch_needs_copy_from_and_writes_the_copy(runner):
    runner.add(lambda: None)

    def needs_copy() -> None:
        with op.batch_alter_table("account") as batch_op:
            batch_op.alter_column("age", type_=sa.BigInteger)

    runner.add(needs_copy)
    with pytest.raises(MigError) as info:
        runner.sql()
    assert "pass copy_from=sa.Table(...)" in str(info.value)

    def with_copy_from() -> None:
        account = sa.Table("account", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                           sa.Column("age", sa.Integer), sa.Column("note", sa.Text),
                           sa.Index("ix_account_age", "age"))
        with op.batch_alter_table("account", copy_from=account) as batch_op:
            batch_op.alter_column("age", type_=sa.BigInteger)
            batch_op.drop_column("note")

    other = MigrationRunner(runner.directory.parent / "other", runner.url)
    try:
        other.add(with_copy_from)
        sql = other.sql()
    finally:
        other.close()
    assert (
        "CREATE TABLE _mig_tmp_account (\n"
        "    id INTEGER NOT NULL,\n"
        "    age BIGINT,\n"
        "    PRIMARY KEY (id)\n"
        ");\n\n"
        "INSERT INTO _mig_tmp_account (id, age) SELECT id, age\n"
        "FROM account;\n\n"
        "DROP TABLE account;\n\n"
        "PRAGMA legacy_alter_table=ON;\n\n"
        "ALTER TABLE _mig_tmp_account RENAME TO account;\n\n"
        "PRAGMA legacy_alter_table=OFF;\n\n"
        "CREATE INDEX ix_account_age ON account (age);\n\n"
    ) in sql


class Progress:
    def __init__(self) -> None:
        self.seen: list[tuple[Any, int, int | None, str]] = []

    @hookimpl
    def mig_step_progress(self, step, done, total, what):
        self.seen.append((step, done, total, what))


def test_progress_is_reported_for_big_tables_with_the_running_step(tmp_path):
    runner = MigrationRunner(tmp_path / "p", f"sqlite:///{tmp_path / 'big.db'}",
                             configure_options={"batch_progress_rows": 500})

    def fill() -> None:
        op.create_table("big", sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer))
        op.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200) "
                   "INSERT INTO big SELECT i, i * 2 FROM n")

    def alter() -> None:
        with op.batch_alter_table("big") as batch_op:
            batch_op.alter_column("v", type_=sa.BigInteger, nullable=False)

    progress = Progress()
    plugins.register(progress, name="test-batch-migration-progress")
    try:
        runner.run(fill)
        runner.run(alter)
    finally:
        plugins.unregister(progress)
        runner.close()
    assert [(done, total, what) for _, done, total, what in progress.seen] == [
        (0, 1200, "rows of big"), (400, 1200, "rows of big"), (800, 1200, "rows of big"),
        (1200, 1200, "rows of big")]
    assert progress.seen[0][0] is not None
    assert rows(runner, "SELECT count(*), sum(v) FROM big") == [(1200, sum(i * 2 for i in range(1, 1201)))]
