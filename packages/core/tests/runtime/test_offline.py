"""``--sql``: the same migrations as SQL text, compared with the exact expected output."""

from __future__ import annotations

import re

import pytest

from mig import command
from mig.errors import CommandError, MigrationFailedError, OfflineError


def _without_log(sql: str) -> str:
    """``--sql`` output less the log table's statements (tests/safety/test_verify.py checks those)."""
    return "".join(chunk for chunk in re.split(r"(?<=;\n\n)", sql)
                   if "mig_log" not in chunk)


def _scripts(project):
    project.write("a1", None, """
        op.create_table("account", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("name", sa.String(50), nullable=False))
        op.create_index("ix_account_name", "account", ["name"])
    """, """
        op.drop_index("ix_account_name", "account")
        op.drop_table("account")
    """)
    project.write("b2", "a1", """
        op.add_column("account", sa.Column("email", sa.String(100)))
        t = sa.table("account", sa.column("id", sa.Integer), sa.column("name", sa.String))
        op.bulk_insert(t, [{"id": 1, "name": "o'k"}, {"id": 2, "name": "x"}])
        op.execute(t.update().where(t.c.id == op.inline_literal(1)).values(name=op.inline_literal("y")))
    """, 'op.drop_column("account", "email")')
    project.write("c3", "b2", 'op.rename_table("account", "customer")',
                  'op.rename_table("customer", "account")')


UPGRADE_BASE_HEAD = """\
BEGIN;

CREATE TABLE mig_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT mig_version_pkc PRIMARY KEY (version_num)
);

-- Running upgrade base -> a1

CREATE TABLE account (
    id INTEGER NOT NULL,
    name VARCHAR(50) NOT NULL,
    PRIMARY KEY (id)
);

CREATE INDEX ix_account_name ON account (name);

INSERT INTO mig_version (version_num) VALUES ('a1');

-- Running upgrade a1 -> b2

ALTER TABLE account ADD COLUMN email VARCHAR(100);

INSERT INTO account (id, name) VALUES (1, 'o''k');

INSERT INTO account (id, name) VALUES (2, 'x');

UPDATE account SET name='y' WHERE account.id = 1;

UPDATE mig_version SET version_num='b2' WHERE mig_version.version_num = 'a1';

-- Running upgrade b2 -> c3

ALTER TABLE account RENAME TO customer;

UPDATE mig_version SET version_num='c3' WHERE mig_version.version_num = 'b2';

COMMIT;

"""

UPGRADE_A1_C3 = """\
BEGIN;

-- Running upgrade a1 -> b2

ALTER TABLE account ADD COLUMN email VARCHAR(100);

INSERT INTO account (id, name) VALUES (1, 'o''k');

INSERT INTO account (id, name) VALUES (2, 'x');

UPDATE account SET name='y' WHERE account.id = 1;

UPDATE mig_version SET version_num='b2' WHERE mig_version.version_num = 'a1';

-- Running upgrade b2 -> c3

ALTER TABLE account RENAME TO customer;

UPDATE mig_version SET version_num='c3' WHERE mig_version.version_num = 'b2';

COMMIT;

"""

DOWNGRADE_C3_BASE = """\
BEGIN;

-- Running downgrade c3 -> b2

ALTER TABLE customer RENAME TO account;

UPDATE mig_version SET version_num='b2' WHERE mig_version.version_num = 'c3';

-- Running downgrade b2 -> a1

ALTER TABLE account DROP COLUMN email;

UPDATE mig_version SET version_num='a1' WHERE mig_version.version_num = 'b2';

-- Running downgrade a1 -> base

DROP INDEX ix_account_name;

DROP TABLE account;

DELETE FROM mig_version WHERE mig_version.version_num = 'a1';

DROP TABLE mig_version;

COMMIT;

"""


def test_upgrade_base_to_head(project):
    _scripts(project)
    command.upgrade(project.config, "base:head", sql=True)
    assert _without_log(project.sql_output()) == UPGRADE_BASE_HEAD
    assert not project.db.exists()


def test_upgrade_head_without_range_starts_at_base(project):
    _scripts(project)
    command.upgrade(project.config, "head", sql=True)
    assert _without_log(project.sql_output()) == UPGRADE_BASE_HEAD


def test_upgrade_range(project):
    _scripts(project)
    command.upgrade(project.config, "a1:c3", sql=True)
    assert _without_log(project.sql_output()) == UPGRADE_A1_C3


def test_downgrade_range(project):
    _scripts(project)
    command.downgrade(project.config, "c3:base", sql=True)
    assert _without_log(project.sql_output()) == DOWNGRADE_C3_BASE


def test_downgrade_without_range_is_an_error(project):
    _scripts(project)
    with pytest.raises(CommandError, match=r"downgrade --sql needs a range FROM:TO"):
        command.downgrade(project.config, "a1", sql=True)


def test_transaction_per_migration_wraps_each_step(project):
    project.write("a1", None, 'op.execute("SELECT 1")')
    project.write("b2", "a1", 'op.execute("SELECT 2")')
    project.options["transaction_per_migration"] = True
    command.upgrade(project.config, "a1:b2", sql=True)
    assert _without_log(project.sql_output()) == (
        "-- Running upgrade a1 -> b2\n\nBEGIN;\n\nSELECT 2;\n\n"
        "UPDATE mig_version SET version_num='b2' WHERE mig_version.version_num = 'a1';\n\nCOMMIT;\n\n"
    )


def test_stamp_offline(project):
    _scripts(project)
    command.stamp(project.config, "b2:c3", sql=True)
    assert _without_log(project.sql_output()) == (
        "BEGIN;\n\nUPDATE mig_version SET version_num='c3' WHERE mig_version.version_num = 'b2';\n\nCOMMIT;\n\n")


def test_reading_the_database_offline_is_an_offline_error(project):
    project.write("a1", None, 'op.get_bind().execute(sa.text("SELECT 1"))')
    with pytest.raises(MigrationFailedError, match=r"upgrade a1 \(a1_step.py\) failed: .*--sql mode") as info:
        command.upgrade(project.config, "head", sql=True)
    assert isinstance(info.value.__cause__, OfflineError)


def test_get_bind_offline_answers_the_dialect(project):
    # Alembic scripts branch on the bind's dialect; offline that must answer as online.
    project.write("a1", None, """
        bind = op.get_bind()
        assert bind is op.get_bind()
        op.execute(f"SELECT '{bind.dialect.name}' AS dialect")
        op.execute(f"SELECT '{bind.engine.name}' AS engine_name")
        op.execute(f"SELECT '{bind.engine.dialect.name}' AS engine_dialect")
        if op.get_bind().dialect.name == "postgresql":
            op.execute("SELECT 'never'")
    """)
    command.upgrade(project.config, "a1", sql=True)
    out = project.sql_output()
    assert ("SELECT 'sqlite' AS dialect;\n\nSELECT 'sqlite' AS engine_name;\n\n"
            "SELECT 'sqlite' AS engine_dialect;\n\nINSERT INTO mig_version") in out
    assert "never" not in out


@pytest.mark.parametrize("reading, what", [
    ('op.get_bind().execute(sa.text("SELECT 1"))', "execute()"),
    ('op.get_bind().exec_driver_sql("SELECT 1")', "exec_driver_sql()"),
    ('op.get_bind().scalar(sa.text("SELECT 1"))', "scalar()"),
    ("op.get_bind().connect()", "connect()"),
    ("op.get_bind().engine.connect()", "connect()"),
    ("sa.inspect(op.get_bind()).get_table_names()", "connect()"),
    ('sa.Table("t", sa.MetaData(), sa.Column("x", sa.Integer)).create(op.get_bind(), checkfirst=True)',
     "begin()"),
])
def test_reading_through_get_bind_offline_names_the_step(project, reading, what):
    project.write("a1", None, "pass")
    project.write("b2", "a1", f"""
        op.execute("SELECT 1")
        {reading}
    """)
    with pytest.raises(MigrationFailedError) as info:
        command.upgrade(project.config, "a1:b2", sql=True)
    cause = info.value.__cause__
    assert isinstance(cause, OfflineError)
    assert str(cause) == (
        f"op.get_bind().{what} in upgrade b2 (b2_step.py) would read the database, which --sql mode "
        f"cannot do; offline op.get_bind() answers only .dialect and .engine.name: branch on "
        f"context.is_offline_mode(), or run online")
    assert str(info.value).startswith("upgrade b2 (b2_step.py) failed: op.get_bind().")


def test_get_bind_online_is_the_connection(project):
    project.write("a1", None, """
        import sqlalchemy.engine
        assert isinstance(op.get_bind(), sqlalchemy.engine.Connection)
        op.execute("CREATE TABLE t (x INTEGER)")
        op.get_bind().execute(sa.text("INSERT INTO t VALUES (7)"))
    """)
    command.upgrade(project.config, "head")
    assert project.rows("SELECT x FROM t") == [(7,)]


def test_is_offline_mode_in_a_script(project):
    project.write("a1", None, """
        from mig import context
        if context.is_offline_mode():
            op.execute("SELECT 'offline'")
    """)
    command.upgrade(project.config, "head", sql=True)
    assert "SELECT 'offline';" in project.sql_output()


def test_context_get_bind_offline_answers_the_dialect_and_refuses_reads(project):
    project.write("a1", None, """
        from mig import context
        op.execute(f"SELECT '{context.get_bind().dialect.name}' AS dialect")
    """)
    project.write("b2", "a1", """
        from mig import context
        context.get_bind().execute(sa.text("SELECT 1"))
    """)
    command.upgrade(project.config, "a1", sql=True)
    assert "SELECT 'sqlite' AS dialect;" in project.sql_output()
    with pytest.raises(MigrationFailedError) as info:
        command.upgrade(project.config, "a1:b2", sql=True)
    assert str(info.value.__cause__) == (
        "context.get_bind().execute() in upgrade b2 (b2_step.py) would read the database, which --sql "
        "mode cannot do; offline context.get_bind() answers only .dialect and .engine.name: branch on "
        "context.is_offline_mode(), or run online")


def test_context_get_impl_is_the_runs_dialect_implementation(project):
    project.write("a1", None, """
        from mig import context
        impl = context.get_impl()
        assert impl is context.get_context().impl is op.get_context().impl
        op.execute(f"SELECT '{impl.name}' AS impl")
    """)
    command.upgrade(project.config, "a1", sql=True)
    assert "SELECT 'sqlite' AS impl;" in project.sql_output()
