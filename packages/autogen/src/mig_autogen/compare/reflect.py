"""Reflection in bulk: the inspector's ``get_multi_*`` calls once per schema, after ``include_name`` chose the tables.

On a database whose SQLAlchemy dialect implements them in bulk (PostgreSQL)
each call is one query whatever the number of tables; elsewhere SQLAlchemy
answers them with its per-table queries. No ``Table`` objects are built:
the comparators read the answers (:mod:`mig_autogen.compare.reflected`).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, Table

from mig_autogen.compare.names import parent_names
from mig_autogen.compare.reflected import ReflectedTable

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine, Inspector

    from mig_autogen.compare.context import CompareContext

#: Schemas that hold the database's own catalog, never compared.
SYSTEM_SCHEMAS = frozenset({"information_schema", "pg_catalog", "pg_toast", "performance_schema", "mysql", "sys"})


def schemas_to_compare(ctx: CompareContext) -> list[str | None]:
    """``None`` (the default schema), plus every other schema with ``include_schemas`` (``include_name`` filters)."""
    schemas: list[str | None] = [None]
    if ctx.options.get("include_schemas"):
        default = ctx.default_schema
        for name in sorted(ctx.schema_names()):
            if name == default or name in SYSTEM_SCHEMAS or name.startswith("pg_"):
                continue
            if ctx.include_name(name, "schema", {}):
                schemas.append(name)
    return schemas


def own_tables(ctx: CompareContext) -> set[tuple[str | None, str]]:
    """mig's own tables (the version table, its ``_step`` table and the log table), never compared."""
    options = ctx.options
    schema = options.get("version_table_schema") or None
    names = {options.get("version_table") or "mig_version", options.get("log_table") or "mig_log"}
    migration_context = ctx.migration_context
    for attr in ("version", "steplog"):
        table = getattr(migration_context, attr, None)
        if table is not None and getattr(table, "name", None):
            names.add(table.name)
    version = options.get("version_table") or "mig_version"
    names.add(f"{version}_step")  # the step in progress (mig.runtime.progress)
    return {(schema, name) for name in names}


def table_names(ctx: CompareContext, schema: str | None) -> list[str]:
    """The database's table names in ``schema`` that ``include_name`` keeps (mig's own tables left out)."""
    own = own_tables(ctx)
    names: list[str] = []
    if schema is not None and schema not in ctx.schema_names():
        return names  # a schema only the models have
    for name in ctx.table_names(schema):
        if (schema, name) in own:
            continue
        if ctx.include_name(name, "table", parent_names(schema, name)):
            names.append(name)
    return names


def reflect_tables(ctx: CompareContext, schema: str | None, names: list[str]) -> dict[str, ReflectedTable]:
    """The ``names`` tables of ``schema``, read with one bulk inspector call per kind of object, by name.

    ``column_reflect`` listeners (on ``Table`` or ``MetaData``) see each
    column's dictionary first, as they do when SQLAlchemy reflects a table.
    """
    if not names:
        return {}
    inspector = ctx.inspector
    wanted = set(names)  # the names ``include_name`` kept
    # reading everything is cheaper than filtering on most of the schema's names (SQLAlchemy's own rule)
    filter_names = names if len(names) * 2 <= len(ctx.table_names(schema)) else None
    unreflectable: dict[tuple[str | None, str], Exception] = {}
    # ``unreflectable`` collects what a dialect cannot read (SQLAlchemy's own reflection raises it too)
    kw: dict[str, Any] = {"schema": schema, "filter_names": filter_names, "unreflectable": unreflectable}
    with warnings.catch_warnings():
        for pattern in ctx.rules.accounted_reflection_warnings:
            warnings.filterwarnings("ignore", message=pattern)
        columns = inspector.get_multi_columns(**kw)
        pks = inspector.get_multi_pk_constraint(**kw)
        fks = inspector.get_multi_foreign_keys(**kw)
        indexes = inspector.get_multi_indexes(**kw)
        uniques = _optional(inspector.get_multi_unique_constraints, kw)
        checks = _optional(inspector.get_multi_check_constraints, kw)
        comments = _optional(inspector.get_multi_table_comment, kw)
        options = _optional(inspector.get_multi_table_options, kw)
    for key, error in unreflectable.items():
        if key[1] in wanted:
            raise error
    tables: dict[str, ReflectedTable] = {}
    holders = MetaData()
    announce = _column_reflect_listened(holders)
    for name in names:
        key = (schema, name)
        cols = columns.get(key) or []  # a table without columns (PostgreSQL allows one) is still a table
        table = ReflectedTable(name, schema)
        if announce:
            _announce(inspector, Table(name, holders, schema=schema), cols)
        table.columns = {c["name"]: c for c in cols}
        pk = pks.get(key)
        if pk:
            table.primary_key = pk
        table.foreign_keys = list(fks.get(key) or ())
        table.indexes = [i for i in indexes.get(key) or () if not i.get("duplicates_constraint")]
        table.unique_constraints = [u for u in uniques.get(key) or () if not u.get("duplicates_index")]
        table.check_constraints = list(checks.get(key) or ())
        comment = comments.get(key)
        table.comment = comment.get("text") if comment else None
        table.options = dict(options.get(key) or {})
        tables[name] = table
    return tables


def _optional(method: Callable[..., dict[Any, Any]], kw: dict[str, Any]) -> dict[Any, Any]:
    """A bulk call some dialects do not implement (check constraints, comments, options)."""
    try:
        return method(**kw)
    except NotImplementedError:
        return {}


def _column_reflect_listened(holders: MetaData) -> bool:
    """Whether a ``column_reflect`` listener is on ``Table`` or ``MetaData`` (``event.listen(Table, ...)``):
    with none, no holder tables are built."""
    return bool(holders.dispatch.column_reflect) or bool(Table("probe", MetaData()).dispatch.column_reflect)


def _announce(inspector: Inspector, holder: Table, columns: list[Any]) -> None:
    """Fire ``column_reflect`` for each column, on an empty ``Table`` of the reflected table's name."""
    for column in columns:
        holder.metadata.dispatch.column_reflect(inspector, holder, column)
        holder.dispatch.column_reflect(inspector, holder, column)


def reflect_table(bind: Connection | Engine, name: str, schema: str | None = None) -> ReflectedTable:
    """One table as the comparison sees it (for tests of dialect rules and comparators)."""
    from sqlalchemy import Engine

    from mig_autogen.compare.context import CompareContext

    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return reflect_table(connection, name, schema)
    found = reflect_tables(CompareContext(bind), schema, [name])
    if name not in found:
        raise LookupError(f"no table {name!r} in schema {schema!r}")
    return found[name]
