"""SQLite's comparison rules for mig-autogen: declared types, defaults as written, expression indexes.

Imported only by the plugin's ``mig_autogen_*`` hook implementations, so
mig-sqlite-batch works without mig-autogen installed.

* Types: SQLite keeps the declared type's text, so a model type and a
  reflected one whose DDL text is the same are the same (``NUMERIC``,
  ``DATETIME``, ``JSON`` ...); two spellings of one type affinity that
  SQLAlchemy reflects to no known type compare by affinity (``INTEGER`` /
  ``INT``, ``TEXT`` / ``CLOB``); otherwise the generic rule (lengths,
  precision and scale are compared: SQLite keeps them in the declaration).
* Defaults: kept as written, so only the parentheses around an expression
  (``(datetime('now'))``) and the case of keywords are normalized.
* Indexes: SQLAlchemy does not reflect expression indexes on SQLite; their
  names are read from ``sqlite_master`` so a model's expression index that
  exists is not proposed again (``context.extra["unreflected_indexes"]``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.types import NullType

from mig_autogen.rules import DialectRules

if TYPE_CHECKING:
    from sqlalchemy import Column
    from sqlalchemy.engine import Connection, Dialect
    from sqlalchemy.engine.interfaces import ReflectedColumn
    from sqlalchemy.types import TypeEngine

    from mig_autogen.compare.reflected import ReflectedTable

_KEYWORDS = {"current_timestamp", "current_date", "current_time", "null", "true", "false"}


def affinity(declared: str) -> str:
    """SQLite's type affinity of a declared type (the rules of SQLite's documentation, section 3.1)."""
    text = declared.upper()
    if "INT" in text:
        return "INTEGER"
    if any(word in text for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in text or not text.strip():
        return "BLOB"
    if any(word in text for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def _ddl(type_: Any, dialect: Dialect) -> str | None:
    try:
        return str(type_.compile(dialect=dialect)).upper().replace(" ", "")
    except Exception:  # a type this dialect cannot write: no opinion
        return None


class SqliteRules(DialectRules):
    """What SQLite's reflection reports differently from what the models declare."""

    name = "sqlite"
    #: SQLAlchemy skips expression indexes with a warning; :meth:`reflect_extra` reads their names
    accounted_reflection_warnings = ("Skipped unsupported reflection of expression-based index",)

    def type_differs(self, reflected: ReflectedColumn, model: Column[Any], dialect: Dialect,
                     table: ReflectedTable) -> bool | None:
        r_type = reflected["type"]
        model_ddl, reflected_ddl = _ddl(model.type, dialect), _ddl(r_type, dialect)
        if model_ddl is not None and model_ddl == reflected_ddl:
            return False
        if isinstance(r_type, NullType) and model_ddl is not None:
            return False  # a declared type SQLAlchemy does not know: nothing to compare it by
        return None

    def normalize_default(self, text: str | None, type_: TypeEngine[Any], dialect: Dialect) -> str | None:
        text = super().normalize_default(text, type_, dialect)
        if text is not None and text.lower() in _KEYWORDS:
            return text.upper()
        return text

    def reflect_extra(self, connection: Connection, schemas: list[str | None]) -> dict[str, Any]:
        from sqlalchemy import text

        names: set[tuple[str | None, str, str]] = set()
        for schema in schemas:
            master = f'"{schema}".sqlite_master' if schema else "sqlite_master"
            rows = connection.execute(text(f"SELECT tbl_name, name, sql FROM {master} WHERE type = 'index' "
                                           f"AND sql IS NOT NULL"))
            for table, name, sql in rows:
                if _has_expression(sql):
                    names.add((schema, table, name))
        return {"unreflected_indexes": names}


def _has_expression(sql: str) -> bool:
    """Whether a ``CREATE INDEX`` statement indexes an expression (not only column names)."""
    start = sql.find("(")
    body = sql[start + 1:sql.rfind(")")] if start >= 0 else ""
    return "(" in body
