"""Each kind of difference is detected exactly: the operations, their fields, nothing else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from mig.ops import (
    AddColumnOp,
    AlterColumnOp,
    CreateCheckConstraintOp,
    CreateForeignKeyOp,
    CreateIndexOp,
    CreateTableCommentOp,
    CreateTableOp,
    CreateUniqueConstraintOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    DropTableOp,
)

from .conftest import ops_of

Build = Callable[[sa.MetaData], None]


def _two(engine: sa.Engine, db: Build, model: Build, **options: Any) -> list[Any]:
    """Create the schema ``db`` builds, compare it with the one ``model`` builds."""
    db_md, model_md = sa.MetaData(), sa.MetaData()
    db(db_md)
    model(model_md)
    db_md.create_all(engine)
    return ops_of(engine, model_md, **options)


def _base(md: sa.MetaData, *extra: Any, name: str = "item", **kw: Any) -> sa.Table:
    return sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True), *extra, **kw)


def test_table_added_and_removed_in_foreign_key_order(engine: sa.Engine) -> None:
    def db(md: sa.MetaData) -> None:
        _base(md, name="old_parent")
        _base(md, sa.Column("p", sa.ForeignKey("old_parent.id")), sa.Column("x", sa.Integer), name="old_child")

    def model(md: sa.MetaData) -> None:
        _base(md, sa.Column("p", sa.ForeignKey("a_parent.id")), sa.Column("y", sa.String(5)), name="a_child")
        _base(md, name="a_parent")

    ops = _two(engine, db, model)
    assert [op.describe() for op in ops] == [
        "drop_table old_child", "drop_table old_parent", "rename_hint table old_parent -> a_parent?",
        "create_table a_parent", "create_table a_child"]
    create = ops[4]
    assert isinstance(create, CreateTableOp)
    fks = [c for c in create.columns if isinstance(c, sa.ForeignKeyConstraint)]
    assert [e.target_fullname for fk in fks for e in fk.elements] == ["a_parent.id"]
    drop = ops[0]
    assert isinstance(drop, DropTableOp) and drop.existing_columns is not None
    assert [c.name for c in drop.existing_columns if isinstance(c, sa.Column)] == ["id", "p", "x"]


def test_columns_added_and_removed(engine: sa.Engine) -> None:
    ops = _two(engine, lambda md: _base(md, sa.Column("gone", sa.Integer)),
               lambda md: _base(md, sa.Column("new", sa.String(10), nullable=False, server_default="x")))
    assert [type(op) for op in ops] == [DropColumnOp, AddColumnOp]
    drop, add = ops
    assert drop.column_name == "gone" and drop.existing_column is not None
    assert add.column.name == "new" and add.column.nullable is False
    assert add.column.table is None  # a detached copy, not the model's column


def test_type_changes_and_equivalences(engine: sa.Engine) -> None:
    def db(md: sa.MetaData) -> None:
        _base(md, sa.Column("same_a", sa.VARCHAR(20)), sa.Column("same_b", sa.INTEGER),
              sa.Column("longer", sa.String(20)), sa.Column("num", sa.Numeric(10, 2)),
              sa.Column("to_text", sa.String(20)), sa.Column("to_big", sa.Integer))

    def model(md: sa.MetaData) -> None:
        _base(md, sa.Column("same_a", sa.String(20)), sa.Column("same_b", sa.Integer),
              sa.Column("longer", sa.String(40)), sa.Column("num", sa.Numeric(12, 2)),
              sa.Column("to_text", sa.Text), sa.Column("to_big", sa.BigInteger))

    ops = _two(engine, db, model)
    assert all(isinstance(op, AlterColumnOp) for op in ops)
    changed = {op.column_name: op.type_ for op in ops}
    assert sorted(changed) == ["longer", "num", "to_big", "to_text"]
    assert changed["longer"].length == 40
    assert (changed["num"].precision, changed["num"].scale) == (12, 2)
    assert isinstance(changed["to_text"], sa.Text) and isinstance(changed["to_big"], sa.BigInteger)
    assert ops[0].existing_type is not None


def test_compare_type_false_and_callable(engine: sa.Engine) -> None:
    seen: list[str] = []

    def only_a(context: Any, inspected: Any, metadata_column: Any, inspected_type: Any, metadata_type: Any) -> Any:
        seen.append(metadata_column.name)
        return False if metadata_column.name == "b" else None

    def db(md: sa.MetaData) -> None:
        _base(md, sa.Column("a", sa.String(10)), sa.Column("b", sa.String(10)))

    def model(md: sa.MetaData) -> None:
        _base(md, sa.Column("a", sa.String(20)), sa.Column("b", sa.String(20)))

    assert _two(engine, db, model, compare_type=False) == []
    ops = ops_of(engine, _built(model), compare_type=only_a)
    assert [op.column_name for op in ops] == ["a"]
    assert "b" in seen


def _built(build: Build) -> sa.MetaData:
    md = sa.MetaData()
    build(md)
    return md


def test_nullability(engine: sa.Engine) -> None:
    ops = _two(engine, lambda md: _base(md, sa.Column("a", sa.Integer), sa.Column("b", sa.Integer, nullable=False)),
               lambda md: _base(md, sa.Column("a", sa.Integer, nullable=False), sa.Column("b", sa.Integer)))
    assert [(op.column_name, op.nullable, op.existing_nullable) for op in ops] == [
        ("a", False, True), ("b", True, False)]


def test_server_defaults_compared_and_never_confused_with_python_defaults(engine: sa.Engine) -> None:
    def db(md: sa.MetaData) -> None:
        _base(md, sa.Column("added", sa.Integer), sa.Column("removed", sa.Integer, server_default=sa.text("3")),
              sa.Column("changed", sa.Integer, server_default=sa.text("1")), sa.Column("py", sa.Integer),
              sa.Column("same", sa.Integer, server_default=sa.text("7")))

    def model(md: sa.MetaData) -> None:
        _base(md, sa.Column("added", sa.Integer, server_default=sa.text("5")), sa.Column("removed", sa.Integer),
              sa.Column("changed", sa.Integer, server_default=sa.text("2")), sa.Column("py", sa.Integer, default=9),
              sa.Column("same", sa.Integer, server_default=sa.text("7")))

    ops = _two(engine, db, model)
    got = {op.column_name: op for op in ops}
    assert sorted(got) == ["added", "changed", "removed"]
    assert got["removed"].server_default is None and got["removed"].existing_server_default is not None
    assert str(got["added"].server_default.arg) == "5"
    assert ops_of(engine, _built(model), compare_server_default=False) == []
    calls: list[tuple[Any, ...]] = []

    def never(context: Any, inspected: Any, metadata: Any, inspected_default: Any, metadata_default: Any,
              rendered: Any) -> bool:
        calls.append((metadata.name, rendered))
        return False

    assert ops_of(engine, _built(model), compare_server_default=never) == []
    assert ("added", "5") in calls


def test_comments(engine: sa.Engine) -> None:
    if not engine.dialect.supports_comments:
        pytest.skip("SQLite keeps no comments")
    ops = _two(engine, lambda md: _base(md, sa.Column("a", sa.Integer, comment="old")),
               lambda md: _base(md, sa.Column("a", sa.Integer, comment="new"), comment="the items"))
    assert [type(op) for op in ops] == [CreateTableCommentOp, AlterColumnOp]
    assert (ops[1].comment, ops[1].existing_comment) == ("new", "old")
    assert ops[0].comment == "the items" and ops[0].existing_comment is None


def test_primary_key_columns(engine: sa.Engine) -> None:
    def db(md: sa.MetaData) -> None:
        sa.Table("pk", md, sa.Column("a", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("b", sa.Integer, nullable=False))

    def model(md: sa.MetaData) -> None:
        sa.Table("pk", md, sa.Column("a", sa.Integer, primary_key=True, autoincrement=False),
                 sa.Column("b", sa.Integer, primary_key=True, autoincrement=False))

    ops = _two(engine, db, model)
    assert [op.describe().split(" ")[0] for op in ops] == ["drop_constraint", "create_primary_key"]
    assert ops[1].columns == ("a", "b")


def test_indexes(engine: sa.Engine) -> None:
    def db(md: sa.MetaData) -> None:
        t = _base(md, sa.Column("a", sa.Integer), sa.Column("b", sa.Integer), sa.Column("c", sa.String(20)))
        sa.Index("ix_gone", t.c.a)
        sa.Index("ix_changed", t.c.a)
        sa.Index("ix_same", t.c.b, t.c.a)

    def model(md: sa.MetaData) -> None:
        t = _base(md, sa.Column("a", sa.Integer), sa.Column("b", sa.Integer), sa.Column("c", sa.String(20)))
        sa.Index("ix_changed", t.c.a, unique=True)
        sa.Index("ix_same", t.c.b, t.c.a)
        sa.Index("ix_new", t.c.c)

    ops = _two(engine, db, model)
    assert [op.describe() for op in ops] == [
        "drop_index ix_changed", "drop_index ix_gone",
        "create_index ix_changed on item", "create_index ix_new on item"]
    assert isinstance(ops[2], CreateIndexOp) and ops[2].unique and ops[2].columns == ("a",)
    assert isinstance(ops[1], DropIndexOp) and ops[1].existing_columns == ("a",)


def test_unique_constraints(engine: sa.Engine) -> None:
    def db(md: sa.MetaData) -> None:
        _base(md, sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
              sa.UniqueConstraint("a", name="uq_gone"), sa.UniqueConstraint("b", name="uq_same"))

    def model(md: sa.MetaData) -> None:
        _base(md, sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
              sa.UniqueConstraint("b", name="uq_same"), sa.UniqueConstraint("a", "b", name="uq_new"))

    ops = _two(engine, db, model)
    kinds = [(type(op), getattr(op, "constraint_name", getattr(op, "index_name", None))) for op in ops]
    if engine.dialect.name in ("mysql", "mariadb"):
        # MySQL keeps a unique constraint as a unique index: dropping it is dropping the index
        assert kinds == [(DropIndexOp, "uq_gone"), (CreateUniqueConstraintOp, "uq_new")]
    else:
        assert kinds == [(DropConstraintOp, "uq_gone"), (CreateUniqueConstraintOp, "uq_new")]
    assert ops[1].columns == ("a", "b")


def test_foreign_keys_with_options(engine: sa.Engine) -> None:
    def db(md: sa.MetaData) -> None:
        _base(md, name="parent")
        _base(md, sa.Column("p", sa.Integer, sa.ForeignKey("parent.id", name="fk_p")),
              sa.Column("q", sa.Integer), name="child")

    def model(md: sa.MetaData) -> None:
        _base(md, name="parent")
        _base(md, sa.Column("p", sa.Integer, sa.ForeignKey("parent.id", name="fk_p", ondelete="CASCADE")),
              sa.Column("q", sa.Integer, sa.ForeignKey("parent.id", name="fk_q")), name="child")

    ops = _two(engine, db, model)
    if engine.dialect.name in ("mysql", "mariadb"):
        # MySQL indexes a new key's columns itself and keeps the index when the key goes: the draft makes
        # it (named like the key), so that the downgrade drops it; fk_p's column has its index already
        index = ops.pop(1)
        assert isinstance(index, CreateIndexOp)
        assert (index.index_name, index.table_name, index.columns) == ("fk_q", "child", ("q",))
    assert [type(op) for op in ops] == [DropConstraintOp, CreateForeignKeyOp, CreateForeignKeyOp]
    assert ops[0].constraint_name == "fk_p" and ops[0].type_ == "foreignkey"
    created = {op.constraint_name: op for op in ops[1:]}
    assert created["fk_p"].ondelete == "CASCADE" and created["fk_q"].local_cols == ("q",)
    assert created["fk_q"].referent_table == "parent" and created["fk_q"].remote_cols == ("id",)


def test_named_check_constraints(engine: sa.Engine) -> None:
    def db(md: sa.MetaData) -> None:
        _base(md, sa.Column("a", sa.Integer), sa.CheckConstraint("a > 0", name="ck_gone"))

    def model(md: sa.MetaData) -> None:
        _base(md, sa.Column("a", sa.Integer), sa.CheckConstraint("a < 100", name="ck_new"))

    ops = _two(engine, db, model)
    assert [(type(op), op.constraint_name) for op in ops] == [
        (DropConstraintOp, "ck_gone"), (CreateCheckConstraintOp, "ck_new")]
    assert ops[1].condition == "a < 100"


def test_computed_column_changed_is_dropped_and_added(engine: sa.Engine) -> None:
    def db(md: sa.MetaData) -> None:
        _base(md, sa.Column("a", sa.Integer), sa.Column("twice", sa.Integer, sa.Computed("a * 2", persisted=True)))

    def model(md: sa.MetaData) -> None:
        _base(md, sa.Column("a", sa.Integer), sa.Column("twice", sa.Integer, sa.Computed("a * 3", persisted=True)))

    ops = _two(engine, db, model)
    assert [op.describe() for op in ops] == ["drop_column item.twice", "add_column item.twice"]
    same = _built(db)
    assert ops_of(engine, same) == []


class _Lower(sa.types.TypeDecorator[str]):
    impl = sa.String(30)
    cache_ok = True


def test_type_decorators_and_variants_compare_by_what_the_database_gets(engine: sa.Engine) -> None:
    def model(md: sa.MetaData) -> None:
        _base(md, sa.Column("dec", _Lower()),
              sa.Column("var", sa.String(10).with_variant(sa.String(12), "postgresql", "mysql", "mariadb")))

    md = _built(model)
    md.create_all(engine)
    assert ops_of(engine, md) == []
    wider = sa.MetaData()
    _base(wider, sa.Column("dec", sa.String(31)),
          sa.Column("var", sa.String(10).with_variant(sa.String(14), "postgresql", "mysql", "mariadb")))
    changed = sorted(op.column_name for op in ops_of(engine, wider))
    assert changed == (["dec"] if engine.dialect.name == "sqlite" else ["dec", "var"])


def test_tables_in_a_foreign_key_cycle_get_their_keys_afterwards(engine: sa.Engine) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite adds a foreign key to an existing table by copying it (batch mode)")
    from .helpers import apply

    model = sa.MetaData()
    _base(model, sa.Column("b_id", sa.Integer, sa.ForeignKey("b.id", name="fk_a_b")), name="a")
    _base(model, sa.Column("a_id", sa.Integer, sa.ForeignKey("a.id", name="fk_b_a")), name="b")
    ops = ops_of(engine, model)
    assert [op.describe().split(" ")[0] for op in ops] == [
        "create_table", "create_table", "create_foreign_key", "create_foreign_key"]
    apply(engine, ops)
    assert ops_of(engine, model) == []
    apply(engine, [op.reverse() for op in reversed(ops)])
    assert ops_of(engine, sa.MetaData()) == []
