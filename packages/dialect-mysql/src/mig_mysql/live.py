"""Reading what MySQL/MariaDB have now, from ``information_schema`` (online only).

``MODIFY``/``CHANGE`` restate a whole column, so anything the user did not
ask to change must be copied from the live column exactly: the type as the
server spells it (``int(10) unsigned``, ``enum('a','b')``), its character
set and collation, the default as SQL, ``ON UPDATE``, ``AUTO_INCREMENT``,
the comment and a generation expression.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import text

from mig_mysql.ddl import RawSQL

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_ON_UPDATE = re.compile(r"on update (\S+)", re.IGNORECASE)
_NOW = re.compile(r"^(current_timestamp|now|localtimestamp|localtime)(\(\d*\))?$", re.IGNORECASE)


@dataclass(frozen=True)
class LiveColumn:
    """One column as ``information_schema.COLUMNS`` describes it."""

    name: str
    column_type: str
    nullable: bool
    default: RawSQL | None
    autoincrement: bool
    comment: str | None
    charset: str | None
    collation: str | None
    on_update: str | None
    generated: tuple[str, str] | None


def _is_mariadb_quoting(connection: Connection) -> bool:
    """MariaDB >= 10.2.7 reports defaults as SQL (``'text'``, ``NULL``, ``current_timestamp()``)."""
    dialect = connection.dialect
    version = dialect.server_version_info or ()
    return bool(getattr(dialect, "is_mariadb", False)) and tuple(version[:3]) >= (10, 2, 7)


def default_sql(raw: str | None, extra: str, sql_defaults: bool) -> RawSQL | None:
    """A reflected ``COLUMN_DEFAULT`` as SQL to restate, or ``None`` for no default.

    ``sql_defaults``: the server reports defaults as SQL (MariaDB >= 10.2.7);
    otherwise (MySQL) as bare values, with ``DEFAULT_GENERATED`` in ``EXTRA``
    marking an expression.
    """
    if raw is None:
        return None
    if sql_defaults:  # MariaDB: already SQL; an unquoted NULL means "no default"
        return None if raw == "NULL" else RawSQL(raw)
    # MySQL: the bare value; DEFAULT_GENERATED marks an expression.
    if "DEFAULT_GENERATED" in extra.upper():
        return RawSQL(raw if _NOW.match(raw) else f"({raw})")
    if raw.startswith(("b'", "0x")):
        return RawSQL(raw)
    return RawSQL("'" + raw.replace("\\", "\\\\").replace("'", "''") + "'")


def read_column(connection: Connection, table_name: str, column_name: str,
                schema: str | None) -> LiveColumn | None:
    """The live column, or ``None`` if the table has no such column."""
    row = connection.execute(
        text(
            "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT, "
            "CHARACTER_SET_NAME, COLLATION_NAME, GENERATION_EXPRESSION "
            "FROM information_schema.COLUMNS "
            "WHERE TABLE_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :table "
            "AND COLUMN_NAME = :column"
        ),
        {"schema": schema, "table": table_name, "column": column_name},
    ).first()
    if row is None:
        return None
    (name, column_type, is_nullable, raw_default, extra, comment, charset, collation,
     generation) = row
    extra = extra or ""
    on_update = _ON_UPDATE.search(extra)
    generated: tuple[str, str] | None = None
    if generation and "GENERATED" in extra.upper():
        generated = (generation, "STORED" if "STORED" in extra.upper() else "VIRTUAL")
    return LiveColumn(
        name=name,
        column_type=column_type,
        nullable=is_nullable == "YES",
        default=None if generated else default_sql(raw_default, extra, _is_mariadb_quoting(connection)),
        autoincrement="auto_increment" in extra.lower(),
        comment=comment or None,
        charset=charset,
        collation=collation,
        on_update=on_update.group(1) if on_update else None,
        generated=generated,
    )


def constraint_types(connection: Connection, table_name: str, name: str,
                     schema: str | None) -> set[str]:
    """The ``CONSTRAINT_TYPE`` values (``FOREIGN KEY``, ``UNIQUE``, ``CHECK``, ``PRIMARY KEY``) named ``name``."""
    rows = connection.execute(
        text(
            "SELECT CONSTRAINT_TYPE FROM information_schema.TABLE_CONSTRAINTS "
            "WHERE CONSTRAINT_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :table "
            "AND CONSTRAINT_NAME = :name"
        ),
        {"schema": schema, "table": table_name, "name": name},
    )
    return {r[0] for r in rows}


def index_exists(connection: Connection, table_name: str, name: str, schema: str | None) -> bool:
    """Whether ``table_name`` has an index (or unique constraint) called ``name``."""
    row = connection.execute(
        text(
            "SELECT 1 FROM information_schema.STATISTICS "
            "WHERE TABLE_SCHEMA = COALESCE(:schema, DATABASE()) AND TABLE_NAME = :table "
            "AND INDEX_NAME = :name LIMIT 1"
        ),
        {"schema": schema, "table": table_name, "name": name},
    ).first()
    return row is not None


def tables_with_index(connection: Connection, name: str, schema: str | None) -> list[str]:
    """The tables of the schema that have an index called ``name`` (to find it without ``table_name``)."""
    rows = connection.execute(
        text(
            "SELECT DISTINCT TABLE_NAME FROM information_schema.STATISTICS "
            "WHERE TABLE_SCHEMA = COALESCE(:schema, DATABASE()) AND INDEX_NAME = :name "
            "ORDER BY TABLE_NAME"
        ),
        {"schema": schema, "name": name},
    )
    return [r[0] for r in rows]


__all__ = ["LiveColumn", "constraint_types", "default_sql", "index_exists", "read_column", "tables_with_index"]
