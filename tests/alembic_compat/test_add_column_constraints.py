"""``op.add_column`` keeps the column's inline constraints, and ``inline_references`` / ``inline_primary_key``, as Alembic's."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig.errors import MigrationFailedError, NotSupportedError

TABLES = """
    op.create_table("p", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
    op.create_table("k", sa.Column("x", sa.Integer))
"""

COLUMNS = """
    op.add_column("t", sa.Column("n2", sa.Integer, sa.CheckConstraint("n2 > 0")))
    op.add_column("t", sa.Column("flag", sa.Boolean(create_constraint=True, name="ck_flag")))
    op.add_column("t", sa.Column("kind", sa.Enum("a", "b", native_enum=False, create_constraint=True,
                                                 name="ck_kind")))
    op.add_column("t", sa.Column("pid", sa.Integer, sa.ForeignKey("p.id")), inline_references=True)
    op.add_column("t", sa.Column("pid2", sa.Integer, sa.ForeignKey("p.id", ondelete="CASCADE")),
                  inline_references=True)
    op.add_column("k", sa.Column("id", sa.Integer, primary_key=True), inline_primary_key=True)
"""

NAMED_CHECK = '    op.add_column("t", sa.Column("n", sa.Integer, sa.CheckConstraint("n > 0", name="ck_n")))'
SEPARATE_FK = '    op.add_column("t", sa.Column("pid3", sa.Integer, sa.ForeignKey("p.id")))'


def test_offline_postgresql_like_alembic(offline_pair) -> None:
    pair = offline_pair("postgresql://")
    pair.write("a1", None, TABLES)
    pair.write("b2", "a1", NAMED_CHECK + "\n" + COLUMNS + "\n" + SEPARATE_FK)
    assert pair.mig.statements("a1:b2") == pair.alembic.statements("a1:b2") == [
        "ALTER TABLE t ADD COLUMN n INTEGER CONSTRAINT ck_n CHECK (n > 0)",
        "ALTER TABLE t ADD COLUMN n2 INTEGER CHECK (n2 > 0)",
        "ALTER TABLE t ADD COLUMN flag BOOLEAN",
        "ALTER TABLE t ADD COLUMN kind VARCHAR(1)",
        "ALTER TABLE t ADD CONSTRAINT ck_kind CHECK (kind IN ('a', 'b'))",
        "ALTER TABLE t ADD COLUMN pid INTEGER REFERENCES p (id)",
        "ALTER TABLE t ADD COLUMN pid2 INTEGER REFERENCES p (id) ON DELETE CASCADE",
        "ALTER TABLE k ADD COLUMN id SERIAL NOT NULL PRIMARY KEY",
        "ALTER TABLE t ADD COLUMN pid3 INTEGER",
        "ALTER TABLE t ADD FOREIGN KEY(pid3) REFERENCES p (id)",
    ]


def test_offline_mysql_like_alembic_but_a_named_check_apart(offline_pair) -> None:
    pair = offline_pair("mysql+pymysql://")
    pair.write("a1", None, TABLES)
    pair.write("b2", "a1", COLUMNS + "\n" + SEPARATE_FK)
    assert pair.mig.statements("a1:b2") == pair.alembic.statements("a1:b2") == [
        "ALTER TABLE t ADD COLUMN n2 INTEGER CHECK (n2 > 0)",
        "ALTER TABLE t ADD COLUMN flag BOOL",
        "ALTER TABLE t ADD CONSTRAINT ck_flag CHECK (flag IN (0, 1))",
        "ALTER TABLE t ADD COLUMN kind VARCHAR(1)",
        "ALTER TABLE t ADD CONSTRAINT ck_kind CHECK (kind IN ('a', 'b'))",
        "ALTER TABLE t ADD COLUMN pid INTEGER REFERENCES p (id)",
        "ALTER TABLE t ADD COLUMN pid2 INTEGER REFERENCES p (id) ON DELETE CASCADE",
        "ALTER TABLE k ADD COLUMN id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY",
        "ALTER TABLE t ADD COLUMN pid3 INTEGER",
        "ALTER TABLE t ADD FOREIGN KEY(pid3) REFERENCES p (id)",
    ]
    # MariaDB's column definition has no CONSTRAINT name CHECK: Alembic writes it (and MariaDB
    # refuses it); mig adds the named check after the column
    pair.mig.write("b2", "a1", NAMED_CHECK, "pass", None)
    assert pair.mig.statements("a1:b2") == [
        "ALTER TABLE t ADD COLUMN n INTEGER", "ALTER TABLE t ADD CONSTRAINT ck_n CHECK (n > 0)"]


def test_offline_sqlite_writes_every_constraint_inline(offline_pair) -> None:
    pair = offline_pair("sqlite:///unused.db")
    pair.mig.write("a1", None, TABLES, "pass", None)
    pair.mig.write("b2", "a1", NAMED_CHECK + "\n" + COLUMNS.rsplit("\n", 2)[0] + "\n" + SEPARATE_FK, "pass", None)
    assert pair.mig.statements("a1:b2") == [
        "ALTER TABLE t ADD COLUMN n INTEGER CONSTRAINT ck_n CHECK (n > 0)",
        "ALTER TABLE t ADD COLUMN n2 INTEGER CHECK (n2 > 0)",
        # Alembic leaves the type's checks out on SQLite (with a warning); mig keeps them
        "ALTER TABLE t ADD COLUMN flag BOOLEAN CONSTRAINT ck_flag CHECK (flag IN (0, 1))",
        "ALTER TABLE t ADD COLUMN kind VARCHAR(1) CONSTRAINT ck_kind CHECK (kind IN ('a', 'b'))",
        "ALTER TABLE t ADD COLUMN pid INTEGER REFERENCES p (id)",
        "ALTER TABLE t ADD COLUMN pid2 INTEGER REFERENCES p (id) ON DELETE CASCADE",
        # Alembic raises NotImplementedError here; SQLite takes REFERENCES in ADD COLUMN
        "ALTER TABLE t ADD COLUMN pid3 INTEGER REFERENCES p (id)",
    ]


def test_named_inline_reference_keeps_its_name(offline_pair) -> None:
    pair = offline_pair("postgresql://")
    pair.mig.write("a1", None, TABLES, "pass", None)
    pair.mig.write("b2", "a1", 'op.add_column("t", sa.Column("pid", sa.Integer, sa.ForeignKey("p.id", name="fk_p")), '
                               "inline_references=True)", "pass", None)
    # Alembic writes the REFERENCES without the name (PostgreSQL then names it t_pid_fkey)
    assert pair.mig.statements("a1:b2") == ["ALTER TABLE t ADD COLUMN pid INTEGER CONSTRAINT fk_p REFERENCES p (id)"]


ONLINE = """
    op.add_column("t", sa.Column("n2", sa.Integer, sa.CheckConstraint("n2 > 0")))
    op.add_column("t", sa.Column("flag", sa.Boolean(create_constraint=True, name="ck_flag")))
    op.add_column("t", sa.Column("kind", sa.Enum("a", "b", native_enum=False, create_constraint=True,
                                                 name="ck_kind")))
    op.add_column("t", sa.Column("pid", sa.Integer, sa.ForeignKey("p.id", ondelete="CASCADE")),
                  inline_references=True)
    op.execute("INSERT INTO p (id) VALUES (1)")
    op.execute("INSERT INTO t (id, n2, flag, kind, pid) VALUES (1, 5, true, 'a', 1)")
"""


def _refused(tool, sql: str) -> bool:
    engine = tool.engine()
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA foreign_keys = ON")
            conn.exec_driver_sql(sql)
    except sa.exc.DBAPIError:
        return True
    finally:
        engine.dispose()
    return False


BAD = ["INSERT INTO t (id, n2) VALUES (2, -1)", "INSERT INTO t (id, kind) VALUES (3, 'z')",
       "INSERT INTO t (id, pid) VALUES (4, 99)"]


def test_online_on_servers_like_alembic(server_side_by_side) -> None:
    pair = server_side_by_side
    pair.write("a1", None, TABLES)
    pair.write("b2", "a1", ONLINE)
    pair.upgrade()
    schema = pair.assert_same_schema()
    assert {name for name, _ in schema["t"]["checks"]} >= {"ck_kind"}
    assert [fk[1:] for fk in schema["t"]["fks"]] == [(("pid",), "p", ("id",))]
    assert pair.assert_same_rows("SELECT id, n2, kind, pid FROM t") == [(1, 5, "a", 1)]
    for sql in BAD:
        assert _refused(pair.mig, sql) and _refused(pair.alembic, sql), sql
    # ON DELETE CASCADE came with the REFERENCES
    for tool in pair.tools:
        assert not _refused(tool, "DELETE FROM p WHERE id = 1")
        assert tool.rows("SELECT count(*) FROM t") == [(0,)]


def test_online_sqlite_keeps_checks_and_references(offline_pair, tmp_path) -> None:
    mig = offline_pair(f"sqlite:///{tmp_path / 'mig.db'}").mig
    mig.write("a1", None, TABLES, "pass", None)
    mig.write("b2", "a1", ONLINE + "\n" + SEPARATE_FK, "pass", None)
    mig.upgrade()
    schema = mig.schema()
    assert schema["t"]["checks"] == [("", "n2 > 0"), ("ck_flag", "flag IN (0, 1)"),
                                     ("ck_kind", "kind IN ('a', 'b')")]
    assert [fk[1:] for fk in schema["t"]["fks"]] == [(("pid",), "p", ("id",)), (("pid3",), "p", ("id",))]
    for sql in [*BAD, "INSERT INTO t (id, flag) VALUES (5, 7)", "INSERT INTO t (id, pid3) VALUES (6, 99)"]:
        assert _refused(mig, sql), sql
    assert mig.rows("SELECT id, n2, kind, pid FROM t") == [(1, 5, "a", 1)]


def test_sqlite_refuses_inline_primary_key(offline_pair, tmp_path) -> None:
    mig = offline_pair(f"sqlite:///{tmp_path / 'mig.db'}").mig
    mig.write("a1", None, TABLES, "pass", None)
    mig.write("b2", "a1", 'op.add_column("k", sa.Column("id", sa.Integer, primary_key=True), '
                          "inline_primary_key=True)", "pass", None)
    with pytest.raises(MigrationFailedError) as info:
        mig.upgrade()
    assert isinstance(info.value.__cause__, NotSupportedError)
    assert str(info.value.__cause__) == (
        "SQLite cannot add a PRIMARY KEY column on an existing table; use "
        "`with op.batch_alter_table('k') as batch_op:` (table 'k'), column 'id'")


@pytest.mark.postgresql
def test_batch_add_column_takes_the_keywords_too(postgresql_side_by_side) -> None:
    pair = postgresql_side_by_side
    pair.write("a1", None, TABLES)
    pair.write("b2", "a1", """
        with op.batch_alter_table("t") as batch_op:
            batch_op.add_column(sa.Column("pid", sa.Integer, sa.ForeignKey("p.id")), inline_references=True)
        with op.batch_alter_table("k") as batch_op:
            batch_op.add_column(sa.Column("id", sa.Integer, primary_key=True), inline_primary_key=True)
    """)
    pair.upgrade()
    schema = pair.assert_same_schema()
    assert schema["k"]["pk"] == ["id"]
    assert [fk[1:] for fk in schema["t"]["fks"]] == [(("pid",), "p", ("id",))]
