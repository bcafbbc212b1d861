"""The conformance suite once more through a ``mariadb+pymysql://`` URL (``MariaDBImpl``)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import make_url

from mig.testing.suite import *  # noqa: F403

pytestmark = pytest.mark.mysql


@pytest.fixture(scope="module")
def mig_conformance_url(mysql_url: str) -> str:
    url = make_url(mysql_url)
    if url.get_backend_name() != "mysql":
        pytest.fail(f"MIG_TEST_MYSQL_URL must be a mysql:// URL, not {url.drivername}")
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            is_mariadb = conn.dialect.is_mariadb
    finally:
        engine.dispose()
    if not is_mariadb:
        pytest.skip("the server is MySQL: no mariadb:// URL to test")
    return url.set(drivername=f"mariadb+{url.get_driver_name()}").render_as_string(hide_password=False)
