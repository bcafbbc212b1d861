"""Reflection in bulk: one ``MetaData.reflect`` per schema, after ``include_name`` chose the tables.

SQLAlchemy 2's ``MetaData.reflect(only=...)`` reads every table of a schema
with the inspector's ``get_multi_*`` calls (one query per kind of object,
whatever the number of tables) on the databases whose dialect implements
them (PostgreSQL); elsewhere SQLAlchemy falls back to its per-table calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mig_autogen.compare.names import parent_names

if TYPE_CHECKING:
    from sqlalchemy import Table

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
    for name in ctx.inspector.get_table_names(schema=schema):
        if (schema, name) in own:
            continue
        if ctx.include_name(name, "table", parent_names(schema, name)):
            names.append(name)
    return names


def reflect_tables(ctx: CompareContext, schema: str | None, names: list[str]) -> dict[str, Table]:
    """The ``names`` tables of ``schema``, reflected together, by name."""
    from sqlalchemy import MetaData

    if not names:
        return {}
    metadata = MetaData()
    metadata.reflect(bind=ctx.connection, schema=schema, only=names, resolve_fks=False)
    return {t.name: t for t in metadata.tables.values() if t.schema == schema}
