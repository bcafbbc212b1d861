"""``script_location = "package:folder"``: the migrations folder inside an importable package, as Alembic allows."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from .conftest import Mig
from .test_adopt import ALEMBIC_INI, ENV_PY, SCRIPT_MAKO, alembic, rows

REVISION = '''\
"""create the accounts table"""
import sqlalchemy as sa
from {tool} import op

revision = "a1"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("accounts", sa.Column("id", sa.Integer, primary_key=True))


def downgrade():
    op.drop_table("accounts")
'''


def _package_project(mig: Mig, package: str, *, importable: bool = False) -> Path:
    """``mig init`` into ``<package>/migrations``, then point script_location at it as a resource."""
    mig("init", f"{package}/migrations", ok=True, real=True)
    init = mig.cwd / package / "__init__.py"
    # mig finds the folder without importing the package (it may import the whole application)
    init.write_text("" if importable else 'raise RuntimeError("the package was imported")\n')
    (mig.cwd / package / "migrations" / "versions" / "a1_accounts.py").write_text(REVISION.format(tool="mig"))
    config = mig.cwd / "mig.toml"
    config.write_text(config.read_text().replace(f'script_location = "{package}/migrations"',
                                                 f'script_location = "{package}:migrations"\n'
                                                 f'prepend_sys_path = ["."]'))
    return mig.cwd / "mig.db"


def test_script_location_names_a_folder_of_a_package(mig: Mig) -> None:
    db = _package_project(mig, "shopapp")
    assert mig("heads", ok=True, real=True).stdout.split() == ["a1", "(head)"]
    result = mig("upgrade", "head", ok=True, real=True)
    assert "Ran upgrade base -> a1" in result.stderr
    assert sa.inspect(sa.create_engine(f"sqlite:///{db}")).get_table_names() == ["accounts", "mig_log",
                                                                                 "mig_version"]
    # new revisions are written into the package's folder
    mig("revision", "-m", "second", "--rev-id", "b2", ok=True, real=True)
    assert [p.name for p in (mig.cwd / "shopapp/migrations/versions").glob("b2_*.py")] == ["b2_second.py"]


def test_a_package_python_cannot_find_is_a_clear_error(mig: Mig) -> None:
    _package_project(mig, "shopapp")
    config = mig.cwd / "mig.toml"
    config.write_text(config.read_text().replace('"shopapp:migrations"', '"nosuchapp:migrations"'))
    result = mig("heads", real=True)
    assert result.returncode == 1, result
    assert ("script_location = 'nosuchapp:migrations' names the package 'nosuchapp', which Python cannot "
            "find; install it, add its parent folder to prepend_sys_path, or give a folder") in result.stderr


def test_adopt_keeps_a_package_resource_and_runs_it(mig: Mig) -> None:
    root = mig.cwd
    folder = root / "billing" / "migrations"
    (folder / "versions").mkdir(parents=True)
    (root / "billing" / "__init__.py").write_text("")
    (folder / "env.py").write_text(ENV_PY)
    (folder / "script.py.mako").write_text(SCRIPT_MAKO)
    (folder / "versions" / "a1_accounts.py").write_text(REVISION.format(tool="alembic"))
    (root / "alembic.ini").write_text(
        ALEMBIC_INI.replace("script_location = %(here)s/alembic", "script_location = billing:migrations"))
    alembic(root, "upgrade", "head")
    result = mig("adopt", "--yes", ok=True, real=True)
    assert "script_location = \"billing:migrations\"" in (root / "mig.toml").read_text()
    assert "from mig import op" in (folder / "versions" / "a1_accounts.py").read_text()
    assert "from mig import context" in (folder / "env.py").read_text(), result
    assert mig("current", ok=True, real=True).stdout.split()[0] == "a1"
    mig("downgrade", "base", ok=True, real=True)
    assert rows(root / "app.db", "SELECT count(*) FROM alembic_version") == [(0,)]
    assert "accounts" not in sa.inspect(sa.create_engine(f"sqlite:///{root / 'app.db'}")).get_table_names()
