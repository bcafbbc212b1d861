"""The database is read in bulk: the number of queries does not grow with the number of tables."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from .conftest import ops_of


def _model(n: int) -> sa.MetaData:
    md = sa.MetaData()
    for i in range(n):
        sa.Table(f"t{i}", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("name", sa.String(20), index=True),
                 sa.Column("n", sa.Integer, server_default=sa.text("0")),
                 sa.Column("parent", sa.ForeignKey(f"t{max(i - 1, 0)}.id")),
                 sa.UniqueConstraint("name", "parent", name=f"uq_t{i}"),
                 sa.CheckConstraint("id > 0", name=f"ck_t{i}"))
    return md


def _queries(engine: sa.Engine, model: sa.MetaData) -> int:
    statements: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        ops = ops_of(engine, model)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(ops) == 1  # the one drift each model has
    return len(statements)


@pytest.mark.postgresql
def test_query_count_independent_of_table_count(pg_engine: sa.Engine) -> None:
    counts = []
    # the first run also reads what SQLAlchemy caches per engine (server version, index methods)
    for n in (3, 3, 30, 60):
        with pg_engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        model = _model(n)
        model.create_all(pg_engine)
        sa.Table("t1", model, sa.Column("drift", sa.Integer), extend_existing=True)
        counts.append(_queries(pg_engine, model))
    assert counts[1] == counts[2] == counts[3], counts
