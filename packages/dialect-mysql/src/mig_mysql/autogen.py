"""MySQL's and MariaDB's comparison rules for mig-autogen: types, server defaults, implicit indexes.

Imported only by the plugin's ``mig_autogen_*`` hook implementations, so
mig-mysql works without mig-autogen installed.

* Types: ``Boolean`` is ``TINYINT(1)`` (the generic rule); ``JSON`` is what
  MariaDB reflects as ``LONGTEXT`` (with a ``json_valid`` check); display
  widths (``INT(11)``), character sets and collations the model does not
  set are noise; ``UNSIGNED`` is compared; ``String`` to ``Text`` and
  ``TEXT`` to ``MEDIUMTEXT`` are differences (the generic rule).
* Defaults: MySQL's quoting (``'x'``) and the model's compare alike;
  ``'0'`` and ``0`` and ``0.0000`` are one number on a numeric column;
  ``true``/``false`` are ``1``/``0``; ``now()``, ``CURRENT_TIMESTAMP`` and
  MariaDB's ``current_timestamp()`` are one default (the same for the
  ``ON UPDATE`` clause); the ``NULL`` MariaDB reports for a nullable column
  without a default is no default.
* Indexes: the index MySQL makes for a foreign key is the key's.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import types
from sqlalchemy.dialects import mysql

from mig_autogen.compare.types import resolve
from mig_autogen.rules import DialectRules

if TYPE_CHECKING:
    from sqlalchemy import Column
    from sqlalchemy.engine import Dialect
    from sqlalchemy.engine.interfaces import ReflectedColumn, ReflectedIndex
    from sqlalchemy.types import TypeEngine

    from mig_autogen.compare.reflected import ReflectedTable

_NOW = re.compile(r"\b(?:now\(\)|current_timestamp(?:\(\))?|localtimestamp(?:\(\))?)", re.IGNORECASE)
_NOW_FSP = re.compile(r"\b(?:now|current_timestamp|localtimestamp)\((\d+)\)", re.IGNORECASE)
_QUOTED = re.compile(r"^'((?:[^']|'')*)'$", re.DOTALL)


def _number(text: str) -> str | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return format(value.normalize(), "f") if value.is_finite() else None


def _kind(type_: TypeEngine[Any], dialect: Dialect) -> str:
    type_ = resolve(type_, dialect)
    if isinstance(type_, types.Boolean):
        return "boolean"
    if isinstance(type_, (types.Integer, types.Numeric)):
        return "number"
    return "other"


class MySQLRules(DialectRules):
    """What MySQL's and MariaDB's reflection reports differently from what the models declare."""

    name = "mysql"
    indexes_foreign_keys = True

    def type_differs(self, reflected: ReflectedColumn, model: Column[Any], dialect: Dialect,
                     table: ReflectedTable) -> bool | None:
        model_type = resolve(model.type, dialect)
        r_type = reflected["type"]
        if isinstance(model_type, types.JSON):
            # MariaDB keeps JSON as LONGTEXT with a json_valid() check; MySQL reflects JSON
            return not isinstance(r_type, (types.JSON, mysql.LONGTEXT))
        if isinstance(r_type, (types.Integer, types.Numeric)) and isinstance(model_type, (types.Integer,
                                                                                          types.Numeric)):
            if bool(getattr(model_type, "unsigned", False)) != bool(getattr(r_type, "unsigned", False)):
                return True
            if bool(getattr(model_type, "zerofill", False)) != bool(getattr(r_type, "zerofill", False)):
                return True
        if isinstance(model_type, types.String) and isinstance(r_type, types.String):
            # a column in the table's character set reflects none: the table's is the column's
            found = {"charset": getattr(r_type, "charset", None) or table.options.get("mysql_default charset"),
                     "collation": getattr(r_type, "collation", None)}
            for attr, have in found.items():
                wanted = getattr(model_type, attr, None)
                if wanted and have and str(wanted).lower() != str(have).lower():
                    return True
        return None

    def normalize_default(self, text: str | None, type_: TypeEngine[Any], dialect: Dialect) -> str | None:
        text = super().normalize_default(text, type_, dialect)
        if text is None or text.upper() == "NULL":
            return None
        if not text.startswith("'"):  # an expression, not a string literal
            text = _NOW_FSP.sub(lambda m: f"CURRENT_TIMESTAMP({m.group(1)})", text)
            text = _NOW.sub("CURRENT_TIMESTAMP", text)
            text = re.sub(r"\bon update\b", "ON UPDATE", text, flags=re.IGNORECASE)
        kind = _kind(type_, dialect)
        if kind in ("boolean", "number"):
            lowered = text.lower()
            if lowered in ("true", "'true'"):
                return "1"
            if lowered in ("false", "'false'"):
                return "0"
            quoted = _QUOTED.match(text)
            number = _number(quoted.group(1) if quoted else text)
            if number is not None:
                return number
        return text

    def index_is_implicit(self, index: ReflectedIndex, table: ReflectedTable, dialect: Dialect) -> bool:
        if index["unique"]:
            return False
        cols = tuple(index["column_names"])
        return any(tuple(fk["constrained_columns"]) == cols for fk in table.foreign_keys)
