"""SQLite's autogenerate rules, fed with what a real database file reflects."""

from __future__ import annotations

import warnings

import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from mig_autogen.compare.reflect import reflect_table
from mig_sqlite_batch.autogen import SqliteRules, affinity


def test_affinity() -> None:
    assert [affinity(t) for t in ("INT", "BIGINT", "VARCHAR(20)", "CLOB", "BLOB", "", "DOUBLE", "FLOAT",
                                  "NUMERIC", "DATETIME", "DECIMAL(10,2)")] == [
        "INTEGER", "INTEGER", "TEXT", "TEXT", "BLOB", "BLOB", "REAL", "REAL", "NUMERIC", "NUMERIC", "NUMERIC"]


def test_declared_types_and_defaults(mig_sqlite_url: str) -> None:
    engine = sa.create_engine(mig_sqlite_url)
    md = sa.MetaData()
    t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.NUMERIC),
                 sa.Column("dt", sqlite.DATETIME), sa.Column("js", sa.JSON), sa.Column("s", sa.String(5)),
                 sa.Column("ts", sa.DateTime, server_default=sa.text("(datetime('now'))")))
    sa.Index("ix_t_lower", sa.func.lower(t.c.s))
    sa.Index("ix_t_s", t.c.s)
    md.create_all(engine)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the rules account for the expression index SQLAlchemy skips
            reflected = reflect_table(engine, "t")
        rules, dialect = SqliteRules(), engine.dialect
        for name in ("n", "dt", "js", "s"):
            assert rules.type_differs(reflected.columns[name], t.c[name], dialect, reflected) is False, name
        assert rules.type_differs(reflected.columns["s"], sa.Column("s", sa.String(6)), dialect, reflected) is None
        assert rules.normalize_default("(datetime('now'))", t.c.ts.type, dialect) == rules.normalize_default(
            "datetime('now')", t.c.ts.type, dialect)
        assert rules.normalize_default("current_timestamp", t.c.ts.type, dialect) == "CURRENT_TIMESTAMP"
        with engine.connect() as conn:
            assert rules.reflect_extra(conn, [None]) == {"unreflected_indexes": {(None, "t", "ix_t_lower")}}
    finally:
        engine.dispose()
