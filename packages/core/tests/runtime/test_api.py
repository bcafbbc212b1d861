"""``op`` and ``context`` outside and inside a run, plugins, step events, stamp and current."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest
import sqlalchemy as sa

from mig import command, hookimpl, plugins
from mig.errors import DialectNotFoundError, MigrationFailedError, NoContextError
from mig.ops import Operation
from mig.specs import OperationSpec


def test_op_outside_a_run_is_a_clear_error():
    from mig import op

    with pytest.raises(NoContextError) as info:
        op.create_table("t")
    assert str(info.value) == (
        "op.create_table() can only be used inside a migration script run by mig (mig upgrade ...)")


def test_context_outside_a_run_is_a_clear_error():
    from mig import context

    with pytest.raises(NoContextError, match=r"context.is_offline_mode\(\) can only be used inside env.py"):
        context.is_offline_mode()
    with pytest.raises(NoContextError, match=r"context.config can only be used"):
        _ = context.config


@dataclass(frozen=True, eq=False)
class GrantOp(Operation):
    """op.grant_select(table, role)."""

    op_name: ClassVar[str] = "grant_select"
    table: str
    role: str


def _grant_sqlite(impl, operation):
    impl.execute(f"INSERT INTO grants (tbl, role, how) VALUES ('{operation.table}', '{operation.role}', 'sqlite')")


def _grant_default(impl, operation):
    impl.execute(f"GRANT SELECT ON {operation.table} TO {operation.role}")


class GrantPlugin:
    @hookimpl
    def mig_register_operations(self):
        return [OperationSpec("grant_select", GrantOp,
                              implementations={"sqlite": _grant_sqlite, "default": _grant_default})]


@pytest.fixture
def grant_plugin():
    plugin = GrantPlugin()
    plugins.register(plugin, name="test-grant")
    yield plugin
    plugins.unregister(plugin)


def test_custom_operation_from_a_plugin_runs_per_dialect(project, grant_plugin):
    project.write("a1", None, """
        op.create_table("grants", sa.Column("tbl", sa.String), sa.Column("role", sa.String), sa.Column("how", sa.String))
        op.grant_select("account", "reader")
    """)
    command.upgrade(project.config, "head")
    assert project.rows("SELECT tbl, role, how FROM grants") == [("account", "reader", "sqlite")]


def test_custom_operation_default_used_by_a_subclass_impl(grant_plugin):
    import io

    from mig.ddl.impl import DialectImpl
    from mig_sqlite_batch.impl import SqliteImpl

    class OtherImpl(DialectImpl):
        name = "other"

    class LiteImpl(SqliteImpl):
        name = "sqlite_fork"

    dialect = sa.create_engine("sqlite://").dialect
    out = io.StringIO()
    OtherImpl(dialect, as_sql=True, output=out).run(GrantOp("t", "r"))
    LiteImpl(dialect, as_sql=True, output=out).run(GrantOp("t", "r"))
    assert out.getvalue() == (
        "GRANT SELECT ON t TO r;\n\n"
        "INSERT INTO grants (tbl, role, how) VALUES ('t', 'r', 'sqlite');\n\n")


class StepRecorder:
    def __init__(self):
        self.events = []

    @hookimpl
    def mig_before_step(self, step):
        self.events.append(("before", step.revision, step.direction, step.index, step.total))

    @hookimpl
    def mig_after_step(self, step):
        assert step.elapsed is not None and step.elapsed >= 0
        self.events.append(("after", step.revision, step.direction, step.index, step.total))


def test_step_events(project):
    project.write("a1", None)
    project.write("b2", "a1")
    recorder = StepRecorder()
    plugins.register(recorder, name="test-steps")
    try:
        command.upgrade(project.config, "head")
        command.downgrade(project.config, "base")
    finally:
        plugins.unregister(recorder)
    assert recorder.events == [
        ("before", "a1", "upgrade", 0, 2), ("after", "a1", "upgrade", 0, 2),
        ("before", "b2", "upgrade", 1, 2), ("after", "b2", "upgrade", 1, 2),
        ("before", "b2", "downgrade", 0, 2), ("after", "b2", "downgrade", 0, 2),
        ("before", "a1", "downgrade", 1, 2), ("after", "a1", "downgrade", 1, 2),
    ]


def test_env_py_and_mig_plugins_py_are_local_plugins_for_the_run(project):
    project.write("a1", None)
    (project.location / "mig_plugins.py").write_text(
        "from mig import hookimpl\n"
        "SEEN = []\n"
        "@hookimpl\n"
        "def mig_after_step(step):\n"
        "    import pathlib\n"
        "    pathlib.Path(__file__).with_name('seen.txt').write_text(step.revision)\n")
    env = project.location / "env.py"
    env.write_text("from mig import hookimpl\n"
                   "@hookimpl\n"
                   "def mig_before_step(step):\n"
                   "    import pathlib\n"
                   "    pathlib.Path(__file__).with_name('env_seen.txt').write_text(step.direction)\n"
                   + env.read_text())
    command.upgrade(project.config, "head")
    assert (project.location / "seen.txt").read_text() == "a1"
    assert (project.location / "env_seen.txt").read_text() == "upgrade"
    names = {info.name for info in plugins.plugin_infos()}
    assert not any(name.startswith("local:") for name in names)


def test_kwargs_of_run_migrations_reach_scripts_and_x_arguments(project):
    project.write("a1", None, """
        from mig import context
        op.execute(f"CREATE TABLE {context.get_x_argument(as_dictionary=True)['name']} (id INTEGER)")
    """)
    config = project.config
    config.x_arguments = ["name=from_x"]
    command.upgrade(config, "head")
    assert project.inspect().tables == ["from_x", "mig_log", "mig_version"]


def test_stamp_and_current(project):
    project.write("a1", None)
    project.write("b2", "a1")
    project.write("c3", "a1", message="branch")
    project.write("m4", ("b2", "c3"))
    command.stamp(project.config, "b2")
    assert project.versions() == ["b2"]
    assert [s.revision for s in command.current(project.config).rows] == ["b2"]
    command.stamp(project.config, "c3")
    assert project.versions() == ["b2", "c3"]
    command.upgrade(project.config, "head")
    assert project.versions() == ["m4"]
    command.stamp(project.config, "base")
    assert project.versions() == []
    assert command.current(project.config).rows == ()
    command.stamp(project.config, ["b2", "c3"], purge=True)
    assert project.versions() == ["b2", "c3"]


def test_current_does_not_create_the_version_table(project):
    project.write("a1", None)
    assert project.inspect().tables == []  # the (empty) database file exists: current reads it
    assert command.current(project.config).rows == ()
    assert project.inspect().tables == []


def test_ensure_version(project):
    project.write("a1", None)
    command.ensure_version(project.config)
    assert project.inspect().tables == ["mig_log", "mig_version"]
    command.ensure_version(project.config, sql=True)
    assert project.sql_output().startswith("BEGIN;\n\nCREATE TABLE mig_version (")


def test_failure_message_names_revision_and_file(project):
    project.write("a1", None, "op.add_column('missing', sa.Column('x', sa.Integer))")
    with pytest.raises(MigrationFailedError) as info:
        command.upgrade(project.config, "head")
    assert str(info.value) == ("upgrade a1 (a1_step.py) failed: OperationalError: no such table: missing; "
                               "statement: ALTER TABLE missing ADD COLUMN x INTEGER")


def test_unknown_dialect_names_the_plugin_to_install(project, monkeypatch):
    project.write("a1", None)
    monkeypatch.setattr(plugins, "KNOWN_DIALECT_DISTRIBUTIONS", {"sqlite": "mig-sqlite-batch"})
    name = "mig_sqlite_batch.plugin"
    registered = plugins.get_plugin_manager().get_plugin("sqlite-batch")
    if registered is None:
        pytest.skip("mig-sqlite-batch is not installed")
    plugins.unregister("sqlite-batch")
    try:
        with pytest.raises(DialectNotFoundError, match=r"no mig dialect for 'sqlite': pip install mig-sqlite-batch"):
            command.upgrade(project.config, "head")
        project.options["allow_generic_dialect"] = True
        command.upgrade(project.config, "head")
        assert project.versions() == ["a1"]
    finally:
        plugins.register(registered, name="sqlite-batch", distribution="mig-sqlite-batch")
    assert name


def test_current_lists_effective_heads(project):
    project.write("a1", None)
    project.write("x1", None, message="other root")
    project.write("b2", "a1", depends="x1")
    command.upgrade(project.config, "b2")
    assert project.versions() == ["b2"]
    result = command.current(project.config)
    assert [s.revision for s in result.rows] == ["b2"]
    assert [s.revision for s in result.effective_heads] == ["x1"]


def test_on_version_apply_callback(project):
    project.write("a1", None)
    project.write("b2", "a1")
    env = project.location / "env.py"
    env.write_text(env.read_text().replace(
        "connection=connection, target_metadata=target_metadata",
        "connection=connection, target_metadata=target_metadata, on_version_apply=record").replace(
        "target_metadata = None",
        "target_metadata = None\nimport pathlib\n"
        "def record(ctx, step, heads, run_args):\n"
        "    with open(pathlib.Path(__file__).with_name('applied.txt'), 'a') as fh:\n"
        "        fh.write(f'{step.up_revision_id} {step.is_upgrade} {sorted(heads)}\\n')\n"))
    command.upgrade(project.config, "head")
    assert (project.location / "applied.txt").read_text() == "a1 True ['a1']\nb2 True ['b2']\n"


class FakeAutogen:
    def __init__(self, result):
        self.result = result
        self.seen = []

    @hookimpl
    def mig_autogenerate(self, migration_context, metadata, config):
        self.seen.append((migration_context.as_sql, metadata))
        return self.result


def test_check_reports_operations_from_the_autogenerate_plugin(project):
    from mig.errors import CommandError
    from mig.ops import AddColumnOp

    project.write("a1", None)
    command.upgrade(project.config, "head")
    clean = FakeAutogen([])
    plugins.register(clean, name="test-autogen")
    try:
        assert command.check(project.config) == []
        assert clean.seen == [(False, None)]
    finally:
        plugins.unregister(clean)
    dirty = FakeAutogen([AddColumnOp("account", sa.Column("email", sa.String))])
    plugins.register(dirty, name="test-autogen")
    try:
        with pytest.raises(CommandError, match=r"new upgrade operations detected: add_column account.email"):
            command.check(project.config)
        command.stamp(project.config, "base")
        with pytest.raises(CommandError, match=r"the database is not up to date \(at base, heads are a1\)"):
            command.check(project.config)
    finally:
        plugins.unregister(dirty)


def test_env_py_that_imports_op_registers_as_a_plugin(project):
    project.write("a1", None, 'op.create_table("t", sa.Column("id", sa.Integer))')
    env = project.location / "env.py"
    env.write_text("from mig import op  # noqa: F401\n" + env.read_text())
    command.upgrade(project.config, "head")
    assert project.inspect().tables == ["mig_log", "mig_version", "t"]
