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
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

MIG = Path(sys.executable).parent / "mig"
POSTGRESQL_URL = os.environ.get("MIG_TEST_POSTGRESQL_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")
MYSQL_URL = os.environ.get("MIG_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")


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


def _server_down(kind: str, url: str, exc: BaseException) -> None:
    message = f"{kind} server not reachable at {url}: {type(exc).__name__}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: database tests must not skip)")
    pytest.skip(message)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                        pytest.param("mysql", marks=pytest.mark.mysql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of the parametrised kind, removed after the test."""
    kind = request.param
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    import sqlalchemy as sa

    base = sa.make_url(POSTGRESQL_URL if kind == "postgresql" else MYSQL_URL)
    name = f"mig_cli_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name}")
    except sa.exc.OperationalError as exc:
        engine.dispose()
        _server_down(kind, base.render_as_string(hide_password=True), exc)
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            if kind == "postgresql":
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            else:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        engine.dispose()
