"""Fixtures of the cross-database autogenerate acceptance tests: a fresh database per test on SQLite,
PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

_FIXTURES = {"sqlite": "mig_sqlite_url", "postgresql": "mig_postgresql_clean_database",
             "mysql": "mig_mysql_clean_database"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                        pytest.param("mysql", id="mariadb", marks=pytest.mark.mysql)])
def url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database of the parametrised kind."""
    found: str = request.getfixturevalue(_FIXTURES[request.param])
    return found


@pytest.fixture
def engine(url: str) -> Iterator[sa.Engine]:
    eng = sa.create_engine(url)
    yield eng
    eng.dispose()
