"""SQLite runs a run's plain statements as one script at its end (mig.ddl.deferred).

Each test records the scripts handed to ``executescript`` (the real driver
still runs them) and checks what the database ended with.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from mig import command, hookimpl, plugins
from mig.errors import CommandError, MigrationFailedError

THREE = [
    ("r1", None, 'op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.String(20)))'),
    ("r2", "r1", 'op.execute("INSERT INTO t1 (id, v) VALUES (1, \'one\')")'),
    ("r3", "r2", 'op.create_index("ix_t1_v", "t1", ["v"])'),
]


@pytest.fixture
def scripts(sqlite_scripts: list[str]) -> list[str]:
    """The scripts SQLite is given in one call, in order (the root conftest records them)."""
    return sqlite_scripts


def _write(project: Any, *step_lists: list[tuple[str, str | None, str]]) -> None:
    for steps in step_lists:
        for rev, down, body in steps:
            project.write(rev, down, body)


def _edit_env(project: Any, old: str, new: str) -> None:
    env = project.location / "env.py"
    text = env.read_text()
    assert old in text
    env.write_text(text.replace(old, new))


def _set_env_option(project: Any, option: str) -> None:
    _edit_env(project, "connection=connection, target_metadata=target_metadata",
              f"connection=connection, target_metadata=target_metadata, {option}")


RUN_BLOCK = "        with context.begin_transaction():\n            context.run_migrations()\n"


def _around_run(project: Any, before: str = "", after: str = "") -> None:
    """Put statements of env.py's own before and after run_migrations(), inside its transaction."""
    _edit_env(project, RUN_BLOCK, "        with context.begin_transaction():\n"
              + "".join(f"            {line}\n" for line in before.splitlines())
              + "            context.run_migrations()\n"
              + "".join(f"            {line}\n" for line in after.splitlines()))


def test_a_run_is_one_script_begin_first(project, scripts):
    _write(project, THREE)
    command.upgrade(project.config, "head")
    assert scripts == [
        "BEGIN;\n"
        "\nCREATE TABLE mig_version (\n\tversion_num VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT mig_version_pkc PRIMARY KEY (version_num)\n)\n\n;\n"
        "\nCREATE TABLE t1 (\n\tid INTEGER NOT NULL, \n\tv VARCHAR(20), \n\tPRIMARY KEY (id)\n)\n\n;\n"
        "INSERT INTO mig_version (version_num) VALUES ('r1');\n"
        "INSERT INTO t1 (id, v) VALUES (1, 'one');\n"
        "UPDATE mig_version SET version_num='r2' WHERE mig_version.version_num = 'r1';\n"
        "CREATE INDEX ix_t1_v ON t1 (v);\n"
        "UPDATE mig_version SET version_num='r3' WHERE mig_version.version_num = 'r2';\n"
    ]
    snap = project.inspect()
    assert snap.tables == ["mig_version", "t1"]
    assert snap.indexes["t1"] == [("ix_t1_v", ("v",), False)]
    assert project.rows("SELECT id, v FROM t1") == [(1, "one")]
    assert project.versions() == ["r3"]


def test_sqlite_master_keeps_the_same_text_as_statement_by_statement(project, tmp_path, scripts):
    more = [
        ("r4", "r3", 'op.create_index("ix_t1_id", "t1", ["id"], unique=True)\n'
                     'op.execute("CREATE VIEW v1 AS SELECT id FROM t1  \\n")\n'
                     'op.add_column("t1", sa.Column("n", sa.Integer, server_default="7"))'),
    ]
    found = []
    for each, option in ((project, "defer_statements=True"),
                         (type(project)(tmp_path / "off"), "defer_statements=False")):
        _write(each, THREE, more)
        _set_env_option(each, option)
        command.upgrade(each.config, "head")
        found.append(each.rows("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"))
    assert len(scripts) == 1  # the first run deferred, the second did not
    assert found[0] == found[1]
    assert ("view", "v1", "v1", "CREATE VIEW v1 AS SELECT id FROM t1") in found[0]


def test_a_failing_statement_names_its_step_and_nothing_is_applied(project, scripts):
    _write(project, THREE, [
        ("r4", "r3", 'op.create_table("t4", sa.Column("id", sa.Integer, primary_key=True))\n'
                     'op.execute("INSERT INTO t1 (id, v) VALUES (1, \'again\')")'),
        ("r5", "r4", 'op.create_table("t5", sa.Column("id", sa.Integer, primary_key=True))'),
    ])
    command.upgrade(project.config, "r1")
    scripts.clear()
    with pytest.raises(MigrationFailedError) as info:
        command.upgrade(project.config, "head")
    assert str(info.value) == (
        "upgrade r4 (r4_step.py) failed: IntegrityError: UNIQUE constraint failed: t1.id; "
        "statement: INSERT INTO t1 (id, v) VALUES (1, 'again')")
    assert info.value.revision == "r4"
    assert len(scripts) == 1 and "CREATE TABLE t5" in scripts[0]  # every step ran before the commit
    assert project.inspect().tables == ["mig_version", "t1"]
    assert project.rows("SELECT count(*) FROM t1") == [(0,)]
    assert project.versions() == ["r1"]


def test_an_earlier_statement_failure_is_reported_before_a_later_script_error(project, scripts):
    _write(project, [
        ("r1", None, 'op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))'),
        ("r2", "r1", 'op.execute("INSERT INTO no_such_table VALUES (1)")'),
        ("r3", "r2", 'raise RuntimeError("later")'),
    ])
    with pytest.raises(MigrationFailedError) as info:
        command.upgrade(project.config, "head")
    assert str(info.value) == ("upgrade r2 (r2_step.py) failed: OperationalError: no such table: no_such_table; "
                               "statement: INSERT INTO no_such_table VALUES (1)")
    chain = []
    cause: BaseException | None = info.value
    while cause is not None:
        chain.append(cause)
        cause = cause.__context__
    assert "upgrade r3 (r3_step.py) failed: RuntimeError: later" in map(str, chain)
    assert scripts == []  # nothing reached the commit: the statements were replayed one by one
    assert project.inspect().tables == []


def test_a_script_error_after_good_statements_is_the_error(project, scripts):
    _write(project, [
        ("r1", None, 'op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))'),
        ("r2", "r1", 'raise RuntimeError("boom")'),
    ])
    with pytest.raises(MigrationFailedError, match=r"^upgrade r2 \(r2_step.py\) failed: RuntimeError: boom$"):
        command.upgrade(project.config, "head")
    assert scripts == []
    assert project.inspect().tables == []


def test_get_bind_runs_the_queue_then_the_transaction_goes_on_statement_by_statement(project, scripts):
    _write(project, THREE, [
        ("r4", "r3", 'n = op.get_bind().exec_driver_sql("SELECT count(*) FROM t1").scalar()\n'
                     'op.execute(f"INSERT INTO t1 (id, v) VALUES (2, \'saw {n}\')")'),
        ("r5", "r4", 'op.create_table("t5", sa.Column("id", sa.Integer, primary_key=True))\n'
                     'raise RuntimeError("boom")'),
    ])
    with pytest.raises(MigrationFailedError, match="RuntimeError: boom"):
        command.upgrade(project.config, "head")
    assert len(scripts) == 1 and scripts[0].endswith("'r1';\nCREATE INDEX ix_t1_v ON t1 (v);\n"
                                                     "UPDATE mig_version SET version_num='r3' "
                                                     "WHERE mig_version.version_num = 'r2';\n")
    assert project.inspect().tables == []  # one transaction still: all rolled back
    project.write("r5", "r4", 'op.create_table("t5", sa.Column("id", sa.Integer, primary_key=True))')
    command.upgrade(project.config, "head")
    assert project.rows("SELECT id, v FROM t1") == [(1, "one"), (2, "saw 1")]
    assert project.inspect().tables == ["mig_version", "t1", "t5"]
    assert project.versions() == ["r5"]


def test_bulk_insert_runs_the_queue_first(project, scripts):
    _write(project, [
        THREE[0],
        ("r2", "r1", 't = sa.table("t1", sa.column("id", sa.Integer), sa.column("v", sa.String))\n'
                     'op.bulk_insert(t, [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}])'),
        ("r3", "r2", 'op.add_column("t1", sa.Column("extra", sa.Integer))'),
    ])
    command.upgrade(project.config, "head")
    assert len(scripts) == 1 and scripts[0].endswith("VALUES ('r1');\n")
    assert project.rows("SELECT id, v, extra FROM t1") == [(1, "a", None), (2, "b", None)]
    assert project.versions() == ["r3"]


def test_statements_that_cannot_go_in_a_script_run_alone(project, scripts):
    _write(project, [
        THREE[0],
        ("r2", "r1", 'op.execute("INSERT INTO t1 (id, v) VALUES (1, \'a\') -- a comment")'),
        ("r3", "r2", 'op.execute("INSERT INTO t1 (id, v) VALUES (2, \'b\'); INSERT INTO t1 (id, v) VALUES (3, \'c\')")'),
    ])
    with pytest.raises(MigrationFailedError) as info:
        command.upgrade(project.config, "head")
    # As without deferral: the driver runs one statement at a time.
    assert str(info.value).startswith("upgrade r3 (r3_step.py) failed: ProgrammingError: "
                                      "You can only execute one statement at a time.")
    assert len(scripts) == 1 and scripts[0].endswith("VALUES ('r1');\n")  # the comment ended deferral
    assert project.inspect().tables == []


def test_transaction_per_migration_gives_each_step_its_script(project, scripts):
    _write(project, THREE, [("r4", "r3", 'op.execute("INSERT INTO t1 (id, v) VALUES (1, \'again\')")')])
    project.options["transaction_per_migration"] = True
    with pytest.raises(MigrationFailedError, match=r"^upgrade r4 \(r4_step.py\) failed: IntegrityError"):
        command.upgrade(project.config, "head")
    # the version table's own, then BEGIN and two statements for each step (r4's failed)
    assert [s.count(";\n") for s in scripts] == [2, 3, 3, 3, 3]
    assert project.versions() == ["r3"]
    assert project.rows("SELECT id, v FROM t1") == [(1, "one")]


class _Watcher:
    def __init__(self) -> None:
        self.steps: list[int] = []

    @hookimpl
    def mig_after_step(self, step: Any) -> None:
        self.steps.append(step.index)


def test_step_hooks_and_the_option_keep_statements_running_one_by_one(project, scripts):
    _write(project, THREE)
    watcher = _Watcher()
    name = plugins.register(watcher, name="test-watcher")
    try:
        command.upgrade(project.config, "r2")
    finally:
        plugins.unregister(name)
    assert watcher.steps == [0, 1]
    _set_env_option(project, "defer_statements=False")
    command.upgrade(project.config, "head")
    assert scripts == []
    assert project.versions() == ["r3"]
    assert project.rows("SELECT id, v FROM t1") == [(1, "one")]


def test_version_rows_changed_meanwhile_are_caught(project, scripts):
    _write(project, [
        ("r1", None, 'op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))'),
        ("r2", "r1", 'import sqlite3\n'
                     'other = sqlite3.connect(op.get_context().config.url.split("///")[1])\n'
                     'other.execute("INSERT INTO mig_version VALUES (\'intruder\')")\n'
                     'other.commit()\n'
                     'other.close()\n'
                     'op.create_table("t2", sa.Column("id", sa.Integer, primary_key=True))'),
    ])
    command.upgrade(project.config, "r1")
    with pytest.raises(CommandError) as info:
        command.upgrade(project.config, "head")
    assert str(info.value) == ("the version table mig_version changed under mig: expected r2 after the "
                               "migrations, found intruder, r2; nothing was applied; check `mig current` "
                               "and stamp the right revision")
    assert project.inspect().tables == ["mig_version", "t1"]
    assert project.versions() == ["intruder", "r1"]


def test_the_driver_is_left_outside_any_transaction(project, scripts):
    # After a run, the same connection can be used at once (nothing is left open or locked).
    _write(project, THREE)
    command.upgrade(project.config, "head")
    conn = sqlite3.connect(project.db, timeout=0)
    conn.execute("CREATE TABLE after_run (id INTEGER)")
    conn.commit()
    conn.close()
    assert "after_run" in project.inspect().tables


def test_an_env_py_that_commits_inside_the_block_still_gets_every_statement(project, scripts):
    # Some env.py files call connection.commit() themselves inside begin_transaction().
    _write(project, THREE)
    _around_run(project, after="connection.commit()")
    command.upgrade(project.config, "head")
    assert len(scripts) == 1
    assert project.inspect().indexes["t1"] == [("ix_t1_v", ("v",), False)]
    assert project.rows("SELECT id, v FROM t1") == [(1, "one")]
    assert project.versions() == ["r3"]


def test_what_env_py_writes_before_the_run_stays_in_the_run_transaction(project, scripts):
    _write(project, THREE, [("r4", "r3", 'raise RuntimeError("boom")')])
    _around_run(project, before='connection.exec_driver_sql("CREATE TABLE from_env (id INTEGER)")')
    with pytest.raises(MigrationFailedError, match="RuntimeError: boom"):
        command.upgrade(project.config, "head")
    assert scripts == []  # env.py wrote in the transaction: its statements run one by one
    assert project.inspect().tables == []  # env.py's table rolled back with the run


def test_env_py_reads_before_and_writes_after_the_run(project, scripts):
    _write(project, THREE)
    _around_run(project, before='connection.exec_driver_sql("SELECT 1").all()',
                after='connection.exec_driver_sql("INSERT INTO t1 (id, v) VALUES (2, \'env\')")')
    command.upgrade(project.config, "head")
    assert len(scripts) == 1  # a read does not stop deferral; the run's statements ran before env.py's insert
    assert project.rows("SELECT id, v FROM t1") == [(1, "one"), (2, "env")]
    assert project.versions() == ["r3"]


@pytest.mark.parametrize("defer", [True, False])
def test_a_script_that_commits_through_a_connection_it_kept_loses_nothing(project, scripts, defer):
    # A connection handed over outside mig (config.attributes) ends SQLAlchemy's transaction
    # behind the run's back; what the run does after that still commits, deferred or not.
    _write(project, THREE, [("r4", "r3", 'op.get_context().config.attributes["conn"].commit()\n'
                                         'op.execute("INSERT INTO t1 (id, v) VALUES (4, \'four\')")')])
    _around_run(project, before='config.attributes["conn"] = connection')
    _set_env_option(project, f"defer_statements={defer}")
    command.upgrade(project.config, "head")
    assert len(scripts) == int(defer)
    assert project.rows("SELECT id, v FROM t1") == [(1, "one"), (4, "four")]
    assert project.versions() == ["r4"]


def test_a_kept_connection_reads_what_the_run_wrote_so_far(project, scripts):
    # SQLAlchemy executing anything on the connection runs the queue first.
    _write(project, THREE, [
        ("r4", "r3", 'conn = op.get_context().config.attributes["conn"]\n'
                     'n = conn.exec_driver_sql("SELECT count(*) FROM t1").scalar()\n'
                     'op.execute(f"INSERT INTO t1 (id, v) VALUES (4, \'saw {n}\')")'),
        ("r5", "r4", 'op.create_table("t5", sa.Column("id", sa.Integer, primary_key=True))'),
    ])
    _around_run(project, before='config.attributes["conn"] = connection')
    command.upgrade(project.config, "head")
    assert len(scripts) == 1 and scripts[0].endswith("WHERE mig_version.version_num = 'r2';\n")
    assert project.rows("SELECT id, v FROM t1") == [(1, "one"), (4, "saw 1")]
    assert project.inspect().tables == ["mig_version", "t1", "t5"]
    assert project.versions() == ["r5"]


def test_the_listener_is_gone_when_the_transaction_ends(project, scripts):
    _write(project, THREE)
    _edit_env(project, RUN_BLOCK, RUN_BLOCK.replace(
        "context.run_migrations()\n",
        'context.run_migrations()\n            config.attributes["during"] = connection._has_events\n')
        + '        config.attributes["after"] = connection._has_events\n')
    config = project.config
    command.upgrade(config, "head")
    assert len(scripts) == 1
    assert (config.attributes["during"], config.attributes["after"]) == (True, False)


def test_a_kept_connection_writing_first_in_a_step_stays_in_the_step_transaction(project, scripts):
    # With transaction_per_migration each step's queue starts empty: a write through SQLAlchemy
    # then begins the step's transaction first (only reads pass), so it rolls back with the step.
    _write(project, THREE, [
        ("r4", "r3", 'conn = op.get_context().config.attributes["conn"]\n'
                     'conn.exec_driver_sql("INSERT INTO t1 (id, v) VALUES (4, \'kept\')")\n'
                     'op.execute("INSERT INTO no_such_table VALUES (1)")'),
    ])
    _around_run(project, before='config.attributes["conn"] = connection')
    project.options["transaction_per_migration"] = True
    with pytest.raises(MigrationFailedError, match=r"^upgrade r4 \(r4_step.py\) failed: OperationalError: "
                                                   "no such table: no_such_table"):
        command.upgrade(project.config, "head")
    assert project.rows("SELECT id, v FROM t1") == [(1, "one")]
    assert project.versions() == ["r3"]
