"""Branches, merges, stamps and the other graph commands, as people and tools read them."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import MIG, Mig
from .test_session import _versions

KEYS = ["revision", "down_revisions", "dependencies", "branch_labels", "message", "path",
        "create_date", "is_head", "is_base", "is_branch_point", "is_merge_point", "next_revisions"]


@pytest.fixture(scope="module")
def branched_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with revisions aaa <- bbb and aaa <- ccc (label side), made once per module."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIG_")}
    template = Mig(tmp_path_factory.mktemp("branched"), env)
    template("-q", "init", "migrations", ok=True)
    toml = template.cwd / "mig.toml"
    toml.write_text(toml.read_text().replace('url = "sqlite:///mig.db"', 'url = "sqlite:///app.db"'))
    template("revision", "-m", "root", "--rev-id", "aaa", ok=True)
    template("revision", "-m", "main line", "--rev-id", "bbb", ok=True)
    template("revision", "-m", "side line", "--rev-id", "ccc", "--head", "aaa", "--splice",
             "--branch-label", "side", ok=True)
    return template.cwd


@pytest.fixture
def branched(mig: Mig, branched_project: Path) -> str:
    """A fresh copy of ``branched_project`` in the test's folder; returns the database URL."""
    shutil.copytree(branched_project, mig.cwd, dirs_exist_ok=True)
    return f"sqlite:///{mig.cwd / 'app.db'}"


def test_branches_heads_and_history_markers(mig: Mig, branched: str) -> None:
    assert mig("heads", ok=True).stdout == "bbb (head)\nccc (side) (head)\n"
    assert mig("branches", ok=True).stdout == "aaa (branchpoint)\n    -> bbb (head)\n    -> ccc (side) (head)\n"
    assert mig("history", ok=True).stdout == (
        "aaa -> bbb (head), main line\n"
        "aaa -> ccc (side) (head), side line\n"
        "<base> -> aaa (branchpoint), root\n")
    data = json.loads(mig("branches", "--json", ok=True).stdout)
    assert [b["revision"] for b in data["branches"]] == ["aaa"]
    assert data["branches"][0]["next_revisions"] == ["bbb", "ccc"]
    assert list(data["branches"][0]) == KEYS


def test_upgrade_head_with_two_heads_is_an_error(mig: Mig, branched: str) -> None:
    url = branched
    result = mig("upgrade", "head")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("mig: error: ")
    assert "bbb, ccc" in result.stderr
    mig("upgrade", "heads", ok=True)
    assert _versions(url) == ["bbb", "ccc"]
    assert mig("current", ok=True).stdout == "bbb (head)\nccc (head)\n"


def test_merge_and_mergepoint(mig: Mig, branched: str) -> None:
    url = branched
    result = mig("merge", "heads", "-m", "join", "--rev-id", "mmm", ok=True)
    assert result.stdout.startswith("Generating ") and "mmm_join.py" in result.stdout
    assert mig("history", "-r", "bbb:mmm", ok=True).stdout.splitlines()[0] == (
        "bbb, ccc -> mmm (side) (head) (mergepoint), join")
    shown = mig("show", "mmm", ok=True).stdout
    assert shown.startswith("Rev: mmm (head) (mergepoint)\nMerges: bbb, ccc\n")
    mig("upgrade", "head", ok=True)
    assert _versions(url) == ["mmm"]


def test_stamp_purge_and_sql(mig: Mig, branched: str) -> None:
    url = branched
    result = mig("stamp", "bbb", ok=True)
    assert "Stamped base -> bbb" in result.stderr
    assert _versions(url) == ["bbb"]
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        assert sa.inspect(conn).get_table_names() == ["mig_log", "mig_version"]  # no migration ran
    engine.dispose()
    mig("stamp", "--purge", "ccc", ok=True)
    assert _versions(url) == ["ccc"]
    sql = mig("stamp", "aaa:bbb", "--sql", ok=True).stdout
    assert "UPDATE mig_version SET version_num='bbb' WHERE mig_version.version_num = 'aaa'" in sql
    assert _versions(url) == ["ccc"]


def test_show_json_and_heads_json(mig: Mig, branched: str) -> None:
    data = json.loads(mig("show", "ccc", "--json", ok=True).stdout)
    (entry,) = data["revisions"]
    assert list(entry) == KEYS
    assert entry["revision"] == "ccc" and entry["branch_labels"] == ["side"]
    assert entry["down_revisions"] == ["aaa"] and entry["is_head"] is True
    assert entry["path"] == str(mig.cwd / "migrations" / "versions" / "ccc_side_line.py")
    heads = json.loads(mig("heads", "--json", ok=True).stdout)["heads"]
    assert [h["revision"] for h in heads] == ["bbb", "ccc"]


def test_history_indicate_current_json(mig: Mig, branched: str) -> None:
    mig("upgrade", "side@head", ok=True)
    data = json.loads(mig("history", "-i", "--json", ok=True).stdout)["history"]
    assert {h["revision"]: h["current"] for h in data} == {"bbb": False, "ccc": True, "aaa": False}


def test_edit_opens_the_script_in_editor(mig: Mig, branched: str, tmp_path) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\necho "# edited" >> "$1"\n')
    editor.chmod(0o755)
    mig("edit", "bb", env={"EDITOR": str(editor), "VISUAL": str(editor)}, ok=True)
    script = mig.cwd / "migrations" / "versions" / "bbb_main_line.py"
    assert script.read_text().endswith("# edited\n")


def _stderr_on_a_terminal(mig: Mig, *args: str) -> str:
    """Run ``mig ARGS`` with stderr on a pseudo-terminal; returns what it drew there (exit 0 asserted)."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.run([str(MIG), *args], cwd=mig.cwd, env=mig.env,
                              stdout=subprocess.PIPE, stderr=slave, timeout=60)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    assert proc.returncode == 0
    return b"".join(chunks).decode()


def test_progress_line_on_a_terminal(mig: Mig, branched: str) -> None:
    shown = _stderr_on_a_terminal(mig, "upgrade", "side@head")
    assert "\r\x1b[2Kupgrade aaa (1 of 2), " in shown
    assert "\r\x1b[2Kupgrade ccc (2 of 2), " in shown
    assert "Ran upgrade aaa -> ccc" in shown


def test_quiet_and_not_a_terminal_have_no_progress_line(mig: Mig, branched: str) -> None:
    result = mig("upgrade", "side@head", ok=True)
    assert "\x1b" not in result.stderr and "\r" not in result.stderr
    assert result.stderr.splitlines() == ["Ran upgrade base -> aaa (0.00s)", "Ran upgrade aaa -> ccc (0.00s)"] \
        or [line.split(" (")[0] for line in result.stderr.splitlines()] == [
            "Ran upgrade base -> aaa", "Ran upgrade aaa -> ccc"]
    mig("downgrade", "base", ok=True)
    result = mig("-q", "upgrade", "side@head", ok=True)
    assert result.stderr == "" and result.stdout == ""


def test_history_range_with_current(mig: Mig, branched: str) -> None:
    mig("upgrade", "side@head", ok=True)
    assert mig("history", "-r", "base:current", "-i", ok=True).stdout == (
        "aaa -> ccc (side) (head) (current), side line\n"
        "<base> -> aaa (branchpoint), root\n")
    assert mig("history", "-r", "current:", ok=True).stdout == "aaa -> ccc (side) (head), side line\n"


def test_current_marks_dependencies_as_effective_heads(mig: Mig) -> None:
    mig("-q", "init", "migrations", ok=True)
    mig("revision", "-m", "a", "--rev-id", "aaa", ok=True)
    mig("revision", "-m", "other", "--rev-id", "ooo", "--head", "base", "--branch-label", "other", ok=True)
    mig("revision", "-m", "c", "--rev-id", "ccc", "--head", "aaa", "--depends-on", "ooo", ok=True)
    assert mig("heads", ok=True).stdout == "ccc (head)\nooo (other) (effective head)\n"
    mig("upgrade", "ccc", ok=True)
    assert mig("current", ok=True).stdout == "ccc (head)\nooo (effective head)\n"
    data = json.loads(mig("current", "--json", ok=True).stdout)["current"]
    assert [(c["revision"], c["effective_head"], c["dependencies"]) for c in data] == [
        ("ccc", False, ["ooo"]), ("ooo", True, [])]
    assert mig("history", ok=True).stdout.splitlines()[0] == "aaa (ooo) -> ccc (head), c"


def test_colour_only_on_a_terminal(mig: Mig, branched: str) -> None:
    master, slave = pty.openpty()
    try:
        proc = subprocess.run([str(MIG), "heads"], cwd=mig.cwd, env=mig.env, stdout=slave,
                              stderr=subprocess.PIPE, timeout=60)
        os.close(slave)
        shown = b""
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            shown += data
    finally:
        os.close(master)
    assert proc.returncode == 0
    text = shown.decode()
    assert "\x1b[32m(head)\x1b[0m" in text
    assert "\x1b[" not in mig("heads", real=True, ok=True).stdout


def test_step_lines_name_the_script_and_its_parents(mig: Mig, branched: str) -> None:
    """With another branch already applied, a step still reads `parents -> revision` (as Alembic's)."""
    mig("upgrade", "side@head", ok=True)

    def lines(result) -> list[str]:
        return [line.split(" (")[0] for line in result.stderr.splitlines()]

    assert lines(mig("upgrade", "heads", ok=True)) == ["Ran upgrade aaa -> bbb"]
    assert lines(mig("downgrade", "side@-1", ok=True)) == ["Ran downgrade ccc -> aaa"]
    assert mig("current", ok=True).stdout == "bbb (head)\n"
    assert lines(mig("stamp", "ccc", ok=True)) == ["Stamped bbb -> bbb, ccc"]


def test_progress_line_elapsed_time_moves_during_a_long_step(mig: Mig) -> None:
    mig("-q", "init", "migrations", ok=True)
    mig("revision", "-m", "slow", "--rev-id", "sss", ok=True)
    script = mig.cwd / "migrations" / "versions" / "sss_slow.py"
    text = script.read_text()
    assert "def upgrade() -> None:\n    pass" in text
    script.write_text(text.replace("def upgrade() -> None:\n    pass",
                                   "def upgrade() -> None:\n    import time\n    time.sleep(2.6)"))
    shown = _stderr_on_a_terminal(mig, "upgrade", "head")
    drawn = re.findall(r"\r\x1b\[2Kupgrade sss \(1 of 1\), (\d+\.\d)s elapsed", shown)
    # drawn at the start, then redrawn about every second while the step sleeps
    assert len(drawn) >= 3, shown
    assert float(drawn[-1]) - float(drawn[0]) >= 1.5, drawn
    assert drawn == sorted(drawn, key=float)
    # nothing is drawn after the step's line: the timer stopped with the step
    tail = shown[shown.index("Ran upgrade base -> sss"):]
    assert "elapsed" not in tail, tail
