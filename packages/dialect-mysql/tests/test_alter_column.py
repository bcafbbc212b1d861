"""alter_column online on the real server: MODIFY/CHANGE keep what the user did not ask to change."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from mig.errors import OperationError
from mig.ops import AlterColumnOp
from mig_mysql.impl import MySQLImpl

pytestmark = pytest.mark.mysql

TABLE = """
CREATE TABLE {name} (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY COMMENT 'key',
  name VARCHAR(20) CHARACTER SET latin1 COLLATE latin1_swedish_ci NOT NULL DEFAULT 'anon' COMMENT 'who',
  amount DECIMAL(10,2) NULL DEFAULT 1.50,
  updated TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  kind ENUM('a','b') NOT NULL DEFAULT 'a',
  note TEXT NULL,
  plain INT NOT NULL
) COMMENT 'accounts'
"""


@pytest.fixture
def table(conn: sa.Connection, request: pytest.FixtureRequest) -> Iterator[str]:
    name = f"ac_{request.node.name[:40]}".replace("[", "_").replace("]", "_").replace("-", "_")
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")
    conn.exec_driver_sql(TABLE.format(name=name))
    conn.exec_driver_sql(
        f"INSERT INTO {name} (name, amount, kind, note, plain) VALUES "
        f"('ann', 3.25, 'b', 'hello', 1), ('bob', NULL, 'a', NULL, 2)")
    yield name
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


@pytest.fixture
def statements(conn: sa.Connection) -> Iterator[list[str]]:
    """Every statement sent to the server while the test runs."""
    seen: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = conn.engine
    event.listen(engine, "before_cursor_execute", capture)
    yield seen
    event.remove(engine, "before_cursor_execute", capture)


def _ddl(statements: list[str]) -> list[str]:
    return [s for s in statements if s.startswith(("ALTER", "RENAME", "DROP", "CREATE"))]


def _rows(conn: sa.Connection, table: str, *cols: str) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in conn.exec_driver_sql(
        f"SELECT {', '.join(cols)} FROM {table} ORDER BY id")]


def test_nullable_keeps_charset_collation_default_comment(impl, conn, table, columns, statements):
    impl.run(AlterColumnOp(table, "name", nullable=True))
    col = columns(table)["name"]
    assert col["IS_NULLABLE"] == "YES"
    assert (col["COLUMN_TYPE"], col["CHARACTER_SET_NAME"], col["COLLATION_NAME"]) == (
        "varchar(20)", "latin1", "latin1_swedish_ci")
    assert col["COLUMN_DEFAULT"] == "'anon'"
    assert col["COLUMN_COMMENT"] == "who"
    assert _ddl(statements) == [
        f"ALTER TABLE {table} MODIFY name varchar(20) CHARACTER SET latin1 COLLATE "
        f"latin1_swedish_ci NULL DEFAULT 'anon' COMMENT 'who'"]
    assert _rows(conn, table, "name") == [("ann",), ("bob",)]


def test_comment_on_auto_increment_key_keeps_unsigned_and_auto_increment(impl, conn, table, columns):
    impl.run(AlterColumnOp(table, "id", comment="primary key"))
    col = columns(table)["id"]
    assert col["COLUMN_TYPE"] == "int(10) unsigned"
    assert col["EXTRA"] == "auto_increment"
    assert col["IS_NULLABLE"] == "NO"
    assert col["COLUMN_COMMENT"] == "primary key"
    conn.exec_driver_sql(f"INSERT INTO {table} (plain) VALUES (3)")
    assert _rows(conn, table, "id", "plain") == [(1, 1), (2, 2), (3, 3)]


def test_comment_removed_with_none(impl, table, columns):
    impl.run(AlterColumnOp(table, "name", comment=None))
    col = columns(table)["name"]
    assert col["COLUMN_COMMENT"] == ""
    assert col["COLLATION_NAME"] == "latin1_swedish_ci"


def test_timestamp_keeps_on_update(impl, table, columns, conn):
    impl.run(AlterColumnOp(table, "updated", comment="stamp"))
    col = columns(table)["updated"]
    assert col["EXTRA"].lower() == "on update current_timestamp()"
    assert col["COLUMN_DEFAULT"].lower() == "current_timestamp()"
    assert col["COLUMN_COMMENT"] == "stamp"
    assert "ON UPDATE" in conn.exec_driver_sql(f"SHOW CREATE TABLE {table}").one()[1]


def test_type_change_keeps_nullable_and_default_and_converts_rows(impl, conn, table, columns):
    impl.run(AlterColumnOp(table, "amount", type_=sa.Numeric(12, 3)))
    col = columns(table)["amount"]
    assert col["COLUMN_TYPE"] == "decimal(12,3)"
    assert col["IS_NULLABLE"] == "YES"
    assert col["COLUMN_DEFAULT"] == "1.500"
    assert _rows(conn, table, "amount") == [(Decimal("3.250"),), (None,)]
    insp = sa.inspect(conn)
    reflected = {c["name"]: c for c in insp.get_columns(table)}
    assert isinstance(reflected["amount"]["type"], sa.Numeric)
    assert (reflected["amount"]["type"].precision, reflected["amount"]["type"].scale) == (12, 3)


def test_type_change_to_string_with_data(impl, conn, table, columns):
    impl.run(AlterColumnOp(table, "plain", type_=sa.String(10)))
    col = columns(table)["plain"]
    assert col["COLUMN_TYPE"] == "varchar(10)"
    assert col["IS_NULLABLE"] == "NO"
    assert _rows(conn, table, "plain") == [("1",), ("2",)]


def test_nullable_false_with_rows(impl, conn, table, columns):
    conn.exec_driver_sql(f"UPDATE {table} SET note = 'x' WHERE note IS NULL")
    impl.run(AlterColumnOp(table, "note", nullable=False))
    col = columns(table)["note"]
    assert col["IS_NULLABLE"] == "NO"
    assert col["COLUMN_TYPE"] == "text"
    assert col["CHARACTER_SET_NAME"] == "utf8mb4"
    assert _rows(conn, table, "note") == [("hello",), ("x",)]


def test_rename_alone_is_rename_column(impl, conn, table, columns, statements):
    impl.run(AlterColumnOp(table, "kind", new_column_name="category"))
    cols = columns(table)
    assert "kind" not in cols
    assert cols["category"]["COLUMN_TYPE"] == "enum('a','b')"
    assert cols["category"]["COLUMN_DEFAULT"] == "'a'"
    assert _ddl(statements) == [f"ALTER TABLE {table} RENAME COLUMN kind TO category"]
    assert _rows(conn, table, "category") == [("b",), ("a",)]


def test_rename_with_comment_is_change_column(impl, conn, table, columns, statements):
    impl.run(AlterColumnOp(table, "name", new_column_name="full_name", comment="the name"))
    cols = columns(table)
    assert "name" not in cols
    col = cols["full_name"]
    assert (col["COLUMN_TYPE"], col["COLLATION_NAME"], col["IS_NULLABLE"], col["COLUMN_DEFAULT"],
            col["COLUMN_COMMENT"]) == ("varchar(20)", "latin1_swedish_ci", "NO", "'anon'", "the name")
    assert _ddl(statements)[0].startswith(f"ALTER TABLE {table} CHANGE COLUMN name full_name ")
    assert _rows(conn, table, "full_name") == [("ann",), ("bob",)]


def test_server_default_set_changed_dropped(impl, conn, table, columns, statements):
    impl.run(AlterColumnOp(table, "plain", server_default="7"))
    assert columns(table)["plain"]["COLUMN_DEFAULT"] == "7"
    conn.exec_driver_sql(f"INSERT INTO {table} (name) VALUES ('cy')")
    assert _rows(conn, table, "plain")[-1] == (7,)
    impl.run(AlterColumnOp(table, "amount", server_default="2.5"))
    assert columns(table)["amount"]["COLUMN_DEFAULT"] == "2.50"
    impl.run(AlterColumnOp(table, "amount", server_default=None))
    assert columns(table)["amount"]["COLUMN_DEFAULT"] == "NULL"
    assert _ddl(statements) == [
        f"ALTER TABLE {table} ALTER COLUMN plain SET DEFAULT '7'",
        f"ALTER TABLE {table} ALTER COLUMN amount SET DEFAULT '2.5'",
        f"ALTER TABLE {table} ALTER COLUMN amount DROP DEFAULT",
    ]
    # the rest of the column is untouched by SET/DROP DEFAULT
    assert columns(table)["amount"]["COLUMN_TYPE"] == "decimal(10,2)"


def test_server_default_expression(impl, conn, table, columns):
    conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN seen DATETIME NULL")
    impl.run(AlterColumnOp(table, "seen", server_default=sa.text("CURRENT_TIMESTAMP")))
    assert columns(table)["seen"]["COLUMN_DEFAULT"].lower() == "current_timestamp()"
    conn.exec_driver_sql(f"INSERT INTO {table} (plain) VALUES (9)")
    assert conn.exec_driver_sql(f"SELECT seen FROM {table} WHERE plain = 9").scalar() is not None


def test_default_with_nullable_change_restates_both(impl, table, columns):
    impl.run(AlterColumnOp(table, "plain", nullable=True, server_default="0"))
    col = columns(table)["plain"]
    assert (col["IS_NULLABLE"], col["COLUMN_DEFAULT"], col["COLUMN_TYPE"]) == ("YES", "0", "int(11)")


def test_autoincrement_on_and_off(impl, conn, columns):
    conn.exec_driver_sql("DROP TABLE IF EXISTS ai")
    conn.exec_driver_sql("CREATE TABLE ai (id INT NOT NULL PRIMARY KEY, v INT)")
    conn.exec_driver_sql("INSERT INTO ai VALUES (5, 1)")
    impl.run(AlterColumnOp("ai", "id", autoincrement=True))
    assert columns("ai")["id"]["EXTRA"] == "auto_increment"
    conn.exec_driver_sql("INSERT INTO ai (v) VALUES (2)")
    assert [tuple(r) for r in conn.exec_driver_sql("SELECT id, v FROM ai ORDER BY id")] == [(5, 1), (6, 2)]
    impl.run(AlterColumnOp("ai", "id", autoincrement=False))
    assert columns("ai")["id"]["EXTRA"] == ""
    assert columns("ai")["id"]["IS_NULLABLE"] == "NO"
    conn.exec_driver_sql("DROP TABLE ai")


def test_existing_arguments_given_are_used(impl, table, columns, statements):
    impl.run(AlterColumnOp(table, "plain", nullable=True, existing_type=sa.BigInteger(),
                           existing_server_default=None))
    col = columns(table)["plain"]
    assert (col["COLUMN_TYPE"], col["IS_NULLABLE"]) == ("bigint(20)", "YES")
    assert _ddl(statements) == [f"ALTER TABLE {table} MODIFY plain BIGINT NULL"]


def test_missing_column_is_a_clear_error(impl, table):
    with pytest.raises(OperationError, match=f"table '{table}' has no column 'nope'"):
        impl.run(AlterColumnOp(table, "nope", nullable=True))


def test_other_schema(impl, conn, mysql_url):
    other = f"{conn.exec_driver_sql('SELECT DATABASE()').scalar()}_other"
    conn.exec_driver_sql(f"CREATE DATABASE {other}")
    try:
        conn.exec_driver_sql(f"CREATE TABLE {other}.t (c VARCHAR(5) CHARACTER SET latin1 NOT NULL)")
        impl.run(AlterColumnOp("t", "c", schema=other, nullable=True, comment="in other"))
        row = conn.execute(sa.text(
            "SELECT IS_NULLABLE, COLUMN_COMMENT, CHARACTER_SET_NAME FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = :s AND TABLE_NAME = 't'"), {"s": other}).one()
        assert tuple(row) == ("YES", "in other", "latin1")
    finally:
        conn.exec_driver_sql(f"DROP DATABASE {other}")


class _OldServer(MySQLImpl):
    """A server without RENAME COLUMN (MySQL 5.7, MariaDB < 10.5.2)."""

    def supports_rename_column(self) -> bool:
        return False


def test_rename_on_server_without_rename_column_restates_live_definition(conn, table, columns,
                                                                          statements):
    impl = _OldServer(conn.dialect, conn)
    impl.run(AlterColumnOp(table, "name", new_column_name="label"))
    cols = columns(table)
    assert "name" not in cols
    col = cols["label"]
    assert (col["COLUMN_TYPE"], col["COLLATION_NAME"], col["IS_NULLABLE"], col["COLUMN_DEFAULT"],
            col["COLUMN_COMMENT"]) == ("varchar(20)", "latin1_swedish_ci", "NO", "'anon'", "who")
    assert _ddl(statements) == [
        f"ALTER TABLE {table} CHANGE COLUMN name label varchar(20) CHARACTER SET latin1 COLLATE "
        f"latin1_swedish_ci NOT NULL DEFAULT 'anon' COMMENT 'who'"]
    impl.run(AlterColumnOp(table, "updated", new_column_name="changed_at"))
    assert columns(table)["changed_at"]["EXTRA"].lower() == "on update current_timestamp()"
