"""alter_column on PostgreSQL: USING, defaults, NOT NULL, identity columns and sequences."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig import op
from mig.errors import MigrationFailedError


def test_type_change_with_using_converts_data(runner, pg, name) -> None:
    t = name("t")
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("amount", sa.String(20))))
    pg.execute(f"INSERT INTO {t} (id, amount) VALUES (1, '42'), (2, ' 7 '), (3, NULL)")

    runner.run(lambda: op.alter_column(t, "amount", type_=sa.Integer, existing_type=sa.String(20),
                                       postgresql_using="trim(amount)::integer"))
    assert isinstance(pg.columns(t)["amount"]["type"], sa.Integer)
    assert pg.all(f"SELECT id, amount FROM {t} ORDER BY id") == [(1, 42), (2, 7), (3, None)]


def test_type_change_without_using_fails_cleanly_and_rolls_back(runner, pg, name) -> None:
    t = name("t")
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("amount", sa.String(20))))
    pg.execute(f"INSERT INTO {t} (id, amount) VALUES (1, '42')")
    with pytest.raises(MigrationFailedError, match=r"postgresql_using=\"amount::INTEGER\""):
        runner.run(lambda: op.alter_column(t, "amount", type_=sa.Integer))
    assert isinstance(pg.columns(t)["amount"]["type"], sa.String)
    assert runner.heads() == ("0001",)


def test_type_change_to_text_keeps_data(runner, pg, name) -> None:
    t = name("t")
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("n", sa.Integer)))
    pg.execute(f"INSERT INTO {t} (id, n) VALUES (1, 10), (2, -3)")
    runner.run(lambda: op.alter_column(t, "n", type_=sa.Text, existing_type=sa.Integer))
    assert isinstance(pg.columns(t)["n"]["type"], sa.Text)
    assert pg.all(f"SELECT n FROM {t} ORDER BY id") == [("10",), ("-3",)]


def test_defaults_expression_and_not_null_in_one_call(runner, pg, name) -> None:
    t = name("t")
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("created", sa.DateTime(timezone=True))))
    pg.execute(f"INSERT INTO {t} (id, created) VALUES (1, '2020-01-01T00:00:00Z')")

    def upgrade() -> None:
        op.alter_column(t, "created", server_default=sa.text("now()"), nullable=False,
                        existing_type=sa.DateTime(timezone=True))

    runner.run(upgrade)
    col = pg.columns(t)["created"]
    assert col["nullable"] is False and col["default"] == "now()"
    pg.execute(f"INSERT INTO {t} (id) VALUES (2)")
    assert pg.scalar(f"SELECT created IS NOT NULL FROM {t} WHERE id = 2") is True
    assert pg.fails(f"INSERT INTO {t} (id, created) VALUES (3, NULL)")


def test_set_not_null_with_null_rows_fails_and_leaves_column(runner, pg, name) -> None:
    t = name("t")
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("v", sa.String(5))))
    pg.execute(f"INSERT INTO {t} (id, v) VALUES (1, NULL)")
    with pytest.raises(MigrationFailedError, match="null value"):
        runner.run(lambda: op.alter_column(t, "v", nullable=False))
    assert pg.columns(t)["v"]["nullable"] is True


def test_identity_column_created_with_table(runner, pg, name) -> None:
    t = name("t")
    runner.run(lambda: op.create_table(
        t, sa.Column("id", sa.BigInteger, sa.Identity(start=100, increment=5), primary_key=True),
        sa.Column("v", sa.String(5))))
    pg.execute(f"INSERT INTO {t} (v) VALUES ('a'), ('b')")
    assert pg.all(f"SELECT id, v FROM {t} ORDER BY id") == [(100, "a"), (105, "b")]
    identity = pg.columns(t)["id"]["identity"]
    assert identity["start"] == 100 and identity["increment"] == 5 and identity["always"] is False


def test_identity_added_changed_and_dropped(runner, pg, name) -> None:
    t = name("t")
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, nullable=False),
                                       sa.Column("v", sa.String(5))))

    runner.run(lambda: op.alter_column(t, "id", server_default=sa.Identity(start=10)))
    pg.execute(f"INSERT INTO {t} (v) VALUES ('a')")
    assert pg.scalar(f"SELECT id FROM {t} WHERE v = 'a'") == 10

    runner.run(lambda: op.alter_column(t, "id", server_default=sa.Identity(always=True, start=10,
                                                                           increment=10),
                                       existing_server_default=sa.Identity(start=10)))
    identity = pg.columns(t)["id"]["identity"]
    assert identity["always"] is True and identity["increment"] == 10
    assert pg.fails(f"INSERT INTO {t} (id, v) VALUES (1, 'x')")  # GENERATED ALWAYS
    pg.execute(f"INSERT INTO {t} (v) VALUES ('b')")
    assert pg.scalar(f"SELECT id FROM {t} WHERE v = 'b'") == 20

    runner.run(lambda: op.alter_column(t, "id", server_default=None,
                                       existing_server_default=sa.Identity(always=True)))
    assert pg.columns(t)["id"].get("identity") is None
    pg.execute(f"INSERT INTO {t} (id, v) VALUES (1, 'c')")
    assert pg.fails(f"INSERT INTO {t} (v) VALUES ('d')")  # no default any more: NOT NULL refuses


def test_sequence_column_creates_its_sequence(runner, pg, name) -> None:
    t, seq, col = name("t"), name("seq"), name("c")

    def upgrade() -> None:
        op.create_table(t, sa.Column("id", sa.Integer, sa.Sequence(seq, start=50), primary_key=True))
        op.add_column(t, sa.Column(col, sa.Integer, sa.Sequence(seq)))  # the same one: created once

    runner.run(upgrade)
    assert pg.scalar("SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relname = :s", s=seq) == 1
    assert pg.scalar(f"SELECT nextval('{seq}')") == 50


def test_server_default_nextval_of_a_sequence(runner, pg, name) -> None:
    t, seq = name("t"), name("seq")

    def upgrade() -> None:
        op.execute(sa.schema.CreateSequence(sa.Sequence(seq, start=7)))
        op.create_table(t, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False,
                                     server_default=sa.text(f"nextval('{seq}')")),
                        sa.Column("v", sa.String(5)))

    runner.run(upgrade)
    pg.execute(f"INSERT INTO {t} (v) VALUES ('a'), ('b')")
    assert pg.all(f"SELECT id, v FROM {t} ORDER BY id") == [(7, "a"), (8, "b")]


def test_rename_column_and_comment_together(runner, pg, name) -> None:
    t = name("t")
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("old", sa.String(5))))
    runner.run(lambda: op.alter_column(t, "old", new_column_name="new", comment="renamed"))
    col = pg.columns(t)["new"]
    assert col["comment"] == "renamed" and "old" not in pg.columns(t)


def test_type_and_default_change_together(runner, pg, name, mig_postgresql_database, tmp_path) -> None:
    from mig.testing.project import MigrationRunner

    t = name("t")
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("n", sa.String(10), server_default="x")))
    pg.execute(f"INSERT INTO {t} (id, n) VALUES (1, '5')")
    other = MigrationRunner(tmp_path / "other", mig_postgresql_database)
    with pytest.raises(MigrationFailedError, match="give the new default"):
        other.run(lambda: op.alter_column(t, "n", type_=sa.Integer, postgresql_using="n::integer"))

    runner.run(lambda: op.alter_column(t, "n", type_=sa.Integer, postgresql_using="n::integer",
                                       server_default="0", existing_server_default="x"))
    col = pg.columns(t)["n"]
    assert isinstance(col["type"], sa.Integer) and col["default"] == "0"
    pg.execute(f"INSERT INTO {t} (id) VALUES (2)")
    assert pg.all(f"SELECT id, n FROM {t} ORDER BY id") == [(1, 5), (2, 0)]
