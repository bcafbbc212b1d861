"""Fixtures for the end-to-end tests of the ``mig`` console script.

Commands run as real subprocesses of the installed console script
(``<venv>/bin/mig``), in a fresh project folder per test. Each database test
gets a database of its own: a SQLite file, or a freshly created PostgreSQL /
MariaDB database that is dropped afterwards.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

MIG = Path(sys.executable).parent / "mig"


@dataclass
class Result:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return (f"mig {' '.join(self.args)} -> {self.returncode}\n--- stdout\n{self.stdout}"
                f"--- stderr\n{self.stderr}")


class Mig:
    """Runs ``mig`` in a project folder.

    By default in this process, through ``mig_cli.main.run`` (the console
    script's own entry, with stdout/stderr captured and the folder as the
    working directory): the same code path as the real script without paying
    for a new interpreter and a fresh SQLAlchemy import on every call. Calls
    with ``real=True`` (or every call when ``MIG_TEST_SUBPROCESS=1``), and
    calls that set ``MIG_PLUGINS`` (read once per process), run the installed
    console script ``<venv>/bin/mig`` as a subprocess.
    """

    def __init__(self, cwd: Path, env: dict[str, str], *, real: bool = False) -> None:
        self.cwd = cwd
        self.env = env
        self.real = real or os.environ.get("MIG_TEST_SUBPROCESS") == "1"

    def __call__(self, *args: str, env: dict[str, str] | None = None, ok: bool | None = None,
                 timeout: float = 120, real: bool | None = None) -> Result:
        extra = env or {}
        use_subprocess = self.real if real is None else real
        if use_subprocess or "MIG_PLUGINS" in extra:
            proc = subprocess.run([str(MIG), *args], cwd=self.cwd, env={**self.env, **extra},
                                  capture_output=True, text=True, timeout=timeout)
            result = Result(args, proc.returncode, proc.stdout, proc.stderr)
        else:
            result = self._in_process(args, extra)
        if ok is True:
            assert result.returncode == 0, result
        return result

    def _in_process(self, args: tuple[str, ...], extra: dict[str, str]) -> Result:
        from mig_cli.main import run

        wanted = {**self.env, **extra}
        saved_env = dict(os.environ)
        saved_cwd = os.getcwd()
        out, err = io.StringIO(), io.StringIO()
        try:
            os.environ.clear()
            os.environ.update(wanted)
            os.chdir(self.cwd)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = run(list(args))
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
        return Result(args, status, out.getvalue(), err.getvalue())


@pytest.fixture
def mig(tmp_path: Path) -> Mig:
    project = tmp_path / "project"
    project.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIG_")}
    env["PYTHONWARNINGS"] = "ignore"
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # let subprocesses reuse compiled modules
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")  # mig --help's command cache
    return Mig(project, env)


#: The ``mig.testing`` fixture that gives each kind of ``database_url`` its empty database.
DATABASES = {"sqlite": "mig_sqlite_url", "postgresql": "mig_postgresql_clean_database",
             "mysql": "mig_mysql_clean_database"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                        pytest.param("mysql", marks=pytest.mark.mysql)])
def database_url(request: pytest.FixtureRequest) -> str:
    """A URL of an empty database of the parametrised kind, removed after the test."""
    url: str = request.getfixturevalue(DATABASES[request.param])
    return url
