"""An operation a plugin registers for batches (``OperationSpec(batch=True)``) runs inside the move-and-copy.

The copy does not model it: it runs through the dialect (``impl.run``) once the
table has its new shape, so it sees the columns the batch added. When SQLite can
do the whole batch natively, it runs in its place among the others.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa

from mig import hookimpl, op, plugins
from mig.ddl.impl import DialectImpl
from mig.errors import MigError, NotSupportedError
from mig.ops import AddColumnOp, AlterColumnOp, BatchAlterTableOp, Operation
from mig.specs import OperationSpec
from mig.testing import servers
from mig.testing.project import MigrationRunner


@dataclass(frozen=True, eq=False)
class FillColumnOp(Operation):
    """``op.fill_column(table, column, value)``: set ``column`` to ``value`` in every row."""

    op_name: ClassVar[str] = "fill_column"
    table_name: str
    column: str
    value: str
    schema: str | None = None


def fill_column(impl: DialectImpl, operation: FillColumnOp) -> None:
    target = sa.table(operation.table_name, sa.column(operation.column, sa.String), schema=operation.schema)
    impl.execute(target.update().values({operation.column: operation.value}))


@dataclass(frozen=True, eq=False)
class NoteOp(Operation):
    """``op.note(table, text)``: registered without ``batch=True``."""

    op_name: ClassVar[str] = "note"
    table_name: str
    text: str


class FillPlugin:
    @hookimpl
    def mig_register_operations(self) -> list[OperationSpec]:
        return [OperationSpec("fill_column", FillColumnOp, implementations={"default": fill_column},
                              batch=True),
                OperationSpec("note", NoteOp, implementations={"default": lambda impl, o: None})]


@pytest.fixture
def fill_plugin() -> Iterator[FillPlugin]:
    plugin = FillPlugin()
    plugins.register(plugin, name="test-fill-column")
    yield plugin
    plugins.unregister(plugin)


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[MigrationRunner]:
    r = MigrationRunner(tmp_path / "project", f"sqlite:///{tmp_path / 'app.db'}")
    yield r
    r.close()


def rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()


def columns(url: str, table: str) -> list[tuple[str, str, bool]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return [(c["name"], str(c["type"]), c["nullable"]) for c in sa.inspect(conn).get_columns(table)]
    finally:
        engine.dispose()


def create_account() -> None:
    op.create_table("account", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("age", sa.Integer), sa.Column("email", sa.String(40), unique=True))
    op.create_index("ix_account_age", "account", ["age"])
    op.execute("INSERT INTO account (id, age, email) VALUES (1, 30, 'a'), (2, NULL, 'b')")


def test_a_plugin_operation_runs_inside_the_move_and_copy_against_the_new_table(runner, fill_plugin):
    runner.run(create_account)

    def upgrade() -> None:
        with op.batch_alter_table("account", recreate="always") as batch_op:
            batch_op.add_column(sa.Column("status", sa.String(10)))
            batch_op.fill_column("status", "new")
            batch_op.alter_column("email", existing_type=sa.String(40), nullable=False)

    runner.run(upgrade)
    assert columns(runner.url, "account") == [("id", "INTEGER", False), ("age", "INTEGER", True),
                                              ("email", "VARCHAR(40)", False),
                                              ("status", "VARCHAR(10)", True)]
    assert rows(runner.url, "SELECT id, age, email, status FROM account ORDER BY id") == [
        (1, 30, "a", "new"), (2, None, "b", "new")]
    names = [r[0] for r in rows(runner.url, "SELECT name FROM sqlite_master WHERE type = 'index' "
                                            "AND tbl_name = 'account' ORDER BY name")]
    assert names == ["ix_account_age", "sqlite_autoindex_account_1"]
    assert not rows(runner.url, "SELECT name FROM sqlite_master WHERE name LIKE '\\_mig\\_%' ESCAPE '\\'")


def test_a_failing_plugin_operation_rolls_the_whole_copy_back(runner, fill_plugin):
    runner.run(create_account)
    before = rows(runner.url, "SELECT type, name, sql FROM sqlite_master ORDER BY name")

    def upgrade() -> None:
        with op.batch_alter_table("account", recreate="always") as batch_op:
            batch_op.add_column(sa.Column("status", sa.String(10)))
            batch_op.fill_column("missing", "new")

    with pytest.raises(MigError) as info:
        runner.run(upgrade)
    assert str(info.value) == (
        "upgrade 0002 (0002_migration.py) failed: batch_alter_table('account') failed: no such "
        "column: missing (table 'account'); the table and its rows are unchanged")
    assert rows(runner.url, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == before
    assert rows(runner.url, "SELECT id, age, email FROM account ORDER BY id") == [(1, 30, "a"), (2, None, "b")]


def test_natively_the_plugin_operation_runs_in_its_place(runner, fill_plugin):
    """recreate="auto": SQLite adds the column itself; no copy is needed for the plugin's operation."""
    def upgrade() -> None:
        with op.batch_alter_table("account") as batch_op:
            batch_op.add_column(sa.Column("status", sa.String(10)))
            batch_op.fill_column("status", "new")
            batch_op.create_index("ix_account_status", ["status"])

    runner.add(upgrade)
    sql = runner.sql()
    assert (
        "ALTER TABLE account ADD COLUMN status VARCHAR(10);\n\n"
        "UPDATE account SET status='new';\n\n"
        "CREATE INDEX ix_account_status ON account (status);\n\n"
    ) in sql
    assert "_mig_tmp_" not in sql


def test_offline_the_plugin_operation_follows_the_copy():
    plugin = FillPlugin()
    plugins.register(plugin, name="test-fill-column")
    try:
        copy_from = sa.Table("account", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                             sa.Column("age", sa.Integer), sa.Index("ix_account_age", "age"))
        impl_class = plugins.dialect("sqlite").load()
        out = io.StringIO()
        impl = impl_class(sa.create_engine("sqlite://").dialect, None, as_sql=True, output=out)
        impl.run(BatchAlterTableOp("account", recreate="always", copy_from=copy_from, operations=(
            FillColumnOp("account", "status", "new"),
            AddColumnOp("account", sa.Column("status", sa.String(10))))))
    finally:
        plugins.unregister(plugin)
    assert out.getvalue() == (
        "CREATE TABLE _mig_tmp_account (\n"
        "    id INTEGER NOT NULL,\n"
        "    age INTEGER,\n"
        "    status VARCHAR(10),\n"
        "    PRIMARY KEY (id)\n"
        ");\n\n"
        "INSERT INTO _mig_tmp_account (id, age) SELECT id, age\n"
        "FROM account;\n\n"
        "DROP TABLE account;\n\n"
        "PRAGMA legacy_alter_table=ON;\n\n"
        "ALTER TABLE _mig_tmp_account RENAME TO account;\n\n"
        "PRAGMA legacy_alter_table=OFF;\n\n"
        "CREATE INDEX ix_account_age ON account (age);\n\n"
        "UPDATE account SET status='new';\n\n")


def test_an_operation_not_registered_for_batches_is_refused_inside_one(tmp_path, fill_plugin):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'n.db'}", poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    impl_class = plugins.dialect("sqlite").load()
    with engine.connect() as conn:
        impl = impl_class(engine.dialect, conn)
        with pytest.raises(NotSupportedError) as info:
            impl.run(BatchAlterTableOp("t", recreate="always", operations=(
                AlterColumnOp("t", "v", nullable=False), NoteOp("t", "hello"))))
    assert str(info.value) == (
        "batch_alter_table('t'): NoteOp cannot run inside a batch; run it outside the "
        "'with op.batch_alter_table(...)' block")
    engine.dispose()


@pytest.fixture(params=["postgresql", "mysql"])
def server(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    url = request.getfixturevalue(f"mig_{request.param}_url")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


def test_on_the_servers_the_plugin_operation_runs_after_the_copy(server, fill_plugin):
    name = servers.unique_name("bfill")
    try:
        with server.begin() as conn:
            conn.exec_driver_sql(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, v VARCHAR(10))")
            conn.exec_driver_sql(f"INSERT INTO {name} VALUES (1, 'a'), (2, 'b')")
        with server.connect() as conn:
            impl = plugins.dialect(server.dialect.name).load()(server.dialect, conn)
            with conn.begin():
                impl.run(BatchAlterTableOp(name, recreate="always", operations=(
                    AddColumnOp(name, sa.Column("status", sa.String(10))),
                    FillColumnOp(name, "status", "new"),
                    AlterColumnOp(name, "v", nullable=False, existing_type=sa.String(10)))))
        with server.connect() as conn:
            cols = [(c["name"], c["nullable"]) for c in sa.inspect(conn).get_columns(name)]
            data = [tuple(r) for r in conn.exec_driver_sql(f"SELECT id, v, status FROM {name} ORDER BY id")]
        assert cols == [("id", False), ("v", False), ("status", True)]
        assert data == [(1, "a", "new"), (2, "b", "new")]
    finally:
        with server.begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS _mig_old_{name}")
