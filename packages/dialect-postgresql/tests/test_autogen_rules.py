"""PostgreSQL's autogenerate rules, fed with what a real server reflects."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from mig_autogen.compare.columns import model_default_text
from mig_autogen.compare.context import CompareContext
from mig_autogen.compare.reflect import reflect_table
from mig_postgresql.autogen import PostgresqlRules, strip_casts
from mig_postgresql.autogen_enums import value_changes

pytestmark = pytest.mark.postgresql


@pytest.fixture
def engine(mig_postgresql_clean_database: str) -> Iterator[sa.Engine]:
    eng = sa.create_engine(mig_postgresql_clean_database)
    yield eng
    eng.dispose()


def test_defaults_compare_equal_after_normalization(engine: sa.Engine) -> None:
    md = sa.MetaData()
    t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("s", sa.String(10), server_default="it's"),
                 sa.Column("n", sa.Integer, server_default="7"),
                 sa.Column("neg", sa.Integer, server_default=sa.text("-1")),
                 sa.Column("num", sa.Numeric(6, 2), server_default=sa.text("1.50")),
                 sa.Column("ts", sa.DateTime, server_default=sa.func.now()),
                 sa.Column("ts2", sa.DateTime(timezone=True), server_default=sa.text("CURRENT_TIMESTAMP")),
                 sa.Column("jb", pg.JSONB, server_default=sa.text("'{}'::jsonb")),
                 sa.Column("arr", pg.ARRAY(sa.String(5)), server_default=sa.text("'{}'")),
                 sa.Column("b", sa.Boolean, server_default=sa.true()))
    md.create_all(engine)
    reflected = reflect_table(engine, "t")
    with engine.connect() as conn:  # the model's default as the server_default comparator writes it
        model_text = functools.partial(model_default_text, CompareContext(conn))
    rules, dialect = PostgresqlRules(), engine.dialect
    for name in ("s", "n", "neg", "num", "ts", "ts2", "jb", "arr", "b"):
        r_col, m_col = reflected.columns[name], t.c[name]
        r_text = r_col["default"]
        assert rules.normalize_default(r_text, r_col["type"], dialect) == rules.normalize_default(
            model_text(m_col), m_col.type, dialect), name
    assert rules.reflected_default_is_implicit(reflected.columns["id"]["default"], reflected.columns["id"], dialect)
    # and a real change is still one
    assert rules.normalize_default("'8'", t.c.n.type, dialect) != rules.normalize_default("7", t.c.n.type, dialect)
    assert rules.normalize_default("'y'::character varying", t.c.s.type, dialect) == "'y'"


def test_strip_casts() -> None:
    assert strip_casts("'x'::character varying") == "'x'"
    assert strip_casts("('2020-01-01'::timestamp without time zone)") == "'2020-01-01'"
    assert strip_casts("'{}'::character varying[]") == "'{}'"
    assert strip_casts("'a'::\"Mood\"") == "'a'"
    assert strip_casts("lower('A'::text)") == "lower('A'::text)"


def test_interval_fields_and_precision(engine: sa.Engine) -> None:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("a", sa.Interval), sa.Column("b", pg.INTERVAL(fields="DAY TO SECOND")),
             sa.Column("c", pg.INTERVAL(precision=3)))
    md.create_all(engine)
    reflected = reflect_table(engine, "t")
    rules, dialect = PostgresqlRules(), engine.dialect
    assert rules.type_differs(reflected.columns["a"], sa.Column("a", sa.Interval), dialect, reflected) is False
    assert rules.type_differs(reflected.columns["b"], sa.Column("b", pg.INTERVAL(fields="DAY TO SECOND")), dialect, reflected) is False
    assert rules.type_differs(reflected.columns["b"], sa.Column("b", pg.INTERVAL), dialect, reflected) is True
    assert rules.type_differs(reflected.columns["c"], sa.Column("c", pg.INTERVAL(precision=3)), dialect, reflected) is False
    assert rules.type_differs(reflected.columns["c"], sa.Column("c", pg.INTERVAL(precision=6)), dialect, reflected) is True
    assert rules.type_differs(reflected.columns["a"], sa.Column("a", sa.DateTime), dialect, reflected) is None


def test_reflect_extra_reads_enum_types_per_schema(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TYPE mood AS ENUM ('sad', 'ok')"))
        conn.execute(sa.text("CREATE SCHEMA other"))
        conn.execute(sa.text("CREATE TYPE other.color AS ENUM ('red')"))
    with engine.connect() as conn:
        assert PostgresqlRules().reflect_extra(conn, [None]) == {"postgresql_enums": {(None, "mood"): ("sad", "ok")}}
        assert PostgresqlRules().reflect_extra(conn, [None, "other"])["postgresql_enums"] == {
            (None, "mood"): ("sad", "ok"), ("other", "color"): ("red",)}


def test_value_changes() -> None:
    def described(existing: tuple[str, ...], wanted: tuple[str, ...]) -> list[tuple[str, object, object]]:
        return [(getattr(op, "value", "note"), getattr(op, "before", None), getattr(op, "after", None))
                for op in value_changes("mood", None, existing, wanted)]

    assert described(("a", "b"), ("a", "b")) == []
    assert described(("a", "b"), ("a", "b", "c", "d")) == [("c", None, None), ("d", None, None)]
    assert described(("a", "b"), ("x", "a", "y", "b")) == [("x", "a", None), ("y", None, "a")]
    assert described(("a", "b"), ("a",)) == [("note", None, None)]
    assert described(("a", "b"), ("b", "a")) == [("note", None, None)]
