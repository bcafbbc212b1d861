"""``mig stamp REVISIONS --plan``: the version and log rows a stamp would write, with nothing changed
(SQLite, PostgreSQL, MariaDB); the same output as ``upgrade --plan``, ``--json`` too."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from .test_plan import Project, snapshot, three_steps
from .test_plan_adoption import planned_log_rows, written_log_rows
from .test_verify import _checksum


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                        pytest.param("mysql", marks=pytest.mark.mysql)])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Project:
    fixture = {"sqlite": "mig_sqlite_url", "postgresql": "mig_postgresql_clean_database",
               "mysql": "mig_mysql_clean_database"}[request.param]
    root = tmp_path / "project"
    root.mkdir()
    p = Project(root, request.getfixturevalue(fixture))
    p.init()
    three_steps(p)
    return p


def _sql(plan: dict) -> list[list[str]]:
    (run,) = plan["runs"]
    return [[s["sql"] for s in step["statements"]] for step in run["steps"]]


def test_stamp_plan_changes_nothing_and_the_stamp_does_what_it_said(project: Project) -> None:
    project("upgrade", "a1")
    before = snapshot(project.url)
    plan = project.plan("stamp", "c3")
    assert snapshot(project.url) == before
    (run,) = plan["runs"]
    assert (plan["command"], plan["target"], run["current"], run["locked"]) == ("stamp", "c3", ["a1"], True)
    (step,) = run["steps"]
    assert (step["direction"], step["revision"], step["file"], step["heads_before"], step["heads_after"]) == (
        "stamp", None, None, ["a1"], ["c3"])
    assert step["statements"][0]["sql"] == (
        "UPDATE mig_version SET version_num='c3' WHERE mig_version.version_num = 'a1'")
    scripts = {path.name.split("_", 1)[0]: path for path in project.versions.glob("*.py")}
    planned = planned_log_rows(plan)
    assert planned == [("b2", "stamp", _checksum(scripts["b2"]), "0.1.0"),
                       ("c3", "stamp", _checksum(scripts["c3"]), "0.1.0")]
    project("stamp", "c3")
    assert snapshot(project.url)["rows"]["mig_version"] == [("c3",)]
    assert written_log_rows(project.url)[-2:] == planned
    assert snapshot(project.url)["tables"] == before["tables"]  # no migration ran


def test_stamp_plan_purge_and_down(project: Project) -> None:
    project("upgrade", "head")
    before = snapshot(project.url)
    plan = project.plan("stamp", "--purge", "a1")
    assert snapshot(project.url) == before
    (run,) = plan["runs"]
    assert [(s["direction"], s["heads_before"], s["heads_after"]) for s in run["steps"]] == [
        ("stamp", ["c3"], []), ("stamp", [], ["a1"])]
    assert _sql(plan)[0][0] == "DELETE FROM mig_version WHERE mig_version.version_num = 'c3'"
    assert _sql(plan)[1][0] == "INSERT INTO mig_version (version_num) VALUES ('a1')"
    assert [r[:2] for r in planned_log_rows(plan)] == [
        ("c3", "unstamp"), ("b2", "unstamp"), ("a1", "unstamp"), ("a1", "stamp")]
    down = project.plan("stamp", "b2")
    assert [r[:2] for r in planned_log_rows(down)] == [("c3", "unstamp")]
    assert snapshot(project.url) == before
    project("stamp", "--purge", "a1")
    assert written_log_rows(project.url)[-4:] == planned_log_rows(plan)
    assert snapshot(project.url)["rows"]["mig_version"] == [("a1",)]


def test_stamp_plan_without_a_version_table_creates_nothing(project: Project) -> None:
    plan = project.plan("stamp", "b2")
    assert "mig_version" not in snapshot(project.url)["tables"]
    (run,) = plan["runs"]
    assert (run["current"], run["version_table_exists"], run["log_table_exists"]) == ([], False, False)
    created = "\n".join(s["sql"] for s in run["before"])
    assert "CREATE TABLE mig_version (" in created and "CREATE TABLE mig_log (" in created
    assert _sql(plan)[0][0] == "INSERT INTO mig_version (version_num) VALUES ('b2')"


def test_stamp_plan_nothing_to_do(project: Project) -> None:
    project("upgrade", "b2")
    assert project("stamp", "b2", "--plan").stdout == "nothing to do: database is at b2\n"
    assert project.plan("stamp", "b2")["nothing_to_do"] is True


def test_stamp_plan_exact_text_on_sqlite(tmp_path: Path) -> None:
    p = Project(tmp_path, "sqlite:///app.db")
    p.init()
    three_steps(p)
    p("upgrade", "a1")
    b2 = _checksum(next(p.versions.glob("b2_*.py")))
    assert p("stamp", "b2", "--plan").stdout == textwrap.dedent(f"""\
        Plan: stamp b2 on sqlite; database at a1
        Lock: held while planning
        Transactions: one for the whole run (BEGIN before the first step, COMMIT after the last)

        Before the first step:
            BEGIN;

        Step 1/1: stamp a1 -> b2 (version rows only, no migration runs)
            UPDATE mig_version SET version_num='b2' WHERE mig_version.version_num = 'a1';
            INSERT INTO mig_log (revision, direction, checksum, applied_at, duration_ms, mig_version) VALUES ('b2', 'stamp', '{b2}', CURRENT_TIMESTAMP, NULL, '0.1.0');

        After the last step:
            COMMIT;

        """)


def test_stamp_plan_usage_errors(tmp_path: Path) -> None:
    p = Project(tmp_path, "sqlite:///app.db")
    p.init()
    three_steps(p)
    result = p("stamp", "b2", "--json", ok=False)
    assert (result.returncode, "--json goes with --plan" in result.stderr) == (2, True)
    result = p("stamp", "b2", "--plan", "--sql", ok=False)
    assert (result.returncode, "--plan and --sql exclude each other" in result.stderr) == (2, True)
    result = p("stamp", "a1:b2", "--plan", ok=False)
    assert result.returncode == 1
    assert "mig: error: --plan reads the current revision from the database; give one target revision, " \
           "not a range (a1:b2)" in result.stderr
    assert not (p.root / "app.db").exists()


def test_stamp_plan_on_a_missing_sqlite_file_leaves_no_file(tmp_path: Path) -> None:
    p = Project(tmp_path, "sqlite:///app.db")
    p.init()
    three_steps(p)
    plan = p.plan("stamp", "b2")
    (run,) = plan["runs"]
    assert (run["locked"], run["current"], run["version_table_exists"]) == (False, [], False)
    assert not (p.root / "app.db").exists()
    assert "Lock: not taken" in p("stamp", "b2", "--plan").stdout
    assert sorted(f.name for f in p.root.iterdir()) == ["mig.toml", "migrations"]
