"""pytest fixtures for mig plugin authors.

Load them with ``-p mig.testing.plugin`` on the command line, or in a
``conftest.py`` with ``from mig.testing.fixtures import *``.

* ``mig_postgresql_url`` / ``mig_mysql_url`` (session): the server URL from
  ``MIG_TEST_POSTGRESQL_URL`` / ``MIG_TEST_MYSQL_URL`` (default: the local
  servers); skipped with a one-line reason when the server is down, failed
  under ``CI=true``.
* ``mig_postgresql_database`` / ``mig_mysql_database`` (session): a fresh
  database on that server, dropped when the session ends.
* ``mig_database_url``: set it up yourself (override) to point at the database
  your tests use; ``mig_engine`` and ``mig_run`` use it.
* ``mig_engine``: a SQLAlchemy engine for ``mig_database_url``.
* ``mig_runner``: a fresh :class:`~mig.testing.project.MigrationRunner` in
  ``tmp_path``; ``mig_run(upgrade, downgrade=None)`` adds one migration to it
  and upgrades.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mig.testing import servers
from mig.testing.project import MigrationRunner

__all__ = [
    "mig_database_url", "mig_engine", "mig_mysql_database", "mig_mysql_url", "mig_postgresql_database",
    "mig_postgresql_url", "mig_run", "mig_runner",
]


@pytest.fixture(scope="session")
def mig_postgresql_url() -> str:
    """The PostgreSQL server's URL; skips (fails under ``CI=true``) when it is down."""
    return servers.require_server(servers.postgresql_url(), "PostgreSQL")


@pytest.fixture(scope="session")
def mig_mysql_url() -> str:
    """The MySQL/MariaDB server's URL; skips (fails under ``CI=true``) when it is down."""
    return servers.require_server(servers.mysql_url(), "MySQL/MariaDB")


@pytest.fixture(scope="session")
def mig_postgresql_database(mig_postgresql_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for the session (``mig_test_<hex>``), dropped at the end."""
    with servers.temporary_database(mig_postgresql_url, "mig_test") as url:
        yield url


@pytest.fixture(scope="session")
def mig_mysql_database(mig_mysql_url: str) -> Iterator[str]:
    """A fresh MySQL/MariaDB database for the session (``mig_test_<hex>``), dropped at the end."""
    with servers.temporary_database(mig_mysql_url, "mig_test") as url:
        yield url


@pytest.fixture
def mig_database_url() -> str:
    """The database ``mig_engine``/``mig_runner`` use; a test package overrides this fixture."""
    pytest.fail("override the mig_database_url fixture to say which database to use", pytrace=False)
    raise AssertionError  # unreachable


@pytest.fixture
def mig_engine(mig_database_url: str) -> Iterator[Any]:
    """A SQLAlchemy engine for ``mig_database_url`` (disposed afterwards)."""
    import sqlalchemy as sa

    engine = sa.create_engine(mig_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def mig_runner(mig_database_url: str, tmp_path: Path) -> Iterator[MigrationRunner]:
    """A fresh mig project in ``tmp_path`` migrating ``mig_database_url``."""
    runner = MigrationRunner(tmp_path / "project", mig_database_url)
    yield runner
    runner.close()


@pytest.fixture
def mig_run(mig_runner: MigrationRunner) -> Callable[..., str]:
    """``mig_run(upgrade, downgrade=None)``: add a migration and upgrade to it; returns its id."""
    return mig_runner.run
