"""The acceptance model through the ``mig`` console script: ``mig check`` is clean after ``create_all()``, and
``mig revision --autogenerate`` on an empty database drafts a migration after which ``mig check`` is clean."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

MIG = Path(sys.executable).parent / "mig"
MODELS = Path(__file__).with_name("models.py")


def _project(tmp_path: Path, url: str, dialect: str, *, drift: bool = False) -> Path:
    project = tmp_path / "project"
    project.mkdir(exist_ok=True)
    if not (project / "migrations").exists():
        _mig(project, "init", "migrations")
    shutil.copy(MODELS, project / "acceptance_models.py")
    extra = 'metadata.tables["generic"].append_column(sa.Column("drift", sa.Integer))\n' if drift else ""
    (project / "app_models.py").write_text(
        f"import sqlalchemy as sa\nfrom acceptance_models import build\nmetadata = build({dialect!r})\n{extra}",
        encoding="utf-8")
    (project / "mig.toml").write_text(
        f'[mig]\nscript_location = "migrations"\nurl = "{url}"\ntarget_metadata = "app_models:metadata"\n',
        encoding="utf-8")
    return project


def _mig(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIG_")}
    env["PYTHONWARNINGS"] = "ignore"
    return subprocess.run([str(MIG), *args], cwd=project, env=env, capture_output=True, text=True, timeout=120)


def test_mig_check_after_create_all(url: str, engine: sa.Engine, tmp_path: Path) -> None:
    from .models import OTHER_SCHEMA, build

    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {OTHER_SCHEMA}"))
    build(engine.dialect.name).create_all(engine)
    project = _project(tmp_path, url, engine.dialect.name)
    result = _mig(project, "check")
    assert (result.returncode, result.stdout.strip()) == (0, "No differences: the database matches the models."), \
        result.stderr
    drifted = _project(tmp_path, url, engine.dialect.name, drift=True)
    result = _mig(drifted, "check")
    assert result.returncode == 1
    assert "add_column generic.drift" in result.stdout


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_revision_autogenerate_on_an_empty_database(url: str, engine: sa.Engine, tmp_path: Path) -> None:
    from .models import OTHER_SCHEMA

    if engine.dialect.name == "postgresql":  # a type of the default schema's tables lives there
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {OTHER_SCHEMA}"))
    project = _project(tmp_path, url, engine.dialect.name)
    result = _mig(project, "revision", "--autogenerate", "-m", "initial")
    assert result.returncode == 0, result.stderr
    (draft,) = (project / "migrations" / "versions").glob("*_initial.py")
    text = draft.read_text(encoding="utf-8")
    assert "op.create_table(" in text and "def downgrade" in text
    if engine.dialect.name == "postgresql":
        assert "op.create_enum_type('color', ['a', 'b', 'c'])" in text
    result = _mig(project, "upgrade", "head")
    assert result.returncode == 0, result.stderr
    result = _mig(project, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    result = _mig(project, "downgrade", "base")
    assert result.returncode == 0, result.stderr
    with engine.connect() as conn:
        assert {t for t in sa.inspect(conn).get_table_names() if not t.startswith("mig_")} == set()
