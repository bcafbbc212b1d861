"""mig_mysql plugin module (registered through the ``mig`` entry-point group).

Cheap to import: it names the implementation lazily (``"module:Class"``) so
that loading every plugin does not import SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable

from mig import hookimpl
from mig.ddl import capabilities as cap
from mig.specs import DialectSpec

#: What MySQL and MariaDB can do without a batch (move-and-copy) operation.
#: Not here: transactional DDL (every DDL statement commits), partial indexes,
#: native enum *types*, sequences and identity columns, and expression indexes
#: (MySQL >= 8.0.13 has them, MariaDB does not: the impl raises a clear
#: error there).
CAPABILITIES = frozenset({
    cap.ALTER_COLUMN_TYPE,
    cap.ALTER_COLUMN_NULLABLE,
    cap.ALTER_COLUMN_DEFAULT,
    cap.RENAME_COLUMN,
    cap.DROP_COLUMN,
    cap.ADD_CONSTRAINT,
    cap.DROP_CONSTRAINT,
    cap.CHECK_CONSTRAINTS,
    cap.COMMENTS,
    cap.SCHEMAS,
    cap.IF_EXISTS,
})


@hookimpl
def mig_register_dialects() -> Iterable[DialectSpec]:
    # SQLAlchemy names the dialect "mysql" for mysql+driver:// URLs (also when
    # the server is MariaDB) and "mariadb" for mariadb+driver:// URLs.
    return [
        DialectSpec("mysql", "mig_mysql.impl:MySQLImpl", capabilities=CAPABILITIES,
                    description="MySQL and MariaDB (mysql:// URLs)"),
        DialectSpec("mariadb", "mig_mysql.impl:MariaDBImpl", capabilities=CAPABILITIES,
                    description="MariaDB (mariadb:// URLs)"),
    ]
