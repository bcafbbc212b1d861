"""The ``mig`` console script against MariaDB: init, revision, upgrade, a failure midway, --sql, downgrade."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

pytestmark = pytest.mark.mysql

MIG = Path(sys.executable).parent / "mig"

BODIES = {
    "a1": ('op.create_table("gadget", sa.Column("id", sa.Integer, primary_key=True), '
           'sa.Column("label", sa.String(30), server_default="new", comment="shown"))',
           'op.drop_table("gadget")'),
    "b2": ('op.alter_column("gadget", "label", nullable=False, existing_type=sa.String(30), '
           'existing_server_default="new", existing_comment="shown")',
           'op.alter_column("gadget", "label", nullable=True, existing_type=sa.String(30), '
           'existing_server_default="new", existing_comment="shown")'),
    "c3": ('op.create_index("ix_gadget_label", "gadget", ["label"])\n'
           '    op.execute("INSERT INTO gadget (id, label) VALUES (1, NULL)")',
           'op.drop_index("ix_gadget_label", "gadget")'),
}


def _mig(project: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIG_")}
    env["MIG_URL"] = url
    env["PYTHONWARNINGS"] = "ignore"
    return subprocess.run([str(MIG), *args], cwd=project, env=env, capture_output=True, text=True,
                          timeout=120)


def test_cli_run_with_a_failure_midway(tmp_path: Path, mysql_url: str, conn: sa.Connection) -> None:
    assert MIG.exists(), f"the mig console script is not installed at {MIG}"
    project = tmp_path / "project"
    project.mkdir()
    assert _mig(project, mysql_url, "init", "migrations").returncode == 0
    previous = None
    files: dict[str, str] = {}
    for rev, (up, down) in BODIES.items():
        args = ["revision", "-m", f"step {rev}", "--rev-id", rev]
        made = _mig(project, mysql_url, *args)
        assert made.returncode == 0, made.stderr
        [path] = (project / "migrations" / "versions").glob(f"{rev}_*.py")
        text = path.read_text()
        assert f"down_revision = {previous!r}" in text
        text = text.replace("def upgrade() -> None:\n    pass", f"def upgrade() -> None:\n    {up}")
        text = text.replace("def downgrade() -> None:\n    pass", f"def downgrade() -> None:\n    {down}")
        path.write_text(text)
        files[rev] = path.name
        previous = rev

    failed = _mig(project, mysql_url, "upgrade", "head")
    assert failed.returncode == 1
    line = failed.stderr.strip().splitlines()[-1]
    assert re.fullmatch(
        rf"mig: error: upgrade c3 \({re.escape(files['c3'])}\) failed: IntegrityError: \(1048, .*label.*\); "
        r"statement: INSERT INTO gadget \(id, label\) VALUES \(1, NULL\)", line), line
    current = _mig(project, mysql_url, "current")
    assert current.returncode == 0 and current.stdout.split()[0] == "b2", current
    assert [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM mig_version")] == ["b2"]
    # DDL is not transactional: c3's index was created before the failing statement
    assert [i["name"] for i in sa.inspect(conn).get_indexes("gadget")] == ["ix_gadget_label"]
    label = {c["name"]: c for c in sa.inspect(conn).get_columns("gadget")}["label"]
    assert (label["nullable"], label["default"], label["comment"]) == (False, "'new'", "shown")

    sql = _mig(project, mysql_url, "upgrade", "a1:b2", "--sql")
    assert sql.returncode == 0, sql.stderr
    assert ("ALTER TABLE gadget MODIFY label VARCHAR(30) NOT NULL DEFAULT 'new' COMMENT 'shown';"
            in sql.stdout)
    assert "BEGIN;" not in sql.stdout

    down = _mig(project, mysql_url, "downgrade", "a1")
    assert down.returncode == 0, down.stderr
    assert [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM mig_version")] == ["a1"]
    label = {c["name"]: c for c in sa.inspect(conn).get_columns("gadget")}["label"]
    assert (label["nullable"], label["default"], label["comment"]) == (True, "'new'", "shown")
    base = _mig(project, mysql_url, "downgrade", "base")
    assert base.returncode == 0, base.stderr
    assert not sa.inspect(conn).has_table("gadget")
    assert [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM mig_version")] == []
    conn.exec_driver_sql("DROP TABLE IF EXISTS mig_version")
