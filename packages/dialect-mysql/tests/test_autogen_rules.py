"""MySQL's and MariaDB's autogenerate rules, fed with what a real server reflects."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from mig_autogen.compare.columns import model_default_text
from mig_autogen.compare.context import CompareContext
from mig_autogen.compare.reflect import reflect_table
from mig_mysql.autogen import MySQLRules

pytestmark = pytest.mark.mysql


@pytest.fixture
def engine(mig_mysql_clean_database: str) -> Iterator[sa.Engine]:
    eng = sa.create_engine(mig_mysql_clean_database)
    yield eng
    eng.dispose()


def _model() -> tuple[sa.MetaData, sa.Table]:
    md = sa.MetaData()
    t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("s", sa.String(10), server_default="it's"),
                 sa.Column("n", sa.Integer, server_default="7"),
                 sa.Column("dec", sa.Numeric(12, 4), server_default=sa.text("0")),
                 sa.Column("b", sa.Boolean, server_default=sa.true()),
                 sa.Column("ts", sa.DateTime, server_default=sa.func.now()),
                 sa.Column("upd", mysql.TIMESTAMP, server_default=sa.text(
                     "CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP")),
                 sa.Column("j", sa.JSON),
                 sa.Column("u", mysql.INTEGER(unsigned=True)),
                 sa.Column("txt", sa.Text),
                 sa.Column("nullable", sa.String(5)))
    return md, t


def test_defaults_compare_equal_after_normalization(engine: sa.Engine) -> None:
    md, t = _model()
    md.create_all(engine)
    reflected = reflect_table(engine, "t")
    with engine.connect() as conn:  # the model's default as the server_default comparator writes it
        model_text = functools.partial(model_default_text, CompareContext(conn))
    rules, dialect = MySQLRules(), engine.dialect
    for name in ("s", "n", "dec", "b", "ts", "upd"):
        r_col, m_col = reflected.columns[name], t.c[name]
        r_text = r_col["default"]
        assert rules.normalize_default(r_text, r_col["type"], dialect) == rules.normalize_default(
            model_text(m_col), m_col.type, dialect), name
    assert rules.normalize_default("NULL", reflected.columns["nullable"]["type"], dialect) is None
    assert rules.normalize_default("'8'", t.c.n.type, dialect) != rules.normalize_default("7", t.c.n.type, dialect)
    assert rules.normalize_default("current_timestamp(6)", t.c.ts.type, dialect) == "CURRENT_TIMESTAMP(6)"


def test_types(engine: sa.Engine) -> None:
    md, t = _model()
    md.create_all(engine)
    reflected = reflect_table(engine, "t")
    rules, dialect = MySQLRules(), engine.dialect
    assert rules.type_differs(reflected.columns["j"], t.c.j, dialect, reflected) is False  # JSON (LONGTEXT on MariaDB)
    assert rules.type_differs(reflected.columns["u"], t.c.u, dialect, reflected) is None  # unsigned on both: the generic rule
    assert rules.type_differs(reflected.columns["u"], sa.Column("u", sa.Integer), dialect, reflected) is True
    assert rules.type_differs(reflected.columns["txt"], sa.Column("txt", sa.JSON), dialect, reflected) is True
    assert rules.type_differs(reflected.columns["s"], sa.Column("s", mysql.VARCHAR(10, charset="latin1")), dialect, reflected) is True


def test_index_behind_a_foreign_key_is_implicit(engine: sa.Engine) -> None:
    md = sa.MetaData()
    sa.Table("p", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("c", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("p_id", sa.ForeignKey("p.id", name="fk_any_name")), sa.Column("x", sa.Integer),
             sa.Index("ix_c_x", "x"))
    md.create_all(engine)
    reflected = reflect_table(engine, "c")
    by_name = {i["name"]: i for i in reflected.indexes}
    rules = MySQLRules()
    assert rules.index_is_implicit(by_name["fk_any_name"], reflected, engine.dialect) is True
    assert rules.index_is_implicit(by_name["ix_c_x"], reflected, engine.dialect) is False


def test_a_string_default_is_not_an_expression() -> None:
    from sqlalchemy.dialects.mysql import base

    column = sa.Column("s", sa.String(20))
    rules = MySQLRules()
    assert rules.normalize_default("'now()'", column.type, base.MySQLDialect()) == "'now()'"
    assert rules.normalize_default("'0'", column.type, base.MySQLDialect()) == "'0'"  # not a number on a string column
