"""A third-party comparator and renderer (tests/third_party/mig_plugins.py) end to end with `mig revision --autogenerate`."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

MIG = Path(sys.executable).parent / "mig"
PLUGIN = Path(__file__).parent / "third_party" / "mig_plugins.py"

MODELS = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table("orders", metadata, sa.Column("id", sa.Integer, primary_key=True), info={"audit": True})
sa.Table("notes", metadata, sa.Column("id", sa.Integer, primary_key=True))
'''


def mig(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "PYTHONWARNINGS": "ignore"}
    return subprocess.run([str(MIG), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def test_a_local_plugin_detects_tagged_tables_and_renders_its_operation(tmp_path: Path) -> None:
    assert mig(tmp_path, "init", "migrations").returncode == 0
    shutil.copy(PLUGIN, tmp_path / "migrations" / "mig_plugins.py")
    (tmp_path / "shop_models.py").write_text(MODELS)
    config = tmp_path / "mig.toml"
    config.write_text(re.sub(r"^# target_metadata = .*$", 'target_metadata = "shop_models:metadata"',
                             config.read_text(), count=1, flags=re.M))

    result = mig(tmp_path, "revision", "--autogenerate", "-m", "shop", "--rev-id", "0001")
    assert result.returncode == 0, result.stderr
    script = (tmp_path / "migrations/versions/0001_shop.py").read_text()
    assert ("    # audit trail of orders (audit plugin)\n"
            "    op.create_table(\n"
            "        'orders_audit',\n"
            "        sa.Column('id', sa.Integer(), primary_key=True),\n") in script
    assert "    op.drop_table('orders_audit')\n" in script

    assert mig(tmp_path, "upgrade", "head").returncode == 0
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'mig.db'}")
    try:
        assert {"orders", "orders_audit", "notes"} <= set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()
    again = mig(tmp_path, "check")
    assert (again.returncode, again.stdout) == (0, "No differences: the database matches the models.\n")
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE orders_audit"))
    engine.dispose()
    check = mig(tmp_path, "check")
    assert (check.returncode, check.stdout.splitlines()[:2]) == (
        1, ["1 difference between the models and the database:", "  create_audit_table orders_audit"])
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'mig.db'}")
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE orders_audit (id INTEGER PRIMARY KEY)"))
    engine.dispose()
    assert mig(tmp_path, "downgrade", "base").returncode == 0
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'mig.db'}")
    try:
        assert "orders_audit" not in sa.inspect(engine).get_table_names()
    finally:
        engine.dispose()
