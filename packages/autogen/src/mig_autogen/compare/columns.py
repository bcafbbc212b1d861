"""Built-in comparators for columns: added and removed (table level), then each column's attributes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mig.ops import AddColumnOp, DropColumnOp, Operation, RenameHintOp
from mig_autogen.compare.alter import alter_column
from mig_autogen.compare.names import parent_names, sql_text
from mig_autogen.compare.types import type_key, types_differ

if TYPE_CHECKING:
    from sqlalchemy import Column, Table

    from mig_autogen.compare.context import CompareContext


def model_column_copy(column: Column[Any]) -> Column[Any]:
    """A detached copy of a model column for ``add_column`` / ``create_table``: its keys, uniques and
    indexes are compared (and created) as their own operations, so the copy carries none of them."""
    copy = column._copy()
    copy.unique = None
    copy.index = None
    return copy


def column_signature(ctx: CompareContext, column: Column[Any]) -> tuple[Any, ...]:
    """What a rename keeps: the type, nullability, and the keys the column takes part in."""
    fks = tuple(sorted(fk.target_fullname.split(".")[-1] for fk in column.foreign_keys))
    return (type_key(column.type, ctx.dialect), bool(column.nullable), bool(column.primary_key), fks)


def pair_lookalikes(added: list[Any], removed: list[Any], signature: Any) -> list[tuple[Any, Any]]:
    """(removed, added) pairs whose signatures match one to one."""
    by_sig_added: dict[Any, list[Any]] = {}
    by_sig_removed: dict[Any, list[Any]] = {}
    for item in added:
        by_sig_added.setdefault(signature(item), []).append(item)
    for item in removed:
        by_sig_removed.setdefault(signature(item), []).append(item)
    pairs = []
    for sig, items in by_sig_added.items():
        olds = by_sig_removed.get(sig, [])
        if len(items) == 1 and len(olds) == 1:
            pairs.append((olds[0], items[0]))
    return pairs


def compare_columns(ctx: CompareContext, model_table: Table, db_table: Table) -> Iterator[Operation]:
    """Columns in the models but not the database (``add_column``) and the other way (``drop_column``)."""
    schema, name = model_table.schema, model_table.name
    used = {ctx.db_column_name(model_table, c) for c in model_table.columns}
    added = [c for c in model_table.columns
             if ctx.db_column_name(model_table, c) not in db_table.c
             and ctx.include(c, c.name, "column", False, None)]
    parents = parent_names(db_table.schema, db_table.name)
    removed = [c for c in db_table.columns
               if c.name not in used and ctx.include_name(c.name, "column", parents)
               and ctx.include(c, c.name, "column", True, None)]
    if ctx.options.get("detect_renames") and added and removed:
        for old, new in pair_lookalikes(added, removed, lambda c: column_signature(ctx, c)):
            yield RenameHintOp("column", old.name, new.name, table_name=name, schema=schema)
    for column in removed:
        yield DropColumnOp(name, column.name, schema=schema, existing_column=column)
    for column in added:
        yield AddColumnOp(name, model_column_copy(column), schema=schema)


def compare_type(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                 db_table: Table, db_column: Column[Any]) -> Iterator[Operation]:
    """The column's type: env.py's ``compare_type`` callable, then the dialect's rules, then the generic rule."""
    option = ctx.options.get("compare_type", True)
    if option is False:
        return
    differs: bool | None = None
    if callable(option):
        differs = option(ctx.callable_context(), db_column, model_column, db_column.type, model_column.type)
    if differs is None:
        differs = ctx.rules.type_differs(db_column, model_column, ctx.dialect)
    if differs is None:
        differs = types_differ(db_column.type, model_column.type, ctx.dialect)
    if differs:
        yield alter_column(model_table, model_column, db_column, type_=model_column.type)


def compare_nullable(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                     db_table: Table, db_column: Column[Any]) -> Iterator[Operation]:
    """``NULL`` / ``NOT NULL``."""
    if db_column.computed is not None or model_column.computed is not None:
        return
    if bool(model_column.nullable) != bool(db_column.nullable):
        yield alter_column(model_table, model_column, db_column, nullable=bool(model_column.nullable))


def _is_generated(default: Any) -> bool:
    from sqlalchemy import Computed, Identity

    return isinstance(default, (Computed, Identity))


def model_default_text(ctx: CompareContext, column: Column[Any]) -> str | None:
    """The SQL text of a model column's ``server_default`` (``None``: none; Python ``default=`` is not one)."""
    from sqlalchemy.sql.schema import DefaultClause

    default = column.server_default
    if not isinstance(default, DefaultClause):
        return None
    arg = default.arg
    if isinstance(arg, str):
        return "'" + arg.replace("'", "''") + "'"
    return sql_text(ctx, arg)


def db_default_text(column: Column[Any]) -> str | None:
    """The SQL text of a reflected column's default."""
    from sqlalchemy.sql.schema import DefaultClause

    default = column.server_default
    if not isinstance(default, DefaultClause):
        return None
    arg = default.arg
    return arg if isinstance(arg, str) else str(getattr(arg, "text", arg))


def compare_server_default(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                           db_table: Table, db_column: Column[Any]) -> Iterator[Operation]:
    """The column's ``server_default`` (compared unless ``compare_server_default=False``), normalized by the rules."""
    option = ctx.options.get("compare_server_default", True)
    if option is False:
        return
    if _is_generated(model_column.server_default) or _is_generated(db_column.server_default):
        return
    if db_column.computed is not None or db_column.identity is not None:
        return
    model_text = model_default_text(ctx, model_column)
    db_text = db_default_text(db_column)
    differs: bool | None = None
    if callable(option):
        differs = option(ctx.callable_context(), db_column, model_column, db_text,
                         model_column.server_default, model_text)
    if differs is None:
        rules, dialect = ctx.rules, ctx.dialect
        if model_text is None and db_text is not None and (
                rules.reflected_default_is_implicit(db_text, db_column, dialect)
                or (db_column.autoincrement is True and model_table.autoincrement_column is model_column)):
            return  # a default the database made for a sequence or an autoincrement column
        norm_db = rules.normalize_default(db_text, db_column, dialect)
        norm_model = rules.normalize_default(model_text, model_column, dialect)
        differs = rules.default_differs(norm_db, norm_model, db_column, model_column, dialect)
        if differs is None:
            differs = norm_db != norm_model
    if differs:
        yield alter_column(model_table, model_column, db_column,
                           server_default=model_column.server_default if model_text is not None else None)


def compare_comment(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                    db_table: Table, db_column: Column[Any]) -> Iterator[Operation]:
    """The column's comment (on databases that keep comments)."""
    if not ctx.dialect.supports_comments:
        return
    if (model_column.comment or None) != (db_column.comment or None):
        yield alter_column(model_table, model_column, db_column, comment=model_column.comment or None)


def compare_autoincrement(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                          db_table: Table, db_column: Column[Any]) -> Iterator[Operation]:
    """Identity columns (added, removed, options changed) and, where the database reports it, autoincrement."""
    m_id, r_id = model_column.identity, db_column.identity
    if m_id is not None or r_id is not None:
        if m_id is None or r_id is None or _identity_key(m_id) != _identity_key(r_id):
            yield alter_column(model_table, model_column, db_column,
                               server_default=model_column.identity)
        return
    reflected = db_column.autoincrement
    if reflected == "auto" or not model_column.primary_key:
        return
    model = model_table.autoincrement_column is model_column
    if bool(reflected) != model:
        yield alter_column(model_table, model_column, db_column, autoincrement=model)


def _identity_key(identity: Any) -> tuple[Any, ...]:
    return (bool(identity.always), identity.start if identity.start not in (None, 1) else 1,
            identity.increment if identity.increment not in (None, 1) else 1)


def compare_computed(ctx: CompareContext, model_table: Table, model_column: Column[Any],
                     db_table: Table, db_column: Column[Any]) -> Iterator[Operation]:
    """Computed (generated) columns: a new, removed or changed expression drops and re-adds the column
    (its values are derived, so no data is lost)."""
    from mig_autogen.compare.names import loose_sql

    m_c, r_c = model_column.computed, db_column.computed
    if m_c is None and r_c is None:
        return
    if m_c is not None and r_c is not None and (
            loose_sql(sql_text(ctx, m_c.sqltext)) == loose_sql(sql_text(ctx, r_c.sqltext))):
        return
    yield DropColumnOp(model_table.name, db_column.name, schema=model_table.schema, existing_column=db_column)
    yield AddColumnOp(model_table.name, model_column_copy(model_column), schema=model_table.schema)
