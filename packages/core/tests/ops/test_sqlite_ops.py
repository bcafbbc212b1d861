"""Each operation on a SQLite file, checked by reflection."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig.errors import NotSupportedError


def _account(db):
    return db.op.create_table(
        "account",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, index=True),
        sa.Column("status", sa.String(10), server_default="new"),
        sa.CheckConstraint("length(name) > 0", name="ck_name"),
    )


def test_create_table_returns_table_and_creates_indexes(db):
    table = _account(db)
    assert isinstance(table, sa.Table) and table.name == "account"
    insp = db.insp()
    assert insp.get_table_names() == ["account"]
    cols = insp.get_columns("account")
    assert [(c["name"], str(c["type"]), c["nullable"]) for c in cols] == [
        ("id", "INTEGER", False), ("name", "VARCHAR(50)", False), ("status", "VARCHAR(10)", True)]
    assert cols[2]["default"] == "'new'"
    assert [(i["name"], i["column_names"]) for i in insp.get_indexes("account")] == [("ix_account_name", ["name"])]
    assert [c["name"] for c in insp.get_check_constraints("account")] == ["ck_name"]


def test_create_table_if_not_exists_and_drop_if_exists(db):
    _account(db)
    db.op.create_table("account", sa.Column("other", sa.Integer), if_not_exists=True)
    assert [c["name"] for c in db.insp().get_columns("account")] == ["id", "name", "status"]
    db.op.drop_table("account")
    db.op.drop_table("account", if_exists=True)
    assert db.insp().get_table_names() == []


def test_rename_table(db):
    _account(db)
    db.op.rename_table("account", "customer")
    assert db.insp().get_table_names() == ["customer"]


def test_add_column_with_default_index_and_drop_column(db):
    _account(db)
    db.op.execute("INSERT INTO account (id, name) VALUES (1, 'a')")
    db.op.add_column("account", sa.Column("score", sa.Integer, nullable=False, server_default="0", index=True))
    insp = db.insp()
    assert [c["name"] for c in insp.get_columns("account")][-1] == "score"
    assert ("ix_account_score", ["score"]) in [(i["name"], i["column_names"]) for i in insp.get_indexes("account")]
    assert db.rows("SELECT id, score FROM account") == [(1, 0)]
    db.op.drop_index("ix_account_score", "account")
    db.op.drop_column("account", "score")
    assert [c["name"] for c in db.insp().get_columns("account")] == ["id", "name", "status"]
    assert db.rows("SELECT id, name FROM account") == [(1, "a")]


def test_add_column_if_not_exists_is_unsupported_by_sqlite_but_drop_column_if_exists_is_not_silent(db):
    _account(db)
    with pytest.raises(sa.exc.OperationalError):
        db.op.drop_column("account", "missing")


def test_alter_column_rename_is_native(db):
    _account(db)
    db.op.alter_column("account", "status", new_column_name="state")
    assert [c["name"] for c in db.insp().get_columns("account")] == ["id", "name", "state"]


@pytest.mark.parametrize("kwargs", [
    {"nullable": True}, {"type_": sa.Text()}, {"server_default": "x"}, {"server_default": None},
])
def test_alter_column_changes_sqlite_cannot_do_name_batch_alter_table(db, kwargs):
    _account(db)
    with pytest.raises(NotSupportedError, match=r"op\.batch_alter_table\('account'\)"):
        db.op.alter_column("account", "status", **kwargs)
    assert [c["name"] for c in db.insp().get_columns("account")] == ["id", "name", "status"]


@pytest.mark.parametrize("call", [
    lambda op: op.create_unique_constraint("uq", "account", ["name"]),
    lambda op: op.create_foreign_key("fk", "account", "other", ["id"], ["id"]),
    lambda op: op.create_check_constraint("ck", "account", "id > 0"),
    lambda op: op.create_primary_key("pk", "account", ["id"]),
    lambda op: op.drop_constraint("ck_name", "account", type_="check"),
])
def test_constraint_changes_name_batch_alter_table(db, call):
    _account(db)
    with pytest.raises(NotSupportedError, match=r"batch_alter_table\('account'\)"):
        call(db.op)


def test_create_and_drop_index_with_options(db):
    _account(db)
    db.op.create_index("ix_lower", "account", [sa.text("lower(name)")], unique=True)
    db.op.create_index("ix_lower", "account", ["name"], if_not_exists=True)
    db.op.create_index("ix_partial", "account", ["status"], sqlite_where=sa.text("status = 'new'"))
    # SQLAlchemy does not reflect expression indexes on SQLite: read sqlite_master.
    indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    assert db.rows(indexes) == [
        ("ix_account_name", "CREATE INDEX ix_account_name ON account (name)"),
        ("ix_lower", "CREATE UNIQUE INDEX ix_lower ON account (lower(name))"),
        ("ix_partial", "CREATE INDEX ix_partial ON account (status) WHERE status = 'new'"),
    ]
    db.op.drop_index("ix_lower", "account")
    db.op.drop_index("ix_lower", "account", if_exists=True)
    assert [r[0] for r in db.rows(indexes)] == ["ix_account_name", "ix_partial"]


def test_bulk_insert_and_execute_with_inline_literal(db):
    _account(db)
    t = sa.table("account", sa.column("id", sa.Integer), sa.column("name", sa.String))
    db.op.bulk_insert(t, [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}])
    db.op.bulk_insert(t, [{"id": 3, "name": "c"}], multiinsert=False)
    db.op.execute(t.update().where(t.c.id == db.op.inline_literal(2)).values(name=db.op.inline_literal("B")))
    assert db.rows("SELECT id, name, status FROM account ORDER BY id") == [
        (1, "a", "new"), (2, "B", "new"), (3, "c", "new")]


def test_table_comments_are_refused_on_sqlite(db):
    _account(db)
    with pytest.raises(NotSupportedError, match="SQLite has no table comments"):
        db.op.create_table_comment("account", "hello")


def test_get_bind_and_f(db):
    assert db.op.get_bind() is db.conn
    assert isinstance(db.op.f("ix_x"), sa.sql.elements.conv)
