"""Differences only some databases can hold: expression and partial indexes, deferrable keys, identity, MySQL text."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

from mig.ops import AlterColumnOp, CreateForeignKeyOp, CreateIndexOp, DropConstraintOp, DropIndexOp

from .conftest import described, ops_of
from .helpers import apply


def _t(md: sa.MetaData, *extra: object) -> sa.Table:
    return sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(80)),
                    sa.Column("n", sa.Integer), *extra)  # type: ignore[arg-type]


@pytest.mark.postgresql
def test_expression_and_partial_indexes(pg_engine: sa.Engine) -> None:
    db = sa.MetaData()
    t = _t(db)
    sa.Index("ix_lower", sa.func.lower(t.c.email))
    sa.Index("ix_partial", t.c.n, postgresql_where=t.c.n > 0)
    db.create_all(pg_engine)
    assert described(pg_engine, db) == []
    model = sa.MetaData()
    t = _t(model)
    sa.Index("ix_lower", sa.func.upper(t.c.email))
    sa.Index("ix_partial", t.c.n, postgresql_where=t.c.n > 5)
    ops = ops_of(pg_engine, model)
    assert [op.describe() for op in ops] == [
        "drop_index ix_lower", "drop_index ix_partial", "create_index ix_lower on t", "create_index ix_partial on t"]
    assert isinstance(ops[2], CreateIndexOp) and str(ops[2].columns[0]) == "upper(email)"
    assert isinstance(ops[3], CreateIndexOp) and "postgresql_where" in ops[3].kw
    assert isinstance(ops[1], DropIndexOp) and ops[1].existing_kw.get("postgresql_where") is not None
    apply(pg_engine, ops)
    assert ops_of(pg_engine, model) == []


@pytest.mark.postgresql
def test_deferrable_foreign_key(pg_engine: sa.Engine) -> None:
    def build(md: sa.MetaData, deferrable: bool) -> None:
        sa.Table("p", md, sa.Column("id", sa.Integer, primary_key=True))
        _t(md, sa.Column("p_id", sa.ForeignKey("p.id", name="fk_t_p", deferrable=deferrable or None,
                                                initially="DEFERRED" if deferrable else None)))

    db, model = sa.MetaData(), sa.MetaData()
    build(db, False)
    build(model, True)
    db.create_all(pg_engine)
    ops = ops_of(pg_engine, model)
    assert [type(op) for op in ops] == [DropConstraintOp, CreateForeignKeyOp]
    assert ops[1].deferrable is True and ops[1].initially == "DEFERRED"
    apply(pg_engine, ops)
    assert ops_of(pg_engine, model) == []


@pytest.mark.postgresql
def test_identity_added(pg_engine: sa.Engine) -> None:
    db = sa.MetaData()
    sa.Table("t", db, sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False))
    db.create_all(pg_engine)
    model = sa.MetaData()
    sa.Table("t", model, sa.Column("id", sa.BigInteger, sa.Identity(start=10), primary_key=True))
    ops = ops_of(pg_engine, model)
    assert len(ops) == 1 and isinstance(ops[0], AlterColumnOp)
    assert isinstance(ops[0].server_default, sa.Identity) and ops[0].server_default.start == 10
    model_same = sa.MetaData()
    sa.Table("t2", model_same, sa.Column("id", sa.BigInteger, sa.Identity(start=10), primary_key=True))
    model_same.create_all(pg_engine)
    assert ops_of(pg_engine, model_same, include_name=lambda n, t, p: t != "table" or n == "t2") == []


@pytest.mark.mysql
def test_mysql_string_to_text_is_a_difference(request: pytest.FixtureRequest) -> None:
    engine = sa.create_engine(request.getfixturevalue("mig_mysql_clean_database"))
    try:
        db = sa.MetaData()
        sa.Table("t", db, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.String(200)),
                 sa.Column("b", sa.Text), sa.Column("c", sa.Enum("x", "y")))
        db.create_all(engine)
        assert described(engine, db) == []
        model = sa.MetaData()
        sa.Table("t", model, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Text),
                 sa.Column("b", sa.Text), sa.Column("c", sa.Enum("x", "y", "z")))
        ops = ops_of(engine, model)
        assert [(op.column_name, type(op.type_).__name__) for op in ops] == [("a", "Text"), ("c", "Enum")]
        apply(engine, ops)
        assert ops_of(engine, model) == []
    finally:
        engine.dispose()


@pytest.mark.postgresql
def test_a_table_without_columns_is_a_table(pg_engine: sa.Engine) -> None:
    with pg_engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE bare ()"))
    model = sa.MetaData()
    sa.Table("bare", model)
    assert described(pg_engine, model) == []
    sa.Table("bare", model, sa.Column("n", sa.Integer), extend_existing=True)
    assert described(pg_engine, model) == ["add_column bare.n"]
    assert described(pg_engine, sa.MetaData()) == ["drop_table bare"]


@pytest.mark.postgresql
def test_descending_index_columns(pg_engine: sa.Engine) -> None:
    db = sa.MetaData()
    t = _t(db)
    sa.Index("ix_n_desc", t.c.n.desc(), t.c.email)
    db.create_all(pg_engine)
    assert described(pg_engine, db) == []
    model = sa.MetaData()
    t = _t(model)
    sa.Index("ix_n_desc", t.c.n, t.c.email)
    ops = ops_of(pg_engine, model)
    assert [op.describe() for op in ops] == ["drop_index ix_n_desc", "create_index ix_n_desc on t"]
    dropped = ops[0]
    assert isinstance(dropped, DropIndexOp)
    assert [str(c) for c in dropped.existing_columns or ()] == ["n DESC", "email"]


class _DerivedPostgresql(PGDialect_psycopg):
    """A SQLAlchemy dialect of another name that speaks PostgreSQL (as a CockroachDB dialect does)."""

    name = "derivedpg"
    supports_statement_cache = True


@pytest.mark.postgresql
def test_a_dialect_derived_from_postgresql_gets_its_rules_and_comparators(pg_engine: sa.Engine) -> None:
    """Rules, dialect comparators and ``postgresql_*`` index options follow the SQLAlchemy dialect's bases."""
    from sqlalchemy.dialects import registry

    registry.register("derivedpg.psycopg", __name__, "_DerivedPostgresql")
    url = pg_engine.url.set(drivername="derivedpg+psycopg")
    engine = sa.create_engine(url)
    try:
        assert engine.dialect.name == "derivedpg"
        db = sa.MetaData()
        t = sa.Table("t", db, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("s", sa.String(10), server_default="x"),  # reflected as 'x'::character varying
                     sa.Column("n", sa.Integer))
        sa.Index("ix_partial", t.c.n, postgresql_where=t.c.n > 0)
        db.create_all(pg_engine)
        assert described(engine, db) == []
        model = sa.MetaData()
        t = sa.Table("t", model, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("s", sa.String(10), server_default="x"), sa.Column("n", sa.Integer),
                     sa.Column("mood", sa.Enum("sad", "ok", name="mood")))
        sa.Index("ix_partial", t.c.n, postgresql_where=t.c.n > 5)
        assert described(engine, model) == [
            "create_enum_type mood", "drop_index ix_partial", "add_column t.mood", "create_index ix_partial on t"]
    finally:
        engine.dispose()
