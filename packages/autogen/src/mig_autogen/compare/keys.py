"""Built-in comparators for primary keys, unique, foreign key and check constraints, and table comments."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mig.ops import (
    CreateCheckConstraintOp,
    CreateForeignKeyOp,
    CreatePrimaryKeyOp,
    CreateTableCommentOp,
    CreateUniqueConstraintOp,
    DropConstraintOp,
    DropTableCommentOp,
    Operation,
)
from mig_autogen.compare.names import db_names_map, name_of, parent_names, schema_key, sql_text

if TYPE_CHECKING:
    from sqlalchemy import ForeignKeyConstraint, Table

    from mig_autogen.compare.context import CompareContext


# -- primary keys ---------------------------------------------------------------


def compare_primary_key(ctx: CompareContext, model_table: Table, db_table: Table) -> Iterator[Operation]:
    """The primary key's columns (its name is not compared: databases name it their own way)."""
    to_db = db_names_map(ctx, model_table)
    model_cols = tuple(to_db[c.name] for c in model_table.primary_key.columns)
    db_cols = tuple(c.name for c in db_table.primary_key.columns)
    if model_cols == db_cols:
        return
    pk = model_table.primary_key
    if not ctx.include(pk, name_of(pk), "primary_key", False, db_table.primary_key):
        return
    if db_cols:
        existing = CreatePrimaryKeyOp(name_of(db_table.primary_key), db_table.name, db_cols,
                                      schema=model_table.schema)
        yield DropConstraintOp(name_of(db_table.primary_key) or "", model_table.name, type_="primary",
                               schema=model_table.schema, existing=existing)
    if model_cols:
        yield CreatePrimaryKeyOp(name_of(pk), model_table.name,
                                 tuple(c.name for c in model_table.primary_key.columns),
                                 schema=model_table.schema)


# -- unique constraints -----------------------------------------------------------


def _uniques(table: Table) -> list[Any]:
    from sqlalchemy import UniqueConstraint

    return [c for c in table.constraints if isinstance(c, UniqueConstraint)]


def unique_op(table: Table, constraint: Any, schema: str | None) -> CreateUniqueConstraintOp:
    kw = {k: v for k, v in constraint.dialect_kwargs.items() if v is not None}
    return CreateUniqueConstraintOp(name_of(constraint), table.name,
                                    tuple(c.name for c in constraint.columns), schema=schema, kw=kw)


def compare_unique_constraints(ctx: CompareContext, model_table: Table, db_table: Table) -> Iterator[Operation]:
    """Unique constraints, matched by name when the model names them, else by columns.

    A database that keeps a unique constraint as a unique index (MySQL,
    MariaDB) satisfies a model's unique index of the same name, and the
    other way round; :func:`mig_autogen.compare.indexes.compare_indexes`
    does the same for indexes.
    """
    to_db = db_names_map(ctx, model_table)
    schema = model_table.schema
    db_uniques = _uniques(db_table)
    db_unique_indexes = [i for i in db_table.indexes if i.unique]
    matched: set[int] = set()
    parents = parent_names(db_table.schema, db_table.name)
    for uc in _uniques(model_table):
        name = name_of(uc)
        cols = tuple(to_db.get(c.name, c.name) for c in uc.columns)
        found = None
        for db_uc in db_uniques:
            if id(db_uc) in matched:
                continue
            if tuple(c.name for c in db_uc.columns) == cols and (name is None or name_of(db_uc) in (name, None)):
                found = db_uc
                break
        if found is None:
            for db_ix in db_unique_indexes:
                if tuple(c.name for c in db_ix.columns) == cols and (name is None or name_of(db_ix) == name):
                    found = db_ix
                    break
        if found is not None:
            matched.add(id(found))
            continue
        if ctx.include(uc, name, "unique_constraint", False, None):
            yield unique_op(model_table, uc, schema)
    model_unique_index_names = {name_of(i) for i in model_table.indexes if i.unique}
    for db_uc in db_uniques:
        name = name_of(db_uc)
        if id(db_uc) in matched or name is None or name in model_unique_index_names:
            continue
        if not ctx.include_name(name, "unique_constraint", parents):
            continue
        if ctx.include(db_uc, name, "unique_constraint", True, None):
            yield DropConstraintOp(name, model_table.name, type_="unique", schema=schema,
                                   existing=unique_op(model_table, db_uc, schema))


# -- foreign keys ---------------------------------------------------------------------


def _target(fk: ForeignKeyConstraint) -> tuple[str | None, str, tuple[str, ...]]:
    parts = [e.target_fullname.split(".") for e in fk.elements]
    first = parts[0]
    schema = ".".join(first[:-2]) or None
    return schema, first[-2], tuple(p[-1] for p in parts)


_NO_ACTION = {None, "NO ACTION"}


def _action(value: str | None) -> str | None:
    value = value.upper() if value else None
    return None if value in _NO_ACTION else value


def fk_op(ctx: CompareContext, table: Table, fk: ForeignKeyConstraint, schema: str | None,
          local_cols: tuple[str, ...] | None = None,
          renamed: dict[str, str] | None = None) -> CreateForeignKeyOp:
    ref_schema, ref_table, ref_cols = _target(fk)
    if renamed:
        ref_table = renamed.get(ref_table, ref_table)
    if ref_schema is None and schema is not None and table.schema == schema:
        ref_schema = None
    return CreateForeignKeyOp(
        name_of(fk), table.name, ref_table, local_cols or tuple(c.name for c in fk.columns), ref_cols,
        onupdate=fk.onupdate, ondelete=fk.ondelete, deferrable=fk.deferrable, initially=fk.initially,
        match=fk.match, source_schema=schema, referent_schema=ref_schema)


def _fk_key(ctx: CompareContext, fk: ForeignKeyConstraint, cols: tuple[str, ...], own_schema: str | None,
            renamed: dict[str, str] | None) -> tuple[Any, ...]:
    ref_schema, ref_table, ref_cols = _target(fk)
    ref_schema = schema_key(ctx, ref_schema if ref_schema is not None else own_schema)
    if renamed:
        ref_table = renamed.get(ref_table, ref_table)
    return (cols, ref_schema, ref_table, ref_cols)


def _fk_options(fk: ForeignKeyConstraint) -> tuple[Any, ...]:
    initially = (fk.initially or "").upper() or None
    return (_action(fk.ondelete), _action(fk.onupdate), bool(fk.deferrable),
            None if initially == "IMMEDIATE" else initially)


def compare_foreign_keys(ctx: CompareContext, model_table: Table, db_table: Table) -> Iterator[Operation]:
    """Foreign keys: columns, referred table and columns, ``ondelete``, ``onupdate``, ``deferrable``, ``initially``.

    Matched by name where both sides have one, else by what they reference; a
    changed key is dropped and created again.
    """
    to_db = db_names_map(ctx, model_table)
    schema = model_table.schema
    own = schema_key(ctx, model_table.schema)
    # the database still references tables by their old names; the models by the new ones
    old_to_new = {old: new for (s, new), old in ctx.table_renames.items() if schema_key(ctx, s) == own}
    db_fks = list(db_table.foreign_key_constraints)
    db_keys = [(fk, _fk_key(ctx, fk, tuple(c.name for c in fk.columns), schema_key(ctx, db_table.schema),
                            old_to_new)) for fk in db_fks]
    matched: set[int] = set()
    parents = parent_names(db_table.schema, db_table.name)
    for fk in sorted(model_table.foreign_key_constraints, key=lambda f: (name_of(f) or "", f.column_keys)):
        try:
            key = _fk_key(ctx, fk, tuple(to_db.get(c, c) for c in fk.column_keys), own, None)
        except Exception:
            continue
        name = name_of(fk)
        found = None
        for db_fk, db_key in db_keys:
            if id(db_fk) in matched:
                continue
            db_name = name_of(db_fk)
            if name is not None and db_name is not None and db_name == name:
                found = db_fk
                break
            if db_key == key and (name is None or db_name is None):
                found = db_fk
                break
        if found is not None:
            matched.add(id(found))
            found_key = next(k for f, k in db_keys if f is found)
            if found_key == key and _fk_options(found) == _fk_options(fk):
                continue
            if not ctx.include(fk, name, "foreign_key_constraint", False, found):
                continue
            yield DropConstraintOp(name_of(found) or "", model_table.name, type_="foreignkey", schema=schema,
                                   existing=fk_op(ctx, model_table, found, schema, renamed=old_to_new))
            yield fk_op(ctx, model_table, fk, schema, tuple(c.name for c in fk.columns))
            continue
        if ctx.include(fk, name, "foreign_key_constraint", False, None):
            yield fk_op(ctx, model_table, fk, schema, tuple(c.name for c in fk.columns))
    for db_fk in db_fks:
        name = name_of(db_fk)
        if id(db_fk) in matched or name is None:
            continue
        if not ctx.include_name(name, "foreign_key_constraint", parents):
            continue
        if ctx.include(db_fk, name, "foreign_key_constraint", True, None):
            yield DropConstraintOp(name, model_table.name, type_="foreignkey", schema=schema,
                                   existing=fk_op(ctx, model_table, db_fk, schema, renamed=old_to_new))


# -- check constraints --------------------------------------------------------------


def _checks(table: Table) -> list[Any]:
    from sqlalchemy import CheckConstraint

    return [c for c in table.constraints if isinstance(c, CheckConstraint)]


def _implicit_check(constraint: Any, table: Table) -> bool:
    """A check the database adds for a type (MariaDB's ``json_valid(col)`` named after the column)."""
    text = str(getattr(constraint.sqltext, "text", constraint.sqltext)).lower()
    return "json_valid" in text and (name_of(constraint) or "") in table.c


def compare_check_constraints(ctx: CompareContext, model_table: Table, db_table: Table) -> Iterator[Operation]:
    """Named check constraints, added or removed (their condition is not compared: databases rewrite it)."""
    schema = model_table.schema
    model_checks = _checks(model_table)
    model_names = {name_of(c) for c in model_checks}
    db_checks: dict[str, Any] = {}
    for c in _checks(db_table):
        db_name = name_of(c)
        if db_name is not None:
            db_checks[db_name] = c
    for check in model_checks:
        name = name_of(check)
        if name is None or name in db_checks or getattr(check, "_type_bound", False):
            continue
        if ctx.include(check, name, "check_constraint", False, None):
            yield CreateCheckConstraintOp(name, model_table.name, sql_text(ctx, check.sqltext), schema=schema)
    if any(name_of(c) is None for c in model_checks):
        return  # the database named the model's unnamed checks itself: they cannot be told apart
    parents = parent_names(db_table.schema, db_table.name)
    for name, check in db_checks.items():
        if name in model_names or _implicit_check(check, db_table):
            continue
        if not ctx.include_name(name, "check_constraint", parents):
            continue
        if ctx.include(check, name, "check_constraint", True, None):
            existing = CreateCheckConstraintOp(name, model_table.name, sql_text(ctx, check.sqltext),
                                               schema=schema)
            yield DropConstraintOp(name, model_table.name, type_="check", schema=schema, existing=existing)


# -- table comments ----------------------------------------------------------------


def compare_table_comment(ctx: CompareContext, model_table: Table, db_table: Table) -> Iterator[Operation]:
    """The table's comment (on databases that keep comments)."""
    if not ctx.dialect.supports_comments:
        return
    model, db = model_table.comment or None, db_table.comment or None
    if model == db:
        return
    if model is None:
        yield DropTableCommentOp(model_table.name, schema=model_table.schema, existing_comment=db)
    else:
        yield CreateTableCommentOp(model_table.name, model, schema=model_table.schema, existing_comment=db)
