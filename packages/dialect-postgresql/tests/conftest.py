"""Fixtures for mig-postgresql's tests: the real PostgreSQL server, a fresh database per session.

The server comes from ``MIG_TEST_POSTGRESQL_URL`` (default: the local one).
Outside CI a server that is down skips these tests with a one-line reason;
under ``CI=true`` it fails them.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mig.testing import servers
from mig.testing.fixtures import mig_postgresql_url  # noqa: F401


@pytest.fixture(scope="session")
def pg_database_url(mig_postgresql_url: str) -> Iterator[str]:  # noqa: F811
    """A fresh database for this test session (dropped at the end)."""
    with servers.temporary_database(mig_postgresql_url, "mig_pg") as url:
        yield url


@pytest.fixture(scope="session")
def mig_conformance_url(pg_database_url: str) -> str:
    """The database the conformance suite fills (and cleans up after each test)."""
    return pg_database_url
