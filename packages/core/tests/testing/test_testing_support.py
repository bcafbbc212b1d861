"""mig.testing's own behaviour: the skip-or-fail rule and MigrationRunner (on SQLite files)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from mig import op
from mig.errors import MigrationFailedError
from mig.testing import servers
from mig.testing.project import MigrationRunner

DOWN_URL = "postgresql+psycopg://root@127.0.0.1:1/test"


def test_server_down_skips_outside_ci(monkeypatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"^PostgreSQL server not available: .*127\.0\.0\.1:1"):
        servers.require_server(DOWN_URL, "PostgreSQL")


def test_server_down_fails_under_ci(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"^PostgreSQL server required under CI=true: "):
        servers.require_server(DOWN_URL, "PostgreSQL")


def test_urls_from_environment(monkeypatch) -> None:
    monkeypatch.delenv("MIG_TEST_POSTGRESQL_URL", raising=False)
    monkeypatch.setenv("MIG_TEST_MYSQL_URL", "mysql+pymysql://u@h/db")
    assert servers.postgresql_url() == servers.DEFAULT_POSTGRESQL_URL
    assert servers.mysql_url() == "mysql+pymysql://u@h/db"


def test_runner_upgrade_downgrade_and_sql(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    runner = MigrationRunner(tmp_path / "p", url, version_table="v")
    runner.add(lambda: op.create_table("t", sa.Column("id", sa.Integer, primary_key=True)),
               lambda: op.drop_table("t"))
    runner.add("op.add_column('t', sa.Column('x', sa.Integer))", "op.drop_column('t', 'x')")
    assert runner.heads() == ()
    runner.upgrade()
    assert runner.heads() == ("0002",)
    engine = sa.create_engine(url)
    assert [c["name"] for c in sa.inspect(engine).get_columns("t")] == ["id", "x"]
    runner.downgrade("base")
    assert runner.heads() == () and not sa.inspect(engine).has_table("t")
    sql = runner.sql("base:head")
    assert "CREATE TABLE t" in sql and "ALTER TABLE t ADD COLUMN x INTEGER" in sql
    engine.dispose()
    runner.close()


def test_runner_failure_names_the_revision(tmp_path) -> None:
    runner = MigrationRunner(tmp_path / "p", f"sqlite:///{tmp_path / 'db.sqlite'}")

    def boom() -> None:
        raise ValueError("no")

    with pytest.raises(MigrationFailedError, match=r"upgrade 0001 \(0001_migration.py\) failed: ValueError: no"):
        runner.run(boom)
    assert runner.heads() == ()


PLUGIN_USER = '''
import pytest
import sqlalchemy as sa
from mig import op


@pytest.fixture
def mig_database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'db.sqlite'}"


def test_mig_run(mig_run, mig_runner, mig_engine):
    rev = mig_run(lambda: op.create_table("t", sa.Column("id", sa.Integer, primary_key=True)))
    assert rev == "0001" and mig_runner.heads() == ("0001",)
    assert sa.inspect(mig_engine).has_table("t")
'''


def test_opt_in_pytest_plugin(tmp_path) -> None:
    import subprocess
    import sys

    (tmp_path / "test_uses_plugin.py").write_text(PLUGIN_USER, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "mig.testing.plugin", "-p",
                           "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


def test_runner_as_context_manager_forgets_its_callables_at_the_end(tmp_path) -> None:
    from mig.testing import project

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with MigrationRunner(tmp_path / "p", url) as runner:
        runner.run(lambda: op.create_table("t", sa.Column("id", sa.Integer, primary_key=True)))
        keys = list(runner._keys)
        assert keys and all(key in project._CALLABLES for key in keys)
    assert not any(key in project._CALLABLES for key in keys)
    assert runner.heads() == ("0001",)
