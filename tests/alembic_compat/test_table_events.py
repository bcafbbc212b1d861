"""``op.create_table`` / ``op.drop_table`` fire SQLAlchemy's table DDL events, as Alembic's do."""

from __future__ import annotations

import pytest

LISTENING = """
    op.create_table("log", sa.Column("line", sa.String(100)))

    def note(when):
        def listener(target, connection, **kw):
            connection.execute(sa.text(
                f"INSERT INTO log (line) VALUES ('{when} {target.name} checkfirst={bool(kw['checkfirst'])}')"))
        return listener

    op.create_table(
        "account", sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20), index=True),
        listeners=[("before_create", note("before_create")), ("after_create", note("after_create"))])
    # DDL elements as listeners, and a dialect condition, as SQLAlchemy documents them
    op.create_table(
        "audit", sa.Column("id", sa.Integer, primary_key=True),
        listeners=[("after_create", sa.DDL("INSERT INTO log (line) VALUES ('audit is here')")),
                   ("after_create", sa.DDL("INSERT INTO log (line) VALUES ('postgresql only')")
                    .execute_if(dialect="postgresql"))])
    op.drop_table("audit", listeners=[("before_drop", note("before_drop")), ("after_drop", note("after_drop"))])
"""


def test_listeners_run_on_the_connection_like_alembic(side_by_side) -> None:
    side_by_side.write("a1", None, LISTENING)
    side_by_side.upgrade()
    side_by_side.assert_same_schema()
    on_postgresql = side_by_side.mig.url.startswith("postgresql")
    expected = ["before_create account checkfirst=False", "after_create account checkfirst=False",
                "audit is here", "before_drop audit checkfirst=False", "after_drop audit checkfirst=False"]
    if on_postgresql:
        expected.insert(3, "postgresql only")
    assert sorted(side_by_side.alembic.rows("SELECT line FROM log")) == sorted((line,) for line in expected)
    if on_postgresql:
        # Online on PostgreSQL mig's before_create passes checkfirst=True, so that SQLAlchemy's enum
        # listener reuses an existing type where Alembic's CREATE TYPE fails (docs/differences.md).
        expected[0] = "before_create account checkfirst=True"
    assert sorted(side_by_side.mig.rows("SELECT line FROM log")) == sorted((line,) for line in expected)


@pytest.mark.parametrize("url", ["sqlite:///unused.db", "postgresql://", "mysql+pymysql://"])
def test_listener_statements_are_written_in_their_place_offline_like_alembic(offline_pair, url) -> None:
    pair = offline_pair(url)
    pair.write("a1", None, LISTENING)
    mig_statements = pair.mig.statements("a1")
    assert mig_statements == pair.alembic.statements("a1")
    start = mig_statements.index("INSERT INTO log (line) VALUES ('before_create account checkfirst=False')")
    assert mig_statements[start + 1].startswith("CREATE TABLE account")
    assert mig_statements[start + 2] == "INSERT INTO log (line) VALUES ('after_create account checkfirst=False')"
    assert mig_statements[start + 3].startswith("CREATE INDEX ix_account_name")
    assert mig_statements[-3:] == ["INSERT INTO log (line) VALUES ('before_drop audit checkfirst=False')",
                                   "DROP TABLE audit",
                                   "INSERT INTO log (line) VALUES ('after_drop audit checkfirst=False')"]


ENUM_TABLES = """
    status = sa.Enum("new", "paid", name="order_status")
    op.create_table("orders", sa.Column("id", sa.Integer, primary_key=True), sa.Column("status", status))
    op.create_table("refunds", sa.Column("id", sa.Integer, primary_key=True), sa.Column("status", status))
"""


def test_enum_types_of_create_table_like_alembic_offline(offline_pair) -> None:
    pair = offline_pair("postgresql://")
    pair.write("a1", None, ENUM_TABLES)
    mig_statements = pair.mig.statements("a1")
    assert mig_statements == pair.alembic.statements("a1")
    assert mig_statements[0] == "CREATE TYPE order_status AS ENUM ('new', 'paid')"
    assert sum(s.startswith("CREATE TYPE") for s in mig_statements) == 1


DOWNGRADE_WITH_DROP_TYPE = """
    op.drop_table("refunds")
    op.drop_table("orders")
    op.execute("DROP TYPE order_status")
"""


@pytest.mark.postgresql
def test_drop_table_then_drop_type_like_alembic(postgresql_side_by_side) -> None:
    """The usual Alembic downgrade on PostgreSQL: drop the tables, then the type."""
    side_by_side = postgresql_side_by_side
    side_by_side.write("a1", None, ENUM_TABLES, DOWNGRADE_WITH_DROP_TYPE)
    side_by_side.upgrade()
    assert side_by_side.assert_same_schema()["<enums>"] == [("order_status", ("new", "paid"))]
    side_by_side.downgrade("base")
    assert side_by_side.assert_same_schema() == {"<enums>": []}
    side_by_side.upgrade()  # and again
    assert side_by_side.assert_same_schema()["<enums>"] == [("order_status", ("new", "paid"))]


def test_drop_table_then_drop_type_like_alembic_offline(offline_pair) -> None:
    pair = offline_pair("postgresql://")
    pair.write("a1", None, ENUM_TABLES, DOWNGRADE_WITH_DROP_TYPE)
    assert pair.mig.statements("a1:base", downgrade=True) == \
        pair.alembic.statements("a1:base", downgrade=True) == \
        ["DROP TABLE refunds", "DROP TABLE orders", "DROP TYPE order_status"]
