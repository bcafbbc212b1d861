"""``mig upgrade REV --plan`` / ``mig downgrade REV --plan``: what a run would do, with nothing changed.

Every test runs the real CLI on a real database and checks that the plan
left it exactly as it was: the reflected schema, the version rows and the
log rows (and, for SQLite, that no database file appears).
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from . import verify_project


class Project(verify_project.Project):
    """A ``mig init`` project on one database; ``mig`` runs in this process (as tests/cli do)."""

    def __init__(self, root: Path, url: str) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("MIG_")}
        env["PYTHONWARNINGS"] = "ignore"
        super().__init__(root, url, env)

    def __call__(self, *args: str, ok: bool | None = True) -> verify_project.Result:
        return super().__call__(*args, ok=ok)

    def init(self, extra: str = "") -> None:
        self("init", "migrations")
        for stale in self.versions.glob("*.py"):
            stale.unlink()
        toml = self.root / "mig.toml"
        lines = [line for line in toml.read_text().splitlines() if not line.startswith("url")]
        lines.insert(lines.index("[mig]") + 1, f"url = {self.url!r}")
        toml.write_text("\n".join(lines) + "\n" + extra)

    def rev(self, revision: str, down: str | None, message: str, upgrade: str,
            downgrade: str = "pass") -> None:
        def body(code: str) -> str:
            return textwrap.indent(textwrap.dedent(code).strip(), "    ")

        text = (f'"""{message}"""\nimport sqlalchemy as sa\n\nfrom mig import op\n\n'
                f"revision = {revision!r}\ndown_revision = {down!r}\nbranch_labels = None\n"
                f"depends_on = None\n\n\ndef upgrade():\n{body(upgrade)}\n\n\n"
                f"def downgrade():\n{body(downgrade)}\n")
        (self.versions / f"{revision}_{message.replace(' ', '_')}.py").write_text(text)

    def plan(self, *args: str) -> Any:
        result = self(*args, "--plan", "--json")
        return json.loads(result.stdout)


def snapshot(url: str) -> dict[str, Any]:
    """Everything a plan must leave as it was: tables, columns, indexes, version and log rows."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            inspector = sa.inspect(connection)
            tables = sorted(inspector.get_table_names())
            schema = {name: ([(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(name)],
                             sorted(i["name"] or "" for i in inspector.get_indexes(name)))
                      for name in tables}
            rows = {}
            for name in ("mig_version", "mig_log"):
                if name in tables:
                    table = sa.Table(name, sa.MetaData(), autoload_with=connection)
                    rows[name] = sorted(tuple(str(v) for v in row) for row in connection.execute(table.select()))
            return {"tables": tables, "schema": schema, "rows": rows}
    finally:
        engine.dispose()


def three_steps(project: Project) -> None:
    """a1 creates t, b2 adds a column and an index (the index in an autocommit block), c3 a table."""
    project.rev("a1", None, "create t",
                "op.create_table('t', sa.Column('id', sa.Integer, primary_key=True), "
                "sa.Column('name', sa.String(20)))",
                "op.drop_table('t')")
    project.rev("b2", "a1", "index t",
                """
                op.add_column('t', sa.Column('code', sa.Integer))
                with op.get_context().autocommit_block():
                    op.create_index('ix_t_name', 't', ['name'])
                """,
                """
                op.drop_index('ix_t_name', 't')
                op.drop_column('t', 'code')
                """)
    project.rev("c3", "b2", "create u",
                "op.create_table('u', sa.Column('id', sa.Integer, primary_key=True))",
                "op.drop_table('u')")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                        pytest.param("mysql", marks=pytest.mark.mysql)])
def database_url(request: pytest.FixtureRequest) -> str:
    fixture = {"sqlite": "mig_sqlite_url", "postgresql": "mig_postgresql_clean_database",
               "mysql": "mig_mysql_clean_database"}[request.param]
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def project(tmp_path: Path, database_url: str) -> Project:
    root = tmp_path / "project"
    root.mkdir()
    p = Project(root, database_url)
    p.init()
    three_steps(p)
    return p


def _steps(plan: dict[str, Any]) -> list[dict[str, Any]]:
    (run,) = plan["runs"]
    steps: list[dict[str, Any]] = run["steps"]
    return steps


def _sql(step: dict[str, Any]) -> list[str]:
    return [s["sql"] for s in step["statements"]]


# -- nothing changes ------------------------------------------------------------------------


def test_upgrade_plan_changes_nothing(project: Project) -> None:
    project("upgrade", "a1")
    before = snapshot(project.url)
    assert before["rows"]["mig_version"] == [("a1",)]
    result = project("upgrade", "head", "--plan")
    assert "b2" in result.stdout and "c3" in result.stdout
    plan = project.plan("upgrade", "head")
    assert snapshot(project.url) == before
    (run,) = plan["runs"]
    assert run["current"] == ["a1"]
    assert [(s["direction"], s["revision"], s["down_revisions"]) for s in run["steps"]] == [
        ("upgrade", "b2", ["a1"]), ("upgrade", "c3", ["b2"])]
    # the version table and the log table are written as the run writes them
    b2 = "\n".join(_sql(run["steps"][0]))
    assert "UPDATE mig_version SET version_num='b2' WHERE mig_version.version_num = 'a1'" in b2
    assert "INSERT INTO mig_log" in b2
    # and the plan was right: the real run does what it said
    project("upgrade", "head")
    after = snapshot(project.url)
    assert after["rows"]["mig_version"] == [("c3",)]
    assert "u" in after["tables"]


def test_downgrade_plan_changes_nothing(project: Project) -> None:
    project("upgrade", "head")
    before = snapshot(project.url)
    plan = project.plan("downgrade", "a1")
    assert snapshot(project.url) == before
    (run,) = plan["runs"]
    assert run["current"] == ["c3"]
    assert [(s["direction"], s["revision"], s["down_revisions"]) for s in run["steps"]] == [
        ("downgrade", "c3", ["b2"]), ("downgrade", "b2", ["a1"])]
    c3 = "\n".join(_sql(run["steps"][0]))
    assert "DROP TABLE u" in c3
    assert "UPDATE mig_version SET version_num='b2' WHERE mig_version.version_num = 'c3'" in c3
    project("downgrade", "a1")
    assert snapshot(project.url)["rows"]["mig_version"] == [("a1",)]


def test_plan_to_base_keeps_the_version_table(project: Project) -> None:
    project("upgrade", "head")
    before = snapshot(project.url)
    plan = project.plan("downgrade", "base")
    assert snapshot(project.url) == before
    assert [s["revision"] for s in _steps(plan)] == ["c3", "b2", "a1"]
    assert "DELETE FROM mig_version WHERE mig_version.version_num = 'a1'" in "\n".join(_sql(_steps(plan)[-1]))


def test_plan_without_version_table_creates_nothing(project: Project) -> None:
    engine = sa.create_engine(project.url, poolclass=sa.pool.NullPool)
    with engine.begin() as connection:  # the database exists (for SQLite: the file), but is empty
        connection.execute(sa.text("CREATE TABLE other (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    plan = project.plan("upgrade", "head")
    assert snapshot(project.url)["tables"] == ["other"]
    (run,) = plan["runs"]
    assert run["current"] == []
    assert [s["revision"] for s in run["steps"]] == ["a1", "b2", "c3"]
    created = "\n".join(s["sql"] for s in run["before"])
    assert "CREATE TABLE mig_version" in created
    # the run's own CREATE TABLE (the plan read that the table is missing), not a SQL file's IF NOT EXISTS
    assert "CREATE TABLE mig_log (" in created
    assert "IF NOT EXISTS" not in created
    assert (run["log_table_exists"], run["baseline"]) == (False, [])


def test_autocommit_block_is_flagged(project: Project) -> None:
    plan = project.plan("upgrade", "head")
    b2 = _steps(plan)[1]
    flagged = [s["sql"] for s in b2["statements"] if s["autocommit"]]
    assert flagged == ["CREATE INDEX ix_t_name ON t (name)"]
    assert b2["autocommit"] is True
    assert not any(s["autocommit"] for s in _steps(plan)[0]["statements"])


def test_nothing_to_do(project: Project) -> None:
    project("upgrade", "head")
    before = snapshot(project.url)
    result = project("upgrade", "head", "--plan")
    assert result.stdout == "nothing to do: database is at c3\n"
    assert project.plan("upgrade", "head")["nothing_to_do"] is True
    assert snapshot(project.url) == before


# -- dialect specifics ----------------------------------------------------------------------


@pytest.mark.mysql
def test_mysql_plan_says_ddl_commits_implicitly(tmp_path: Path, mig_mysql_clean_database: str) -> None:
    p = Project(tmp_path, mig_mysql_clean_database)
    p.init()
    three_steps(p)
    plan = p.plan("upgrade", "head")
    (run,) = plan["runs"]
    assert run["transactional_ddl"] is False
    assert run["transactions"] == "none"
    text = p("upgrade", "head", "--plan").stdout
    assert "commits implicitly" in text
    assert snapshot(p.url)["tables"] == []


# -- SQLite: exact text, batch, no file -----------------------------------------------------


@pytest.fixture
def sqlite_project(tmp_path: Path) -> Project:
    p = Project(tmp_path, "sqlite:///app.db")
    p.init()
    return p


def test_no_database_file_is_created(sqlite_project: Project) -> None:
    three_steps(sqlite_project)
    plan = sqlite_project.plan("upgrade", "head")
    assert [s["revision"] for s in _steps(plan)] == ["a1", "b2", "c3"]
    assert _steps(plan)[0]["file"].endswith("a1_create_t.py")
    assert not (sqlite_project.root / "app.db").exists()
    assert sorted(f.name for f in sqlite_project.root.iterdir()) == ["mig.toml", "migrations"]


def test_batch_move_and_copy_is_named(sqlite_project: Project) -> None:
    p = sqlite_project
    p.rev("a1", None, "create t",
          "op.create_table('t', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(20)))")
    p.rev("b2", "a1", "widen name",
          """
          with op.batch_alter_table('t') as batch:
              batch.alter_column('name', type_=sa.String(50))
          """)
    p("upgrade", "a1")
    before = snapshot("sqlite:///" + str(p.root / "app.db"))
    plan = p.plan("upgrade", "head")
    assert snapshot("sqlite:///" + str(p.root / "app.db")) == before
    (step,) = _steps(plan)
    assert step["revision"] == "b2"
    assert len(step["needs_database"]) == 1
    assert step["needs_database"][0].startswith("batch_alter_table('t'): move-and-copy")
    text = p("upgrade", "head", "--plan").stdout
    assert "batch_alter_table('t'): move-and-copy" in text


def test_range_is_refused(sqlite_project: Project) -> None:
    three_steps(sqlite_project)
    result = sqlite_project("upgrade", "a1:head", "--plan", ok=False)
    assert result.returncode == 1
    assert "not a range" in result.stderr
    assert not (sqlite_project.root / "app.db").exists()


# -- exact text and JSON shape on SQLite ----------------------------------------------------


def _small(p: Project) -> None:
    p.rev("a1", None, "create t",
          "op.create_table('t', sa.Column('id', sa.Integer, primary_key=True), sa.Column('name', sa.String(20)))",
          "op.drop_table('t')")
    p.rev("b2", "a1", "fill t",
          """
          op.execute("INSERT INTO t (id, name) VALUES (1, 'one')")
          with op.get_context().autocommit_block():
              op.execute("VACUUM")
          """,
          "op.execute('DELETE FROM t')")


def _without_log(text: str) -> str:
    """The plan text without the log table's statements (their checksums change with the files)."""
    out, skipping = [], False
    for line in text.splitlines():
        if "mig_log" in line and line.startswith("    "):
            skipping = not line.rstrip().endswith(";")
            continue
        if skipping:
            skipping = not line.rstrip().endswith(";")
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def test_exact_text_on_sqlite(sqlite_project: Project) -> None:
    p = sqlite_project
    _small(p)
    p("upgrade", "a1")
    text = p("upgrade", "head", "--plan").stdout
    assert _without_log(text) == textwrap.dedent("""\
        Plan: upgrade head on sqlite; database at a1
        Lock: held while planning
        Transactions: one for the whole run (BEGIN before the first step, COMMIT after the last)

        Before the first step:
            BEGIN;

        Step 1/1: upgrade a1 -> b2 (b2_fill_t.py) fill t
          cannot run in a transaction: autocommit_block() (the statements marked [autocommit]; the open transaction is committed first)
            INSERT INTO t (id, name) VALUES (1, 'one');
            COMMIT;
            [autocommit] VACUUM;
            BEGIN;
            UPDATE mig_version SET version_num='b2' WHERE mig_version.version_num = 'a1';

        After the last step:
            COMMIT;

        """)
    # the log row is planned too, with the script's checksum
    assert "INSERT INTO mig_log (revision, direction, checksum" in text
    down = p("downgrade", "base", "--plan").stdout
    assert _without_log(down) == textwrap.dedent("""\
        Plan: downgrade base on sqlite; database at a1
        Lock: held while planning
        Transactions: one for the whole run (BEGIN before the first step, COMMIT after the last)

        Before the first step:
            BEGIN;

        Step 1/1: downgrade a1 -> base (a1_create_t.py) create t
            DROP TABLE t;
            DELETE FROM mig_version WHERE mig_version.version_num = 'a1';

        After the last step:
            COMMIT;

        """)


def test_transaction_per_migration_text(tmp_path: Path) -> None:
    p = Project(tmp_path, "sqlite:///app.db")
    p.init()
    _small(p)
    toml = p.root / "mig.toml"
    toml.write_text(toml.read_text().replace("[mig]\n", "[mig]\ntransaction_per_migration = true\n", 1))
    text = _without_log(p("upgrade", "head", "--plan").stdout)
    assert "Transactions: one per migration (BEGIN and COMMIT around each step with its version row)" in text
    assert textwrap.dedent("""\
        Before the first step:
            BEGIN;
            CREATE TABLE mig_version (
                version_num VARCHAR(32) NOT NULL,
                CONSTRAINT mig_version_pkc PRIMARY KEY (version_num)
            );
            COMMIT;
        """) in text
    assert textwrap.dedent("""\
        Step 1/2: upgrade base -> a1 (a1_create_t.py) create t
            BEGIN;
            CREATE TABLE t (
                id INTEGER NOT NULL,
                name VARCHAR(20),
                PRIMARY KEY (id)
            );
            INSERT INTO mig_version (version_num) VALUES ('a1');
            COMMIT;
        """) in text


def test_json_shape(sqlite_project: Project) -> None:
    p = sqlite_project
    _small(p)
    p("upgrade", "a1")
    plan = p.plan("upgrade", "head")
    assert set(plan) == {"command", "target", "nothing_to_do", "runs"}
    assert (plan["command"], plan["target"], plan["nothing_to_do"]) == ("upgrade", "head", False)
    (run,) = plan["runs"]
    assert set(run) == {"engine_name", "dialect", "current", "locked", "version_table_exists",
                        "log_table", "log_table_exists", "baseline",
                        "transactional_ddl", "transaction_per_migration", "transactions",
                        "before", "steps", "after", "stopped"}
    assert (run["dialect"], run["current"], run["transactions"], run["version_table_exists"],
            run["log_table"], run["log_table_exists"], run["baseline"], run["stopped"]) == (
        "sqlite", ["a1"], "per-run", True, "mig_log", True, [], None)
    assert run["before"] == [{"kind": "begin", "sql": "BEGIN", "autocommit": False}]
    assert run["after"] == [{"kind": "commit", "sql": "COMMIT", "autocommit": False}]
    (step,) = run["steps"]
    assert set(step) == {"index", "direction", "revision", "down_revisions", "file", "message",
                         "statements", "autocommit", "needs_database", "incomplete",
                         "heads_before", "heads_after"}
    assert (step["index"], step["direction"], step["revision"], step["down_revisions"], step["message"],
            step["autocommit"], step["needs_database"], step["incomplete"], step["heads_before"],
            step["heads_after"]) == (0, "upgrade", "b2", ["a1"], "fill t", True, [], False, ["a1"], ["b2"])
    assert Path(step["file"]).name == "b2_fill_t.py"
    kinds = [(s["kind"], s["sql"], s["autocommit"]) for s in step["statements"] if "mig_log" not in s["sql"]]
    assert kinds == [("statement", "INSERT INTO t (id, name) VALUES (1, 'one')", False),
                     ("commit", "COMMIT", False), ("statement", "VACUUM", True), ("begin", "BEGIN", False),
                     ("statement", "UPDATE mig_version SET version_num='b2' WHERE mig_version.version_num = 'a1'",
                      False)]


def test_a_read_through_get_bind_stops_the_plan(sqlite_project: Project) -> None:
    p = sqlite_project
    _small(p)
    p.rev("c3", "b2", "read t",
          """
          count = op.get_bind().execute(sa.text("SELECT count(*) FROM t")).scalar()
          op.execute(f"UPDATE t SET name = 'n{count}'")
          """)
    p.rev("d4", "c3", "create u", "op.create_table('u', sa.Column('id', sa.Integer, primary_key=True))")
    p("upgrade", "b2")
    before = snapshot("sqlite:///" + str(p.root / "app.db"))
    plan = p.plan("upgrade", "head")
    assert snapshot("sqlite:///" + str(p.root / "app.db")) == before
    (run,) = plan["runs"]
    assert [s["revision"] for s in run["steps"]] == ["c3"]  # d4 is not shown: c3's outcome is unknown
    (step,) = run["steps"]
    assert step["incomplete"] is True
    assert step["needs_database"] == ["op.get_bind().execute() reads the database when it runs"]
    assert run["stopped"] == "upgrade c3: op.get_bind().execute() reads the database when it runs"
    text = p("upgrade", "head", "--plan").stdout
    assert "Plan stopped: upgrade c3: op.get_bind().execute() reads the database when it runs" in text
    assert p("upgrade", "head", "--plan").returncode == 0


def test_json_needs_plan(sqlite_project: Project) -> None:
    _small(sqlite_project)
    result = sqlite_project("upgrade", "head", "--json", ok=False)
    assert result.returncode == 2
    assert "--json goes with --plan" in result.stderr
    result = sqlite_project("upgrade", "head", "--plan", "--sql", ok=False)
    assert result.returncode == 2
    assert "--plan and --sql exclude each other" in result.stderr


def test_a_failing_script_fails_the_plan(sqlite_project: Project) -> None:
    p = sqlite_project
    _small(p)
    p.rev("c3", "b2", "broken", "raise RuntimeError('kaboom')")
    p("upgrade", "b2")
    before = snapshot("sqlite:///" + str(p.root / "app.db"))
    result = p("upgrade", "head", "--plan", ok=False)
    assert result.returncode == 1
    assert "upgrade c3 (c3_broken.py) failed: RuntimeError: kaboom" in result.stderr
    assert snapshot("sqlite:///" + str(p.root / "app.db")) == before
