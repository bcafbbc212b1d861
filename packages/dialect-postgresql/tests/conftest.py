"""Fixtures for mig-postgresql's tests: the real PostgreSQL server, a fresh database per session.

The server and the session database are ``mig.testing``'s fixtures
(``mig_postgresql_database``, ``mig_postgresql_engine``; loaded by the root
``conftest.py``), with their rule for a server that is down.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig.testing import servers
from mig.testing.project import MigrationRunner


@pytest.fixture(scope="session")
def mig_conformance_url(mig_postgresql_database: str) -> str:
    """The database the conformance suite fills (and cleans up after each test)."""
    return mig_postgresql_database


@pytest.fixture
def mig_database_url(mig_postgresql_database: str) -> str:
    """``mig_runner`` (``runner``) migrates the session database."""
    return mig_postgresql_database


@pytest.fixture
def runner(mig_runner: MigrationRunner) -> MigrationRunner:
    """A throw-away mig project in ``tmp_path`` migrating the session database."""
    return mig_runner


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[MigrationRunner]:
    """A project for ``--sql`` output only (no server needed), version table ``mig_version``."""
    r = MigrationRunner(tmp_path / "offline", "postgresql+psycopg://", version_table="mig_version")
    yield r
    r.close()


@pytest.fixture
def name() -> Callable[[str], str]:
    """``name("t")``: a fresh identifier ``t_<hex>`` (tests share one database)."""
    return servers.unique_name


class Pg:
    """Reading the session database: reflected columns, one value, enum labels."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def inspect(self) -> Any:
        return sa.inspect(self.engine)

    def columns(self, table: str, schema: str | None = None) -> dict[str, dict[str, Any]]:
        return {c["name"]: c for c in sa.inspect(self.engine).get_columns(table, schema=schema)}

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    def all(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql), params)]

    def execute(self, sql: str, **params: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.text(sql), params)

    def fails(self, sql: str, **params: Any) -> bool:
        """Whether the statement is refused by the database."""
        try:
            self.execute(sql, **params)
        except sa.exc.DBAPIError:
            return True
        return False

    def enum_labels(self, type_name: str, schema: str = "public") -> list[str] | None:
        """The labels of an enum type in order, or ``None`` if there is no such type."""
        oid = self.scalar("SELECT t.oid FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                          "WHERE t.typname = :t AND n.nspname = :s", t=type_name, s=schema)
        if oid is None:
            return None
        with self.engine.connect() as conn:
            return list(conn.execute(sa.text(
                "SELECT enumlabel FROM pg_enum WHERE enumtypid = :oid ORDER BY enumsortorder"),
                {"oid": oid}).scalars())


@pytest.fixture(scope="session")
def pg(mig_postgresql_engine: sa.Engine) -> Pg:
    return Pg(mig_postgresql_engine)
