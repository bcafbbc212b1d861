"""The same server through a ``mariadb+pymysql://`` URL (SQLAlchemy's ``mariadb`` dialect)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from mig import plugins
from mig.ops import (
    AlterColumnOp,
    CreateCheckConstraintOp,
    CreateIndexOp,
    CreateTableOp,
    DropConstraintOp,
    DropTableOp,
)
from mig_mysql.impl import MariaDBImpl

pytestmark = pytest.mark.mysql


@pytest.fixture(scope="module")
def mariadb_engine(mysql_url: str) -> Iterator[sa.Engine]:
    url = make_url(mysql_url)
    if url.get_backend_name() != "mysql":
        pytest.skip("MIG_TEST_MYSQL_URL is not a mysql:// URL")
    eng = sa.create_engine(url.set(drivername=f"mariadb+{url.get_driver_name()}"))
    with eng.connect() as c:
        if not c.dialect.is_mariadb:
            pytest.skip("the server is MySQL, not MariaDB")
    yield eng
    eng.dispose()


@pytest.fixture
def mconn(mariadb_engine: sa.Engine) -> Iterator[sa.Connection]:
    with mariadb_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        yield c


@pytest.fixture
def mimpl(mconn: sa.Connection) -> Any:
    cls = plugins.dialect(mconn.dialect.name).load()
    assert mconn.dialect.name == "mariadb" and cls is MariaDBImpl
    return cls(mconn.dialect, mconn)


def test_table_and_index_with_mysql_options(mimpl, mconn):
    mimpl.run(CreateTableOp("mt", (sa.Column("id", sa.Integer, primary_key=True),
                                   sa.Column("name", sa.String(40))),
                            kw={"mysql_engine": "MyISAM", "mysql_charset": "latin1"}))
    mimpl.run(CreateIndexOp("ix_mt_name", "mt", ("name",), kw={"mysql_length": 6}))
    status = mconn.exec_driver_sql("SHOW TABLE STATUS LIKE 'mt'").mappings().one()
    assert status["Engine"] == "MyISAM"
    assert status["Collation"].startswith("latin1_")
    assert mconn.exec_driver_sql("SHOW INDEX FROM mt WHERE Key_name = 'ix_mt_name'").mappings().one()["Sub_part"] == 6
    mimpl.run(DropTableOp("mt"))
    assert not sa.inspect(mconn).has_table("mt")


def test_modify_and_check_constraint(mimpl, mconn):
    mconn.exec_driver_sql("DROP TABLE IF EXISTS mc")
    mconn.exec_driver_sql("CREATE TABLE mc (id INT PRIMARY KEY, "
                          "v VARCHAR(9) CHARACTER SET latin1 COLLATE latin1_bin DEFAULT 'd' COMMENT 'c')")
    mconn.exec_driver_sql("INSERT INTO mc VALUES (1, 'one')")
    mimpl.run(AlterColumnOp("mc", "v", nullable=False, new_column_name="w"))
    col = mconn.execute(sa.text(
        "SELECT IS_NULLABLE, COLUMN_DEFAULT, COLUMN_COMMENT, COLLATION_NAME FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'mc' AND COLUMN_NAME = 'w'")).one()
    assert tuple(col) == ("NO", "'d'", "c", "latin1_bin")
    mimpl.run(CreateCheckConstraintOp("ck_mc_id", "mc", "id < 100"))
    assert [c["name"] for c in sa.inspect(mconn).get_check_constraints("mc")] == ["ck_mc_id"]
    mimpl.run(DropConstraintOp("ck_mc_id", "mc", type_="check"))
    assert sa.inspect(mconn).get_check_constraints("mc") == []
    assert mconn.exec_driver_sql("SELECT w FROM mc").scalar() == "one"
    mconn.exec_driver_sql("DROP TABLE mc")
