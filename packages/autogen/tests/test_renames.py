"""Renames: proposed in a comment when a dropped and an added object look alike; carried out with ``renamed_from``."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig.ops import AddColumnOp, AlterColumnOp, DropColumnOp, RenameHintOp, RenameTableOp
from mig_autogen import produce_migrations

from .conftest import described, ops_of
from .helpers import apply, rows


def _person(md: sa.MetaData, name: str = "person", column: str = "fullname", **info: str) -> sa.Table:
    col = sa.Column(column, sa.String(50), nullable=False)
    if "column_from" in info:
        col.info["renamed_from"] = info["column_from"]
    table = sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True), col,
                     sa.Column("age", sa.Integer))
    if "table_from" in info:
        table.info["renamed_from"] = info["table_from"]
    return table


def test_look_alike_table_is_proposed_and_drop_and_add_stay(engine: sa.Engine) -> None:
    db = sa.MetaData()
    _person(db)
    db.create_all(engine)
    model = sa.MetaData()
    _person(model, name="people")
    ops = ops_of(engine, model)
    assert [op.describe() for op in ops] == [
        "drop_table person", "rename_hint table person -> people?", "create_table people"]
    hint = ops[1]
    assert isinstance(hint, RenameHintOp) and "op.rename_table('person', 'people')" in hint.comment()
    assert ops_of(engine, model, detect_renames=False)[1].describe() == "create_table people"


def test_look_alike_column_is_proposed(engine: sa.Engine) -> None:
    db = sa.MetaData()
    _person(db)
    db.create_all(engine)
    model = sa.MetaData()
    _person(model, column="full_name")
    ops = ops_of(engine, model)
    assert [type(op) for op in ops] == [RenameHintOp, DropColumnOp, AddColumnOp]
    assert (ops[0].kind, ops[0].old_name, ops[0].new_name, ops[0].table_name) == (
        "column", "fullname", "full_name", "person")


def test_different_columns_are_not_proposed(engine: sa.Engine) -> None:
    db = sa.MetaData()
    _person(db)
    db.create_all(engine)
    model = sa.MetaData()
    sa.Table("person", model, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("full_name", sa.String(80), nullable=False), sa.Column("age", sa.Integer))
    assert described(engine, model) == ["drop_column person.fullname", "add_column person.full_name"]


def test_renamed_from_renames_and_keeps_rows_both_ways(engine: sa.Engine) -> None:
    db = sa.MetaData()
    _person(db)
    db.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO person (id, fullname, age) VALUES (1, 'Ada', 36)"))
    model = sa.MetaData()
    _person(model, name="people", column="full_name", table_from="person", column_from="fullname")
    script = produce_migrations(engine.connect(), model)
    up = script.upgrade_ops
    assert [type(op) for op in up] == [RenameTableOp, AlterColumnOp]
    assert (up[0].old_table_name, up[0].new_table_name) == ("person", "people")
    assert (up[1].table_name, up[1].column_name, up[1].new_column_name) == ("people", "fullname", "full_name")
    assert [op.describe() for op in script.downgrade_ops] == [
        "alter_column people.full_name", "rename_table people -> person"]
    apply(engine, up)
    assert rows(engine, "SELECT id, full_name, age FROM people") == [(1, "Ada", 36)]
    assert ops_of(engine, model) == []
    apply(engine, script.downgrade_ops)
    assert rows(engine, "SELECT id, fullname, age FROM person") == [(1, "Ada", 36)]
    assert ops_of(engine, db) == []


def test_renamed_from_ignored_once_renamed(engine: sa.Engine) -> None:
    model = sa.MetaData()
    _person(model, name="people", column="full_name", table_from="person", column_from="fullname")
    model.create_all(engine)
    assert ops_of(engine, model) == []


def test_renamed_table_keeps_its_references_and_indexes(engine: sa.Engine) -> None:
    def build(md: sa.MetaData, renamed: bool) -> None:
        parent = sa.Table("team" if renamed else "squad", md, sa.Column("id", sa.Integer, primary_key=True),
                          sa.Column("code" if renamed else "tag", sa.String(10), index=False),
                          info={"renamed_from": "squad"} if renamed else {})
        if renamed:
            parent.c.code.info["renamed_from"] = "tag"
        sa.Index("ix_team_code", parent.c["code" if renamed else "tag"], unique=True)
        sa.Table("member", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("team_id", sa.ForeignKey(f"{parent.name}.id", name="fk_member_team")))

    old, new = sa.MetaData(), sa.MetaData()
    build(old, False)
    build(new, True)
    old.create_all(engine)
    ops = ops_of(engine, new)
    assert [op.describe() for op in ops] == ["rename_table squad -> team", "alter_column team.tag"]
    apply(engine, ops)
    assert ops_of(engine, new) == []


def test_renamed_table_whose_key_changes(engine: sa.Engine) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite changes a foreign key by copying the table (batch mode)")

    def build(md: sa.MetaData, renamed: bool) -> None:
        sa.Table("owner", md, sa.Column("id", sa.Integer, primary_key=True))
        sa.Table("pet" if renamed else "animal", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("owner_id", sa.ForeignKey("owner.id", name="fk_owner",
                                                     ondelete="CASCADE" if renamed else None)),
                 info={"renamed_from": "animal"} if renamed else {})

    old, new = sa.MetaData(), sa.MetaData()
    build(old, False)
    build(new, True)
    old.create_all(engine)
    with engine.connect() as conn:
        script = produce_migrations(conn, new)
    assert [op.describe() for op in script.upgrade_ops] == [
        "rename_table animal -> pet", "drop_constraint fk_owner on pet", "create_foreign_key fk_owner pet -> owner"]
    apply(engine, script.upgrade_ops)
    assert ops_of(engine, new) == []
    apply(engine, script.downgrade_ops)
    assert ops_of(engine, old) == []
