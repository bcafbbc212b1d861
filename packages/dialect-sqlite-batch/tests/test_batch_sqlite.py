"""batch_alter_table on real SQLite files: every operation, what survives, failures, offline SQL."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig import hookimpl, plugins
from mig.errors import NotSupportedError, OfflineError, OperationError
from mig.ops import (
    AddColumnOp,
    AlterColumnOp,
    BatchAlterTableOp,
    CreateCheckConstraintOp,
    CreateForeignKeyOp,
    CreateIndexOp,
    CreatePrimaryKeyOp,
    CreateUniqueConstraintOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    Operation,
)

NC = {"ix": "ix_%(table_name)s_%(column_0_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
      "ck": "ck_%(table_name)s_%(constraint_name)s",
      "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s"}


# -- helpers ------------------------------------------------------------------------------


@pytest.fixture
def engine(tmp_path: Path) -> sa.Engine:
    return sa.create_engine(f"sqlite:///{tmp_path / 'batch.db'}", poolclass=sa.pool.NullPool)


def setup(engine: sa.Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for sql in statements:
            conn.exec_driver_sql(sql)


def run_batch(engine: sa.Engine, table: str, *ops: Operation, context_opts: dict[str, Any] | None = None,
              pragmas: tuple[str, ...] = (), **kw: Any) -> None:
    """Run one batch the way a migration does: SqliteImpl inside a transaction, then commit."""
    impl_class = plugins.dialect("sqlite").load()
    with engine.connect() as conn:
        for pragma in pragmas:
            conn.exec_driver_sql(pragma)
        impl = impl_class(engine.dialect, conn, context_opts=context_opts)
        impl.on_transaction_begin(conn)
        try:
            impl.run(BatchAlterTableOp(table, operations=tuple(ops), **kw))
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


def offline(*ops: Operation, table: str = "t", **kw: Any) -> str:
    impl_class = plugins.dialect("sqlite").load()
    out = io.StringIO()
    impl = impl_class(sa.create_engine("sqlite://").dialect, None, as_sql=True, output=out)
    impl.run(BatchAlterTableOp(table, operations=tuple(ops), **kw))
    return out.getvalue()


def rows(engine: sa.Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql)]


def master(engine: sa.Engine) -> list[tuple[str, str, str]]:
    return sorted((r[0], r[1], r[2] or "") for r in rows(
        engine, "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_autoindex%'"))


def columns(engine: sa.Engine, table: str) -> list[tuple[str, str, bool, Any]]:
    with engine.connect() as conn:
        return [(c["name"], str(c["type"]), c["nullable"], c["default"])
                for c in sa.inspect(conn).get_columns(table)]


def inspect(engine: sa.Engine, table: str, what: str) -> Any:
    with engine.connect() as conn:
        return getattr(sa.inspect(conn), f"get_{what}")(table)


def no_leftovers(engine: sa.Engine) -> None:
    names = [r[0] for r in rows(engine, "SELECT name FROM sqlite_master")]
    assert not [n for n in names if n.startswith("_mig_")], names


ACCOUNT = (
    "CREATE TABLE account (id INTEGER PRIMARY KEY, email VARCHAR(50) NOT NULL, "
    "age INTEGER CHECK (age >= 0), score NUMERIC(8, 2) DEFAULT 0, note TEXT, "
    "CONSTRAINT uq_account_email UNIQUE (email))",
    "CREATE INDEX ix_account_age ON account (age)",
    "INSERT INTO account (id, email, age, score, note) VALUES "
    "(1, 'a@x', 30, 1.5, 'first'), (2, 'b@x', 41, 2.25, NULL), (5, 'c@x', NULL, 0, 'x''y')",
)
ACCOUNT_ROWS = [(1, "a@x", 30, 1.5, "first"), (2, "b@x", 41, 2.25, None), (5, "c@x", None, 0, "x'y")]


# -- columns ------------------------------------------------------------------------------


def test_alter_type_and_drop_column_in_one_copy(engine):
    setup(engine, *ACCOUNT)
    run_batch(engine, "account",
              AlterColumnOp("account", "age", type_=sa.BigInteger()),
              DropColumnOp("account", "note"))
    assert columns(engine, "account") == [
        ("id", "INTEGER", True, None), ("email", "VARCHAR(50)", False, None),
        ("age", "BIGINT", True, None), ("score", "NUMERIC(8, 2)", True, "0")]
    assert rows(engine, "SELECT * FROM account ORDER BY id") == [r[:4] for r in ACCOUNT_ROWS]
    assert rows(engine, "SELECT typeof(age), typeof(score) FROM account WHERE id = 1") == [("integer", "real")]
    assert inspect(engine, "account", "unique_constraints") == [{"name": "uq_account_email",
                                                                 "column_names": ["email"]}]
    assert inspect(engine, "account", "check_constraints") == [{"name": None, "sqltext": "age >= 0"}]
    assert [(i["name"], i["column_names"]) for i in inspect(engine, "account", "indexes")] == [
        ("ix_account_age", ["age"])]
    no_leftovers(engine)


def test_alter_nullable_default_and_add_not_null_column(engine):
    setup(engine, *ACCOUNT)
    # NULL in note violates NOT NULL: the batch fails, nothing changes
    before = master(engine)
    with pytest.raises(OperationError) as info:
        run_batch(engine, "account", AlterColumnOp("account", "note", nullable=False))
    assert "NOT NULL constraint failed: account.note" in str(info.value)
    assert "table 'account'" in str(info.value) and "unchanged" in str(info.value)
    assert master(engine) == before
    assert rows(engine, "SELECT * FROM account ORDER BY id") == ACCOUNT_ROWS
    setup(engine, "UPDATE account SET note = 'n' WHERE note IS NULL")
    run_batch(engine, "account",
              AlterColumnOp("account", "note", nullable=False, server_default="none"),
              AlterColumnOp("account", "score", server_default=None),
              AlterColumnOp("account", "age", server_default=sa.text("18")),
              AddColumnOp("account", sa.Column("active", sa.Boolean(), nullable=False,
                                               server_default=sa.text("1"))))
    assert columns(engine, "account") == [
        ("id", "INTEGER", True, None), ("email", "VARCHAR(50)", False, None),
        ("age", "INTEGER", True, "18"), ("score", "NUMERIC(8, 2)", True, None),
        ("note", "TEXT", False, "'none'"), ("active", "BOOLEAN", False, "1")]
    assert rows(engine, "SELECT * FROM account ORDER BY id") == [
        (1, "a@x", 30, 1.5, "first", 1), (2, "b@x", 41, 2.25, "n", 1), (5, "c@x", None, 0, "x'y", 1)]
    setup(engine, "INSERT INTO account (id, email, note) VALUES (9, 'd@x', 'z')")
    assert rows(engine, "SELECT age, score, active FROM account WHERE id = 9") == [(18, None, 1)]


def test_rename_column_in_a_copy_carries_indexes_checks_and_keys(engine):
    setup(engine, *ACCOUNT)
    run_batch(engine, "account",
              AlterColumnOp("account", "age", new_column_name="years"),
              AlterColumnOp("account", "email", new_column_name="mail", type_=sa.String(80)))
    assert [c[0] for c in columns(engine, "account")] == ["id", "mail", "years", "score", "note"]
    assert inspect(engine, "account", "unique_constraints") == [{"name": "uq_account_email",
                                                                 "column_names": ["mail"]}]
    assert inspect(engine, "account", "check_constraints") == [{"name": None, "sqltext": "years >= 0"}]
    assert [(i["name"], i["column_names"]) for i in inspect(engine, "account", "indexes")] == [
        ("ix_account_age", ["years"])]
    assert rows(engine, "SELECT * FROM account ORDER BY id") == ACCOUNT_ROWS


def test_auto_uses_native_alter_when_sqlite_can_do_the_whole_batch(engine):
    setup(engine, *ACCOUNT, "CREATE VIEW v_account AS SELECT id, email FROM account")
    run_batch(engine, "account",
              AddColumnOp("account", sa.Column("city", sa.String(20), server_default="here")),
              AlterColumnOp("account", "email", new_column_name="mail"),
              DropColumnOp("account", "note"),
              CreateIndexOp("ix_account_city", "account", ("city",)))
    table_sql = rows(engine, "SELECT sql FROM sqlite_master WHERE name = 'account'")[0][0]
    # Native ALTERs edit the original CREATE TABLE text rather than writing a new one.
    assert table_sql.startswith("CREATE TABLE account (id INTEGER PRIMARY KEY, mail VARCHAR(50) NOT NULL")
    assert "city VARCHAR(20) DEFAULT 'here'" in table_sql
    assert rows(engine, "SELECT * FROM account ORDER BY id") == [
        (1, "a@x", 30, 1.5, "here"), (2, "b@x", 41, 2.25, "here"), (5, "c@x", None, 0, "here")]
    assert rows(engine, "SELECT * FROM v_account ORDER BY id") == [(1, "a@x"), (2, "b@x"), (5, "c@x")]
    assert offline(AddColumnOp("t", sa.Column("c", sa.Integer)), DropColumnOp("t", "d"),
                   AlterColumnOp("t", "a", new_column_name="b")) == (
        "ALTER TABLE t ADD COLUMN c INTEGER;\n\n"
        "ALTER TABLE t DROP COLUMN d;\n\n"
        "ALTER TABLE t RENAME COLUMN a TO b;\n\n")


def test_never_refuses_a_batch_that_needs_a_copy(engine):
    setup(engine, *ACCOUNT)
    before = master(engine)
    with pytest.raises(NotSupportedError) as info:
        run_batch(engine, "account", AlterColumnOp("account", "age", type_=sa.String(5)),
                  recreate="never")
    assert str(info.value).startswith(
        "batch_alter_table('account', recreate='never'): SQLite cannot do alter_column account.age")
    assert "recreate='auto'" in str(info.value)
    assert master(engine) == before
    run_batch(engine, "account", AddColumnOp("account", sa.Column("x", sa.Integer)), recreate="never")
    assert [c[0] for c in columns(engine, "account")][-1] == "x"


def test_drop_column_used_by_an_index_goes_through_a_copy_and_drops_the_index(engine):
    setup(engine, *ACCOUNT)
    run_batch(engine, "account", DropColumnOp("account", "age"))
    assert [c[0] for c in columns(engine, "account")] == ["id", "email", "score", "note"]
    assert inspect(engine, "account", "indexes") == []
    assert inspect(engine, "account", "check_constraints") == []
    assert rows(engine, "SELECT id, email, score, note FROM account ORDER BY id") == [
        (r[0], r[1], r[3], r[4]) for r in ACCOUNT_ROWS]


def test_reordering_columns(engine):
    setup(engine, *ACCOUNT)
    run_batch(engine, "account", partial_reordering=(("note", "email"), ("score", "id")),
              recreate="always")
    assert [c[0] for c in columns(engine, "account")] == ["age", "score", "id", "note", "email"]
    assert rows(engine, "SELECT id, email, age, score, note FROM account ORDER BY id") == ACCOUNT_ROWS
    run_batch(engine, "account", AddColumnOp("account", sa.Column("first", sa.Integer),
                                             kw={"insert_before": "age"}),
              AlterColumnOp("account", "id", kw={"insert_after": "first"}, type_=sa.Integer()))
    assert [c[0] for c in columns(engine, "account")] == ["first", "id", "age", "score", "note", "email"]


# -- constraints ----------------------------------------------------------------------------


def test_create_and_drop_unique_check_and_primary_key(engine):
    setup(engine, *ACCOUNT)
    run_batch(engine, "account",
              DropConstraintOp("uq_account_email", "account", type_="unique"),
              CreateUniqueConstraintOp("uq_account_note", "account", ("note",)),
              CreateCheckConstraintOp("ck_account_score", "account", "score < 100"),
              CreateCheckConstraintOp("ck_account_email", "account", sa.column("email") != ""))
    assert inspect(engine, "account", "unique_constraints") == [{"name": "uq_account_note",
                                                                 "column_names": ["note"]}]
    assert sorted((c["name"] or "", c["sqltext"]) for c in inspect(engine, "account", "check_constraints")) == [
        ("", "age >= 0"), ("ck_account_email", "email != ''"), ("ck_account_score", "score < 100")]
    with pytest.raises(sa.exc.IntegrityError, match="CHECK constraint failed: ck_account_score"):
        setup(engine, "INSERT INTO account (id, email, score) VALUES (7, 'q', 500)")
    run_batch(engine, "account", DropConstraintOp("ck_account_score", "account"),
              CreatePrimaryKeyOp("pk_account", "account", ("email", "id")))
    assert inspect(engine, "account", "pk_constraint") == {"constrained_columns": ["email", "id"],
                                                           "name": "pk_account"}
    assert rows(engine, "SELECT * FROM account ORDER BY id") == ACCOUNT_ROWS


def test_unnamed_constraints_dropped_by_naming_convention(engine):
    setup(engine,
          "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
          "CREATE TABLE t (id INTEGER PRIMARY KEY, code VARCHAR(5) UNIQUE, n INTEGER CHECK (n > 0), "
          "pid INTEGER REFERENCES parent (id) ON DELETE CASCADE)",
          "INSERT INTO parent VALUES (1)", "INSERT INTO t VALUES (1, 'a', 1, 1), (2, 'b', 2, NULL)")
    with pytest.raises(OperationError) as info:
        run_batch(engine, "t", DropConstraintOp("uq_t_code", "t"))
    assert "has no constraint named 'uq_t_code'" in str(info.value)
    assert "naming_convention" in str(info.value)
    run_batch(engine, "t", DropConstraintOp("uq_t_code", "t", type_="unique"),
              DropConstraintOp("fk_t_pid_parent", "t"), naming_convention=NC)
    assert inspect(engine, "t", "unique_constraints") == []
    assert inspect(engine, "t", "foreign_keys") == []
    # the unnamed CHECK stays unnamed
    assert inspect(engine, "t", "check_constraints") == [{"name": None, "sqltext": "n > 0"}]
    assert rows(engine, "SELECT * FROM t ORDER BY id") == [(1, "a", 1, 1), (2, "b", 2, None)]


def test_inline_unique_and_foreign_key_actions_survive_a_copy(engine):
    setup(engine,
          "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
          "CREATE TABLE t (id INTEGER PRIMARY KEY, code VARCHAR(5) UNIQUE, "
          "pid INTEGER REFERENCES parent (id) ON DELETE CASCADE ON UPDATE SET NULL)",
          "INSERT INTO parent VALUES (1), (2)", "INSERT INTO t VALUES (1, 'a', 1), (2, 'b', 2)")
    run_batch(engine, "t", AddColumnOp("t", sa.Column("x", sa.Integer, nullable=False, server_default="0")),
              recreate="always")
    assert inspect(engine, "t", "unique_constraints") == [{"name": None, "column_names": ["code"]}]
    fk_rows = rows(engine, "PRAGMA foreign_key_list(t)")
    assert [(r[2], r[3], r[4], r[5], r[6]) for r in fk_rows] == [("parent", "pid", "id", "SET NULL", "CASCADE")]
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.exec_driver_sql("DELETE FROM parent WHERE id = 1")
        conn.commit()
        assert [tuple(r) for r in conn.exec_driver_sql("SELECT id, code, pid, x FROM t")] == [(2, "b", 2, 0)]


def test_create_foreign_key_and_name_new_constraints_by_convention(engine):
    setup(engine, "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
          "CREATE TABLE t (id INTEGER PRIMARY KEY, pid INTEGER)",
          "INSERT INTO parent VALUES (1)", "INSERT INTO t VALUES (1, 1), (2, NULL)")
    run_batch(engine, "t", CreateForeignKeyOp(None, "t", "parent", ("pid",), ("id",), ondelete="SET NULL"),
              CreateUniqueConstraintOp(None, "t", ("pid",)), naming_convention=NC)
    assert inspect(engine, "t", "foreign_keys") == [{
        "name": "fk_t_pid_parent", "constrained_columns": ["pid"], "referred_schema": None,
        "referred_table": "parent", "referred_columns": ["id"], "options": {"ondelete": "SET NULL"}}]
    assert inspect(engine, "t", "unique_constraints") == [{"name": "uq_t_pid", "column_names": ["pid"]}]
    assert rows(engine, "SELECT * FROM t ORDER BY id") == [(1, 1), (2, None)]


def test_failing_check_names_the_constraint_and_changes_nothing(engine):
    setup(engine, *ACCOUNT)
    before = master(engine)
    with pytest.raises(OperationError) as info:
        run_batch(engine, "account", AddColumnOp("account", sa.Column("x", sa.Integer)),
                  CreateCheckConstraintOp("ck_account_adult", "account", "age >= 35"))
    assert str(info.value) == (
        "batch_alter_table('account') failed: CHECK constraint failed: ck_account_adult "
        "(table 'account'); the table and its rows are unchanged")
    assert master(engine) == before
    assert rows(engine, "SELECT * FROM account ORDER BY id") == ACCOUNT_ROWS
    no_leftovers(engine)


def test_drop_of_a_missing_column_or_index_is_a_clear_error(engine):
    setup(engine, *ACCOUNT)
    with pytest.raises(OperationError, match="table 'account' has no column 'nope'"):
        run_batch(engine, "account", DropColumnOp("account", "nope"), AlterColumnOp("account", "age",
                                                                                    type_=sa.Text()))
    with pytest.raises(OperationError, match="table 'account' has no index 'ix_nope'"):
        run_batch(engine, "account", DropIndexOp("ix_nope", "account"), recreate="always")
    with pytest.raises(OperationError, match="table 'missing' does not exist"):
        run_batch(engine, "missing", AlterColumnOp("missing", "a", type_=sa.Text()))


# -- indexes -------------------------------------------------------------------------------


def test_indexes_partial_expression_and_created_in_the_batch(engine):
    setup(engine, *ACCOUNT,
          "CREATE INDEX ix_account_lower ON account (lower(email), score DESC)",
          "CREATE UNIQUE INDEX ix_account_note ON account (note) WHERE note IS NOT NULL")
    run_batch(engine, "account",
              AlterColumnOp("account", "score", type_=sa.Float()),
              DropIndexOp("ix_account_age", "account"),
              CreateIndexOp("ix_account_age_score", "account", ("age", "score"), unique=True))
    index_sql = {r[1]: r[2] for r in master(engine) if r[0] == "index"}
    assert index_sql == {
        "ix_account_lower": "CREATE INDEX ix_account_lower ON account (lower(email), score DESC)",
        "ix_account_note": "CREATE UNIQUE INDEX ix_account_note ON account (note) WHERE note IS NOT NULL",
        "ix_account_age_score": "CREATE UNIQUE INDEX ix_account_age_score ON account (age, score)",
    }
    assert rows(engine, "SELECT * FROM account ORDER BY id") == ACCOUNT_ROWS


# -- table options, AUTOINCREMENT, WITHOUT ROWID ----------------------------------------------


def test_autoincrement_keeps_its_counter(engine):
    setup(engine, "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
          "INSERT INTO t (v) VALUES ('a'), ('b'), ('c')", "DELETE FROM t WHERE id = 3")
    run_batch(engine, "t", AlterColumnOp("t", "v", type_=sa.String(10), nullable=False))
    assert "AUTOINCREMENT" in rows(engine, "SELECT sql FROM sqlite_master WHERE name = 't'")[0][0]
    assert rows(engine, "SELECT name, seq FROM sqlite_sequence") == [("t", 3)]
    setup(engine, "INSERT INTO t (v) VALUES ('d')")
    assert rows(engine, "SELECT * FROM t ORDER BY id") == [(1, "a"), (2, "b"), (4, "d")]


def test_without_rowid_and_table_kwargs_and_table_args(engine):
    setup(engine, "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID",
          "INSERT INTO kv VALUES ('a', 1), ('b', 2)")
    run_batch(engine, "kv", AddColumnOp("kv", sa.Column("w", sa.Integer)),
              AlterColumnOp("kv", "v", nullable=False),
              table_args=(sa.CheckConstraint("v < 10", name="ck_kv_small"),))
    sql = rows(engine, "SELECT sql FROM sqlite_master WHERE name = 'kv'")[0][0]
    assert sql.rstrip().endswith("WITHOUT ROWID")
    assert "CONSTRAINT ck_kv_small CHECK (v < 10)" in sql
    assert rows(engine, "SELECT * FROM kv ORDER BY k") == [("a", 1, None), ("b", 2, None)]
    setup(engine, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)", "INSERT INTO t VALUES (4, 'x')")
    run_batch(engine, "t", recreate="always", table_kwargs={"sqlite_autoincrement": True})
    assert "AUTOINCREMENT" in rows(engine, "SELECT sql FROM sqlite_master WHERE name = 't'")[0][0]
    setup(engine, "INSERT INTO t (v) VALUES ('y')")
    assert rows(engine, "SELECT * FROM t ORDER BY id") == [(4, "x"), (5, "y")]


# -- views, triggers, foreign keys ----------------------------------------------------------


def test_views_and_triggers_are_recreated(engine):
    setup(engine, *ACCOUNT,
          "CREATE TABLE log (msg TEXT)",
          "CREATE VIEW v_adults AS SELECT id, email FROM account WHERE age >= 18",
          "CREATE TRIGGER tr_account AFTER INSERT ON account BEGIN INSERT INTO log VALUES (new.email); END",
          "CREATE TRIGGER tr_log AFTER INSERT ON log BEGIN UPDATE account SET note = 'logged' "
          "WHERE email = new.msg; END")
    definitions = [r for r in master(engine) if r[0] in ("view", "trigger")]
    run_batch(engine, "account", AlterColumnOp("account", "score", type_=sa.Float()),
              AddColumnOp("account", sa.Column("z", sa.Integer)))
    assert [r for r in master(engine) if r[0] in ("view", "trigger")] == definitions
    setup(engine, "INSERT INTO account (id, email, age) VALUES (8, 'd@x', 20)")
    assert rows(engine, "SELECT * FROM log") == [("d@x",)]
    assert rows(engine, "SELECT note FROM account WHERE id = 8") == [("logged",)]
    assert rows(engine, "SELECT * FROM v_adults ORDER BY id") == [(1, "a@x"), (2, "b@x"), (8, "d@x")]


def test_view_that_uses_a_dropped_column_is_a_clear_error_and_nothing_changes(engine):
    setup(engine, *ACCOUNT, "CREATE VIEW v_notes AS SELECT id, note FROM account")
    before = master(engine)
    with pytest.raises(OperationError) as info:
        run_batch(engine, "account", DropColumnOp("account", "note"), recreate="always")
    assert "the view 'v_notes' on table 'account' cannot be recreated" in str(info.value)
    assert "no such column: note" in str(info.value)
    assert master(engine) == before
    assert rows(engine, "SELECT * FROM v_notes ORDER BY id") == [(1, "first"), (2, None), (5, "x'y")]


PARENT_CHILD = (
    "CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT, up INTEGER REFERENCES parent (id))",
    "CREATE TABLE child (id INTEGER PRIMARY KEY, "
    "pid INTEGER REFERENCES parent (id) ON DELETE CASCADE)",
    "INSERT INTO parent VALUES (1, 'a', NULL), (2, 'b', 1)",
    "INSERT INTO child VALUES (10, 1), (11, 2)",
)


def test_foreign_keys_off_copy_keeps_references_both_ways(engine):
    setup(engine, *PARENT_CHILD)
    run_batch(engine, "parent", AlterColumnOp("parent", "name", type_=sa.String(20), nullable=False))
    assert rows(engine, "SELECT * FROM child ORDER BY id") == [(10, 1), (11, 2)]
    assert rows(engine, "SELECT * FROM parent ORDER BY id") == [(1, "a", None), (2, "b", 1)]
    assert rows(engine, "PRAGMA foreign_key_check") == []
    assert [(r[2], r[3]) for r in rows(engine, "PRAGMA foreign_key_list(parent)")] == [("parent", "up")]


def test_foreign_keys_on_in_a_transaction_refuses_instead_of_cascading(engine):
    setup(engine, *PARENT_CHILD)
    before = master(engine)
    with pytest.raises(NotSupportedError) as info:
        run_batch(engine, "parent", AlterColumnOp("parent", "name", type_=sa.String(20)),
                  pragmas=("PRAGMA foreign_keys=ON",))
    assert "rows of child.pid refer to it while PRAGMA foreign_keys=ON" in str(info.value)
    assert "PRAGMA foreign_keys=OFF" in str(info.value)
    assert master(engine) == before
    assert rows(engine, "SELECT * FROM child ORDER BY id") == [(10, 1), (11, 2)]


def test_foreign_keys_on_without_referencing_rows_copies_with_checks(engine):
    setup(engine, *PARENT_CHILD, "DELETE FROM child")
    run_batch(engine, "parent", AlterColumnOp("parent", "name", type_=sa.String(20)),
              pragmas=("PRAGMA foreign_keys=ON",))
    assert rows(engine, "SELECT * FROM parent ORDER BY id") == [(1, "a", None), (2, "b", 1)]
    assert [(r[2], r[3]) for r in rows(engine, "PRAGMA foreign_key_list(parent)")] == [("parent", "up")]
    assert rows(engine, "PRAGMA foreign_key_check") == []
    # a new foreign key that rows violate: named, and nothing changes
    setup(engine, "CREATE TABLE other (id INTEGER PRIMARY KEY)", "INSERT INTO other VALUES (1)")
    with pytest.raises(OperationError) as info:
        run_batch(engine, "parent", CreateForeignKeyOp("fk_parent_other", "parent", "other", ("id",), ("id",)),
                  pragmas=("PRAGMA foreign_keys=ON",))
    assert "1 row(s) of table 'parent' violate a FOREIGN KEY constraint referencing other" in str(info.value)
    assert inspect(engine, "parent", "foreign_keys")[0]["referred_table"] == "parent"
    assert len(inspect(engine, "parent", "foreign_keys")) == 1


# -- offline ----------------------------------------------------------------------------------


def test_offline_move_and_copy_with_copy_from_is_exact():
    copy_from = sa.Table("t", sa.MetaData(),
                         sa.Column("id", sa.Integer, primary_key=True),
                         sa.Column("name", sa.String(20), nullable=False),
                         sa.Column("n", sa.Integer, server_default="0"),
                         sa.Column("old", sa.Text),
                         sa.UniqueConstraint("name", name="uq_t_name"),
                         sa.Index("ix_t_n", "n"))
    assert offline(AlterColumnOp("t", "n", type_=sa.BigInteger(), nullable=False),
                   DropColumnOp("t", "old"), copy_from=copy_from) == (
        "CREATE TABLE _mig_tmp_t (\n"
        "    id INTEGER NOT NULL,\n"
        "    name VARCHAR(20) NOT NULL,\n"
        "    n BIGINT DEFAULT '0' NOT NULL,\n"
        "    PRIMARY KEY (id),\n"
        "    CONSTRAINT uq_t_name UNIQUE (name)\n"
        ");\n\n"
        "INSERT INTO _mig_tmp_t (id, name, n) SELECT id, name, n\n"
        "FROM t;\n\n"
        "DROP TABLE t;\n\n"
        "PRAGMA legacy_alter_table=ON;\n\n"
        "ALTER TABLE _mig_tmp_t RENAME TO t;\n\n"
        "PRAGMA legacy_alter_table=OFF;\n\n"
        "CREATE INDEX ix_t_n ON t (n);\n\n")


def test_offline_copy_without_copy_from_says_what_to_pass():
    with pytest.raises(OfflineError) as info:
        offline(AlterColumnOp("t", "n", type_=sa.BigInteger()))
    assert "pass copy_from=sa.Table(...)" in str(info.value)
    assert "alter_column t.n" in str(info.value)


# -- progress ----------------------------------------------------------------------------------


class ProgressRecorder:
    def __init__(self) -> None:
        self.events: list[tuple[int, int | None, str]] = []

    @hookimpl
    def mig_step_progress(self, step, done, total, what):
        self.events.append((done, total, what))


def test_big_tables_copy_in_chunks_and_report_progress(engine):
    setup(engine, "CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT)",
          "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500) "
          "INSERT INTO big SELECT i * 3, 'v' || i FROM n")
    recorder = ProgressRecorder()
    plugins.register(recorder, name="test-batch-progress")
    try:
        run_batch(engine, "big", AlterColumnOp("big", "v", type_=sa.String(10), nullable=False),
                  context_opts={"batch_progress_rows": 1000})
    finally:
        plugins.unregister(recorder)
    assert recorder.events[0] == (0, 2500, "rows of big")
    assert recorder.events[-1] == (2500, 2500, "rows of big")
    assert len(recorder.events) == 4
    assert [e[0] for e in recorder.events] == sorted(e[0] for e in recorder.events)
    assert rows(engine, "SELECT count(*), min(id), max(id), sum(length(v)) FROM big") == [
        (2500, 3, 7500, sum(len(f"v{i}") for i in range(1, 2501)))]


def test_rename_in_a_copy_follows_views_triggers_and_keys_of_other_tables(engine):
    setup(engine,
          "CREATE TABLE parent (id INTEGER PRIMARY KEY, code TEXT UNIQUE, n INTEGER)",
          "CREATE TABLE child (id INTEGER PRIMARY KEY, pcode TEXT REFERENCES parent (code))",
          "CREATE TABLE log (msg TEXT)",
          "CREATE VIEW v_codes AS SELECT code FROM parent",
          "CREATE TRIGGER tr_parent AFTER INSERT ON parent BEGIN INSERT INTO log VALUES (new.code); END",
          "INSERT INTO parent VALUES (1, 'a', 5), (2, 'b', 6)", "INSERT INTO child VALUES (10, 'a')")
    run_batch(engine, "parent", AlterColumnOp("parent", "code", new_column_name="ref"),
              AlterColumnOp("parent", "n", type_=sa.BigInteger(), nullable=False))
    sql = {r[1]: r[2] for r in master(engine)}
    assert 'REFERENCES parent ("ref")' in sql["child"] or "REFERENCES parent (ref)" in sql["child"]
    assert sql["v_codes"] == "CREATE VIEW v_codes AS SELECT ref FROM parent"
    assert "new.\"ref\"" in sql["tr_parent"] or "new.ref" in sql["tr_parent"]
    assert columns(engine, "parent") == [("id", "INTEGER", True, None), ("ref", "TEXT", True, None),
                                         ("n", "BIGINT", False, None)]
    assert inspect(engine, "parent", "unique_constraints") == [{"name": None, "column_names": ["ref"]}]
    setup(engine, "INSERT INTO parent VALUES (3, 'c', 7)")
    assert rows(engine, "SELECT * FROM log") == [("a",), ("b",), ("c",)]  # a, b: inserted at setup
    assert rows(engine, "SELECT * FROM v_codes ORDER BY 1") == [("a",), ("b",), ("c",)]
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        conn.exec_driver_sql("INSERT INTO child VALUES (11, 'b')")
        with pytest.raises(sa.exc.IntegrityError):
            conn.exec_driver_sql("INSERT INTO child VALUES (12, 'zz')")
        conn.rollback()


def test_generated_columns_and_collations_survive_a_copy(engine):
    setup(engine, "CREATE TABLE t (id INTEGER PRIMARY KEY, name VARCHAR(20) COLLATE NOCASE, "
                  "twice INTEGER GENERATED ALWAYS AS (id * 2) VIRTUAL, note TEXT)",
          "INSERT INTO t (id, name, note) VALUES (1, 'Ann', 'x'), (2, 'bob', 'y')")
    run_batch(engine, "t", DropColumnOp("t", "note"), recreate="always")
    sql = rows(engine, "SELECT sql FROM sqlite_master WHERE name = 't'")[0][0]
    assert 'COLLATE "NOCASE"' in sql or "COLLATE NOCASE" in sql
    assert "GENERATED ALWAYS AS (id * 2) VIRTUAL" in sql
    assert rows(engine, "SELECT id, name, twice FROM t WHERE name = 'ANN'") == [(1, "Ann", 2)]
    assert rows(engine, "SELECT * FROM t ORDER BY id") == [(1, "Ann", 2), (2, "bob", 4)]


def test_unique_violation_names_the_column_and_changes_nothing(engine):
    setup(engine, *ACCOUNT, "UPDATE account SET note = 'same'")
    before = master(engine)
    with pytest.raises(OperationError) as info:
        run_batch(engine, "account", CreateUniqueConstraintOp("uq_account_note", "account", ("note",)))
    assert str(info.value) == (
        "batch_alter_table('account') failed: UNIQUE constraint failed: account.note "
        "(table 'account'); the table and its rows are unchanged")
    assert master(engine) == before
    assert rows(engine, "SELECT count(*) FROM account WHERE note = 'same'") == [(3,)]


def test_reflect_args_override_reflected_columns(engine):
    setup(engine, "CREATE TABLE t (id INTEGER PRIMARY KEY, flag INTEGER, n INTEGER)",
          "INSERT INTO t VALUES (1, 1, 5), (2, 0, 6)")
    run_batch(engine, "t", AlterColumnOp("t", "n", nullable=False),
              reflect_args=(sa.Column("flag", sa.Boolean(create_constraint=True, name="ck_t_flag")),))
    assert columns(engine, "t") == [("id", "INTEGER", True, None), ("flag", "BOOLEAN", True, None),
                                    ("n", "INTEGER", False, None)]
    assert inspect(engine, "t", "check_constraints") == [{"name": "ck_t_flag", "sqltext": "flag IN (0, 1)"}]
    assert rows(engine, "SELECT * FROM t ORDER BY id") == [(1, 1, 5), (2, 0, 6)]


def test_drop_unnamed_primary_key_by_convention_and_comments_need_nothing(engine):
    setup(engine, "CREATE TABLE t (a INTEGER NOT NULL, b TEXT, PRIMARY KEY (a))",
          "INSERT INTO t VALUES (1, 'x'), (2, 'y')")
    run_batch(engine, "t", AlterColumnOp("t", "b", comment="a comment"), recreate="never")
    assert rows(engine, "SELECT sql FROM sqlite_master WHERE name = 't'") == [
        ("CREATE TABLE t (a INTEGER NOT NULL, b TEXT, PRIMARY KEY (a))",)]
    run_batch(engine, "t", DropConstraintOp("pk_t", "t", type_="primary"), naming_convention=NC)
    assert inspect(engine, "t", "pk_constraint")["constrained_columns"] == []
    run_batch(engine, "t", CreatePrimaryKeyOp(None, "t", ("a", "b")), naming_convention=NC)
    assert inspect(engine, "t", "pk_constraint") == {"constrained_columns": ["a", "b"], "name": "pk_t"}
    # the columns keep their declared nullability (as Alembic): b stays nullable
    assert columns(engine, "t") == [("a", "INTEGER", False, None), ("b", "TEXT", True, None)]
    assert rows(engine, "SELECT * FROM t ORDER BY a") == [(1, "x"), (2, "y")]


def test_batch_on_a_table_in_an_attached_database(tmp_path):
    main = tmp_path / "main.db"
    other = tmp_path / "other.db"
    engine = sa.create_engine(f"sqlite:///{main}", poolclass=sa.pool.NullPool)

    @sa.event.listens_for(engine, "connect")
    def attach(dbapi_conn, record):
        dbapi_conn.execute(f"ATTACH DATABASE '{other}' AS aux")

    setup(engine, "CREATE TABLE aux.t (id INTEGER PRIMARY KEY, v TEXT, w INTEGER)",
          "CREATE INDEX aux.ix_t_w ON t (w)",
          "CREATE TABLE aux.log (msg TEXT)",
          "CREATE TRIGGER aux.tr_t AFTER INSERT ON t BEGIN INSERT INTO log VALUES (new.v); END",
          "INSERT INTO aux.t VALUES (1, 'a', 10), (2, 'b', 20)")
    run_batch(engine, "t", AlterColumnOp("t", "v", type_=sa.String(5), nullable=False), schema="aux")
    with engine.connect() as conn:
        insp = sa.inspect(conn)
        assert [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns("t", schema="aux")] == [
            ("id", "INTEGER", True), ("v", "VARCHAR(5)", False), ("w", "INTEGER", True)]
        assert [i["name"] for i in insp.get_indexes("t", schema="aux")] == ["ix_t_w"]
        assert insp.get_table_names() == []
    setup(engine, "INSERT INTO aux.t VALUES (3, 'c', 30)")
    assert rows(engine, "SELECT * FROM aux.t ORDER BY id") == [(1, "a", 10), (2, "b", 20), (3, "c", 30)]
    assert rows(engine, "SELECT * FROM aux.log") == [("a",), ("b",), ("c",)]  # a, b: at setup


def test_foreign_keys_on_outside_a_transaction_are_switched_off_for_the_copy(engine):
    setup(engine, *PARENT_CHILD)
    impl_class = plugins.dialect("sqlite").load()
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=ON")
        impl = impl_class(engine.dialect, conn)  # no BEGIN: SQLite is not in a transaction
        impl.run(BatchAlterTableOp("parent", operations=(
            AlterColumnOp("parent", "name", type_=sa.String(20), nullable=False),)))
        conn.commit()
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM child ORDER BY id")] == [(10, 1), (11, 2)]
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        # the keys still act: deleting a parent cascades to its child rows
        conn.exec_driver_sql("DELETE FROM parent WHERE id = 2")
        conn.commit()
        assert [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM child")] == [(10, 1)]
    assert columns(engine, "parent")[1] == ("name", "VARCHAR(20)", False, None)
