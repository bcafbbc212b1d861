"""Fixtures for mig-autogen's comparison tests: one fresh database per test on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgresql),
    pytest.param("mysql", id="mariadb", marks=pytest.mark.mysql),
]


def _url(request: pytest.FixtureRequest, backend: str) -> str:
    fixture = {"sqlite": "mig_sqlite_url", "postgresql": "mig_postgresql_clean_database",
               "mysql": "mig_mysql_clean_database"}[backend]
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    """A fresh, empty database on each of the three backends."""
    eng = sa.create_engine(_url(request, request.param))
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine(request: pytest.FixtureRequest) -> Iterator[sa.Engine]:
    eng = sa.create_engine(_url(request, "postgresql"))
    yield eng
    eng.dispose()


def ops_of(engine: sa.Engine, metadata: Any, **options: Any) -> list[Any]:
    from mig_autogen import compare_metadata

    with engine.connect() as conn:
        return compare_metadata(conn, metadata, **options)


def described(engine: sa.Engine, metadata: Any, **options: Any) -> list[str]:
    return [op.describe() for op in ops_of(engine, metadata, **options)]
