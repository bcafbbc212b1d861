"""pytest fixtures for mig plugin authors (and mig's own tests).

Load them with ``-p mig.testing.plugin`` (command line or ``addopts``), with
``pytest_plugins = ["mig.testing.plugin"]`` in the root ``conftest.py``, or
by importing the ones you need into a ``conftest.py``.

* ``mig_postgresql_url`` / ``mig_mysql_url`` (session): the server URL from
  ``MIG_TEST_POSTGRESQL_URL`` / ``MIG_TEST_MYSQL_URL`` (default: the local
  servers). A server that does not answer skips every test using it with a
  one-line reason, or fails them under CI (see :mod:`mig.testing.servers`).
  Every fixture below that needs a server goes through these two.
* ``mig_postgresql_database`` / ``mig_mysql_database`` (session): a fresh
  database on that server, dropped when the session ends; tests share it, so
  they use fresh names (:func:`~mig.testing.servers.unique_name`).
* ``mig_postgresql_engine`` / ``mig_mysql_engine`` (session): an engine on
  that session database.
* ``mig_postgresql_clean_database`` / ``mig_mysql_clean_database``: an empty
  database of the test's own, dropped after the test.
* ``mig_sqlite_url``: a SQLite file (not yet created) in ``tmp_path``.
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
    "mig_database_url", "mig_engine", "mig_mysql_clean_database", "mig_mysql_database", "mig_mysql_engine",
    "mig_mysql_url", "mig_postgresql_clean_database", "mig_postgresql_database", "mig_postgresql_engine",
    "mig_postgresql_url", "mig_run", "mig_runner", "mig_sqlite_url",
]


@pytest.fixture(scope="session")
def mig_postgresql_url() -> str:
    """The PostgreSQL server's URL; skips (fails under CI) when it is down."""
    return servers.require_server(servers.postgresql_url(), "PostgreSQL")


@pytest.fixture(scope="session")
def mig_mysql_url() -> str:
    """The MySQL/MariaDB server's URL; skips (fails under CI) when it is down."""
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


@pytest.fixture(scope="session")
def mig_postgresql_engine(mig_postgresql_database: str) -> Iterator[Any]:
    """A SQLAlchemy engine on ``mig_postgresql_database`` (disposed at the end of the session)."""
    yield from _engine(mig_postgresql_database)


@pytest.fixture(scope="session")
def mig_mysql_engine(mig_mysql_database: str) -> Iterator[Any]:
    """A SQLAlchemy engine on ``mig_mysql_database`` (disposed at the end of the session)."""
    yield from _engine(mig_mysql_database)


@pytest.fixture
def mig_postgresql_clean_database(mig_postgresql_url: str) -> Iterator[str]:
    """An empty PostgreSQL database of this test's own (``mig_test_<hex>``), dropped afterwards."""
    with servers.temporary_database(mig_postgresql_url, "mig_test") as url:
        yield url


@pytest.fixture
def mig_mysql_clean_database(mig_mysql_url: str) -> Iterator[str]:
    """An empty MySQL/MariaDB database of this test's own (``mig_test_<hex>``), dropped afterwards."""
    with servers.temporary_database(mig_mysql_url, "mig_test") as url:
        yield url


@pytest.fixture
def mig_sqlite_url(tmp_path: Path) -> str:
    """``sqlite:///<tmp_path>/mig.db``: a SQLite file of this test's own (created on first connect)."""
    return f"sqlite:///{tmp_path / 'mig.db'}"


def _engine(url: str) -> Iterator[Any]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def mig_database_url() -> str:
    """The database ``mig_engine``/``mig_runner`` use; a test package overrides this fixture."""
    pytest.fail("override the mig_database_url fixture to say which database to use", pytrace=False)


@pytest.fixture
def mig_engine(mig_database_url: str) -> Iterator[Any]:
    """A SQLAlchemy engine for ``mig_database_url`` (disposed afterwards)."""
    yield from _engine(mig_database_url)


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
