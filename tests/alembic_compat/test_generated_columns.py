"""``alter_column(server_default=None)`` on a computed or identity column is refused, not written as ``DROP DEFAULT``."""

from __future__ import annotations

import pytest

from mig.errors import MigrationFailedError, OperationError

CREATE = """
    op.create_table("account", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
                    sa.Column("total", sa.Integer, sa.Computed("a + b", persisted=True)))
    op.execute("INSERT INTO account (id, a, b) VALUES (1, 2, 3)")
"""


def _computed_message(source: str) -> str:
    return ("alter_column account.total: server_default=None removes a column default, but the column "
            "is a computed column (sa.Computed, GENERATED ALWAYS AS ...) (known from "
            f"{source}), which has no default to drop; leave server_default out; to change or stop "
            "the computation, drop the column and add it again")


@pytest.mark.parametrize("existing, source", [
    ("", "the database"),
    (", existing_server_default=sa.Computed('a + b', persisted=True)", "existing_server_default"),
])
def test_computed_column_default_removal_is_refused(server_side_by_side, existing, source) -> None:
    pair = server_side_by_side
    pair.write("a1", None, CREATE)
    pair.write("b2", "a1", f'op.alter_column("account", "total", server_default=None{existing})')
    pair.mig.upgrade("a1")
    with pytest.raises(MigrationFailedError) as info:
        pair.mig.upgrade("b2")
    assert isinstance(info.value.__cause__, OperationError)
    assert str(info.value.__cause__) == _computed_message(source)
    # nothing changed: the column still computes
    pair.alembic.upgrade("a1")
    pair.assert_same_schema()
    assert pair.assert_same_rows("SELECT id, total FROM account") == [(1, 5)]
    # Alembic refuses too (CompileError) with existing_server_default; without it, it writes
    # DROP DEFAULT, which PostgreSQL refuses and MariaDB accepts, doing nothing
    if existing or pair.mig.url.startswith("postgresql"):
        with pytest.raises(Exception):
            pair.alembic.upgrade("b2")
    else:
        pair.alembic.upgrade("b2")
        assert pair.alembic.rows("SELECT id, total FROM account") == [(1, 5)]
        assert pair.alembic.schema() == pair.mig.schema()


@pytest.mark.postgresql
def test_identity_column_default_removal_is_refused_unless_the_identity_is_named(postgresql_side_by_side) -> None:
    pair = postgresql_side_by_side
    pair.write("a1", None, """
        op.create_table("account", sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
                        sa.Column("n", sa.Integer))
    """)
    pair.write("b2", "a1", 'op.alter_column("account", "id", server_default=None)')
    pair.mig.upgrade("a1")
    with pytest.raises(MigrationFailedError) as info:
        pair.mig.upgrade("b2")
    assert str(info.value.__cause__) == (
        "alter_column account.id: server_default=None removes a column default, but the column is an "
        "identity column (sa.Identity, GENERATED ... AS IDENTITY) (known from the database), which has "
        "no default to drop; to drop the identity, give existing_server_default=sa.Identity() with "
        "server_default=None")
    # what the message says works, and is what Alembic does
    for tool in pair.tools:
        tool.write("b2", "a1", 'op.alter_column("account", "id", server_default=None, '
                               'existing_server_default=sa.Identity())', "pass", None)
    pair.upgrade()
    schema = pair.assert_same_schema()
    assert schema["account"]["columns"][0][5] == ""  # no identity left


@pytest.mark.parametrize("url", ["postgresql://", "mysql+pymysql://"])
def test_offline_refused_with_existing_computed_and_written_without(offline_pair, url) -> None:
    pair = offline_pair(url)
    pair.write("a1", None, CREATE)
    pair.write("b2", "a1", 'op.alter_column("account", "total", server_default=None, '
                           'existing_server_default=sa.Computed("a + b"))')
    with pytest.raises(MigrationFailedError) as info:
        pair.mig.sql("a1:b2")
    assert str(info.value.__cause__) == _computed_message("existing_server_default")
    with pytest.raises(Exception, match="computed"):
        pair.alembic.sql("a1:b2")
    # offline without existing_server_default nothing can be known: written as asked, as Alembic does
    for tool in pair.tools:
        tool.write("b2", "a1", 'op.alter_column("account", "total", server_default=None)', "pass", None)
    assert pair.mig.statements("a1:b2") == pair.alembic.statements("a1:b2") == [
        "ALTER TABLE account ALTER COLUMN total DROP DEFAULT"]
