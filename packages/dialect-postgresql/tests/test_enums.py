"""ENUM types on PostgreSQL: created with their tables, kept when they are dropped (as Alembic), and the enum operations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from mig import op
from mig.errors import MigrationFailedError


def test_enum_created_with_table_and_kept_when_it_is_dropped(runner, pg, name) -> None:
    """The usual Alembic downgrade: drop_table, then DROP TYPE; the type is still there for it."""
    t, mood = name("t"), name("mood")
    runner.add(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("m", sa.Enum("sad", "ok", name=mood))),
               lambda: (op.drop_table(t), op.execute(f"DROP TYPE {mood}")))
    runner.upgrade()
    assert pg.enum_labels(mood) == ["sad", "ok"]
    pg.execute(f"INSERT INTO {t} (id, m) VALUES (1, 'ok')")
    assert pg.fails(f"INSERT INTO {t} (id, m) VALUES (2, 'angry')")

    runner.downgrade("base")
    assert pg.enum_labels(mood) is None and not pg.inspect().has_table(t)
    runner.upgrade()  # and again: the type is created afresh
    assert pg.enum_labels(mood) == ["sad", "ok"]


def test_drop_table_and_drop_column_leave_the_enum_type(runner, pg, name) -> None:
    a, b, color = name("a"), name("b"), name("color")
    enum = sa.Enum("red", "green", name=color)

    def upgrade() -> None:
        op.create_table(a, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", enum))
        op.create_table(b, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c", enum))

    runner.run(upgrade)
    runner.run(lambda: op.drop_table(a))
    assert pg.enum_labels(color) == ["red", "green"]
    runner.run(lambda: op.drop_column(b, "c"))
    assert [c["name"] for c in pg.inspect().get_columns(b)] == ["id"]
    assert pg.enum_labels(color) == ["red", "green"]  # nothing uses it; still only the script drops it
    runner.run(lambda: op.drop_enum_type(color))
    assert pg.enum_labels(color) is None


def test_existing_enum_is_reused_by_a_later_create_table(runner, pg, name) -> None:
    a, b, kind = name("a"), name("b"), name("kind")
    runner.run(lambda: op.create_table(a, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("k", sa.Enum("x", "y", name=kind))))
    runner.run(lambda: op.drop_table(a))
    # the type outlived its table; a new table using it reuses it (SQLAlchemy's checkfirst)
    runner.run(lambda: op.create_table(b, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("k", sa.Enum("x", "y", name=kind))))
    assert pg.enum_labels(kind) == ["x", "y"]
    assert pg.columns(b)["k"]["type"].name == kind


def test_existing_enum_is_reused_and_create_type_false_respected(runner, pg, name) -> None:
    t, status = name("t"), name("status")

    def upgrade() -> None:
        op.create_enum_type(status, ["new", "done"])
        op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("s", postgresql.ENUM("new", "done", name=status, create_type=False)),
                        sa.Column("s2", sa.Enum("new", "done", name=status)))

    runner.run(upgrade)
    assert pg.enum_labels(status) == ["new", "done"]
    assert pg.columns(t)["s"]["type"].name == status


def test_enum_in_a_schema_and_add_column(runner, pg, name) -> None:
    schema, t, level = name("s"), name("t"), name("level")
    pg.execute(f"CREATE SCHEMA {schema}")
    try:
        runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True), schema=schema))
        runner.run(lambda: op.add_column(t, sa.Column("lvl", sa.Enum("lo", "hi", name=level, schema=schema)),
                                         schema=schema))
        assert pg.enum_labels(level, schema) == ["lo", "hi"]
        pg.execute(f"INSERT INTO {schema}.{t} (id, lvl) VALUES (1, 'hi')")
        runner.run(lambda: op.drop_table(t, schema=schema))
        assert pg.enum_labels(level, schema) == ["lo", "hi"]
        runner.run(lambda: op.drop_enum_type(level, schema=schema))
        assert pg.enum_labels(level, schema) is None
    finally:
        pg.execute(f"DROP SCHEMA {schema} CASCADE")


def test_alter_column_to_a_new_enum_type(runner, pg, name) -> None:
    t, size = name("t"), name("size")
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("sz", sa.String(10))))
    pg.execute(f"INSERT INTO {t} (id, sz) VALUES (1, 'S'), (2, 'L')")
    runner.run(lambda: op.alter_column(t, "sz", type_=sa.Enum("S", "M", "L", name=size),
                                       postgresql_using=f"sz::{size}"))
    assert pg.enum_labels(size) == ["S", "M", "L"]
    assert pg.all(f"SELECT sz::text FROM {t} ORDER BY id") == [("S",), ("L",)]


def test_create_enum_type_if_not_exists_and_drop_if_exists(runner, pg, name) -> None:
    e = name("e")

    def upgrade() -> None:
        op.create_enum_type(e, ["a"])
        op.create_enum_type(e, ["zzz"], if_not_exists=True)  # exists: nothing happens
        op.drop_enum_type(name("missing"), if_exists=True)

    runner.run(upgrade)
    assert pg.enum_labels(e) == ["a"]


def test_add_and_rename_enum_values(runner, pg, name) -> None:
    e = name("e")
    runner.run(lambda: op.create_enum_type(e, ["b", "d"]))

    def upgrade() -> None:
        op.add_enum_value(e, "a", before="b")
        op.add_enum_value(e, "c", after="b")
        op.add_enum_value(e, "e")
        op.add_enum_value(e, "e", if_not_exists=True)
        op.rename_enum_value(e, "d", "dd")

    runner.run(upgrade)
    assert pg.enum_labels(e) == ["a", "b", "c", "dd", "e"]


def test_add_enum_value_with_autocommit_survives_a_later_failure(runner, pg, name) -> None:
    """``autocommit=True`` (what PostgreSQL < 12 needs) commits the value outside the run's transaction."""
    e, t = name("e"), name("t")
    runner.run(lambda: op.create_enum_type(e, ["one"]))

    def upgrade() -> None:
        op.create_table(t, sa.Column("id", sa.Integer, primary_key=True))
        op.add_enum_value(e, "two", autocommit=True)
        op.execute("SELECT * FROM no_such_table_at_all")

    with pytest.raises(MigrationFailedError):
        runner.run(upgrade)
    # the table was committed before the autocommit block; the value in it; the failure after it
    # rolled back only what followed
    assert pg.enum_labels(e) == ["one", "two"]
    assert runner.heads() == ("0001",)


def test_enum_ops_are_reversible(runner, pg, name) -> None:
    from mig_postgresql.ops import CreateEnumTypeOp, DropEnumTypeOp, RenameEnumValueOp

    create = CreateEnumTypeOp("mood", ("a", "b"), schema="s")
    drop = create.reverse()
    assert isinstance(drop, DropEnumTypeOp) and drop.existing_values == ("a", "b")
    back = drop.reverse()
    assert isinstance(back, CreateEnumTypeOp) and back.values == ("a", "b") and back.schema == "s"
    rename = RenameEnumValueOp("mood", "a", "z").reverse()
    assert isinstance(rename, RenameEnumValueOp) and (rename.old_value, rename.new_value) == ("z", "a")


def test_explicit_drop_enum_type_after_drop_table_online(runner, pg, name) -> None:
    """A downgrade written for --sql (drop_table, then drop_enum_type) also runs online."""
    t, mood = name("t"), name("mood")
    runner.add(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("m", sa.Enum("a", name=mood))),
               lambda: (op.drop_table(t), op.drop_enum_type(mood)))
    runner.upgrade()
    runner.downgrade("base")
    assert pg.enum_labels(mood) is None and not pg.inspect().has_table(t)


def test_alembic_style_enum_create_before_table(runner, pg, name) -> None:
    t, mood = name("t"), name("mood")

    def upgrade() -> None:
        enum = postgresql.ENUM("a", "b", name=mood)
        enum.create(op.get_bind(), checkfirst=True)
        op.create_table(t, sa.Column("id", sa.Integer, primary_key=True), sa.Column("m", enum))

    runner.run(upgrade)
    assert pg.enum_labels(mood) == ["a", "b"]


def test_array_of_enum_creates_the_type_and_drop_table_keeps_it(runner, pg, name) -> None:
    t, tag = name("t"), name("tag")
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("tags", postgresql.ARRAY(sa.Enum("a", "b", name=tag)))))
    assert pg.enum_labels(tag) == ["a", "b"]
    pg.execute(f"INSERT INTO {t} (id, tags) VALUES (1, ARRAY['a', 'b']::{tag}[])")
    runner.run(lambda: op.drop_table(t))
    assert pg.enum_labels(tag) == ["a", "b"]


AWKWARD = ["a:b", "50%", "it's", "$x$", "::int"]


def test_enum_values_with_colons_quotes_and_dollars(runner, pg, name) -> None:
    e = name("e")

    def upgrade() -> None:
        op.create_enum_type(e, AWKWARD[:2])
        op.create_enum_type(e, ["x"], if_not_exists=True)
        op.add_enum_value(e, AWKWARD[2])
        op.add_enum_value(e, AWKWARD[3], before="a:b")
        op.rename_enum_value(e, "50%", AWKWARD[4])

    runner.run(upgrade)
    assert pg.enum_labels(e) == ["$x$", "a:b", "::int", "it's"]


def test_enum_values_with_colons_offline(offline) -> None:
    def upgrade() -> None:
        op.create_enum_type("e", AWKWARD, if_not_exists=True)
        op.add_enum_value("e", "c:d")

    offline.add(upgrade)
    sql = offline.sql()
    assert ("DO $mig$ BEGIN CREATE TYPE e AS ENUM ('a:b', '50%', 'it''s', '$x$', '::int'); "
            "EXCEPTION WHEN duplicate_object THEN NULL; END $mig$;") in sql
    assert "ALTER TYPE e ADD VALUE 'c:d';" in sql
