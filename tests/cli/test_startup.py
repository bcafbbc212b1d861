"""`mig --help` and `mig --version` stay cheap: no SQLAlchemy, no plugin's real code."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import MIG

PROBE = """
import sys
from mig_cli.main import run
status = run({args!r})
heavy = sorted(m for m in sys.modules if m == "sqlalchemy" or m.startswith(("sqlalchemy.", "mako",
    "mig.revision", "mig.runtime", "mig.ddl.impl"))
    or (m.startswith(("mig_postgresql.", "mig_mysql.", "mig_sqlite_batch.", "mig_autogen."))
        and not m.endswith(".plugin")))
print("STATUS", status)
print("HEAVY", heavy)
"""


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["upgrade", "--help"], ["history", "--help"]])
def test_help_and_version_do_not_import_sqlalchemy(args: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(args=args)], capture_output=True,
                          text=True, check=True)
    assert "STATUS 0" in proc.stdout
    assert "HEAVY []" in proc.stdout, proc.stdout


def test_help_lists_every_contract_command() -> None:
    proc = subprocess.run([str(MIG), "--help"], capture_output=True, text=True)
    assert proc.returncode == 0
    for name in ("init", "list-templates", "revision", "upgrade", "downgrade", "current", "history",
                 "heads", "branches", "merge", "stamp", "show", "check", "edit", "plugins"):
        assert f"\n  {name} " in proc.stdout, name
    for option in ("-c, --config", "-x KEY=VALUE", "--traceback", "-q, --quiet", "--version"):
        assert option in proc.stdout


def test_version() -> None:
    proc = subprocess.run([str(MIG), "--version"], capture_output=True, text=True)
    assert proc.returncode == 0
    assert proc.stdout.startswith("mig 0.")
    assert "mig-core" in proc.stdout


def test_version_constant_matches_the_distribution() -> None:
    from importlib.metadata import version

    import mig_cli

    assert mig_cli.__version__ == version("mig-cli")
