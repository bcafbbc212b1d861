"""Wheel-level check: mig-core, mig-cli and mig-postgresql installed from wheels, no workspace.

Builds the three wheels with ``uv build``, creates a fresh virtual environment
with ``python3 -m venv`` and installs them with pip (``--find-links`` for the
local wheels; SQLAlchemy, pluggy, Mako, click and psycopg come from the
package index, or from uv's cache when pip cannot reach it). Then the venv's own ``mig`` runs ``init``, ``revision`` and
``upgrade head`` against a fresh PostgreSQL database:

* with mig-core and mig-cli only, ``mig upgrade head`` fails with exit status
  1 and one line naming ``pip install mig-postgresql``;
* after ``pip install mig-postgresql`` the same command creates the table.

It takes a while (building, installing). Deselect it locally with
``--deselect tests/test_wheels.py`` or ``-k "not wheels"``; CI runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig.testing import servers

pytestmark = pytest.mark.postgresql

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mig-core", "mig-cli", "mig-postgresql")


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is needed to build the wheels (it runs the whole workspace)", pytrace=False)
    out = tmp_path_factory.mktemp("wheels")
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    for package in PACKAGES:
        _run([uv, "build", "--package", package, "--wheel", "--out-dir", str(out)], cwd=ROOT, env=env)
    built = sorted(p.name for p in out.glob("*.whl"))
    assert [name.split("-")[0] for name in built] == ["mig_cli", "mig_core", "mig_postgresql"]
    return out


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory, wheels: Path) -> Path:
    """A fresh venv (not the workspace's) with mig-core, mig-cli and psycopg, but not mig-postgresql."""
    python = shutil.which("python3") or sys.executable
    path = tmp_path_factory.mktemp("venv") / "env"
    _run([python, "-m", "venv", str(path)], cwd=path.parent)
    _pip(path, wheels, "mig-core", "mig-cli", "psycopg[binary]")
    return path


def _pip(venv: Path, wheels: Path, *requirements: str) -> None:
    """pip install into the venv; if pip cannot reach the index, uv's cache (still no workspace)."""
    python = str(venv / "bin" / "python")
    pip = _run([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile",
                "--find-links", str(wheels), *requirements], cwd=venv, check=False)
    if pip.returncode == 0:
        return
    uv = shutil.which("uv")
    if uv is None:
        raise AssertionError(f"pip install {' '.join(requirements)} failed:\n{pip.stdout}\n{pip.stderr}")
    _run([uv, "pip", "install", "--python", python, "--find-links", str(wheels), *requirements], cwd=venv,
         env=dict(os.environ, UV_PYTHON_DOWNLOADS="never"))


@pytest.fixture(scope="module")
def database(mig_postgresql_url: str) -> Iterator[str]:
    with servers.temporary_database(mig_postgresql_url, "mig_wheels") as db:
        yield db


def _mig(venv: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON", "MIG_"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return _run([str(venv / "bin" / "mig"), *args], cwd=project, env=env, check=False)


def test_installed_wheels_upgrade_postgresql(venv: Path, wheels: Path, database: str,
                                             tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    init = _mig(venv, project, "init", "migrations")
    assert init.returncode == 0, init.stderr
    config = project / "mig.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('"sqlite:///mig.db"', repr(database)
                                                                  .replace("'", '"')), encoding="utf-8")
    revision = _mig(venv, project, "revision", "-m", "create account", "--rev-id", "0001")
    assert revision.returncode == 0, revision.stderr
    [script] = (project / "migrations" / "versions").glob("0001_*.py")
    text = script.read_text(encoding="utf-8")
    body = ('op.create_table("account", sa.Column("id", sa.Integer, primary_key=True), '
            'sa.Column("mood", sa.Enum("ok", "sad", name="mood")))')
    script.write_text(text.replace("def upgrade() -> None:\n    pass", f"def upgrade() -> None:\n    {body}", 1),
                      encoding="utf-8")

    # Without the dialect plugin: one clear line, exit status 1, nothing done.
    failed = _mig(venv, project, "upgrade", "head")
    assert failed.returncode == 1, (failed.stdout, failed.stderr)
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mig: error: ")
    assert "pip install mig-postgresql" in lines[0]
    engine = sa.create_engine(database, poolclass=sa.pool.NullPool)
    try:
        assert not sa.inspect(engine).has_table("account")

        # With it: the same command creates the table (and its enum type).
        _pip(venv, wheels, "mig-postgresql")
        done = _mig(venv, project, "upgrade", "head")
        assert done.returncode == 0, done.stderr
        insp = sa.inspect(engine)
        assert insp.has_table("account")
        assert [e["name"] for e in insp.get_enums()] == ["mood"]
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT version_num FROM mig_version")).scalars().all() == ["0001"]
        current = _mig(venv, project, "current")
        assert current.returncode == 0 and "0001" in current.stdout
    finally:
        engine.dispose()
