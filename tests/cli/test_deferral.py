"""`mig -q upgrade` lets SQLite run the statements as one script; `mig upgrade` (step lines) does not."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from .conftest import Mig

BODY = '''def upgrade() -> None:
    op.create_table("accounts", sa.Column("id", sa.Integer, primary_key=True))
    op.execute("INSERT INTO accounts (id) VALUES (1)")'''


def test_quiet_upgrade_defers_and_the_step_lines_do_not(mig: Mig, sqlite_scripts: list[str]) -> None:
    if mig.real:
        pytest.skip("records the scripts in this process; MIG_TEST_SUBPROCESS=1 runs mig elsewhere")
    scripts = sqlite_scripts
    mig("init", "migrations", ok=True)
    mig("revision", "-m", "accounts", "--rev-id", "a1", ok=True)
    path = mig.cwd / "migrations" / "versions" / "a1_accounts.py"
    path.write_text(path.read_text().replace("def upgrade() -> None:\n    pass", BODY).replace(
        "def downgrade() -> None:\n    pass", 'def downgrade() -> None:\n    op.drop_table("accounts")'))

    quiet = mig("-q", "upgrade", "head", ok=True)
    assert (quiet.stdout, quiet.stderr) == ("", "")
    assert len(scripts) == 1 and "INSERT INTO accounts (id) VALUES (1);\n" in scripts[0]
    mig("-q", "downgrade", "base", ok=True)
    loud = mig("upgrade", "head", ok=True)
    assert "Ran upgrade base -> a1" in loud.stderr
    assert len(scripts) == 2  # the downgrade's script; the watched upgrade ran statement by statement

    engine = sa.create_engine(f"sqlite:///{mig.cwd / 'mig.db'}", poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM mig_version").all() == [("a1",)]
        assert conn.exec_driver_sql("SELECT id FROM accounts").all() == [(1,)]
    engine.dispose()
