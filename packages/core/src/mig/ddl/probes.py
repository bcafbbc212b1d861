"""Whether the object an ``if_exists`` / ``if_not_exists`` operation names exists, asked of SQLAlchemy's ``Inspector``.

:meth:`mig.ddl.impl.DialectImpl.run` uses these where a database has no
``IF [NOT] EXISTS`` clause for the object (SQLite's columns, MySQL's
indexes, columns and constraints): the clause is emulated once, here, over
the dialect's probe :meth:`~mig.ddl.impl.DialectImpl.object_exists`, whose
default is :func:`exists`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

__all__ = ["describe", "exists", "kind_of"]

#: The built-in operations whose ``if_[not_]exists`` can be emulated, by ``impl_method``.
_KINDS = {
    "create_table": "table", "drop_table": "table",
    "add_column": "column", "drop_column": "column",
    "create_index": "index", "drop_index": "index",
    "drop_constraint": "constraint",
}


def kind_of(operation: Any) -> str | None:
    """``"table"``, ``"column"``, ``"index"`` or ``"constraint"``; ``None`` for other operations."""
    return _KINDS.get(getattr(type(operation), "impl_method", ""))


def _table(operation: Any) -> str | None:
    return getattr(operation, "table_name", None)


def _object_name(operation: Any) -> str | None:
    method = type(operation).impl_method
    if method == "add_column":
        return str(operation.column.name)
    if method == "drop_column":
        return str(operation.column_name)
    if method in ("create_index", "drop_index"):
        return operation.index_name
    if method == "drop_constraint":
        return str(operation.constraint_name)
    return _table(operation)


def describe(operation: Any) -> str:
    """The operation as messages name it: ``add_column accounts.email``."""
    method = type(operation).impl_method
    schema = getattr(operation, "schema", None)
    table = _table(operation)
    qualified = f"{schema}.{table}" if schema and table else table
    kind = kind_of(operation)
    if kind == "table":
        return f"{method} {qualified}"
    if kind == "column":
        return f"{method} {qualified}.{_object_name(operation)}"
    return f"{method} {_object_name(operation)}" + (f" on {qualified}" if qualified else "")


def exists(connection: Connection, operation: Any) -> bool:
    """Whether the table, column, index or constraint ``operation`` names exists (reflected now)."""
    from sqlalchemy import inspect

    inspector = inspect(connection)
    schema = getattr(operation, "schema", None)
    kind = kind_of(operation)
    table = _table(operation)
    name = _object_name(operation)
    if kind == "table":
        return bool(inspector.has_table(str(table), schema=schema))
    if table is None:  # drop_index without table_name: look through every table
        return any(name in {ix["name"] for ix in inspector.get_indexes(t, schema=schema)}
                   for t in inspector.get_table_names(schema=schema))
    if not inspector.has_table(table, schema=schema):
        return False
    if kind == "column":
        return name in {c["name"] for c in inspector.get_columns(table, schema=schema)}
    if kind == "index":
        return name in {ix["name"] for ix in inspector.get_indexes(table, schema=schema)}
    type_ = getattr(operation, "type_", None)
    if type_ == "primary":  # a table has one primary key, whatever the database calls it
        return bool(inspector.get_pk_constraint(table, schema=schema).get("constrained_columns"))
    return name in _constraint_names(inspector, table, schema, type_)


def _constraint_names(inspector: Any, table: str, schema: str | None, type_: str | None) -> set[str]:
    names: set[str] = set()
    if type_ is None:
        pk = inspector.get_pk_constraint(table, schema=schema)
        if pk.get("constrained_columns") and pk.get("name"):
            names.add(pk["name"])
    if type_ in (None, "foreignkey"):
        names.update(fk["name"] for fk in inspector.get_foreign_keys(table, schema=schema) if fk.get("name"))
    if type_ in (None, "unique"):
        names.update(uq["name"] for uq in inspector.get_unique_constraints(table, schema=schema) if uq.get("name"))
    if type_ in (None, "check"):
        names.update(ck["name"] for ck in inspector.get_check_constraints(table, schema=schema) if ck.get("name"))
    return names
