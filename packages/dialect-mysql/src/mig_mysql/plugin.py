"""mig_mysql plugin module (registered through the ``mig`` entry-point group).

Cheap to import: it names the implementation lazily (``"module:Class"``) so
that loading every plugin does not import SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable

from mig import hookimpl
from mig.specs import DialectSpec


@hookimpl
def mig_register_dialects() -> Iterable[DialectSpec]:
    # SQLAlchemy names the dialect "mysql" for mysql+driver:// URLs (also when
    # the server is MariaDB) and "mariadb" for mariadb+driver:// URLs.
    return [
        DialectSpec("mysql", "mig_mysql.impl:MySQLImpl",
                    description="MySQL and MariaDB (mysql:// URLs)"),
        DialectSpec("mariadb", "mig_mysql.impl:MariaDBImpl",
                    description="MariaDB (mariadb:// URLs)"),
    ]
