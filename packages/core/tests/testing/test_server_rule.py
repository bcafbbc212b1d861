"""The one rule for a database server that is down, as a pytest run sees it.

A tiny test module that uses ``mig.testing``'s database fixtures runs in a
pytest subprocess (``-p mig.testing.plugin``, as a plugin author loads it)
with both server URLs pointing at a closed port. Without CI every test is
skipped with a one-line reason; with ``CI`` set to a true value every test
fails (pytest reports a failure in a fixture as an error at setup) with a
one-line reason, and the run's exit status is 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mig.testing import servers

DOWN_POSTGRESQL = "postgresql+psycopg://root@127.0.0.1:1/test"
DOWN_MYSQL = "mysql+pymysql://root@127.0.0.1:1/test"

USES_SERVERS = '''
def test_postgresql_url(mig_postgresql_url):
    pass


def test_postgresql_clean_database(mig_postgresql_clean_database):
    pass


def test_postgresql_engine(mig_postgresql_engine):
    pass


def test_mysql_url(mig_mysql_url):
    pass


def test_mysql_clean_database(mig_mysql_clean_database):
    pass
'''


def run_pytest(tmp_path: Path, ci: str | None) -> tuple[int, dict[str, tuple[str, str, str]]]:
    """Run the tiny module; return the exit status and, per test, (outcome, message, report text)."""
    (tmp_path / "test_uses_servers.py").write_text(USES_SERVERS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "PYTEST_ADDOPTS"}}
    env.update(MIG_TEST_POSTGRESQL_URL=DOWN_POSTGRESQL, MIG_TEST_MYSQL_URL=DOWN_MYSQL)
    if ci is not None:
        env["CI"] = ci
    report = tmp_path / "report.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "mig.testing.plugin", "-p", "no:cacheprovider",
         "--rootdir", str(tmp_path), f"--junitxml={report}", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    outcomes: dict[str, tuple[str, str, str]] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        found = [(child.tag, child.get("message", ""), (child.text or "").strip()) for child in case
                 if child.tag in {"skipped", "error", "failure"}]
        outcomes[case.get("name", "")] = found[0] if found else ("passed", "", "")
    return proc.returncode, outcomes


TESTS = ["test_postgresql_url", "test_postgresql_clean_database", "test_postgresql_engine",
         "test_mysql_url", "test_mysql_clean_database"]


def label(test: str) -> str:
    return "PostgreSQL" if "postgresql" in test else "MySQL/MariaDB"


def down_url(test: str) -> str:
    return DOWN_POSTGRESQL if "postgresql" in test else DOWN_MYSQL


@pytest.mark.parametrize("ci", [None, "false"], ids=["unset", "false"])
def test_server_down_outside_ci_skips_with_one_line(tmp_path: Path, ci: str | None) -> None:
    status, outcomes = run_pytest(tmp_path, ci)
    assert status == 0, outcomes
    assert sorted(outcomes) == sorted(TESTS)
    for test, (outcome, message, _) in outcomes.items():
        assert outcome == "skipped", (test, outcome, message)
        assert message.startswith(f"{label(test)} server not available: {down_url(test)}: "), message
        assert "\n" not in message.strip()


@pytest.mark.parametrize("ci", ["1", "true"])
def test_server_down_under_ci_fails_with_one_line(tmp_path: Path, ci: str) -> None:
    status, outcomes = run_pytest(tmp_path, ci)
    assert status == 1, outcomes
    assert sorted(outcomes) == sorted(TESTS)
    for test, (outcome, message, text) in outcomes.items():
        assert outcome == "error", (test, outcome, message)  # failed in its fixture's setup
        assert message.startswith(f"failed on setup with \"Failed: {label(test)} server required under "
                                  f"CI={ci}: {down_url(test)}: "), message
        # the whole report is that one line: no traceback, no chained driver exception
        assert text.startswith(f"{label(test)} server required under CI={ci}: ") and "\n" not in text, text


@pytest.mark.parametrize(("ci", "expected"), [
    (None, False), ("", False), ("0", False), ("false", False), ("no", False), ("off", False),
    ("1", True), ("true", True), ("TRUE", True), ("yes", True), ("On", True), (" true ", True),
])
def test_which_ci_values_mean_ci(monkeypatch: pytest.MonkeyPatch, ci: str | None, expected: bool) -> None:
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    assert servers.in_ci() is expected
