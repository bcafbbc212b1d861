"""The log table and ``mig verify``: checksums of applied scripts, on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from .verify_project import Project, new_project

DATABASES = {"sqlite": "mig_sqlite_url", "postgresql": "mig_postgresql_clean_database",
             "mysql": "mig_mysql_clean_database"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                        pytest.param("mysql", marks=pytest.mark.mysql)])
def project(request: pytest.FixtureRequest, tmp_path: Path) -> Project:
    """A project made by `mig init` (generic env.py) on an empty database of each kind."""
    return new_project(tmp_path, request.getfixturevalue(DATABASES[request.param]))

T1 = 'op.create_table("t1", sa.Column("id", sa.Integer, primary_key=True))'
T2 = 'op.create_table("t2", sa.Column("id", sa.Integer, primary_key=True))'
T3 = 'op.add_column("t1", sa.Column("note", sa.String(20)))'


def _three(project: Project, tool: str = "mig") -> list[Path]:
    return [project.script("r1", None, T1, 'op.drop_table("t1")', tool=tool),
            project.script("r2", "r1", T2, 'op.drop_table("t2")', tool=tool),
            project.script("r3", "r2", T3, 'op.drop_column("t1", "note")', tool=tool)]


def _checksum(path: Path) -> str:
    lines = [line.rstrip() for line in path.read_bytes().splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def _log(url: str, table: str = "mig_log") -> list[tuple[object, ...]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            t = sa.Table(table, sa.MetaData(), autoload_with=conn)
            return [(r.revision, r.direction, r.checksum, r.duration_ms is not None, r.mig_version,
                     r.applied_at is not None)
                    for r in conn.execute(sa.select(t).order_by(t.c.id))]
    finally:
        engine.dispose()


def _tables(url: str) -> list[str]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        return sorted(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("per_migration", [False, True])
def test_log_rows_after_upgrade_and_downgrade(project: Project, per_migration: bool) -> None:
    if per_migration:
        project.configure("transaction_per_migration = true\n")
    paths = _three(project)
    project("upgrade", "head", ok=True)
    project("downgrade", "r1", ok=True)
    sums = [_checksum(p) for p in paths]
    assert _log(project.url) == [
        ("r1", "upgrade", sums[0], True, "0.1.0", True),
        ("r2", "upgrade", sums[1], True, "0.1.0", True),
        ("r3", "upgrade", sums[2], True, "0.1.0", True),
        ("r3", "downgrade", sums[2], True, "0.1.0", True),
        ("r2", "downgrade", sums[1], True, "0.1.0", True),
    ]
    engine = sa.create_engine(project.url, poolclass=sa.pool.NullPool)
    try:
        columns = {c["name"]: c["nullable"] for c in sa.inspect(engine).get_columns("mig_log")}
    finally:
        engine.dispose()
    assert columns == {"id": False, "revision": False, "direction": False, "checksum": True,
                       "applied_at": False, "duration_ms": True, "mig_version": False}
    project("stamp", "head", ok=True)
    assert _log(project.url)[5:] == [("r2", "stamp", sums[1], False, "0.1.0", True),
                                     ("r3", "stamp", sums[2], False, "0.1.0", True)]
    assert project("verify", ok=True).stdout == "all 3 applied migrations match their files\n"


@pytest.mark.parametrize("per_migration", [False, True])
def test_a_failed_step_leaves_no_log_row(project: Project, per_migration: bool) -> None:
    if per_migration:
        project.configure("transaction_per_migration = true\n")
    project.script("r1", None, T1)
    project.script("r2", "r1", 'op.execute("SELECT 1")\nraise RuntimeError("boom")')
    result = project("upgrade", "head")
    assert result.returncode == 1
    assert "upgrade r2 (r2_step.py) failed: RuntimeError: boom" in result.stderr
    rows = _log(project.url) if "mig_log" in _tables(project.url) else []
    if per_migration or project.url.startswith("mysql"):
        # r1 committed on its own (per migration; MariaDB commits every migration)
        assert [r[:2] for r in rows] == [("r1", "upgrade")]
    else:
        assert rows == []


def test_edited_script_is_listed_and_whitespace_edits_are_not(project: Project) -> None:
    paths = _three(project)
    project("upgrade", "head", ok=True)
    # line endings and trailing blanks do not count
    paths[0].write_bytes(paths[0].read_bytes().replace(b"\n", b"  \r\n") + b"\r\n\r\n")
    assert project("verify", ok=True).stdout == "all 3 applied migrations match their files\n"
    # a real edit does
    paths[1].write_text(paths[1].read_text().replace('"t2"', '"t2_renamed"', 1))
    result = project("verify")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("changed: r2 (migrations/versions/r2_step.py): the file differs from the "
                               "one applied (upgrade at ")
    assert result.stderr == ("mig: error: 1 of 3 applied migration(s) differ from their files; restore the "
                             "files, or review the changes and accept them with `mig verify --baseline`\n")
    document = json.loads(project("verify", "--json").stdout)
    assert set(document) == {"ok", "log_table", "applied", "changed", "vanished", "unrecorded", "baselined"}
    assert document["ok"] is False
    assert document["applied"] == ["r1", "r2", "r3"]
    assert document["log_table"] == "mig_log"
    [changed] = document["changed"]
    assert changed["revision"] == "r2"
    assert changed["path"] == str(paths[1])
    assert changed["current_checksum"] == _checksum(paths[1])
    assert changed["recorded_direction"] == "upgrade"
    assert len(changed["recorded_checksum"]) == 64 and changed["recorded_checksum"] != changed["current_checksum"]
    assert document["vanished"] == [] and document["unrecorded"] == [] and document["baselined"] == []
    # accepting the edit
    result = project("verify", "--baseline", ok=True)
    assert result.stdout == ("baseline: r2: recorded the current file's checksum\n"
                             "all 3 applied migrations match their files\n")
    assert _log(project.url)[-1][:3] == ("r2", "baseline", _checksum(paths[1]))
    assert project("verify", ok=True).returncode == 0


def test_deleted_file_is_listed_as_vanished(project: Project) -> None:
    paths = _three(project)
    project("upgrade", "head", ok=True)
    paths[2].unlink()
    result = project("verify")
    assert result.returncode == 1
    assert result.stdout == "vanished: r3: applied, but no script declares it any more\n"
    document = json.loads(project("verify", "--json").stdout)
    assert document["applied"] == ["r1", "r2", "r3"]
    assert [v["revision"] for v in document["vanished"]] == ["r3"]
    assert document["vanished"][0]["recorded_checksum"] is not None


def test_upgrade_warns_and_strict_refuses(project: Project) -> None:
    paths = _three(project)
    project("upgrade", "r2", ok=True)
    paths[0].write_text(paths[0].read_text() + "# edited after it was applied\n")
    project.configure('verify = "strict"\n')
    result = project("upgrade", "head")
    assert result.returncode == 1
    assert result.stderr == (
        'mig: error: verify = "strict": 1 applied migration(s) differ from their files (migration r1 '
        '(migrations/versions/r1_step.py) changed since it was applied); restore the files, or review '
        'them and accept them with `mig verify --baseline`, then upgrade again\n')
    assert [r[0] for r in _log(project.url)] == ["r1", "r2"]  # nothing ran
    project.configure()
    result = project("upgrade", "head", ok=True)
    assert ("WARNI [mig.runtime] migration r1 (migrations/versions/r1_step.py) changed since it was "
            "applied; `mig verify` lists every difference\n") in result.stderr
    assert result.stderr.index("changed since") < result.stderr.index("Ran upgrade r2 -> r3")
    project.configure('verify = "off"\n')
    project("downgrade", "r2", ok=True)
    assert "changed since" not in project("upgrade", "head", ok=True).stderr


def test_verify_mode_is_validated(project: Project) -> None:
    project.configure('verify = "sometimes"\n')
    result = project("verify")
    assert result.returncode == 1
    assert result.stderr == ("mig: error: verify = 'sometimes' is not a verify mode; use \"warn\" (the "
                             "default: an upgrade warns about applied scripts that changed), \"strict\" "
                             "(it refuses to run) or \"off\"\n")


def test_log_table_name_from_the_config(project: Project) -> None:
    project.configure('log_table = "deploy_log"\n')
    paths = _three(project)
    project("upgrade", "head", ok=True)
    assert "mig_log" not in _tables(project.url)
    assert [r[:3] for r in _log(project.url, "deploy_log")] == [
        ("r1", "upgrade", _checksum(paths[0])), ("r2", "upgrade", _checksum(paths[1])),
        ("r3", "upgrade", _checksum(paths[2]))]
    assert json.loads(project("verify", "--json", ok=True).stdout)["log_table"] == "deploy_log"


def _alembic(project: Project, target: str) -> None:
    project.alembic_upgrade(target)


def test_a_database_alembic_migrated_is_adopted_with_a_baseline(project: Project) -> None:
    project.configure('version_table = "alembic_version"\n')
    paths = _three(project)
    _alembic(project, "r2")
    assert "mig_log" not in _tables(project.url)
    result = project("verify", ok=True)
    assert result.stdout == (
        "unrecorded: r1: applied without a checksum (by Alembic, or before the log table existed)\n"
        "unrecorded: r2: applied without a checksum (by Alembic, or before the log table existed)\n"
        "0 of 2 applied migrations match their files; 2 have no checksum recorded: `mig verify "
        "--baseline` records their current files\n")
    assert "mig_log" not in _tables(project.url)  # verify only reads
    result = project("upgrade", "head", ok=True)
    assert ("INFO  [mig.runtime] adopted a database without a log table: recorded the current files of 2 "
            "applied migration(s) as the baseline in mig_log\n") in result.stderr
    assert [r[:3] for r in _log(project.url)] == [
        ("r1", "baseline", _checksum(paths[0])), ("r2", "baseline", _checksum(paths[1])),
        ("r3", "upgrade", _checksum(paths[2]))]
    assert project("verify", ok=True).stdout == "all 3 applied migrations match their files\n"
    # Alembic still runs against the database mig manages (it ignores mig_log)
    project("downgrade", "r2", ok=True)
    _alembic(project, "head")
    result = project("verify", ok=True)
    assert result.stdout.startswith("unrecorded: r3: applied without a checksum")
    assert project("verify", "--baseline", ok=True).stdout == (
        "baseline: r3: recorded the current file's checksum\nall 3 applied migrations match their files\n")


def test_stamp_adopts_too(project: Project) -> None:
    project.configure('version_table = "alembic_version"\n')
    paths = _three(project)
    _alembic(project, "r1")
    result = project("stamp", "r2", ok=True)
    assert "recorded the current files of 1 applied migration(s) as the baseline" in result.stderr
    assert [r[:3] for r in _log(project.url)] == [
        ("r1", "baseline", _checksum(paths[0])), ("r2", "stamp", _checksum(paths[1]))]


#: What the offline SQL of the log table says on each database: the ``id`` column, ``applied_at``'s
#: type, whether the file has a ``BEGIN``/``COMMIT`` (MySQL/MariaDB: DDL commits by itself).
OFFLINE_DIALECT = {
    "sqlite": ("id INTEGER NOT NULL", "DATETIME", True),
    "postgresql": ("id SERIAL NOT NULL", "TIMESTAMP WITHOUT TIME ZONE", True),
    "mysql": ("id INTEGER NOT NULL AUTO_INCREMENT", "DATETIME", False),
}


def _offline_kind(project: Project) -> str:
    return project.url.split(":", 1)[0].split("+", 1)[0]


def test_offline_sql_writes_the_log_rows(project: Project) -> None:
    """The exact offline SQL on every database: the log row is a plain ``INSERT`` (no
    ``RETURNING mig_log.id``, which SQLAlchemy would add on PostgreSQL for the online run)."""
    paths = _three(project)
    _, s2, s3 = (_checksum(p) for p in paths)
    id_column, timestamp, transactional = OFFLINE_DIALECT[_offline_kind(project)]
    create_log = (
        "CREATE TABLE IF NOT EXISTS mig_log (\n"
        f"    {id_column},\n"
        "    revision VARCHAR(32) NOT NULL,\n"
        "    direction VARCHAR(16) NOT NULL,\n"
        "    checksum VARCHAR(64),\n"
        f"    applied_at {timestamp} NOT NULL,\n"
        "    duration_ms INTEGER,\n"
        "    mig_version VARCHAR(32) NOT NULL,\n"
        "    CONSTRAINT mig_log_pkc PRIMARY KEY (id)\n"
        ");\n\n")
    begin, commit = ("BEGIN;\n\n", "COMMIT;\n\n") if transactional else ("", "")
    sql = project("upgrade", "r1:r2", "--sql", ok=True).stdout
    assert sql == (
        begin + create_log +
        "-- Running upgrade r1 -> r2\n\n"
        f"CREATE TABLE t2 (\n    {id_column},\n    PRIMARY KEY (id)\n);\n\n"
        "UPDATE mig_version SET version_num='r2' WHERE mig_version.version_num = 'r1';\n\n"
        "INSERT INTO mig_log (revision, direction, checksum, applied_at, duration_ms, mig_version) "
        f"VALUES ('r2', 'upgrade', '{s2}', CURRENT_TIMESTAMP, NULL, '0.1.0');\n\n" + commit)
    assert project("stamp", "r2:r3", "--sql", ok=True).stdout == (
        begin + create_log +
        "UPDATE mig_version SET version_num='r3' WHERE mig_version.version_num = 'r2';\n\n"
        "INSERT INTO mig_log (revision, direction, checksum, applied_at, duration_ms, mig_version) "
        f"VALUES ('r3', 'stamp', '{s3}', CURRENT_TIMESTAMP, NULL, '0.1.0');\n\n" + commit)
    assert "RETURNING" not in project("upgrade", "head", "--sql", ok=True).stdout


@pytest.mark.parametrize("project", ["sqlite"], indirect=True)  # the file run by sqlite3 itself
def test_offline_sql_file_leaves_the_rows_of_an_online_run(project: Project) -> None:
    paths = _three(project)
    s1, s2 = _checksum(paths[0]), _checksum(paths[1])
    full = project("upgrade", "head", "--sql", ok=True).stdout
    assert ("INSERT INTO mig_log (revision, direction, checksum, applied_at, duration_ms, mig_version) "
            f"VALUES ('r1', 'upgrade', '{s1}', CURRENT_TIMESTAMP, NULL, '0.1.0');") in full
    down = project("downgrade", "r2:r1", "--sql", ok=True).stdout
    assert ("INSERT INTO mig_log (revision, direction, checksum, applied_at, duration_ms, mig_version) "
            f"VALUES ('r2', 'downgrade', '{s2}', CURRENT_TIMESTAMP, NULL, '0.1.0');") in down
    # the file, run by the database, leaves the same rows an online run would
    engine = sa.create_engine(project.url, poolclass=sa.pool.NullPool)
    try:
        raw = engine.raw_connection()
        try:
            raw.executescript(full)  # type: ignore[attr-defined]
        finally:
            raw.close()
    finally:
        engine.dispose()
    assert [r[:3] for r in _log(project.url)] == [("r1", "upgrade", s1), ("r2", "upgrade", s2),
                                                 ("r3", "upgrade", _checksum(paths[2]))]
    assert project("verify", ok=True).stdout == "all 3 applied migrations match their files\n"


def test_offline_sql_on_every_database_runs(project: Project) -> None:
    """The offline file, run on the database, creates the log and its rows (PostgreSQL and MariaDB too)."""
    _three(project)
    sql = project("upgrade", "head", "--sql", ok=True).stdout
    engine = sa.create_engine(project.url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            for statement in sql.split(";\n"):
                text = "\n".join(line for line in statement.splitlines() if not line.startswith("--")).strip()
                if text and text not in ("BEGIN", "COMMIT"):
                    conn.exec_driver_sql(text)
    finally:
        engine.dispose()
    assert [r[:2] for r in _log(project.url)] == [("r1", "upgrade"), ("r2", "upgrade"), ("r3", "upgrade")]
