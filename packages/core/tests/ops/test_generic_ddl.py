"""The generic ``DialectImpl`` (exact SQL) and the standalone ALTER constructs."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from mig import ops
from mig.ddl.constructs import (
    AddColumn,
    ColumnComment,
    ColumnDefault,
    ColumnName,
    ColumnNullable,
    ColumnType,
    DropColumn,
    RenameTable,
)
from mig.ddl.impl import DialectImpl


def _sql(*operations, dialect=None):
    out = io.StringIO()
    impl = DialectImpl(dialect or postgresql.dialect(), as_sql=True, output=out)
    for operation in operations:
        impl.run(operation)
    return out.getvalue()


def test_generic_impl_writes_portable_sql():
    sql = _sql(
        ops.CreateTableOp("t", (sa.Column("id", sa.Integer, primary_key=True),
                                sa.Column("n", sa.String(20), comment="the name")), schema="s",
                          kw={"comment": "a table"}),
        ops.AddColumnOp("t", sa.Column("z", sa.Integer, sa.ForeignKey("r.id"), index=True), schema="s"),
        ops.AlterColumnOp("t", "z", schema="s", nullable=False, server_default=sa.text("5"),
                          type_=sa.BigInteger(), comment=None, new_column_name="zz"),
        ops.CreateUniqueConstraintOp("uq", "t", ("a", "b"), schema="s"),
        ops.CreateForeignKeyOp("fk", "t", "r", ("a",), ("id",), ondelete="CASCADE",
                               source_schema="s", referent_schema="s"),
        ops.CreateCheckConstraintOp("ck", "t", "a > 5", schema="s"),
        ops.CreatePrimaryKeyOp("pk", "t", ("a",), schema="s"),
        ops.DropConstraintOp("fk", "t", "foreignkey", schema="s", if_exists=True),
        ops.CreateIndexOp("ix", "t", ("n", sa.text("lower(n)")), schema="s", unique=True, if_not_exists=True),
        ops.DropIndexOp("ix", "t", schema="s", if_exists=True),
        ops.CreateTableCommentOp("t", "it's", schema="s"),
        ops.DropTableCommentOp("t", schema="s"),
        ops.DropColumnOp("t", "zz", schema="s"),
        ops.RenameTableOp("t", "u", schema="s"),
        ops.DropTableOp("u", schema="s", if_exists=True),
    )
    assert sql == """\
CREATE TABLE s.t (
    id SERIAL NOT NULL,
    n VARCHAR(20),
    PRIMARY KEY (id)
);

COMMENT ON TABLE s.t IS 'a table';

COMMENT ON COLUMN s.t.n IS 'the name';

ALTER TABLE s.t ADD COLUMN z INTEGER;

ALTER TABLE s.t ADD FOREIGN KEY(z) REFERENCES r (id);

CREATE INDEX ix_s_t_z ON s.t (z);

ALTER TABLE s.t ALTER COLUMN z SET NOT NULL;

ALTER TABLE s.t ALTER COLUMN z SET DEFAULT 5;

ALTER TABLE s.t ALTER COLUMN z TYPE BIGINT;

COMMENT ON COLUMN s.t.z IS NULL;

ALTER TABLE s.t RENAME COLUMN z TO zz;

ALTER TABLE s.t ADD CONSTRAINT uq UNIQUE (a, b);

ALTER TABLE s.t ADD CONSTRAINT fk FOREIGN KEY(a) REFERENCES s.r (id) ON DELETE CASCADE;

ALTER TABLE s.t ADD CONSTRAINT ck CHECK (a > 5);

ALTER TABLE s.t ADD CONSTRAINT pk PRIMARY KEY (a);

ALTER TABLE s.t DROP CONSTRAINT IF EXISTS fk;

CREATE UNIQUE INDEX IF NOT EXISTS ix ON s.t (n, lower(n));

DROP INDEX IF EXISTS s.ix;

COMMENT ON TABLE s.t IS 'it''s';

COMMENT ON TABLE s.t IS NULL;

ALTER TABLE s.t DROP COLUMN zz;

ALTER TABLE s.t RENAME TO u;

DROP TABLE IF EXISTS s.u;

"""


def test_offline_execute_with_parameters_is_refused():
    from mig.errors import OfflineError

    impl = DialectImpl(postgresql.dialect(), as_sql=True, output=io.StringIO())
    with pytest.raises(OfflineError, match=r"op\.inline_literal"):
        impl.execute(sa.text("SELECT :x"), {"x": 1})
    with pytest.raises(OfflineError, match="--sql mode"):
        impl.require_connection("reflecting the table")


def test_constructs_compile_for_any_dialect():
    pg = postgresql.dialect()
    compiled = [str(c.compile(dialect=pg)) for c in (
        RenameTable("a", "b", schema="s"),
        AddColumn("a", sa.Table("a", sa.MetaData(), sa.Column("x", sa.Integer, nullable=False)).c.x),
        DropColumn("a", "x", if_exists=True),
        ColumnNullable("a", "x", True),
        ColumnType("a", "x", sa.Text, using=sa.text("x::text")),
        ColumnDefault("a", "x", "it's"),
        ColumnDefault("a", "x", None),
        ColumnName("a", "select", "order"),
        ColumnComment("a", "x", "c"),
    )]
    assert compiled == [
        "ALTER TABLE s.a RENAME TO b",
        "ALTER TABLE a ADD COLUMN x INTEGER NOT NULL",
        "ALTER TABLE a DROP COLUMN IF EXISTS x",
        "ALTER TABLE a ALTER COLUMN x DROP NOT NULL",
        "ALTER TABLE a ALTER COLUMN x TYPE TEXT USING x::text",
        "ALTER TABLE a ALTER COLUMN x SET DEFAULT 'it''s'",
        "ALTER TABLE a ALTER COLUMN x DROP DEFAULT",
        'ALTER TABLE a RENAME COLUMN "select" TO "order"',
        "COMMENT ON COLUMN a.x IS 'c'",
    ]


def test_constructs_execute_on_a_plain_sqlalchemy_connection(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE a (id INTEGER PRIMARY KEY, old TEXT, gone TEXT)")
        conn.execute(RenameTable("a", "b"))
        conn.execute(ColumnName("b", "old", "new"))
        conn.execute(DropColumn("b", "gone"))
        added = sa.Table("b", sa.MetaData(), sa.Column("n", sa.Integer, server_default="3")).c.n
        conn.execute(AddColumn("b", added))
    insp = sa.inspect(engine)
    assert insp.get_table_names() == ["b"]
    assert [(c["name"], c["default"]) for c in insp.get_columns("b")] == [
        ("id", None), ("new", None), ("n", "'3'")]
    engine.dispose()
