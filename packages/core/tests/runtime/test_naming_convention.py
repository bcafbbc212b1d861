"""``target_metadata``'s naming convention names what operations create, as in Alembic.

With ``context.configure(target_metadata=MetaData(naming_convention=...))``
constraints and indexes that operations create unnamed get conventional
names, names given for conventions that use ``%(constraint_name)s`` are
converted (``drop_constraint`` too), and ``op.f()`` names are left alone.
Without ``target_metadata`` nothing changes. Checked on real SQLite files,
on PostgreSQL (reflected names) and in offline SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig import op
from mig.testing import servers
from mig.testing.project import MigrationRunner

CONVENTION = {
    "ix": "idx_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

NAMED_CONVENTION = {
    "uq": "uq_%(table_name)s_%(constraint_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
}


def runner_for(tmp_path: Path, url: str, convention: dict[str, str] | None, label: str = "p",
               **kw: Any) -> MigrationRunner:
    options = {"target_metadata": sa.MetaData(naming_convention=convention)} if convention is not None else {}
    return MigrationRunner(tmp_path / label, url, configure_options=options, **kw)


def run_online(tmp_path: Path, url: str, convention: dict[str, str] | None, body: Callable[[], None],
               label: str = "p") -> None:
    """Upgrade ``url`` through one revision whose ``upgrade()`` is ``body``."""
    with runner_for(tmp_path, url, convention, label) as runner:
        runner.run(body)


def offline_sql(tmp_path: Path, url: str, convention: dict[str, str] | None, body: Callable[[], None],
                label: str = "p") -> str:
    """The ``--sql`` output of one revision whose ``upgrade()`` is ``body`` (version table ``mig_version``)."""
    with runner_for(tmp_path, url, convention, label, version_table="mig_version") as runner:
        runner.add(body)
        return runner.sql()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'nc.db'}"


class Reflected:
    """Constraint and index names of one table, as the database reports them."""

    def __init__(self, url: str, table: str) -> None:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                insp = sa.inspect(conn)
                self.pk = insp.get_pk_constraint(table)["name"]
                self.uniques = sorted((u["name"], tuple(u["column_names"])) for u in insp.get_unique_constraints(table))
                self.checks = sorted(c["name"] for c in insp.get_check_constraints(table))
                self.fks = sorted((f["name"], tuple(f["constrained_columns"]), f["referred_table"])
                                  for f in insp.get_foreign_keys(table))
                self.indexes = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                                      for i in insp.get_indexes(table)
                                      if not i.get("duplicates_constraint"))
        finally:
            engine.dispose()


def create_parent_child(parent: str = "parent", child: str = "child", *,
                        unnamed_index: bool = True) -> Callable[[], None]:
    def upgrade() -> None:
        op.create_table(parent, sa.Column("id", sa.Integer, primary_key=True))
        op.create_table(
            child,
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("email", sa.String(80)),
            sa.Column("age", sa.Integer, index=True),
            sa.Column("parent_id", sa.Integer),
            sa.UniqueConstraint("email"),
            sa.CheckConstraint("age > 0"),
            sa.ForeignKeyConstraint(["parent_id"], [f"{parent}.id"]),
        )
        op.add_column(child, sa.Column("code", sa.String(10), index=True))
        if unnamed_index:
            op.create_index(None, child, ["parent_id"])
        op.create_index(op.f("explicit_ix"), child, ["email", "age"])
        op.create_index("given_ix", child, ["code", "age"])

    return upgrade


# -- SQLite --------------------------------------------------------------------------------------


def test_sqlite_create_table_names_follow_the_convention(tmp_path: Path, sqlite_url: str) -> None:
    run_online(tmp_path, sqlite_url, CONVENTION, create_parent_child())
    child = Reflected(sqlite_url, "child")
    assert child.pk == "pk_child"
    assert child.uniques == [("uq_child_email", ("email",))]
    assert child.checks == ["ck_child"]
    assert child.fks == [("fk_child_parent_id_parent", ("parent_id",), "parent")]
    assert child.indexes == [
        ("explicit_ix", ("email", "age"), False),
        ("given_ix", ("code", "age"), False),
        ("idx_child_age", ("age",), False),
        ("idx_child_code", ("code",), False),
        ("idx_child_parent_id", ("parent_id",), False),
    ]
    assert Reflected(sqlite_url, "parent").pk == "pk_parent"
    engine = sa.create_engine(sqlite_url)
    with engine.connect() as conn:
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'child'").scalar()
    engine.dispose()
    assert sql == (
        "CREATE TABLE child (\n\tid INTEGER NOT NULL, \n\temail VARCHAR(80), \n\tage INTEGER, \n\t"
        "parent_id INTEGER, code VARCHAR(10), \n\tCONSTRAINT pk_child PRIMARY KEY (id), \n\t"
        "CONSTRAINT uq_child_email UNIQUE (email), \n\tCONSTRAINT ck_child CHECK (age > 0), \n\t"
        "CONSTRAINT fk_child_parent_id_parent FOREIGN KEY(parent_id) REFERENCES parent (id)\n)")


def test_sqlite_without_target_metadata_names_are_unchanged(tmp_path: Path, sqlite_url: str) -> None:
    run_online(tmp_path, sqlite_url, None, create_parent_child())
    child = Reflected(sqlite_url, "child")
    assert child.pk is None
    assert child.uniques == [(None, ("email",))]
    assert child.checks == [None]
    assert child.fks == [(None, ("parent_id",), "parent")]
    # SQLAlchemy's own default convention for indexes: ix_<table>_<column>
    assert child.indexes == [
        ("explicit_ix", ("email", "age"), False),
        ("given_ix", ("code", "age"), False),
        ("ix_child_age", ("age",), False),
        ("ix_child_code", ("code",), False),
        ("ix_child_parent_id", ("parent_id",), False),
    ]


def test_sqlite_default_convention_in_target_metadata_changes_nothing(tmp_path: Path, sqlite_url: str) -> None:
    """A ``MetaData()`` without a convention of its own is the same as no target_metadata."""
    run_online(tmp_path, sqlite_url, {}, create_parent_child(), "with")
    child = Reflected(sqlite_url, "child")
    assert child.pk is None and child.uniques == [(None, ("email",))]
    assert ("ix_child_age", ("age",), False) in child.indexes
    # the two scripts differ (so do their checksums in the log rows); the SQL they run does not
    assert (_without_checksums(offline_sql(tmp_path, "sqlite://", {}, create_parent_child(), "offline_with"))
            == _without_checksums(offline_sql(tmp_path, "sqlite://", None, create_parent_child(),
                                              "offline_without")))


def _without_checksums(sql: str) -> str:
    import re

    return re.sub(r"'[0-9a-f]{64}'", "'<checksum>'", sql)


def test_sqlite_offline_sql_with_convention(tmp_path: Path) -> None:
    sql = offline_sql(tmp_path, "sqlite://", CONVENTION, create_parent_child())
    assert ("CREATE TABLE child (\n    id INTEGER NOT NULL,\n    email VARCHAR(80),\n    age INTEGER,\n"
            "    parent_id INTEGER,\n    CONSTRAINT pk_child PRIMARY KEY (id),\n"
            "    CONSTRAINT uq_child_email UNIQUE (email),\n    CONSTRAINT ck_child CHECK (age > 0),\n"
            "    CONSTRAINT fk_child_parent_id_parent FOREIGN KEY(parent_id) REFERENCES parent (id)\n);\n\n"
            "CREATE INDEX idx_child_age ON child (age);\n\n"
            "ALTER TABLE child ADD COLUMN code VARCHAR(10);\n\n"
            "CREATE INDEX idx_child_code ON child (code);\n\n"
            "CREATE INDEX idx_child_parent_id ON child (parent_id);\n\n"
            "CREATE INDEX explicit_ix ON child (email, age);\n\n"
            "CREATE INDEX given_ix ON child (code, age);\n\n") in sql
    assert "CREATE TABLE parent (\n    id INTEGER NOT NULL,\n    CONSTRAINT pk_parent PRIMARY KEY (id)\n);" in sql


# -- offline PostgreSQL: %(constraint_name)s conventions convert given names ---------------------------


def constraint_ops(unnamed: bool) -> Callable[[], None]:
    def upgrade() -> None:
        op.create_unique_constraint("email", "t", ["email"])
        op.create_check_constraint("positive", "t", "age > 0")
        op.create_foreign_key("owner", "t", "u", ["u_id"], ["id"])
        op.create_unique_constraint(op.f("keep_me"), "t", ["code"])
        if unnamed:  # a %(constraint_name)s convention refuses unnamed constraints
            op.create_unique_constraint(None, "t", ["a", "b"])
        more_constraint_ops()

    return upgrade


def more_constraint_ops() -> None:
    op.drop_constraint("email", "t", type_="unique")
    op.drop_constraint("positive", "t", type_="check")
    op.drop_constraint("owner", "t", type_="foreignkey")
    op.drop_constraint(op.f("keep_me"), "t", type_="unique")
    op.create_table("w", sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer),
                    sa.CheckConstraint("n > 1", name="big"), sa.UniqueConstraint("n", name=op.f("w_n_final")))


def offline_pg(tmp_path: Path, convention: dict[str, str] | None, label: str) -> list[str]:
    sql = offline_sql(tmp_path, "postgresql+psycopg://", convention,
                      constraint_ops(unnamed=convention is not NAMED_CONVENTION), label)
    lines = [line for line in sql.splitlines() if not line.startswith("-- ")]
    statements = [s.strip() for s in "\n".join(lines).split(";\n")]
    return [s for s in statements if "mig_version" not in s and (
        "CONSTRAINT" in s or "CREATE TABLE w" in s or s.startswith("ALTER TABLE t ADD UNIQUE"))]


def test_offline_constraint_name_convention_converts_given_names(tmp_path: Path) -> None:
    assert offline_pg(tmp_path, NAMED_CONVENTION, "named") == [
        "ALTER TABLE t ADD CONSTRAINT uq_t_email UNIQUE (email)",
        "ALTER TABLE t ADD CONSTRAINT ck_t_positive CHECK (age > 0)",
        "ALTER TABLE t ADD CONSTRAINT fk_t_owner FOREIGN KEY(u_id) REFERENCES u (id)",
        "ALTER TABLE t ADD CONSTRAINT keep_me UNIQUE (code)",
        "ALTER TABLE t DROP CONSTRAINT uq_t_email",
        "ALTER TABLE t DROP CONSTRAINT ck_t_positive",
        "ALTER TABLE t DROP CONSTRAINT fk_t_owner",
        "ALTER TABLE t DROP CONSTRAINT keep_me",
        "CREATE TABLE w (\n    id SERIAL NOT NULL,\n    n INTEGER,\n    CONSTRAINT pk_w PRIMARY KEY (id),\n"
        "    CONSTRAINT ck_w_big CHECK (n > 1),\n    CONSTRAINT w_n_final UNIQUE (n)\n)",
    ]


def test_offline_mysql_drop_constraint_converts_given_names(tmp_path: Path) -> None:
    """MySQL's own ``DROP CONSTRAINT`` / ``DROP FOREIGN KEY`` / ``DROP INDEX`` find the converted name too."""
    sql = offline_sql(tmp_path, "mysql+pymysql://", NAMED_CONVENTION, more_constraint_ops, "my")
    drops = [line.rstrip(";") for line in sql.splitlines() if " DROP " in line]
    assert drops == ["ALTER TABLE t DROP INDEX uq_t_email", "ALTER TABLE t DROP CONSTRAINT ck_t_positive",
                     "ALTER TABLE t DROP FOREIGN KEY fk_t_owner", "ALTER TABLE t DROP INDEX keep_me"]


def test_offline_without_target_metadata_names_are_as_given(tmp_path: Path) -> None:
    assert offline_pg(tmp_path, None, "none") == [
        "ALTER TABLE t ADD CONSTRAINT email UNIQUE (email)",
        "ALTER TABLE t ADD CONSTRAINT positive CHECK (age > 0)",
        "ALTER TABLE t ADD CONSTRAINT owner FOREIGN KEY(u_id) REFERENCES u (id)",
        "ALTER TABLE t ADD CONSTRAINT keep_me UNIQUE (code)",
        "ALTER TABLE t ADD UNIQUE (a, b)",
        "ALTER TABLE t DROP CONSTRAINT email",
        "ALTER TABLE t DROP CONSTRAINT positive",
        "ALTER TABLE t DROP CONSTRAINT owner",
        "ALTER TABLE t DROP CONSTRAINT keep_me",
        "CREATE TABLE w (\n    id SERIAL NOT NULL,\n    n INTEGER,\n    PRIMARY KEY (id),\n"
        "    CONSTRAINT big CHECK (n > 1),\n    CONSTRAINT w_n_final UNIQUE (n)\n)",
    ]


def test_offline_convention_without_constraint_name_keeps_given_names(tmp_path: Path) -> None:
    statements = offline_pg(tmp_path, CONVENTION, "plain")
    assert statements[:5] == [
        "ALTER TABLE t ADD CONSTRAINT email UNIQUE (email)",
        "ALTER TABLE t ADD CONSTRAINT positive CHECK (age > 0)",
        "ALTER TABLE t ADD CONSTRAINT owner FOREIGN KEY(u_id) REFERENCES u (id)",
        "ALTER TABLE t ADD CONSTRAINT keep_me UNIQUE (code)",
        "ALTER TABLE t ADD CONSTRAINT uq_t_a UNIQUE (a, b)",
    ]
    assert statements[5:9] == [f"ALTER TABLE t DROP CONSTRAINT {n}" for n in ("email", "positive", "owner",
                                                                                "keep_me")]


# -- PostgreSQL: names the database reports ---------------------------------------------------------


@pytest.fixture
def pg_url(mig_postgresql_database: str) -> str:
    return mig_postgresql_database


def pg_constraint_ops(parent: str, child: str) -> Callable[[], None]:
    def upgrade() -> None:
        op.create_table(parent, sa.Column("id", sa.Integer, primary_key=True))
        op.create_table(child, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.Text),
                        sa.Column("age", sa.Integer), sa.Column("parent_id", sa.Integer),
                        sa.Column("code", sa.Text))
        op.create_unique_constraint(None, child, ["email"])
        op.create_foreign_key(None, child, parent, ["parent_id"], ["id"])
        op.create_check_constraint(None, child, "age > 0")
        op.create_unique_constraint(op.f(f"{child}_explicit"), child, ["code"])

    return upgrade


@pytest.mark.postgresql
@pytest.mark.parametrize("with_convention", [True, False], ids=["convention", "database-chosen"])
def test_postgresql_unnamed_constraint_names(tmp_path: Path, pg_url: str, with_convention: bool) -> None:
    """With target_metadata's convention the names follow it; without, PostgreSQL chooses them."""
    parent, child = servers.unique_name("par"), servers.unique_name("chi")
    run_online(tmp_path, pg_url, CONVENTION if with_convention else None, pg_constraint_ops(parent, child))
    got = Reflected(pg_url, child)
    if with_convention:
        want = (f"pk_{child}", f"uq_{child}_email", f"fk_{child}_parent_id_{parent}", f"ck_{child}")
    else:
        want = (f"{child}_pkey", f"{child}_email_key", f"{child}_parent_id_fkey", f"{child}_age_check")
    assert got.pk == want[0]
    assert got.uniques == sorted([(want[1], ("email",)), (f"{child}_explicit", ("code",))])
    assert got.fks == [(want[2], ("parent_id",), parent)]
    assert got.checks == [want[3]]
    if with_convention:
        assert Reflected(pg_url, parent).pk == f"pk_{parent}"


@pytest.mark.postgresql
def test_postgresql_create_table_constraints_and_indexes(tmp_path: Path, pg_url: str) -> None:
    parent, child = servers.unique_name("par"), servers.unique_name("chi")
    run_online(tmp_path, pg_url, CONVENTION, create_parent_child(parent, child, unnamed_index=False))
    got = Reflected(pg_url, child)
    assert got.pk == f"pk_{child}"
    assert got.uniques == [(f"uq_{child}_email", ("email",))]
    assert got.checks == [f"ck_{child}"]
    assert got.fks == [(f"fk_{child}_parent_id_{parent}", ("parent_id",), parent)]
    assert got.indexes == sorted([
        ("explicit_ix", ("email", "age"), False),
        ("given_ix", ("code", "age"), False),
        (f"idx_{child}_age", ("age",), False),
        (f"idx_{child}_code", ("code",), False),
    ])


@pytest.mark.postgresql
def test_postgresql_unnamed_create_index_follows_the_convention(tmp_path: Path, pg_url: str) -> None:
    table = servers.unique_name("t")

    def upgrade() -> None:
        op.create_table(table, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.Integer))
        op.create_index(None, table, ["a"])

    run_online(tmp_path, pg_url, CONVENTION, upgrade)
    assert Reflected(pg_url, table).indexes == [(f"idx_{table}_a", ("a",), False)]


def test_offline_postgresql_unnamed_create_index(tmp_path: Path) -> None:
    """Offline: op.create_index(None, ...) follows the convention on PostgreSQL and SQLite alike."""
    def upgrade() -> None:
        op.create_index(None, "t", ["a"])

    assert "CREATE INDEX idx_t_a ON t (a);" in offline_sql(tmp_path, "postgresql+psycopg://", CONVENTION, upgrade)
    assert "CREATE INDEX idx_t_a ON t (a);" in offline_sql(tmp_path, "sqlite://", CONVENTION, upgrade, "sqlite")


@pytest.mark.postgresql
def test_postgresql_constraint_name_convention_create_and_drop(tmp_path: Path, pg_url: str) -> None:
    table = servers.unique_name("t")

    def upgrade() -> None:
        op.create_table(table, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.Text),
                        sa.Column("age", sa.Integer), sa.Column("code", sa.Text))
        op.create_unique_constraint("email", table, ["email"])
        op.create_check_constraint("positive", table, "age > 0")
        op.create_unique_constraint(op.f("keep_code"), table, ["code"])

    def drop() -> None:
        op.drop_constraint("email", table, type_="unique")
        op.drop_constraint("positive", table, type_="check")

    runner = runner_for(tmp_path, pg_url, NAMED_CONVENTION)
    runner.run(upgrade)
    got = Reflected(pg_url, table)
    assert got.pk == f"pk_{table}"
    assert got.uniques == sorted([(f"uq_{table}_email", ("email",)), ("keep_code", ("code",))])
    assert got.checks == [f"ck_{table}_positive"]
    runner.run(drop)
    runner.close()
    got = Reflected(pg_url, table)
    assert got.uniques == [("keep_code", ("code",))]
    assert got.checks == []
