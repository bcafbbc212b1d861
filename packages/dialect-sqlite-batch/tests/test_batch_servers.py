"""batch_alter_table(recreate="always") on PostgreSQL and MariaDB: the move-and-copy everywhere.

The servers are ``mig.testing``'s ``mig_postgresql_url`` / ``mig_mysql_url``
fixtures: a server that is down skips these tests, or fails them under CI.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from mig import plugins
from mig.ddl.impl import DialectImpl
from mig.errors import DialectNotFoundError, OperationError
from mig.ops import (
    AddColumnOp,
    AlterColumnOp,
    BatchAlterTableOp,
    CreateIndexOp,
    CreateUniqueConstraintOp,
    DropColumnOp,
    DropConstraintOp,
    Operation,
)
from mig.testing import servers


@pytest.fixture(params=["postgresql", "mysql"])
def server(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    url = request.getfixturevalue(f"mig_{request.param}_url")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    yield engine
    engine.dispose()


@pytest.fixture
def names(server: sa.Engine) -> Iterator[dict[str, str]]:
    found = {"p": servers.unique_name("bp"), "c": servers.unique_name("bc")}
    yield found
    with server.begin() as conn:
        for table in (found["c"], found["p"], f"_mig_old_{found['p']}"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")


def impl_for(engine: sa.Engine, conn: sa.Connection) -> DialectImpl:
    try:
        impl_class = plugins.dialect(engine.dialect.name).load()
    except DialectNotFoundError:  # its dialect plugin not installed: the generic implementation
        impl_class = DialectImpl
    impl: DialectImpl = impl_class(engine.dialect, conn)
    return impl


def run_batch(engine: sa.Engine, table: str, *ops: Operation, **kw: Any) -> None:
    with engine.connect() as conn:
        impl = impl_for(engine, conn)
        with conn.begin():
            impl.run(BatchAlterTableOp(table, recreate="always", operations=tuple(ops), **kw))


def setup_tables(engine: sa.Engine, p: str, c: str) -> None:
    auto = "SERIAL" if engine.dialect.name == "postgresql" else "INTEGER AUTO_INCREMENT"
    with engine.begin() as conn:
        conn.exec_driver_sql(
            f"CREATE TABLE {p} (id {auto} PRIMARY KEY, name VARCHAR(20) NOT NULL DEFAULT 'x', "
            f"v NUMERIC(10, 2), parent_id INTEGER, extra VARCHAR(10), "
            f"CONSTRAINT uq_{p}_name UNIQUE (name), CONSTRAINT ck_{p}_v CHECK (v > 0), "
            f"CONSTRAINT fk_{p}_parent FOREIGN KEY (parent_id) REFERENCES {p} (id))")
        conn.exec_driver_sql(f"CREATE INDEX ix_{p}_v ON {p} (v)")
        conn.exec_driver_sql(
            f"CREATE TABLE {c} (id INTEGER PRIMARY KEY, pid INTEGER, "
            f"CONSTRAINT fk_{c}_p FOREIGN KEY (pid) REFERENCES {p} (id) ON DELETE CASCADE)")
        conn.exec_driver_sql(f"INSERT INTO {p} (name, v, parent_id, extra) VALUES "
                             f"('a', 1.5, NULL, 'e1'), ('b', 2, NULL, NULL), ('c', 3.25, NULL, 'e3')")
        conn.exec_driver_sql(f"UPDATE {p} SET parent_id = 1 WHERE id > 1")
        conn.exec_driver_sql(f"INSERT INTO {c} VALUES (10, 1), (11, 2), (12, 3)")


def rows(engine: sa.Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def snapshot(engine: sa.Engine, table: str) -> dict[str, Any]:
    with engine.connect() as conn:
        insp = sa.inspect(conn)
        return {
            "columns": [(c["name"], str(c["type"]), c["nullable"], c["default"])
                        for c in insp.get_columns(table)],
            "pk": insp.get_pk_constraint(table)["constrained_columns"],
            "uniques": sorted((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(table)),
            "checks": sorted(str(ck["name"]) for ck in insp.get_check_constraints(table)),
            "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                              for i in insp.get_indexes(table) if not i.get("duplicates_constraint")),
            "fks": sorted((f["name"], tuple(f["constrained_columns"]), f["referred_table"],
                           tuple(f["referred_columns"]), tuple(sorted((f.get("options") or {}).items())))
                          for f in insp.get_foreign_keys(table)),
        }


def test_recreate_always_keeps_rows_constraints_and_references(server, names):
    p, c = names["p"], names["c"]
    setup_tables(server, p, c)
    child_before = snapshot(server, c)
    run_batch(server, p,
              AlterColumnOp(p, "v", type_=sa.Numeric(12, 3)),
              DropColumnOp(p, "extra"),
              AlterColumnOp(p, "name", new_column_name="title", type_=sa.String(40)),
              AddColumnOp(p, sa.Column("note", sa.String(10), nullable=False, server_default="n")),
              CreateIndexOp(f"ix_{p}_note", p, ("note",)))
    after = snapshot(server, p)
    assert [col[0] for col in after["columns"]] == ["id", "title", "v", "parent_id", "note"]
    assert after["columns"][2][1].startswith(("NUMERIC(12, 3)", "DECIMAL(12, 3)"))
    assert after["columns"][1][1] == "VARCHAR(40)" and after["columns"][1][2] is False
    assert after["pk"] == ["id"]
    assert after["uniques"] == [(f"uq_{p}_name", ("title",))]
    assert after["checks"] == [f"ck_{p}_v"]
    assert (f"ix_{p}_v", ("v",), False) in after["indexes"]
    assert (f"ix_{p}_note", ("note",), False) in after["indexes"]
    assert [f[:4] for f in after["fks"]] == [(f"fk_{p}_parent", ("parent_id",), p, ("id",))]
    assert snapshot(server, c) == child_before
    assert rows(server, f"SELECT id, title, v, parent_id, note FROM {p} ORDER BY id") == [
        (1, "a", Decimal("1.500"), None, "n"), (2, "b", Decimal("2.000"), 1, "n"),
        (3, "c", Decimal("3.250"), 1, "n")]
    assert rows(server, f"SELECT * FROM {c} ORDER BY id") == [(10, 1), (11, 2), (12, 3)]
    # the keys work: new ids continue, the check holds, ON DELETE CASCADE still reaches the child
    with server.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO {p} (title, v) VALUES ('d', 4)")
        conn.exec_driver_sql(f"DELETE FROM {p} WHERE id = 3")
    assert rows(server, f"SELECT id, title FROM {p} ORDER BY id") == [(1, "a"), (2, "b"), (4, "d")]
    assert rows(server, f"SELECT * FROM {c} ORDER BY id") == [(10, 1), (11, 2)]
    with pytest.raises(sa.exc.DBAPIError), server.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO {p} (title, v) VALUES ('e', -1)")


def test_recreate_always_constraints_and_comments(server, names):
    p, c = names["p"], names["c"]
    setup_tables(server, p, c)
    run_batch(server, p, DropConstraintOp(f"uq_{p}_name", p, type_="unique"),
              CreateUniqueConstraintOp(f"uq_{p}_name_v", p, ("name", "v")),
              AlterColumnOp(p, "v", comment="the value"),
              table_kwargs={"comment": "parents"})
    assert snapshot(server, p)["uniques"] == [(f"uq_{p}_name_v", ("name", "v"))]
    assert rows(server, f"SELECT * FROM {p} ORDER BY id") == [
        (1, "a", Decimal("1.50"), None, "e1"), (2, "b", Decimal("2.00"), 1, None),
        (3, "c", Decimal("3.25"), 1, "e3")]
    with server.connect() as conn:
        insp = sa.inspect(conn)
        assert {col["name"]: col.get("comment") for col in insp.get_columns(p)}["v"] == "the value"
        assert insp.get_table_comment(p)["text"] == "parents"


def test_recreate_always_failure_leaves_table_and_rows_unchanged(server, names):
    p, c = names["p"], names["c"]
    setup_tables(server, p, c)
    before, child_before = snapshot(server, p), snapshot(server, c)
    data = rows(server, f"SELECT * FROM {p} ORDER BY id")
    with pytest.raises(OperationError) as info:
        run_batch(server, p, AlterColumnOp(p, "extra", nullable=False), DropColumnOp(p, "v"))
    message = str(info.value)
    assert message.startswith(f"batch_alter_table({p!r}) failed: ")
    assert "extra" in message and "unchanged" in message
    assert f"_mig_old_{p}" not in message
    assert snapshot(server, p) == before
    assert snapshot(server, c) == child_before
    assert rows(server, f"SELECT * FROM {p} ORDER BY id") == data
    assert rows(server, f"SELECT * FROM {c} ORDER BY id") == [(10, 1), (11, 2), (12, 3)]


def offline_sql(dialect: Any, op: BatchAlterTableOp) -> str:
    import io

    try:
        impl_class = plugins.dialect(dialect.name).load()
    except DialectNotFoundError:
        impl_class = DialectImpl
    out = io.StringIO()
    impl_class(dialect, None, as_sql=True, output=out).run(op)
    return out.getvalue()


def test_offline_recreate_always_on_postgresql_is_exact_and_runs(request: pytest.FixtureRequest):
    from sqlalchemy.dialects import postgresql

    copy_from = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                         sa.Column("n", sa.Integer, server_default="0"), sa.Column("old", sa.Text),
                         sa.UniqueConstraint("n", name="uq_t_n"), sa.Index("ix_t_old", "old"))
    op = BatchAlterTableOp("t", recreate="always", copy_from=copy_from, operations=(
        AlterColumnOp("t", "n", type_=sa.BigInteger(), nullable=False), DropColumnOp("t", "old")))
    sql = offline_sql(postgresql.dialect(), op)
    assert sql == (
        "ALTER TABLE t RENAME TO _mig_old_t;\n\n"
        "ALTER TABLE _mig_old_t DROP CONSTRAINT t_pkey;\n\n"
        "ALTER TABLE _mig_old_t DROP CONSTRAINT uq_t_n;\n\n"
        "DROP INDEX ix_t_old;\n\n"
        "CREATE TABLE t (\n"
        "    id INTEGER DEFAULT nextval('t_id_seq'::regclass) NOT NULL,\n"
        "    n BIGINT DEFAULT '0' NOT NULL,\n"
        "    PRIMARY KEY (id),\n"
        "    CONSTRAINT uq_t_n UNIQUE (n)\n"
        ");\n\n"
        "INSERT INTO t (id, n) SELECT id, CAST(n AS BIGINT) AS n\n"
        "FROM _mig_old_t;\n\n"
        "ALTER SEQUENCE t_id_seq OWNED BY t.id;\n\n"
        "DROP TABLE _mig_old_t;\n\n")
    # the script does what it says on a real server (in a schema of its own)
    url = request.getfixturevalue("mig_postgresql_url")
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    schema = servers.unique_name("batch_offline")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
            conn.exec_driver_sql(f"SET search_path TO {schema}")
            copy_from.create(conn)
            conn.exec_driver_sql("INSERT INTO t (n, old) VALUES (5, 'a'), (6, 'b')")
            for statement in sql.split(";\n\n"):
                if statement.strip():
                    conn.exec_driver_sql(statement)
            conn.exec_driver_sql("INSERT INTO t (n) VALUES (7)")
            assert [tuple(r) for r in conn.exec_driver_sql("SELECT id, n FROM t ORDER BY id")] == [
                (1, 5), (2, 6), (3, 7)]
            insp = sa.inspect(conn)
            assert [c["name"] for c in insp.get_columns("t", schema=schema)] == ["id", "n"]
            assert insp.get_unique_constraints("t", schema=schema)[0]["name"] == "uq_t_n"
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        engine.dispose()


def test_postgresql_identity_always_continues_after_the_copy(mig_postgresql_url: str):
    engine = sa.create_engine(mig_postgresql_url, poolclass=sa.pool.NullPool)
    name = servers.unique_name("bident")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"CREATE TABLE {name} (id INTEGER GENERATED ALWAYS AS IDENTITY "
                                 f"PRIMARY KEY, v TEXT)")
            conn.exec_driver_sql(f"INSERT INTO {name} (v) VALUES ('a'), ('b'), ('c')")
            conn.exec_driver_sql(f"DELETE FROM {name} WHERE id = 2")
        run_batch(engine, name, AlterColumnOp(name, "v", type_=sa.String(10), nullable=False))
        with engine.begin() as conn:
            conn.exec_driver_sql(f"INSERT INTO {name} (v) VALUES ('d')")
        assert rows(engine, f"SELECT * FROM {name} ORDER BY id") == [(1, "a"), (3, "c"), (4, "d")]
        with engine.connect() as conn:
            col = sa.inspect(conn).get_columns(name)[0]
        assert col["identity"]["always"] is True
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
        engine.dispose()
