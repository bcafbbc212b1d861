"""``--plan`` on a database that Alembic migrated (version rows, no log table): the plan shows the
log table's ``CREATE TABLE`` and the ``baseline`` rows the run writes before its first step, and the
run then writes exactly the log rows the plan showed (SQLite, PostgreSQL, MariaDB)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from .test_plan import Project, snapshot, three_steps
from .test_verify import _checksum

#: A log row as a plan writes it (offline form: the values inline).
LOG_INSERT = re.compile(
    r"INSERT INTO mig_log \(revision, direction, checksum, applied_at, duration_ms, mig_version\) "
    r"VALUES \('([^']*)', '([^']*)', '([^']*)', CURRENT_TIMESTAMP, NULL, '([^']*)'\)")


def planned_log_rows(plan: dict[str, Any]) -> list[tuple[str, ...]]:
    """Every log row the plan writes, in the order of the plan (before, the steps, after)."""
    (run,) = plan["runs"]
    statements = [*run["before"], *(s for step in run["steps"] for s in step["statements"]), *run["after"]]
    rows = []
    for statement in statements:
        if "mig_log" in statement["sql"] and statement["sql"].startswith("INSERT"):
            match = LOG_INSERT.fullmatch(statement["sql"])
            assert match is not None, statement["sql"]
            rows.append(match.groups())
    return rows


def written_log_rows(url: str) -> list[tuple[str, ...]]:
    """The rows the run wrote into the log table, in the order it wrote them."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            t = sa.Table("mig_log", sa.MetaData(), autoload_with=connection)
            return [(r.revision, r.direction, r.checksum, r.mig_version)
                    for r in connection.execute(sa.select(t).order_by(t.c.id))]
    finally:
        engine.dispose()


def version_rows(url: str) -> list[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            return sorted(connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                        pytest.param("mysql", marks=pytest.mark.mysql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":  # an absolute path: Alembic runs from another folder
        return f"sqlite:///{tmp_path / 'app.db'}"
    url: str = request.getfixturevalue(f"mig_{request.param}_clean_database")
    return url


def alembic_project(tmp_path: Path, url: str, extra: str = "") -> Project:
    """Three migrations; Alembic applied the first (``alembic_version`` says a1, no ``mig_log``)."""
    root = tmp_path / "project"
    root.mkdir()
    p = Project(root, url)
    p.init('version_table = "alembic_version"\n' + extra)
    three_steps(p)
    p.alembic_upgrade("a1")
    return p


def _paths(p: Project) -> dict[str, Path]:
    return {path.name.split("_", 1)[0]: path for path in p.versions.glob("*.py")}


def _kinds(statements: list[dict[str, Any]]) -> list[str]:
    """``begin``/``commit``, ``create log`` or ``baseline <rev>`` for each statement."""
    out = []
    for s in statements:
        if s["kind"] != "statement":
            out.append(s["kind"])
        elif s["sql"].startswith("CREATE TABLE mig_log ("):
            out.append("create log")
        else:
            match = LOG_INSERT.fullmatch(s["sql"])
            out.append(f"{match.group(2)} {match.group(1)}" if match else s["sql"])
    return out


@pytest.mark.parametrize("per_migration", [False, True], ids=["per-run", "per-migration"])
def test_upgrade_plan_shows_the_baseline_the_run_then_writes(tmp_path: Path, database_url: str,
                                                             per_migration: bool) -> None:
    p = alembic_project(tmp_path, database_url,
                        "transaction_per_migration = true\n" if per_migration else "")
    before = snapshot(p.url)
    assert "mig_log" not in before["tables"]
    plan = p.plan("upgrade", "head")
    assert snapshot(p.url) == before  # the plan changed nothing
    (run,) = plan["runs"]
    assert (run["current"], run["version_table_exists"], run["log_table"], run["log_table_exists"],
            run["baseline"]) == (["a1"], True, "mig_log", False, ["a1"])
    # before the first step: the log table (the run's own CREATE TABLE: the plan knows it is
    # missing, so no IF NOT EXISTS) and the baseline row of a1, in the transaction the run uses
    transactional = run["transactional_ddl"]
    if not transactional:
        expected = ["create log", "baseline a1"]
    elif per_migration:
        expected = ["begin", "create log", "baseline a1", "commit"]
    else:
        expected = ["begin", "create log", "baseline a1"]
    assert _kinds(run["before"]) == expected
    paths = _paths(p)
    planned = planned_log_rows(plan)
    assert planned == [("a1", "baseline", _checksum(paths["a1"]), "0.1.0"),
                       ("b2", "upgrade", _checksum(paths["b2"]), "0.1.0"),
                       ("c3", "upgrade", _checksum(paths["c3"]), "0.1.0")]
    # the run writes what the plan showed: the same log rows in the same order, the same version rows
    result = p("upgrade", "head")
    assert "recorded the current files of 1 applied migration(s) as the baseline in mig_log" in result.stderr
    assert written_log_rows(p.url) == planned
    assert version_rows(p.url) == run["steps"][-1]["heads_after"] == ["c3"]


def test_stamp_plan_shows_the_baseline_the_run_then_writes(tmp_path: Path, database_url: str) -> None:
    p = alembic_project(tmp_path, database_url)
    before = snapshot(p.url)
    plan = p.plan("stamp", "c3")
    assert snapshot(p.url) == before
    assert (plan["command"], plan["target"], plan["nothing_to_do"]) == ("stamp", "c3", False)
    (run,) = plan["runs"]
    assert (run["log_table_exists"], run["baseline"]) == (False, ["a1"])
    (step,) = run["steps"]
    assert (step["direction"], step["revision"], step["heads_before"], step["heads_after"]) == (
        "stamp", None, ["a1"], ["c3"])
    paths = _paths(p)
    planned = planned_log_rows(plan)
    assert planned == [("a1", "baseline", _checksum(paths["a1"]), "0.1.0"),
                       ("b2", "stamp", _checksum(paths["b2"]), "0.1.0"),
                       ("c3", "stamp", _checksum(paths["c3"]), "0.1.0")]
    p("stamp", "c3")
    assert written_log_rows(p.url) == planned
    assert version_rows(p.url) == ["c3"]
    # the log exists now: the next plan neither creates it nor writes a baseline
    again = p.plan("stamp", "b2")
    (run,) = again["runs"]
    assert (run["log_table_exists"], run["baseline"]) == (True, [])
    assert not any("CREATE TABLE" in s["sql"] for s in run["before"])
    assert planned_log_rows(again) == [("c3", "unstamp", _checksum(paths["c3"]), "0.1.0")]


def test_exact_text_on_sqlite(tmp_path: Path) -> None:
    p = alembic_project(tmp_path, f"sqlite:///{tmp_path / 'app.db'}")
    p.rev("b2", "a1", "index t", "op.add_column('t', sa.Column('code', sa.Integer))")
    (p.versions / "c3_create_u.py").unlink()
    paths = _paths(p)
    a1, b2 = _checksum(paths["a1"]), _checksum(paths["b2"])
    log = "INSERT INTO mig_log (revision, direction, checksum, applied_at, duration_ms, mig_version) VALUES"
    expected = textwrap.dedent(f"""\
        Plan: upgrade head on sqlite; database at a1
        Lock: held while planning
        Transactions: one for the whole run (BEGIN before the first step, COMMIT after the last)
        Log table: mig_log does not exist yet; the run creates it, then records the current files of 1 applied migration(s) as the baseline (a1)

        Before the first step:
            BEGIN;
            CREATE TABLE mig_log (
                id INTEGER NOT NULL,
                revision VARCHAR(32) NOT NULL,
                direction VARCHAR(16) NOT NULL,
                checksum VARCHAR(64),
                applied_at DATETIME NOT NULL,
                duration_ms INTEGER,
                mig_version VARCHAR(32) NOT NULL,
                CONSTRAINT mig_log_pkc PRIMARY KEY (id)
            );
            {log} ('a1', 'baseline', '{a1}', CURRENT_TIMESTAMP, NULL, '0.1.0');

        Step 1/1: upgrade a1 -> b2 (b2_index_t.py) index t
            ALTER TABLE t ADD COLUMN code INTEGER;
            UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';
            {log} ('b2', 'upgrade', '{b2}', CURRENT_TIMESTAMP, NULL, '0.1.0');

        After the last step:
            COMMIT;

        """)
    assert p("upgrade", "head", "--plan").stdout == expected
