"""Built-in comparators for primary keys, unique, foreign key and check constraints, and table comments."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, UniqueConstraint

from mig.ops import (
    CreateCheckConstraintOp,
    CreateForeignKeyOp,
    CreateIndexOp,
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
    from sqlalchemy.engine.interfaces import ReflectedForeignKeyConstraint

    from mig_autogen.compare.context import CompareContext
    from mig_autogen.compare.reflected import ReflectedTable


# -- primary keys ---------------------------------------------------------------


def compare_primary_key(ctx: CompareContext, model_table: Table, db_table: ReflectedTable) -> Iterator[Operation]:
    """The primary key's columns (its name is not compared: databases name it their own way)."""
    to_db = db_names_map(ctx, model_table)
    model_cols = tuple(to_db.get(c.name, c.name) for c in model_table.primary_key.columns)
    db_cols = db_table.primary_key_columns
    if model_cols == db_cols:
        return
    pk = model_table.primary_key
    if not ctx.include(pk, name_of(pk), "primary_key", False, db_table.primary_key, db_table):
        return
    if db_cols:
        db_name = db_table.primary_key.get("name")
        existing = CreatePrimaryKeyOp(db_name, db_table.name, db_cols, schema=model_table.schema)
        yield DropConstraintOp(db_name or "", model_table.name, type_="primary",
                               schema=model_table.schema, existing=existing)
    if model_cols:
        yield CreatePrimaryKeyOp(name_of(pk), model_table.name,
                                 tuple(c.name for c in model_table.primary_key.columns),
                                 schema=model_table.schema)


# -- unique constraints -----------------------------------------------------------


def _uniques(table: Table) -> list[Any]:
    return [c for c in table.constraints if isinstance(c, UniqueConstraint)]


def unique_op(table: Table, constraint: Any, schema: str | None) -> CreateUniqueConstraintOp:
    kw = {k: v for k, v in constraint.dialect_kwargs.items() if v is not None}
    return CreateUniqueConstraintOp(name_of(constraint), table.name,
                                    tuple(c.name for c in constraint.columns), schema=schema, kw=kw)


def db_unique_op(table_name: str, constraint: Any, schema: str | None) -> CreateUniqueConstraintOp:
    """:func:`unique_op` of a reflected unique constraint (the inspector's dictionary)."""
    kw = {k: v for k, v in (constraint.get("dialect_options") or {}).items() if v is not None}
    return CreateUniqueConstraintOp(constraint.get("name"), table_name, tuple(constraint["column_names"]),
                                    schema=schema, kw=kw)


def compare_unique_constraints(ctx: CompareContext, model_table: Table,
                               db_table: ReflectedTable) -> Iterator[Operation]:
    """Unique constraints, matched by name when the model names them, else by columns.

    A database that keeps a unique constraint as a unique index (MySQL,
    MariaDB) satisfies a model's unique index of the same name, and the
    other way round; :func:`mig_autogen.compare.indexes.compare_indexes`
    does the same for indexes.
    """
    to_db = db_names_map(ctx, model_table)
    schema = model_table.schema
    db_uniques = db_table.unique_constraints
    db_unique_indexes = [i for i in db_table.indexes if i["unique"]]
    matched: set[int] = set()
    parents = parent_names(db_table.schema, db_table.name)
    for uc in _uniques(model_table):
        name = name_of(uc)
        cols = tuple(to_db.get(c.name, c.name) for c in uc.columns)
        found: Any = None
        for db_uc in db_uniques:
            if id(db_uc) in matched:
                continue
            if tuple(db_uc["column_names"]) == cols and (name is None or db_uc.get("name") in (name, None)):
                found = db_uc
                break
        if found is None:
            for db_ix in db_unique_indexes:
                if tuple(db_ix["column_names"]) == cols and (name is None or db_ix.get("name") == name):
                    found = db_ix
                    break
        if found is not None:
            matched.add(id(found))
            continue
        if ctx.include(uc, name, "unique_constraint", False, None):
            yield unique_op(model_table, uc, schema)
    model_unique_index_names = {name_of(i) for i in model_table.indexes if i.unique}
    for db_uc in db_uniques:
        name = db_uc.get("name")
        if id(db_uc) in matched or name is None or name in model_unique_index_names:
            continue
        if not ctx.include_name(name, "unique_constraint", parents):
            continue
        if ctx.include(db_uc, name, "unique_constraint", True, None, db_table):
            yield DropConstraintOp(name, model_table.name, type_="unique", schema=schema,
                                   existing=db_unique_op(model_table.name, db_uc, schema))


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
          local_cols: tuple[str, ...] | None = None) -> CreateForeignKeyOp:
    """``create_foreign_key`` of a model's (or SQLAlchemy-reflected) foreign key."""
    ref_schema, ref_table, ref_cols = _target(fk)
    return CreateForeignKeyOp(
        name_of(fk), table.name, ref_table, local_cols or tuple(c.name for c in fk.columns), ref_cols,
        onupdate=fk.onupdate, ondelete=fk.ondelete, deferrable=fk.deferrable, initially=fk.initially,
        match=fk.match, source_schema=schema, referent_schema=ref_schema)


def db_fk_op(table_name: str, fk: ReflectedForeignKeyConstraint, schema: str | None,
             renamed: dict[str, str] | None = None) -> CreateForeignKeyOp:
    """``create_foreign_key`` of a reflected foreign key (the inspector's dictionary); ``renamed`` maps
    referred tables' old names to the new ones."""
    options = fk.get("options") or {}
    ref_table = fk["referred_table"]
    if renamed:
        ref_table = renamed.get(ref_table, ref_table)
    return CreateForeignKeyOp(
        fk.get("name"), table_name, ref_table, tuple(fk["constrained_columns"]), tuple(fk["referred_columns"]),
        onupdate=options.get("onupdate"), ondelete=options.get("ondelete"),
        deferrable=options.get("deferrable"), initially=options.get("initially"), match=options.get("match"),
        source_schema=schema, referent_schema=fk.get("referred_schema"))


def _fk_key(ctx: CompareContext, fk: ForeignKeyConstraint, cols: tuple[str, ...],
            own_schema: str | None) -> tuple[Any, ...]:
    ref_schema, ref_table, ref_cols = _target(fk)
    ref_schema = schema_key(ctx, ref_schema if ref_schema is not None else own_schema)
    return (cols, ref_schema, ref_table, ref_cols)


def _db_fk_key(ctx: CompareContext, fk: ReflectedForeignKeyConstraint, own_schema: str | None,
               renamed: dict[str, str]) -> tuple[Any, ...]:
    ref_schema = fk.get("referred_schema")
    ref_table = fk["referred_table"]
    return (tuple(fk["constrained_columns"]), schema_key(ctx, ref_schema if ref_schema is not None else own_schema),
            renamed.get(ref_table, ref_table), tuple(fk["referred_columns"]))


def _options_key(ondelete: str | None, onupdate: str | None, deferrable: Any, initially: str | None) -> tuple[Any, ...]:
    initially = (initially or "").upper() or None
    return (_action(ondelete), _action(onupdate), bool(deferrable),
            None if initially == "IMMEDIATE" else initially)


def _fk_options(fk: ForeignKeyConstraint) -> tuple[Any, ...]:
    return _options_key(fk.ondelete, fk.onupdate, fk.deferrable, fk.initially)


def _db_fk_options(fk: ReflectedForeignKeyConstraint) -> tuple[Any, ...]:
    options = fk.get("options") or {}
    return _options_key(options.get("ondelete"), options.get("onupdate"), options.get("deferrable"),
                        options.get("initially"))


def _indexed(model_table: Table, db_table: ReflectedTable, columns: tuple[str, ...]) -> bool:
    """Whether an index (or key) of the database or the models starts with ``columns``."""
    width = len(columns)
    starts: list[tuple[str | None, ...]] = [tuple(i["column_names"][:width]) for i in db_table.indexes]
    starts += [tuple(u["column_names"][:width]) for u in db_table.unique_constraints]
    starts.append(db_table.primary_key_columns[:width])
    starts += [tuple(c.name for c in i.columns)[:width] for i in model_table.indexes]
    starts += [tuple(c.name for c in u.columns)[:width] for u in _uniques(model_table)]
    return columns in starts


def compare_foreign_keys(ctx: CompareContext, model_table: Table, db_table: ReflectedTable) -> Iterator[Operation]:
    """Foreign keys: columns, referred table and columns, ``ondelete``, ``onupdate``, ``deferrable``, ``initially``.

    Matched by name where both sides have one, else by what they reference; a
    changed key is dropped and created again.
    """
    to_db = db_names_map(ctx, model_table)
    schema = model_table.schema
    own = schema_key(ctx, model_table.schema)
    # the database still references tables by their old names; the models by the new ones
    old_to_new = {old: new for (s, new), old in ctx.table_renames.items() if schema_key(ctx, s) == own}
    db_fks = db_table.foreign_keys
    db_keys = [(fk, _db_fk_key(ctx, fk, schema_key(ctx, db_table.schema), old_to_new)) for fk in db_fks]
    matched: set[int] = set()
    parents = parent_names(db_table.schema, db_table.name)
    for fk in sorted(model_table.foreign_key_constraints, key=lambda f: (name_of(f) or "", f.column_keys)):
        try:
            key = _fk_key(ctx, fk, tuple(to_db.get(c, c) for c in fk.column_keys), own)
        except Exception:
            continue
        name = name_of(fk)
        found: Any = None
        for db_fk, db_key in db_keys:
            if id(db_fk) in matched:
                continue
            db_name = db_fk.get("name")
            if name is not None and db_name is not None and db_name == name:
                found = db_fk
                break
            if db_key == key and (name is None or db_name is None):
                found = db_fk
                break
        if found is not None:
            matched.add(id(found))
            found_key = next(k for f, k in db_keys if f is found)
            if found_key == key and _db_fk_options(found) == _fk_options(fk):
                continue
            if not ctx.include(fk, name, "foreign_key_constraint", False, found, db_table):
                continue
            yield DropConstraintOp(found.get("name") or "", model_table.name, type_="foreignkey", schema=schema,
                                   existing=db_fk_op(model_table.name, found, schema, old_to_new))
            yield fk_op(ctx, model_table, fk, schema, tuple(c.name for c in fk.columns))
            continue
        if ctx.include(fk, name, "foreign_key_constraint", False, None):
            columns = tuple(c.name for c in fk.columns)
            if name is not None and ctx.rules.indexes_foreign_keys and not _indexed(model_table, db_table, columns):
                # the index the database would make for the key, made by the draft so its downgrade drops it
                yield CreateIndexOp(name, model_table.name, columns, schema=schema)
            yield fk_op(ctx, model_table, fk, schema, columns)
    for db_fk in db_fks:
        name = db_fk.get("name")
        if id(db_fk) in matched or name is None:
            continue
        if not ctx.include_name(name, "foreign_key_constraint", parents):
            continue
        if ctx.include(db_fk, name, "foreign_key_constraint", True, None, db_table):
            yield DropConstraintOp(name, model_table.name, type_="foreignkey", schema=schema,
                                   existing=db_fk_op(model_table.name, db_fk, schema, old_to_new))


# -- check constraints --------------------------------------------------------------


def _checks(table: Table) -> list[Any]:
    return [c for c in table.constraints if isinstance(c, CheckConstraint)]


def _implicit_check(constraint: Any, table: ReflectedTable) -> bool:
    """A check the database adds for a type (MariaDB's ``json_valid(col)`` named after the column)."""
    text = str(constraint["sqltext"]).lower()
    return "json_valid" in text and (constraint.get("name") or "") in table.columns


def compare_check_constraints(ctx: CompareContext, model_table: Table,
                              db_table: ReflectedTable) -> Iterator[Operation]:
    """Named check constraints, added or removed (their condition is not compared: databases rewrite it)."""
    schema = model_table.schema
    model_checks = _checks(model_table)
    model_names = {name_of(c) for c in model_checks}
    db_checks: dict[str, Any] = {}
    for c in db_table.check_constraints:
        db_name = c.get("name")
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
        if ctx.include(check, name, "check_constraint", True, None, db_table):
            existing = CreateCheckConstraintOp(name, model_table.name, str(check["sqltext"]), schema=schema)
            yield DropConstraintOp(name, model_table.name, type_="check", schema=schema, existing=existing)


# -- table comments ----------------------------------------------------------------


def compare_table_comment(ctx: CompareContext, model_table: Table, db_table: ReflectedTable) -> Iterator[Operation]:
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
