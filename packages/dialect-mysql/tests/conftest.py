"""Fixtures for mig-mysql's tests: a real MariaDB/MySQL server, one fresh database per module.

The server is ``mig.testing``'s ``mig_mysql_url`` fixture (loaded by the root
``conftest.py``), with its rule for a server that is down.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url

from mig import plugins
from mig.testing import servers


@pytest.fixture(scope="module")
def mysql_url(mig_mysql_url: str, request: pytest.FixtureRequest) -> Iterator[str]:
    """A URL to a fresh database ``mig_test_<module>_<hex>``, dropped after the module."""
    module = request.module.__name__.rsplit(".", 1)[-1][:30]
    with servers.temporary_database(mig_mysql_url, f"mig_test_{module}") as url:
        yield url


@pytest.fixture(scope="module")
def engine(mysql_url: str) -> Iterator[Engine]:
    eng = sa.create_engine(mysql_url)
    yield eng
    eng.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """A connection in autocommit mode (MySQL DDL commits anyway)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        yield c


@pytest.fixture
def impl(conn: Connection) -> Any:
    """The registered mig dialect for the connection, online."""
    cls = plugins.dialect(conn.dialect.name).load()
    return cls(conn.dialect, conn)


class Offline:
    """A dialect impl in --sql mode writing to a buffer; ``sql()`` returns what it wrote."""

    def __init__(self, url: str) -> None:
        dialect = make_url(url).get_dialect()(paramstyle="named")
        self.out = io.StringIO()
        cls = plugins.dialect(dialect.name).load()
        self.impl = cls(dialect, None, as_sql=True, output=self.out)

    def run(self, *ops: Any) -> str:
        for op in ops:
            self.impl.run(op)
        return self.sql()

    def sql(self) -> str:
        text = self.out.getvalue()
        self.out.seek(0)
        self.out.truncate()
        return text


@pytest.fixture
def offline() -> Offline:
    """Offline impl for a ``mysql://`` URL (MySQL syntax)."""
    return Offline("mysql+pymysql://")


@pytest.fixture
def offline_mariadb() -> Offline:
    """Offline impl for a ``mariadb://`` URL (MariaDB syntax)."""
    return Offline("mariadb+pymysql://")


@pytest.fixture
def columns(conn: Connection) -> Any:
    """``columns(table)``: live column facts from information_schema, by column name."""
    return lambda table: _columns(conn, table)


def _columns(conn: Connection, table: str) -> dict[str, dict[str, Any]]:
    rows = conn.execute(sa.text(
        "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT, "
        "CHARACTER_SET_NAME, COLLATION_NAME FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :t ORDER BY ORDINAL_POSITION"),
        {"t": table}).mappings()
    return {r["COLUMN_NAME"]: dict(r) for r in rows}
