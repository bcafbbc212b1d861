"""Built-in comparators for columns: added and removed (table level), then each column's attributes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import Computed, Identity
from sqlalchemy.sql.schema import DefaultClause

from mig.ops import AddColumnOp, DropColumnOp, Operation, RenameHintOp
from mig_autogen.compare.alter import alter_column
from mig_autogen.compare.names import loose_sql, parent_names, sql_text
from mig_autogen.compare.reflected import column_default
from mig_autogen.compare.types import type_key, types_differ

if TYPE_CHECKING:
    from sqlalchemy import Column, Table
    from sqlalchemy.engine.interfaces import ReflectedColumn

    from mig_autogen.compare.context import CompareContext
    from mig_autogen.compare.reflected import ReflectedTable


def model_column_copy(column: Column[Any]) -> Column[Any]:
    """A detached copy of a model column for ``add_column`` / ``create_table``: its keys, uniques and
    indexes are compared (and created) as their own operations, so the copy carries none of them."""
    copy = column._copy()
    copy.unique = None
    copy.index = None
    return copy


def column_signature(ctx: CompareContext, column: Column[Any]) -> tuple[Any, ...]:
    """What a rename keeps: the type, nullability, and the keys the column takes part in."""
    fks = tuple(sorted(fk.target_fullname.split(".")[-2] for fk in column.foreign_keys))
    return (type_key(column.type, ctx.dialect), bool(column.nullable), bool(column.primary_key), fks)


def db_column_signature(ctx: CompareContext, table: ReflectedTable, column: ReflectedColumn) -> tuple[Any, ...]:
    """:func:`column_signature` of a reflected column."""
    name = column["name"]
    return (type_key(column["type"], ctx.dialect), bool(column["nullable"]), name in table.primary_key_columns,
            table.foreign_key_targets(name))


def pair_lookalikes(added: list[Any], removed: list[Any], added_signature: Any,
                    removed_signature: Any) -> list[tuple[Any, Any]]:
    """(removed, added) pairs whose signatures match one to one."""
    by_sig_added: dict[Any, list[Any]] = {}
    by_sig_removed: dict[Any, list[Any]] = {}
    for item in added:
        by_sig_added.setdefault(added_signature(item), []).append(item)
    for item in removed:
        by_sig_removed.setdefault(removed_signature(item), []).append(item)
    pairs = []
    for sig, items in by_sig_added.items():
        olds = by_sig_removed.get(sig, [])
        if len(items) == 1 and len(olds) == 1:
            pairs.append((olds[0], items[0]))
    return pairs


def compare_columns(ctx: CompareContext, model_table: Table, db_table: ReflectedTable) -> Iterator[Operation]:
    """Columns in the models but not the database (``add_column``) and the other way (``drop_column``)."""
    schema, name = model_table.schema, model_table.name
    used = {ctx.db_column_name(model_table, c) for c in model_table.columns}
    added = [c for c in model_table.columns
             if ctx.db_column_name(model_table, c) not in db_table.columns
             and ctx.include(c, c.name, "column", False, None)]
    parents = parent_names(db_table.schema, db_table.name)
    removed = [c for n, c in db_table.columns.items()
               if n not in used and ctx.include_name(n, "column", parents)
               and ctx.include(c, n, "column", True, None, db_table)]
    if ctx.options.get("detect_renames") and added and removed:
        for old, new in pair_lookalikes(added, removed, lambda c: column_signature(ctx, c),
                                        lambda c: db_column_signature(ctx, db_table, c)):
            yield RenameHintOp("column", old["name"], new.name, table_name=name, schema=schema)
    for db_column in removed:
        yield DropColumnOp(name, db_column["name"], schema=schema,
                           existing_column=ctx.schema_item("column", db_table, db_column))
    for column in added:
        yield AddColumnOp(name, model_column_copy(column), schema=schema)


def compare_type(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                 db_table: ReflectedTable, db_column: ReflectedColumn) -> Iterator[Operation]:
    """The column's type: env.py's ``compare_type`` callable, then the dialect's rules, then the generic rule."""
    option = ctx.options.get("compare_type", True)
    if option is False:
        return
    differs: bool | None = None
    if callable(option):
        differs = option(ctx.callable_context(), ctx.schema_item("column", db_table, db_column), model_column,
                         db_column["type"], model_column.type)
    if differs is None:
        differs = ctx.rules.type_differs(db_column, model_column, ctx.dialect, db_table)
    if differs is None:
        differs = types_differ(db_column["type"], model_column.type, ctx.dialect)
    if differs:
        yield alter_column(model_table, model_column, db_column, type_=model_column.type)


def compare_nullable(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                     db_table: ReflectedTable, db_column: ReflectedColumn) -> Iterator[Operation]:
    """``NULL`` / ``NOT NULL``."""
    if db_column.get("computed") is not None or model_column.computed is not None:
        return
    if bool(model_column.nullable) != bool(db_column["nullable"]):
        yield alter_column(model_table, model_column, db_column, nullable=bool(model_column.nullable))


def _is_generated(default: Any) -> bool:
    return isinstance(default, (Computed, Identity))


def model_default_text(ctx: CompareContext, column: Column[Any]) -> str | None:
    """The SQL text of a model column's ``server_default`` (``None``: none; Python ``default=`` is not one)."""
    default = column.server_default
    if not isinstance(default, DefaultClause):
        return None
    arg = default.arg
    if isinstance(arg, str):
        return "'" + arg.replace("'", "''") + "'"
    return sql_text(ctx, arg)


def compare_server_default(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                           db_table: ReflectedTable, db_column: ReflectedColumn) -> Iterator[Operation]:
    """The column's ``server_default`` (compared unless ``compare_server_default=False``), normalized by the rules."""
    option = ctx.options.get("compare_server_default", True)
    if option is False:
        return
    if _is_generated(model_column.server_default):
        return
    if db_column.get("computed") is not None or db_column.get("identity") is not None:
        return
    model_text = model_default_text(ctx, model_column)
    db_text = column_default(db_column)
    differs: bool | None = None
    if callable(option):
        differs = option(ctx.callable_context(), ctx.schema_item("column", db_table, db_column), model_column,
                         db_text, model_column.server_default, model_text)
    if differs is None:
        rules, dialect = ctx.rules, ctx.dialect
        if model_text is None and db_text is not None and (
                rules.reflected_default_is_implicit(db_text, db_column, dialect)
                or (db_column.get("autoincrement") is True and model_table.autoincrement_column is model_column)):
            return  # a default the database made for a sequence or an autoincrement column
        norm_db = rules.normalize_default(db_text, db_column["type"], dialect)
        norm_model = rules.normalize_default(model_text, model_column.type, dialect)
        differs = rules.default_differs(norm_db, norm_model, db_column, model_column, dialect)
        if differs is None:
            differs = norm_db != norm_model
    if differs:
        yield alter_column(model_table, model_column, db_column,
                           server_default=model_column.server_default if model_text is not None else None)


def compare_comment(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                    db_table: ReflectedTable, db_column: ReflectedColumn) -> Iterator[Operation]:
    """The column's comment (on databases that keep comments)."""
    if not ctx.dialect.supports_comments:
        return
    if (model_column.comment or None) != (db_column.get("comment") or None):
        yield alter_column(model_table, model_column, db_column, comment=model_column.comment or None)


def compare_autoincrement(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                          db_table: ReflectedTable, db_column: ReflectedColumn) -> Iterator[Operation]:
    """Identity columns (added, removed, options changed) and, where the database reports it, autoincrement."""
    m_id, r_id = model_column.identity, db_column.get("identity")
    if m_id is not None or r_id is not None:
        if m_id is None or r_id is None or _identity_key(m_id) != _identity_key(Identity(**r_id)):
            yield alter_column(model_table, model_column, db_column,
                               server_default=model_column.identity)
        return
    reflected = db_column.get("autoincrement", "auto")
    if reflected == "auto" or not model_column.primary_key:
        return
    model = model_table.autoincrement_column is model_column
    if bool(reflected) != model:
        yield alter_column(model_table, model_column, db_column, autoincrement=model)


def _identity_key(identity: Any) -> tuple[Any, ...]:
    return (bool(identity.always), identity.start if identity.start not in (None, 1) else 1,
            identity.increment if identity.increment not in (None, 1) else 1)


def compare_computed(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                     db_table: ReflectedTable, db_column: ReflectedColumn) -> Iterator[Operation]:
    """Computed (generated) columns: a new, removed or changed expression drops and re-adds the column
    (its values are derived, so no data is lost)."""
    m_c, r_c = model_column.computed, db_column.get("computed")
    if m_c is None and r_c is None:
        return
    if m_c is not None and r_c is not None and (
            loose_sql(sql_text(ctx, m_c.sqltext)) == loose_sql(str(r_c["sqltext"]))):
        return
    yield DropColumnOp(model_table.name, db_column["name"], schema=model_table.schema,
                       existing_column=ctx.schema_item("column", db_table, db_column))
    yield AddColumnOp(model_table.name, model_column_copy(model_column), schema=model_table.schema)
