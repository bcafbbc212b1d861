"""Tables, columns, constraints, indexes and data on the real server, checked by reflection."""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from mig.errors import OfflineError, OperationError
from mig.ops import (
    AddColumnOp,
    BulkInsertOp,
    CreateCheckConstraintOp,
    CreateForeignKeyOp,
    CreateIndexOp,
    CreatePrimaryKeyOp,
    CreateTableCommentOp,
    CreateTableOp,
    CreateUniqueConstraintOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    DropTableCommentOp,
    DropTableOp,
    RenameTableOp,
)
from mig_mysql.impl import MySQLImpl

pytestmark = pytest.mark.mysql


@pytest.fixture
def pair(conn: sa.Connection) -> Iterator[tuple[str, str]]:
    """A parent and a child table."""
    conn.exec_driver_sql("DROP TABLE IF EXISTS child, parent")
    conn.exec_driver_sql("CREATE TABLE parent (id INT PRIMARY KEY, code VARCHAR(10) NOT NULL)")
    conn.exec_driver_sql("CREATE TABLE child (id INT NOT NULL, parent_id INT, qty INT, "
                         "name VARCHAR(100))")
    conn.exec_driver_sql("INSERT INTO parent VALUES (1, 'a'), (2, 'b')")
    conn.exec_driver_sql("INSERT INTO child VALUES (10, 1, 5, 'x'), (11, 2, 6, 'y')")
    yield "parent", "child"
    conn.exec_driver_sql("DROP TABLE IF EXISTS child, parent")


def _insp(conn: sa.Connection) -> sa.Inspector:
    return sa.inspect(conn)


def test_create_table_with_options_and_drop(impl, conn):
    impl.run(CreateTableOp("made", (
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(30), nullable=False, server_default="n/a", comment="the name"),
        sa.Column("ref", sa.Integer, sa.ForeignKey("made.id", name="fk_made_ref")),
        sa.Index("ix_made_name", "name", mysql_length=5),
    ), kw={"comment": "made here", "mysql_engine": "InnoDB", "mysql_charset": "latin1"}))
    insp = _insp(conn)
    cols = {c["name"]: c for c in insp.get_columns("made")}
    assert cols["name"]["comment"] == "the name"
    assert cols["name"]["default"] == "'n/a'"
    assert cols["id"]["autoincrement"] is True
    assert insp.get_table_comment("made")["text"] == "made here"
    assert insp.get_table_options("made")["mysql_default charset"] == "latin1"
    assert [fk["name"] for fk in insp.get_foreign_keys("made")] == ["fk_made_ref"]
    sub_part = conn.exec_driver_sql("SHOW INDEX FROM made WHERE Key_name = 'ix_made_name'").mappings().one()
    assert sub_part["Sub_part"] == 5
    impl.run(DropTableOp("made"))
    assert not insp.has_table("made")


def test_add_and_drop_column(impl, conn, pair):
    impl.run(AddColumnOp("child", sa.Column("note", sa.String(20), nullable=False,
                                            server_default="-", comment="a note")))
    impl.run(AddColumnOp("child", sa.Column("other_id", sa.Integer,
                                            sa.ForeignKey("parent.id", name="fk_child_other"))))
    insp = _insp(conn)
    cols = {c["name"]: c for c in insp.get_columns("child")}
    assert (cols["note"]["nullable"], cols["note"]["default"], cols["note"]["comment"]) == (
        False, "'-'", "a note")
    assert [fk["name"] for fk in insp.get_foreign_keys("child")] == ["fk_child_other"]
    assert [tuple(r) for r in conn.exec_driver_sql("SELECT id, note FROM child ORDER BY id")] == [
        (10, "-"), (11, "-")]
    impl.run(DropColumnOp("child", "qty"))
    assert "qty" not in {c["name"] for c in _insp(conn).get_columns("child")}


def test_foreign_key_created_and_dropped_by_name(impl, conn, pair):
    impl.run(CreateForeignKeyOp("fk_child_parent", "child", "parent", ("parent_id",), ("id",),
                                ondelete="CASCADE"))
    fks = _insp(conn).get_foreign_keys("child")
    assert [(f["name"], f["referred_table"], f["options"].get("ondelete")) for f in fks] == [
        ("fk_child_parent", "parent", "CASCADE")]
    with pytest.raises(IntegrityError):
        conn.exec_driver_sql("INSERT INTO child VALUES (12, 99, 1, 'z')")
    impl.run(DropConstraintOp("fk_child_parent", "child", type_="foreignkey"))
    assert _insp(conn).get_foreign_keys("child") == []
    conn.exec_driver_sql("INSERT INTO child VALUES (12, 99, 1, 'z')")


def test_drop_constraint_without_type_looks_it_up(impl, conn, pair):
    impl.run(CreateForeignKeyOp("fk_cp", "child", "parent", ("parent_id",), ("id",)))
    impl.run(CreateUniqueConstraintOp("uq_child_name", "child", ("name",)))
    impl.run(CreateCheckConstraintOp("ck_child_qty", "child", "qty > 0"))
    for name in ("fk_cp", "uq_child_name", "ck_child_qty"):
        impl.run(DropConstraintOp(name, "child"))
    insp = _insp(conn)
    assert insp.get_foreign_keys("child") == []
    assert insp.get_unique_constraints("child") == []
    assert insp.get_check_constraints("child") == []
    with pytest.raises(OperationError, match="no constraint of that name exists"):
        impl.run(DropConstraintOp("nope", "child"))
    impl.run(DropConstraintOp("nope", "child", if_exists=True))


def test_unique_constraint(impl, conn, pair):
    impl.run(CreateUniqueConstraintOp("uq_parent_code", "parent", ("code",)))
    assert [u["name"] for u in _insp(conn).get_unique_constraints("parent")] == ["uq_parent_code"]
    with pytest.raises(IntegrityError):
        conn.exec_driver_sql("INSERT INTO parent VALUES (3, 'a')")
    impl.run(DropConstraintOp("uq_parent_code", "parent", type_="unique"))
    assert _insp(conn).get_unique_constraints("parent") == []


def test_check_constraint_enforced_and_dropped(impl, conn, pair):
    impl.run(CreateCheckConstraintOp("ck_qty_positive", "child", sa.text("qty > 0")))
    checks = _insp(conn).get_check_constraints("child")
    assert [c["name"] for c in checks] == ["ck_qty_positive"]
    with pytest.raises((IntegrityError, OperationalError)):
        conn.exec_driver_sql("INSERT INTO child VALUES (13, 1, -1, 'neg')")
    impl.run(DropConstraintOp("ck_qty_positive", "child", type_="check"))
    assert _insp(conn).get_check_constraints("child") == []
    conn.exec_driver_sql("INSERT INTO child VALUES (13, 1, -1, 'neg')")


def test_primary_key_created_and_dropped(impl, conn, pair):
    impl.run(CreatePrimaryKeyOp("pk_child", "child", ("id",)))
    assert _insp(conn).get_pk_constraint("child")["constrained_columns"] == ["id"]
    impl.run(DropConstraintOp("pk_child", "child", type_="primary"))
    assert _insp(conn).get_pk_constraint("child")["constrained_columns"] == []
    impl.run(DropConstraintOp("pk_child", "child", type_="primary", if_exists=True))


def test_drop_constraint_if_exists_native_on_mariadb(impl, conn, pair):
    impl.run(DropConstraintOp("fk_nothing", "child", type_="foreignkey", if_exists=True))
    impl.run(DropConstraintOp("ck_nothing", "child", type_="check", if_exists=True))
    assert _insp(conn).get_foreign_keys("child") == []


def test_indexes_with_length_unique_and_drop_by_name(impl, conn, pair):
    impl.run(CreateIndexOp("ix_child_name", "child", ("name", "qty"),
                           kw={"mysql_length": {"name": 8}}))
    impl.run(CreateIndexOp("ux_child_id", "child", ("id",), unique=True))
    indexes = {i["name"]: i for i in _insp(conn).get_indexes("child")}
    assert indexes["ix_child_name"]["column_names"] == ["name", "qty"]
    assert indexes["ix_child_name"]["dialect_options"]["mysql_length"] == {"name": 8}
    assert indexes["ux_child_id"]["unique"]
    impl.run(DropIndexOp("ix_child_name", "child"))
    impl.run(DropIndexOp("ux_child_id"))  # table found by name online
    assert _insp(conn).get_indexes("child") == []
    impl.run(DropIndexOp("ix_gone", "child", if_exists=True))
    impl.run(CreateIndexOp("ix_twice", "child", ("qty",), if_not_exists=True))
    impl.run(CreateIndexOp("ix_twice", "child", ("qty",), if_not_exists=True))
    assert [i["name"] for i in _insp(conn).get_indexes("child")] == ["ix_twice"]


def test_drop_index_without_table_ambiguous(impl, conn, pair):
    conn.exec_driver_sql("CREATE INDEX ix_same ON child (qty)")
    conn.exec_driver_sql("CREATE INDEX ix_same ON parent (code)")
    with pytest.raises(OperationError, match="tables child, parent has an index of that name; pass table_name"):
        impl.run(DropIndexOp("ix_same"))


def test_rename_table_keeps_schema_and_rows(impl, conn, pair):
    other = f"{conn.exec_driver_sql('SELECT DATABASE()').scalar()}_r"
    conn.exec_driver_sql(f"CREATE DATABASE {other}")
    try:
        conn.exec_driver_sql(f"CREATE TABLE {other}.old_t (v INT)")
        conn.exec_driver_sql(f"INSERT INTO {other}.old_t VALUES (42)")
        impl.run(RenameTableOp("old_t", "new_t", schema=other))
        assert _insp(conn).get_table_names(schema=other) == ["new_t"]
        assert conn.exec_driver_sql(f"SELECT v FROM {other}.new_t").scalar() == 42
        impl.run(RenameTableOp("child", "kid"))
        assert "kid" in _insp(conn).get_table_names()
        impl.run(RenameTableOp("kid", "child"))
    finally:
        conn.exec_driver_sql(f"DROP DATABASE {other}")


def test_table_comment_set_and_dropped(impl, conn, pair):
    impl.run(CreateTableCommentOp("parent", "100% parents"))
    assert _insp(conn).get_table_comment("parent")["text"] == "100% parents"
    impl.run(DropTableCommentOp("parent", existing_comment="100% parents"))
    assert _insp(conn).get_table_comment("parent")["text"] is None


def test_drop_constraint_offline_error_names_type(offline):
    with pytest.raises(OfflineError, match="drop_constraint fk on t: MySQL drops each kind"):
        offline.run(DropConstraintOp("fk", "t"))


def test_bulk_insert_common_types(impl, conn):
    impl.run(CreateTableOp("typed", (
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("s", sa.String(50)), sa.Column("t", sa.Text), sa.Column("b", sa.Boolean),
        sa.Column("d", sa.Date), sa.Column("dt", sa.DateTime), sa.Column("n", sa.Numeric(8, 3)),
        sa.Column("f", sa.Float), sa.Column("bi", sa.BigInteger), sa.Column("j", sa.JSON),
        sa.Column("e", sa.Enum("x", "y", name="e_kind")), sa.Column("lb", sa.LargeBinary),
    )))
    typed = sa.table("typed", *(sa.column(n, t) for n, t in [
        ("id", sa.Integer()), ("s", sa.String()), ("t", sa.Text()), ("b", sa.Boolean()),
        ("d", sa.Date()), ("dt", sa.DateTime()), ("n", sa.Numeric(8, 3)), ("f", sa.Float()),
        ("bi", sa.BigInteger()), ("j", sa.JSON()), ("e", sa.Enum("x", "y", name="e_kind")),
        ("lb", sa.LargeBinary())]))
    rows = [
        {"id": 1, "s": "it's 50%", "t": "line\nbreak", "b": True, "d": datetime.date(2024, 2, 29),
         "dt": datetime.datetime(2024, 1, 2, 3, 4, 5), "n": decimal.Decimal("1.250"), "f": 0.5,
         "bi": 2**40, "j": {"k": [1, 2]}, "e": "y", "lb": b"\x00\xff"},
        {"id": 2, "s": None, "t": None, "b": False, "d": None, "dt": None, "n": None, "f": None,
         "bi": None, "j": None, "e": None, "lb": None},
    ]
    impl.run(BulkInsertOp(typed, rows))
    impl.run(BulkInsertOp(typed, [{"id": 3, "s": "single"}], multiinsert=False))
    got = conn.exec_driver_sql("SELECT id, s, t, b, d, dt, n, f, bi, j, e, lb FROM typed ORDER BY id").all()
    assert tuple(got[0]) == (1, "it's 50%", "line\nbreak", 1, datetime.date(2024, 2, 29),
                             datetime.datetime(2024, 1, 2, 3, 4, 5), decimal.Decimal("1.250"), 0.5,
                             2**40, '{"k": [1, 2]}', "y", b"\x00\xff")
    # JSON None is stored as JSON null (SQLAlchemy's none_as_null=False)
    assert tuple(got[1]) == (2, None, None, 0, None, None, None, None, None, "null", None, None)
    assert tuple(got[2])[:2] == (3, "single")
    impl.run(DropTableOp("typed"))


class _AsMySQL(MySQLImpl):
    """MySQL's syntax (no IF [NOT] EXISTS on columns, indexes, constraints), which MariaDB accepts too."""

    is_mariadb = False  # type: ignore[assignment]


def test_mysql_checks_first_where_it_has_no_if_exists(conn, pair):
    impl = _AsMySQL(conn.dialect, conn)
    seen: list[str] = []

    def capture(_c, _cur, statement, *_):
        seen.append(statement)

    sa.event.listen(conn.engine, "before_cursor_execute", capture)
    try:
        for _ in range(2):
            impl.run(AddColumnOp("child", sa.Column("extra", sa.Integer), if_not_exists=True))
            impl.run(CreateIndexOp("ix_extra", "child", ("extra",), if_not_exists=True))
        impl.run(CreateForeignKeyOp("fk_extra", "child", "parent", ("extra",), ("id",)))
        for _ in range(2):
            impl.run(DropConstraintOp("fk_extra", "child", type_="foreignkey", if_exists=True))
        for _ in range(2):
            impl.run(DropIndexOp("ix_extra", "child", if_exists=True))
        for _ in range(2):
            impl.run(DropColumnOp("child", "extra", if_exists=True))
    finally:
        sa.event.remove(conn.engine, "before_cursor_execute", capture)
    ddl = [s for s in seen if s.startswith(("ALTER", "CREATE", "DROP"))]
    assert not any("IF EXISTS" in s or "IF NOT EXISTS" in s for s in ddl)
    assert [s.split(" ")[0:3] for s in ddl] == [
        ["ALTER", "TABLE", "child"], ["CREATE", "INDEX", "ix_extra"], ["ALTER", "TABLE", "child"],
        ["ALTER", "TABLE", "child"], ["DROP", "INDEX", "ix_extra"], ["ALTER", "TABLE", "child"]]
    assert "extra" not in {c["name"] for c in _insp(conn).get_columns("child")}
    assert _insp(conn).get_indexes("child") == []
