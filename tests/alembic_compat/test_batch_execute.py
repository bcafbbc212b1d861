"""``batch_op.execute``, ``batch_op.f`` and ``batch_op.inline_literal`` inside ``batch_alter_table``, as in Alembic."""

from __future__ import annotations

import pytest

CREATE = """
    op.create_table("account", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(50)))
    op.execute("INSERT INTO account (id, name) VALUES (1, 'a')")
"""

BATCH = """
    account = sa.table("account", sa.column("id", sa.Integer), sa.column("name", sa.String))
    with op.batch_alter_table("account", recreate={recreate!r}) as batch_op:
        # runs at once: before the batch's own statements
        batch_op.execute("UPDATE account SET name = 'b' WHERE id = 1")
        batch_op.add_column(sa.Column("email", sa.String(100)))
        batch_op.execute(sa.text("INSERT INTO account (id, name) VALUES (2, 'c')"))
        batch_op.execute(account.update().where(account.c.id == batch_op.inline_literal(2))
                         .values(name=batch_op.inline_literal("it's")))
        batch_op.create_index(batch_op.f("ix_account_name"), ["name"])
"""


@pytest.mark.parametrize("recreate", ["auto", "always"])
def test_batch_execute_runs_at_once_like_alembic(side_by_side, recreate) -> None:
    side_by_side.write("a1", None, CREATE, 'op.drop_table("account")')
    side_by_side.write("b2", "a1", BATCH.format(recreate=recreate))
    side_by_side.upgrade()
    schema = side_by_side.assert_same_schema(serial_sequences=recreate != "always")
    assert [c[0] for c in schema["account"]["columns"]] == ["id", "name", "email"]
    assert ("ix_account_name", ("name",), False) in schema["account"]["indexes"]
    assert side_by_side.assert_same_rows("SELECT id, name, email FROM account ORDER BY id") == [
        (1, "b", None), (2, "it's", None)]


def test_batch_execute_offline_is_written_in_its_place(offline_pair) -> None:
    pair = offline_pair("postgresql://")
    pair.write("a1", None, CREATE)
    pair.write("b2", "a1", BATCH.format(recreate="auto"))
    assert pair.mig.statements("a1:b2") == pair.alembic.statements("a1:b2") == [
        "UPDATE account SET name = 'b' WHERE id = 1",
        "INSERT INTO account (id, name) VALUES (2, 'c')",
        "UPDATE account SET name='it''s' WHERE account.id = 2",
        "ALTER TABLE account ADD COLUMN email VARCHAR(100)",
        "CREATE INDEX ix_account_name ON account (name)",
    ]


def test_batch_execute_offline_on_sqlite_copy_from(offline_pair) -> None:
    pair = offline_pair("sqlite:///unused.db")
    pair.write("a1", None, CREATE)
    pair.write("b2", "a1", """
        copy_from = sa.Table("account", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                             sa.Column("name", sa.String(50)))
        with op.batch_alter_table("account", copy_from=copy_from, recreate="always") as batch_op:
            batch_op.execute("UPDATE account SET name = 'b'")
            batch_op.alter_column("name", type_=sa.String(80))
    """)
    mig_statements = pair.mig.statements("a1:b2")
    assert mig_statements[0] == pair.alembic.statements("a1:b2")[0] == "UPDATE account SET name = 'b'"
