"""Projects as ``alembic init -t TEMPLATE`` writes them switch with ``mig adopt`` and run as under Alembic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from .conftest import Mig
from .test_adopt import alembic

REVISION_BODY = '''    op.create_table("accounts", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("email", sa.String(80), nullable=False))
    op.create_index("ix_accounts_email", "accounts", ["email"], unique=True)
'''
DOWNGRADE_BODY = '''    op.drop_index("ix_accounts_email", "accounts")
    op.drop_table("accounts")
'''


def _set_url(root: Path, url: str) -> None:
    for name in ("alembic.ini", "pyproject.toml"):
        path = root / name
        if path.is_file() and "sqlalchemy.url" in path.read_text():
            text = re.sub(r"^sqlalchemy\.url = .*$", f"sqlalchemy.url = {url}", path.read_text(), count=1, flags=re.M)
            path.write_text(text)


def _alembic_project(root: Path, template: str, url: str, upgrade: str = REVISION_BODY,
                     downgrade: str = DOWNGRADE_BODY) -> None:
    root.mkdir(parents=True, exist_ok=True)
    alembic(root, "init", "-t", template, "migrations")
    _set_url(root, url)
    alembic(root, "revision", "-m", "accounts", "--rev-id", "a1")
    script = root / "migrations" / "versions" / "a1_accounts.py"
    text = script.read_text()
    for function, body in (("def upgrade()", upgrade), ("def downgrade()", downgrade)):
        at = text.index("    pass\n", text.index(function))
        text = text[:at] + body + text[at + len("    pass\n"):]
    script.write_text(text)


def _schema(url: str) -> list[tuple[str, list[str], list[str]]]:
    engine = sa.create_engine(url.replace("+aiosqlite", "").replace("+psycopg_async", "+psycopg"),
                              poolclass=sa.pool.NullPool)
    try:
        inspector = sa.inspect(engine)
        return [(t, [c["name"] for c in inspector.get_columns(t)],
                 sorted(str(i["name"]) for i in inspector.get_indexes(t)))
                for t in sorted(inspector.get_table_names()) if t != "mig_log"]
    finally:
        engine.dispose()


@pytest.mark.parametrize("template", ["generic", "pyproject", "async", "pyproject_async"])
def test_template_project_adopted_and_run(mig: Mig, tmp_path: Path, template: str) -> None:
    driver = "sqlite+aiosqlite" if "async" in template else "sqlite"
    alembic_root = tmp_path / "alembic_copy"
    _alembic_project(alembic_root, template, f"{driver}:///{alembic_root / 'app.db'}")
    _alembic_project(mig.cwd, template, f"{driver}:///{mig.cwd / 'app.db'}")
    alembic(alembic_root, "upgrade", "head")

    result = mig("adopt", "--yes", ok=True, real=True)
    assert "Adopted: version table alembic_version" in result.stderr
    assert "from mig import context" in (mig.cwd / "migrations" / "env.py").read_text()
    mig("upgrade", "head", ok=True, real=True)
    mine, theirs = f"{driver}:///{mig.cwd / 'app.db'}", f"{driver}:///{alembic_root / 'app.db'}"
    assert _schema(mine) == _schema(theirs) == [
        ("accounts", ["id", "email"], ["ix_accounts_email"]), ("alembic_version", ["version_num"], [])]
    assert mig("current", ok=True, real=True).stdout.split() == ["a1", "(head)"]
    mig("downgrade", "base", ok=True, real=True)
    assert _schema(mine) == [("alembic_version", ["version_num"], [])]


@pytest.mark.postgresql
def test_async_template_on_postgresql(mig: Mig, mig_postgresql_clean_database: str) -> None:
    url = mig_postgresql_clean_database.replace("+psycopg", "+psycopg_async")
    if "+psycopg_async" not in url:
        url = url.replace("postgresql://", "postgresql+psycopg_async://", 1)
    _alembic_project(mig.cwd, "async", url)
    mig("adopt", "--yes", ok=True, real=True)
    mig("upgrade", "head", ok=True, real=True)
    assert _schema(url) == [("accounts", ["id", "email"], ["ix_accounts_email"]),
                            ("alembic_version", ["version_num"], [])]
    mig("downgrade", "base", ok=True, real=True)
    assert _schema(url) == [("alembic_version", ["version_num"], [])]
