"""PostgreSQL's comparison rules for mig-autogen: types, server defaults and enum types.

Imported only by the plugin's ``mig_autogen_*`` hook implementations, so
mig-postgresql works without mig-autogen installed.

* Types: ``Interval`` and ``INTERVAL`` compare by their fields and
  precision (SQLAlchemy's generic ``Interval`` is an emulated type); the rest
  is the generic rule (``TIMESTAMP`` is ``DateTime``, ``DOUBLE_PRECISION``
  is ``Float``, ``JSON`` and ``JSONB`` differ, an ``ARRAY`` by its item
  type, a named enum by its type's name).
* Defaults: casts are dropped (``'x'::character varying`` is ``'x'``,
  ``'{}'::jsonb`` is ``'{}'``), a quoted number on a numeric column is the
  number (``'7'`` is ``7``), numbers compare by value (``1.50`` is
  ``1.5``), ``now()``, ``CURRENT_TIMESTAMP`` and ``transaction_timestamp()``
  are one default, keywords compare in any case; ``nextval(...)`` of a
  serial column is the database's own.
* Enum types: read once per run with ``Inspector.get_enums``; see
  :mod:`mig_postgresql.autogen_enums` for the comparator.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import types
from sqlalchemy.dialects.postgresql import INTERVAL

from mig_autogen.compare.types import resolve
from mig_autogen.rules import DialectRules

if TYPE_CHECKING:
    from sqlalchemy import Column
    from sqlalchemy.engine import Connection, Dialect
    from sqlalchemy.engine.interfaces import ReflectedColumn
    from sqlalchemy.types import TypeEngine

    from mig_autogen.compare.reflected import ReflectedTable

#: A trailing cast: ``::character varying``, ``::timestamp(3) with time zone``, ``::text[]``, ``::"Mood"``.
_CAST = re.compile(r'::(?:"[^"]+"|[a-z_][\w .]*?)(?:\(\d+(?:,\s*\d+)?\))?(?: with(?:out)? time zone)?(?:\[\])*\s*$',
                   re.IGNORECASE)
_NOW = {"now()", "current_timestamp", "transaction_timestamp()", "current_timestamp()"}
_KEYWORDS = {"true", "false", "null", "current_date", "current_time", "localtimestamp", "localtime",
             "current_user", "session_user"}
_QUOTED = re.compile(r"^'((?:[^']|'')*)'$", re.DOTALL)


def strip_casts(text: str) -> str:
    """``text`` without its trailing ``::type`` casts and the parentheses around what is left."""
    previous = None
    while previous != text:
        previous = text
        text = _CAST.sub("", text).strip()
        if text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
    return text


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if depth < 0:
            return False
    return depth == 0


def _is_numeric(type_: TypeEngine[Any], dialect: Dialect) -> bool:
    return isinstance(resolve(type_, dialect), (types.Integer, types.Numeric))


def _number(text: str) -> str | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return format(value.normalize(), "f") if value == value else None


class PostgresqlRules(DialectRules):
    """What PostgreSQL's reflection reports differently from what the models declare."""

    name = "postgresql"

    def type_differs(self, reflected: ReflectedColumn, model: Column[Any], dialect: Dialect,
                     table: ReflectedTable) -> bool | None:
        r_type = reflected["type"]
        if not isinstance(r_type, INTERVAL):
            return None
        model_type = model.type.dialect_impl(dialect)
        if isinstance(model_type, (INTERVAL, types.Interval)):
            m_fields = (getattr(model_type, "fields", None) or "").upper() or None
            r_fields = (getattr(r_type, "fields", None) or "").upper() or None
            m_prec = getattr(model_type, "precision", None) or getattr(model_type, "second_precision", None)
            r_prec = getattr(r_type, "precision", None)
            return m_fields != r_fields or (m_prec is not None and m_prec != r_prec)
        return None

    def normalize_default(self, text: str | None, type_: TypeEngine[Any], dialect: Dialect) -> str | None:
        text = super().normalize_default(text, type_, dialect)
        if text is None:
            return None
        text = strip_casts(text)
        lowered = text.lower()
        if lowered in _NOW:
            return "CURRENT_TIMESTAMP"
        if lowered in _KEYWORDS:
            return lowered.upper()
        if _is_numeric(type_, dialect):
            quoted = _QUOTED.match(text)
            number = _number(quoted.group(1) if quoted else text)
            if number is not None:
                return number
        return text

    def reflected_default_is_implicit(self, text: str | None, column: ReflectedColumn, dialect: Dialect) -> bool:
        return bool(text) and str(text).lower().startswith("nextval(")

    def reflect_extra(self, connection: Connection, schemas: list[str | None]) -> dict[str, Any]:
        from sqlalchemy import inspect

        inspector = inspect(connection)
        enums: dict[tuple[str | None, str], tuple[str, ...]] = {}
        default = inspector.default_schema_name
        for schema in schemas:
            for enum in inspector.get_enums(schema=schema or default):  # type: ignore[attr-defined]
                key_schema = None if enum["schema"] in (None, default) else enum["schema"]
                if key_schema != schema:
                    continue
                enums[(key_schema, enum["name"])] = tuple(enum["labels"])
        return {"postgresql_enums": enums}
