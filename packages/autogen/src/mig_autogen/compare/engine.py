"""One comparison run: reflect, pair tables and columns (following renames), run the comparators, order."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from mig.ops import AlterColumnOp, Operation, RenameTableOp
from mig_autogen.compare import hooks
from mig_autogen.compare.alter import merge_alters
from mig_autogen.compare.names import schema_key
from mig_autogen.compare.order import order_operations
from mig_autogen.compare.reflect import reflect_tables, schemas_to_compare, table_names
from mig_autogen.compare.reflected import default_clause

if TYPE_CHECKING:
    from sqlalchemy import MetaData, Table

    from mig_autogen.compare.context import CompareContext
    from mig_autogen.compare.reflected import ReflectedTable
    from mig_autogen.specs import Comparator

RENAMED_FROM = "renamed_from"


def _resolve(ref: str | Callable[..., Any]) -> Callable[..., Any]:
    if callable(ref):
        return ref
    module, _, attr = ref.partition(":")
    fn: Callable[..., Any] = getattr(importlib.import_module(module), attr)
    return fn


def comparators_by_level(dialect_names: tuple[str, ...]) -> dict[str, list[Callable[..., Any]]]:
    """The registered comparators that apply to the dialect (``dialect_names``: its name and those it
    derives from), resolved, by level."""
    by_level: dict[str, list[Callable[..., Any]]] = {"schema": [], "table": [], "column": []}
    for comparator in hooks.comparators():
        spec: Comparator = comparator
        if spec.dialect is not None and spec.dialect not in dialect_names:
            continue
        by_level[spec.level].append(_resolve(spec.compare))
    return by_level


def _model_tables(ctx: CompareContext, metadatas: Sequence[MetaData],
                  schemas: list[str | None]) -> dict[str | None, dict[str, Table]]:
    wanted = set(schemas)
    out: dict[str | None, dict[str, Table]] = {s: {} for s in schemas}
    for metadata in metadatas:
        for table in metadata.tables.values():
            key = schema_key(ctx, table.schema)
            if key in wanted:
                out[key][table.name] = table
    return out


def _pair_renamed_tables(ctx: CompareContext, model: dict[str, Table], db: dict[str, ReflectedTable],
                         ops: list[Operation]) -> dict[str, ReflectedTable]:
    """``db`` keyed by the models' names: a table whose model says ``renamed_from`` is the old one."""
    view = dict(db)
    for name, table in model.items():
        old = table.info.get(RENAMED_FROM)
        if not old or name in db or old not in db or old in model:
            continue
        view[name] = view.pop(old)
        ctx.table_renames[(table.schema, name)] = old
        ops.append(RenameTableOp(old, name, schema=table.schema))
    return view


def _pair_renamed_columns(ctx: CompareContext, model_table: Table, db_table: ReflectedTable,
                          ops: list[Operation]) -> None:
    columns = db_table.columns
    for column in model_table.columns:
        old = column.info.get(RENAMED_FROM)
        if not old or column.name in columns or old not in columns or old in model_table.c:
            continue
        ctx.column_renames.setdefault((model_table.schema, model_table.name), {})[column.name] = old
        db_column = columns[old]
        ops.append(AlterColumnOp(
            model_table.name, old, schema=model_table.schema, new_column_name=column.name,
            existing_type=db_column["type"], existing_nullable=db_column["nullable"],
            existing_server_default=default_clause(db_column), existing_comment=db_column.get("comment")))


def _run(fn: Callable[..., Any], *args: Any) -> Iterable[Operation]:
    return fn(*args) or ()


def compare(ctx: CompareContext, metadatas: Sequence[MetaData]) -> list[Operation]:
    """The upgrade operations that bring the database to ``metadatas``, in a safe order."""
    schemas = schemas_to_compare(ctx)
    if ctx.options.get("include_schemas"):
        present = set(schemas)
        for metadata in metadatas:  # schemas only the models have: their tables are to be created
            for table in metadata.tables.values():
                key = schema_key(ctx, table.schema)
                if key not in present and ctx.include_name(key, "schema", {}):
                    present.add(key)
                    schemas.append(key)
    db_by_schema = {schema: reflect_tables(ctx, schema, table_names(ctx, schema)) for schema in schemas}
    for schema, tables in db_by_schema.items():
        ctx.objects.compared[schema] = list(tables)
    ctx.extra.update(ctx.rules.reflect_extra(ctx.connection, schemas) or {})
    models = _model_tables(ctx, metadatas, schemas)
    comparators = comparators_by_level(ctx.dialect_names)
    ops: list[Operation] = []
    for schema in schemas:
        db_all = db_by_schema[schema]
        model = {name: t for name, t in models[schema].items()
                 if ctx.include(t, name, "table", False, db_all.get(ctx.db_table_name(t)))}
        db = {name: t for name, t in db_all.items()
              if name in model or ctx.include(t, name, "table", True, None)}
        view = _pair_renamed_tables(ctx, model, db, ops)
        for fn in comparators["schema"]:
            ops.extend(_run(fn, ctx, schema, model, view))
        for name in sorted(model):
            db_table = view.get(name)
            if db_table is None:
                continue
            model_table = model[name]
            _pair_renamed_columns(ctx, model_table, db_table, ops)
            for fn in comparators["table"]:
                ops.extend(_run(fn, ctx, model_table, db_table))
            if not comparators["column"]:
                continue
            db_columns = db_table.columns
            for column in model_table.columns:
                db_column = db_columns.get(ctx.db_column_name(model_table, column))
                if db_column is None or not ctx.include(column, column.name, "column", False, db_column, db_table):
                    continue
                for fn in comparators["column"]:
                    ops.extend(_run(fn, ctx, model_table, column, db_table, db_column))
    return order_operations(merge_alters(ops))
