"""mig_mysql plugin module (registered through the ``mig`` entry-point group).

Cheap to import: it names the implementation lazily (``"module:Class"``) so
that loading every plugin does not import SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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


# -- autogenerate (mig-autogen; optional: the hooks exist only when it is installed) --------


@hookimpl(optionalhook=True)
def mig_autogen_dialect_rules(dialect_name: str) -> Any:
    """The comparison rules of this database (:mod:`mig_mysql.autogen`)."""
    if dialect_name in ("mysql", "mariadb"):
        from mig_mysql.autogen import MySQLRules

        return MySQLRules()
    return None
