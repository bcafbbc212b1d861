"""A failing migration leaves schema, data and version rows exactly as they were."""

from __future__ import annotations

import pytest

from mig import command
from mig.errors import MigrationFailedError

SIX = [
    ("r1", None, 'op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.String(20)))'),
    ("r2", "r1", 'op.execute("INSERT INTO t1 (id, v) VALUES (1, \'one\')")'),
    ("r3", "r2", 'op.add_column("t1", sa.Column("extra", sa.Integer))'),
    ("r4", "r3", 'op.create_index("ix_t1_v", "t1", ["v"])'),
    ("r5", "r4", 'op.create_table("t5", sa.Column("id", sa.Integer, primary_key=True))\n'
                 'op.execute("UPDATE t1 SET v = \'changed\'")\n'
                 'op.execute("INSERT INTO no_such_table VALUES (1)")'),
    ("r6", "r5", 'op.create_table("t6", sa.Column("id", sa.Integer, primary_key=True))'),
]


def _write_six(project):
    for rev, down, body in SIX:
        project.write(rev, down, body)


def test_failure_in_fifth_of_six_rolls_back_everything(project):
    _write_six(project)
    # A database that already has data and a version row from earlier work.
    project.write("r0", None, 'op.create_table("keep", sa.Column("id", sa.Integer, primary_key=True))')
    (project.location / "versions" / "r1_step.py").write_text(
        (project.location / "versions" / "r1_step.py").read_text().replace("down_revision = None",
                                                                            "down_revision = 'r0'"))
    command.upgrade(project.config, "r0")
    with project.engine().begin() as conn:
        conn.exec_driver_sql("INSERT INTO keep (id) VALUES (7)")
    before = project.inspect()

    with pytest.raises(MigrationFailedError) as info:
        command.upgrade(project.config, "head")

    message = str(info.value)
    assert message.startswith("upgrade r5 (r5_step.py) failed: OperationalError: no such table: no_such_table")
    assert info.value.revision == "r5"
    after = project.inspect()
    assert after == before
    assert after.tables == ["keep", "mig_log", "mig_version"]
    assert project.versions() == ["r0"]
    assert project.rows("SELECT id FROM keep") == [(7,)]


def test_transaction_per_migration_commits_each_step(project):
    _write_six(project)
    project.options["transaction_per_migration"] = True
    with pytest.raises(MigrationFailedError):
        command.upgrade(project.config, "head")
    snap = project.inspect()
    assert snap.tables == ["mig_log", "mig_version", "t1"]
    assert [c[0] for c in snap.columns["t1"]] == ["id", "v", "extra"]
    assert snap.indexes["t1"] == [("ix_t1_v", ("v",), False)]
    assert project.versions() == ["r4"]
    assert project.rows("SELECT id, v FROM t1") == [(1, "one")]


def test_autocommit_block_commits_before_a_later_failure(project):
    project.write("a", None, '''
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
        with op.get_context().autocommit_block():
            op.execute("CREATE TABLE outside (id INTEGER)")
        op.execute("INSERT INTO t (id) VALUES (1)")
        raise RuntimeError("boom")
    ''')
    with pytest.raises(MigrationFailedError, match=r"upgrade a \(a_step.py\) failed: RuntimeError: boom"):
        command.upgrade(project.config, "head")
    # The table created before the block was committed with it; what came after was rolled back.
    snap = project.inspect()
    assert snap.tables == ["mig_log", "mig_version", "outside", "t"]
    assert project.rows("SELECT count(*) FROM t") == [(0,)]
    assert project.versions() == []


def test_version_table_shape_matches_alembic(project):
    project.write("a", None)
    project.options.update(version_table="alembic_version")
    command.upgrade(project.config, "head")
    with project.engine().connect() as conn:
        import sqlalchemy as sa

        insp = sa.inspect(conn)
        cols = insp.get_columns("alembic_version")
        pk = insp.get_pk_constraint("alembic_version")
    assert [(c["name"], str(c["type"]), c["nullable"]) for c in cols] == [("version_num", "VARCHAR(32)", False)]
    assert pk["constrained_columns"] == ["version_num"]
    assert project.versions("alembic_version") == ["a"]
