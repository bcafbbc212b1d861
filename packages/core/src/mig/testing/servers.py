"""Where the test database servers are, and what happens when one is down.

``MIG_TEST_POSTGRESQL_URL`` and ``MIG_TEST_MYSQL_URL`` override the local
defaults.

The one rule for a server that does not answer, used by every database
fixture of :mod:`mig.testing.fixtures` and every test of mig's own packages:
outside CI it skips the test with a one-line reason; under CI (the ``CI``
environment variable set to ``true``, ``1``, ``yes`` or ``on``, in any case)
it fails the test with a one-line reason, so a CI run can never pass by
skipping. :func:`require_server` applies it to a URL;
:func:`server_unavailable` is the rule itself.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import pytest

__all__ = [
    "CI_VALUES", "DEFAULT_MYSQL_URL", "DEFAULT_POSTGRESQL_URL", "in_ci", "mysql_url", "postgresql_url",
    "require_server", "server_unavailable", "temporary_database", "unique_name",
]

DEFAULT_POSTGRESQL_URL = "postgresql+psycopg://root@127.0.0.1:5432/test"
DEFAULT_MYSQL_URL = "mysql+pymysql://root@127.0.0.1:3306/test"

#: Values of ``CI`` (compared in lower case, spaces stripped) that mean "this is a CI run".
CI_VALUES = frozenset({"1", "true", "yes", "on"})


def postgresql_url() -> str:
    """The PostgreSQL server to test against (``MIG_TEST_POSTGRESQL_URL`` or the local one)."""
    return os.environ.get("MIG_TEST_POSTGRESQL_URL") or DEFAULT_POSTGRESQL_URL


def mysql_url() -> str:
    """The MySQL/MariaDB server to test against (``MIG_TEST_MYSQL_URL`` or the local one)."""
    return os.environ.get("MIG_TEST_MYSQL_URL") or DEFAULT_MYSQL_URL


def in_ci() -> bool:
    """Whether ``CI`` is set to one of :data:`CI_VALUES` (``true``, ``1``, ``yes``, ``on``; any case)."""
    return os.environ.get("CI", "").strip().lower() in CI_VALUES


def server_unavailable(label: str, reason: str) -> NoReturn:
    """Skip (outside CI) or fail (under CI) the current test, with one line naming the server.

    ``label`` names the server (``"PostgreSQL"``), ``reason`` says why it is
    unusable (URL and the driver's first line). Always raises: pytest's skip
    or fail exception.
    """
    if in_ci():
        ci = os.environ.get("CI", "").strip()
        pytest.fail(f"{label} server required under CI={ci}: {reason}", pytrace=False)
    pytest.skip(f"{label} server not available: {reason}")


def _safe(url: str) -> str:
    """``url`` with its password hidden (or a placeholder when it does not parse)."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparsable URL>"


def require_server(url: str, label: str) -> str:
    """``url`` if its server answers ``SELECT 1``; otherwise skip or fail (see module doc)."""
    problem = _connect_problem(url)
    if problem is not None:
        # outside the ``except``: the report shows the one line, not the driver's chained traceback
        server_unavailable(label, f"{_safe(url)}: {problem}")
    return url


def _connect_problem(url: str) -> str | None:
    """``None`` if ``url``'s server answers ``SELECT 1``, else the first line of why not."""
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    except Exception as exc:  # missing driver, bad URL
        return _first_line(exc)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except Exception as exc:
        return _first_line(exc)
    finally:
        engine.dispose()
    return None


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip()
    return text.splitlines()[0] if text else type(orig).__name__


def unique_name(prefix: str = "t") -> str:
    """A fresh lower-case identifier: ``<prefix>_<8 hex digits>``."""
    prefix = re.sub(r"\W", "_", prefix.lower())[:40]
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


@contextmanager
def temporary_database(server_url: str, prefix: str = "mig_test") -> Iterator[str]:
    """Create a fresh database on the server of ``server_url``; yield its URL; drop it afterwards.

    Works on PostgreSQL (``CREATE DATABASE``) and MySQL/MariaDB (``CREATE
    DATABASE``); the connection runs in autocommit mode.
    """
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    name = unique_name(prefix)
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    quote: Callable[[str], Any] = admin.dialect.identifier_preparer.quote
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {quote(name)}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        drop = f"DROP DATABASE IF EXISTS {quote(name)}"
        with admin.connect() as conn:
            if admin.dialect.name == "postgresql" and (admin.dialect.server_version_info or (0,)) >= (13,):
                drop += " WITH (FORCE)"  # connections a test leaked must not keep the database alive
            conn.exec_driver_sql(drop)
        admin.dispose()
