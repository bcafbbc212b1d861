"""The generic type comparison: a canonical name per type, then its parameters.

``VARCHAR(20)`` and ``String(20)``, ``INTEGER`` and ``Integer``,
``DOUBLE_PRECISION`` and ``Float`` share a canonical name; a length,
precision, scale or timezone change is a difference, and so are new values
of an inline enum (MySQL's ``ENUM``); so is a different canonical name
(``String`` to ``Text``). A named enum type's values (PostgreSQL) are the
type's, compared by the dialect's enum comparator: the column differs only
when it uses a type of another name. Dialect rules answer first
(:meth:`mig_autogen.rules.DialectRules.type_differs`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.types import NullType

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlalchemy.types import TypeEngine

#: SQLAlchemy visit names that are the same type under another name.
_CANONICAL = {
    "string": "varchar", "unicode": "varchar", "nvarchar": "varchar",
    "unicode_text": "text", "clob": "text",
    "int": "integer", "big_integer": "bigint", "small_integer": "smallint",
    "decimal": "numeric",
    "double": "float", "double_precision": "float",
    "timestamp": "datetime",
    "large_binary": "blob", "bytea": "blob", "_binary": "blob",
    "nchar": "char",
    "uuid": "uuid",
}
_INTEGERS = {"integer", "bigint", "smallint", "tinyint", "mediumint"}
_LENGTHS = {"varchar", "char", "varbinary", "binary"}


def resolve(type_: TypeEngine[Any], dialect: Dialect) -> TypeEngine[Any]:
    """The type as the dialect sees it: a variant's type for this dialect, a ``TypeDecorator``'s impl."""
    mapping = getattr(type_, "_variant_mapping", None)
    if mapping and dialect.name in mapping:
        type_ = mapping[dialect.name]
    seen = 0
    while hasattr(type_, "load_dialect_impl") and seen < 5:
        type_ = type_.load_dialect_impl(dialect)
        seen += 1
    return type_


def canonical(type_: TypeEngine[Any], dialect: Dialect) -> str:
    """The canonical name of a (resolved) type on ``dialect``."""
    name = str(getattr(type_, "__visit_name__", type(type_).__name__)).lower()
    name = _CANONICAL.get(name, name)
    if name == "enum" and not (dialect.supports_native_enum and getattr(type_, "native_enum", True)):
        return "varchar"
    if name == "uuid" and not (getattr(dialect, "supports_native_uuid", False)
                               and getattr(type_, "native_uuid", True)):
        return "char"
    if name == "boolean" and not dialect.supports_native_boolean:
        return "boolean_as_int"
    return name


def _length(type_: TypeEngine[Any], name: str) -> int | None:
    if name == "char" and getattr(type_, "__visit_name__", "") == "uuid":
        return 32
    if name == "varchar" and getattr(type_, "__visit_name__", "") == "enum":
        return getattr(type_, "length", None)
    return getattr(type_, "length", None)


def type_key(type_: TypeEngine[Any], dialect: Dialect) -> tuple[Any, ...]:
    """A hashable summary of a type (canonical name and parameters), for rename proposals."""
    resolved = resolve(type_, dialect)
    name = canonical(resolved, dialect)
    if name == "boolean_as_int" or (name in _INTEGERS and not dialect.supports_native_boolean):
        name = "integer" if name != "bigint" else name
    return (name, _length(resolved, name) if name in _LENGTHS else None,
            getattr(resolved, "precision", None), getattr(resolved, "scale", None))


def types_differ(reflected: TypeEngine[Any], model: TypeEngine[Any], dialect: Dialect) -> bool:
    """The generic rule: whether a reflected type and a model type differ on ``dialect``."""
    if isinstance(reflected, NullType):
        return False  # the database reported a type SQLAlchemy does not know: no opinion
    model = resolve(model, dialect)
    reflected = resolve(reflected, dialect)
    m_name, r_name = canonical(model, dialect), canonical(reflected, dialect)
    if m_name != r_name:
        if m_name == "boolean_as_int" and r_name in _INTEGERS:
            return False
        return not (r_name == "boolean_as_int" and m_name in _INTEGERS)
    if m_name in _LENGTHS:
        m_len, r_len = _length(model, m_name), _length(reflected, r_name)
        if m_name == "char":
            m_len, r_len = m_len or 1, r_len or 1
        # a model String() with no length says nothing about the length the database chose
        return m_len is not None and m_len != r_len
    if m_name == "numeric":
        m_p, m_s = getattr(model, "precision", None), getattr(model, "scale", None)
        r_p, r_s = getattr(reflected, "precision", None), getattr(reflected, "scale", None)
        return (m_p is not None and m_p != r_p) or (m_s is not None and (r_s or 0) != m_s)
    if m_name in ("datetime", "time"):
        if bool(getattr(model, "timezone", False)) != bool(getattr(reflected, "timezone", False)):
            return _compiled(model, dialect) != _compiled(reflected, dialect)
        return False
    if m_name in ("enum", "set"):
        r_type_name = getattr(reflected, "name", None)
        if r_type_name:
            # a named type (PostgreSQL): its values belong to the type, which the dialect's
            # comparator compares; the column differs only when it uses another type
            m_type_name = getattr(model, "name", None)
            return bool(m_type_name) and m_type_name != r_type_name
        m_values = tuple(getattr(model, "enums", None) or getattr(model, "values", None) or ())
        r_values = tuple(getattr(reflected, "enums", None) or getattr(reflected, "values", None) or ())
        return bool(m_values and r_values) and m_values != r_values
    if m_name == "array":
        item_m, item_r = getattr(model, "item_type", None), getattr(reflected, "item_type", None)
        if item_m is not None and item_r is not None:
            return types_differ(item_r, item_m, dialect)
    return False


def _compiled(type_: TypeEngine[Any], dialect: Dialect) -> str:
    try:
        return str(type_.compile(dialect=dialect)).upper().replace(" ", "")
    except Exception:
        return type(type_).__name__.upper()
