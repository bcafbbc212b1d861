"""The model of the acceptance tests: every generic SQLAlchemy type, each dialect's own types, every object kind."""

from __future__ import annotations

import sqlalchemy as sa

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s",
          "pk": "pk_%(table_name)s"}

#: The schema the PostgreSQL model's second schema is called (created by the test).
OTHER_SCHEMA = "other"


def generic_columns() -> list[sa.Column[object]]:
    """One column per generic type, with server defaults of many forms."""
    return [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("s", sa.String(40), nullable=False, server_default="x"),
        sa.Column("s_quote", sa.String(40), server_default="it's"),
        sa.Column("s_empty", sa.String(10), server_default=""),
        sa.Column("t", sa.Text, comment="a text"),
        sa.Column("u", sa.Unicode(30)),
        sa.Column("ut", sa.UnicodeText),
        sa.Column("i", sa.Integer, server_default=sa.text("0")),
        sa.Column("i_str", sa.Integer, server_default="7"),
        sa.Column("i_neg", sa.Integer, server_default=sa.text("-1")),
        sa.Column("si", sa.SmallInteger, server_default=sa.text("1")),
        sa.Column("bi", sa.BigInteger),
        sa.Column("num", sa.Numeric(10, 2), server_default=sa.text("1.50")),
        sa.Column("num_p", sa.Numeric(8)),
        sa.Column("f", sa.Float),
        sa.Column("f_p", sa.Float(precision=53)),
        sa.Column("dbl", sa.Double),
        sa.Column("b", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("b_false", sa.Boolean, server_default=sa.false()),
        sa.Column("d", sa.Date),
        sa.Column("dt", sa.DateTime, server_default=sa.func.current_timestamp()),
        sa.Column("dt_now", sa.DateTime, server_default=sa.func.now()),
        sa.Column("dt_tz", sa.DateTime(timezone=True)),
        sa.Column("tm", sa.Time),
        sa.Column("iv", sa.Interval),
        sa.Column("lb", sa.LargeBinary),
        sa.Column("e_native", sa.Enum("a", "b", "c", name="color")),
        sa.Column("e_plain", sa.Enum("x", "y", name="letter", native_enum=False)),
        sa.Column("e_check", sa.Enum("p", "q", name="pq", native_enum=False, create_constraint=True)),
        sa.Column("b_check", sa.Boolean(create_constraint=True, name="flag_bool")),
        sa.Column("j", sa.JSON),
        sa.Column("uid", sa.Uuid),
        sa.Column("uid_str", sa.Uuid(as_uuid=False)),
        sa.Column("pk_obj", sa.PickleType),
        sa.Column("ch", sa.CHAR(3)),
        sa.Column("py_default", sa.Integer, default=5),
        sa.Column("total", sa.Integer, sa.Computed("i + si", persisted=True)),
        sa.CheckConstraint("i >= -1", name="i_floor"),
        sa.Index("ix_generic_s_i", "s", "i"),
        sa.Index("ix_generic_u", "u", unique=True),
    ]


def _keys(md: sa.MetaData, schema: str | None = None) -> None:
    """Composite primary key, unique constraints, foreign keys with actions, identity, indexes."""
    sa.Table(
        "parent", md,
        sa.Column("a", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("b", sa.String(20), primary_key=True),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("label", sa.String(50), comment="shown to users"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("label", "code", name="uq_parent_label_code"),
        comment="a parent row",
        schema=schema,
    )
    prefix = f"{schema}." if schema else ""
    sa.Table(
        "child", md,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("pa", sa.Integer, nullable=False),
        sa.Column("pb", sa.String(20), nullable=False),
        sa.Column("code", sa.String(20), sa.ForeignKey(f"{prefix}parent.code", ondelete="SET NULL",
                                                         onupdate="CASCADE")),
        sa.Column("n", sa.Integer, index=True),
        sa.ForeignKeyConstraint(["pa", "pb"], [f"{prefix}parent.a", f"{prefix}parent.b"], ondelete="CASCADE"),
        sa.CheckConstraint("n > 0", name="n_positive"),
        sa.Index("ix_child_pa_n", "pa", "n"),
        schema=schema,
    )


def build(dialect: str) -> sa.MetaData:
    """The whole model for ``dialect`` (``"sqlite"``, ``"postgresql"``, ``"mysql"``/``"mariadb"``)."""
    md = sa.MetaData(naming_convention=NAMING)
    generic = sa.Table("generic", md, *generic_columns(), comment="every generic type")
    if dialect not in ("mysql", "mariadb"):  # MariaDB has no expression indexes
        sa.Index("ix_generic_lower_s", sa.func.lower(generic.c.s))
    _keys(md)
    if dialect == "postgresql":
        _postgresql(md)
    elif dialect in ("mysql", "mariadb"):
        _mysql(md)
    else:
        _sqlite(md)
    return md


def _postgresql(md: sa.MetaData) -> None:
    from sqlalchemy.dialects import postgresql as pg

    mood = pg.ENUM("sad", "ok", "happy", name="mood")
    t = sa.Table(
        "pg_types", md,
        sa.Column("id", sa.Integer, sa.Identity(start=10, increment=5), primary_key=True),
        sa.Column("serial_like", sa.BigInteger, sa.Identity(always=True)),
        sa.Column("jb", pg.JSONB, server_default=sa.text("'{}'::jsonb")),
        sa.Column("js", pg.JSON),
        sa.Column("arr", pg.ARRAY(sa.Integer)),
        sa.Column("arr_txt", pg.ARRAY(sa.String(20)), server_default=sa.text("'{}'")),
        sa.Column("arr2", pg.ARRAY(sa.Integer, dimensions=2)),
        sa.Column("ip", pg.INET),
        sa.Column("net", pg.CIDR),
        sa.Column("mac", pg.MACADDR),
        sa.Column("tsv", pg.TSVECTOR),
        sa.Column("u", pg.UUID, server_default=sa.text("gen_random_uuid()")),
        sa.Column("mood", mood, server_default="ok"),
        sa.Column("mood2", mood),
        sa.Column("iv", pg.INTERVAL(fields="DAY TO SECOND")),
        sa.Column("iv_p", pg.INTERVAL(precision=3)),
        sa.Column("by", pg.BYTEA),
        sa.Column("money", pg.MONEY),
        sa.Column("ts", pg.TIMESTAMP(timezone=True, precision=3), server_default=sa.text("now()")),
        sa.Column("ts_plain", pg.TIMESTAMP, server_default=sa.text("CURRENT_TIMESTAMP")),
        sa.Column("tm_tz", pg.TIME(timezone=True)),
        sa.Column("dp", pg.DOUBLE_PRECISION),
        sa.Column("real", pg.REAL),
        sa.Column("cit", pg.CITEXT) if False else sa.Column("bit", pg.BIT(3)),
        sa.Column("range", pg.INT4RANGE),
        sa.Column("hs", pg.HSTORE) if False else sa.Column("oid", pg.OID),
        sa.Column("d_expr", sa.Date, server_default=sa.text("CURRENT_DATE")),
        sa.Column("n_default", sa.Numeric(6, 2), server_default=sa.text("0")),
        sa.Column("txt_cast", sa.Text, server_default=sa.text("'abc'::text")),
        sa.Column("cnt", sa.Integer, nullable=False),
        sa.Column("flag", sa.Boolean, server_default=sa.text("false")),
        sa.UniqueConstraint("cnt", name="uq_pg_types_cnt_deferrable", deferrable=True, initially="DEFERRED"),
        comment="PostgreSQL types",
    )
    sa.Index("ix_pg_types_partial", t.c.cnt, postgresql_where=t.c.cnt > 0)
    sa.Index("ix_pg_types_jb", t.c.jb, postgresql_using="gin")
    sa.Index("ix_pg_types_unique_lower", sa.func.lower(t.c.txt_cast), unique=True)
    sa.Table(
        "pg_ref", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("types_id", sa.ForeignKey("pg_types.id", deferrable=True, initially="DEFERRED",
                                            ondelete="RESTRICT")),
        sa.Column("other_mood", pg.ENUM("x", "y", name="other_enum", schema=OTHER_SCHEMA)),
    )
    _keys(md, schema=OTHER_SCHEMA)


def _mysql(md: sa.MetaData) -> None:
    from sqlalchemy.dialects import mysql

    sa.Table(
        "my_types", md,
        sa.Column("id", mysql.INTEGER(unsigned=True), primary_key=True),
        sa.Column("ti", mysql.TINYINT),
        sa.Column("ti1", mysql.TINYINT(1)),
        sa.Column("tiu", mysql.TINYINT(unsigned=True), server_default=sa.text("3")),
        sa.Column("mi", mysql.MEDIUMINT),
        sa.Column("bi_w", mysql.BIGINT(20)),
        sa.Column("mt", mysql.MEDIUMTEXT),
        sa.Column("lt", mysql.LONGTEXT),
        sa.Column("tt", mysql.TINYTEXT),
        sa.Column("vc_cs", mysql.VARCHAR(30, charset="utf8mb4", collation="utf8mb4_bin")),
        sa.Column("st", mysql.SET("r", "w", "x")),
        sa.Column("en", mysql.ENUM("on", "off"), server_default="off"),
        sa.Column("yr", mysql.YEAR),
        sa.Column("dbl", mysql.DOUBLE),
        sa.Column("dbl_p", mysql.DOUBLE(precision=10, scale=2)),
        sa.Column("fl", mysql.FLOAT),
        sa.Column("dec", mysql.DECIMAL(12, 4), server_default=sa.text("0")),
        sa.Column("bit", mysql.BIT(4)),
        sa.Column("dt6", mysql.DATETIME(fsp=6)),
        sa.Column("ts", mysql.TIMESTAMP, server_default=sa.text("CURRENT_TIMESTAMP")),
        sa.Column("ts_upd", mysql.TIMESTAMP, nullable=True,
                  server_default=sa.text("CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP")),
        sa.Column("mb", mysql.MEDIUMBLOB),
        sa.Column("lb", mysql.LONGBLOB),
        sa.Column("vbin", mysql.VARBINARY(16)),
        sa.Column("js", mysql.JSON),
        sa.Column("nul", sa.String(10), server_default=sa.null()) if False else sa.Column("nv", mysql.NVARCHAR(20)),
        comment="MySQL types",
        mysql_engine="InnoDB",
    )


def _sqlite(md: sa.MetaData) -> None:
    from sqlalchemy.dialects import sqlite

    sa.Table(
        "lite_types", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dt", sqlite.DATETIME),
        sa.Column("d", sqlite.DATE),
        sa.Column("tm", sqlite.TIME),
        sa.Column("js", sqlite.JSON),
        sa.Column("n", sa.NUMERIC, server_default=sa.text("(1 + 1)")),
        sa.Column("r", sa.REAL),
        sa.Column("blob", sa.BLOB),
        sa.Column("str_default", sa.String(5), server_default=sa.text("'abc'")),
        sa.Column("ts", sa.DateTime, server_default=sa.text("(datetime('now'))")),
    )
