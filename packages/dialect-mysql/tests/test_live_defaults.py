"""How reflected column defaults become SQL again, for MariaDB's and MySQL's ways of reporting them."""

from __future__ import annotations

import pytest

from mig_mysql.live import default_sql


@pytest.mark.parametrize(("raw", "extra", "expected"), [
    (None, "", None),                                   # NOT NULL without a default
    ("NULL", "", None),                                 # nullable, DEFAULT NULL
    ("'NULL'", "", "'NULL'"),                           # the string 'NULL'
    ("'it''s'", "", "'it''s'"),
    ("1.50", "", "1.50"),
    ("current_timestamp()", "on update current_timestamp()", "current_timestamp()"),
    ("(`n` * 2)", "", "(`n` * 2)"),
])
def test_mariadb_reports_sql(raw, extra, expected):
    assert default_sql(raw, extra, sql_defaults=True) == expected


@pytest.mark.parametrize(("raw", "extra", "expected"), [
    (None, "", None),
    ("it's", "", "'it''s'"),
    ("a\\b", "", "'a\\\\b'"),
    ("5", "", "'5'"),
    ("CURRENT_TIMESTAMP", "DEFAULT_GENERATED on update CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
    ("CURRENT_TIMESTAMP(3)", "DEFAULT_GENERATED", "CURRENT_TIMESTAMP(3)"),
    ("(`n` * 2)", "DEFAULT_GENERATED", "((`n` * 2))"),
    ("uuid()", "DEFAULT_GENERATED", "(uuid())"),
    ("b'0'", "", "b'0'"),
])
def test_mysql_reports_values(raw, extra, expected):
    assert default_sql(raw, extra, sql_defaults=False) == expected
