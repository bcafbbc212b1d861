"""The built-in index comparator: columns or expressions, uniqueness, and the dialect options reflection reports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mig.ops import CreateIndexOp, DropIndexOp, Operation
from mig_autogen.compare.names import db_names_map, loose_sql, name_of, parent_names, sql_text

if TYPE_CHECKING:
    from sqlalchemy import Index, Table

    from mig_autogen.compare.context import CompareContext

#: Dialect options compared when the model sets them (``<dialect>_<option>``).
COMPARED_OPTIONS = ("where", "using")
#: Values that mean the database's default.
_DEFAULT_VALUES = {"using": {"btree"}}


def index_elements(ctx: CompareContext, index: Index) -> tuple[Any, ...]:
    """An index's columns (names) and expressions (``text()``) for an operation."""
    from sqlalchemy import Column, text

    out: list[Any] = []
    for expr in index.expressions:
        if isinstance(expr, Column):
            out.append(expr.name)
        elif isinstance(expr, str):
            out.append(expr)
        else:
            out.append(text(sql_text(ctx, expr)))
    return tuple(out)


def _signature(ctx: CompareContext, index: Index, to_db: dict[str, str] | None) -> tuple[str, ...]:
    from sqlalchemy import Column

    sig: list[str] = []
    for expr in index.expressions:
        if isinstance(expr, Column):
            sig.append(to_db.get(expr.name, expr.name) if to_db else expr.name)
        elif isinstance(expr, str):
            sig.append(to_db.get(expr, expr) if to_db else expr)
        else:
            sig.append("expr:" + loose_sql(sql_text(ctx, expr)))
    return tuple(sig)


def _options(ctx: CompareContext, index: Index, reflected: Index | None) -> dict[str, str]:
    prefix = ctx.dialect_name + "_"
    out: dict[str, str] = {}
    for option in COMPARED_OPTIONS:
        value = index.dialect_kwargs.get(prefix + option)
        if value is None or isinstance(value, (bool, int, list, dict, tuple)):
            continue
        text = loose_sql(value if isinstance(value, str) else sql_text(ctx, value))
        if text in _DEFAULT_VALUES.get(option, ()):
            continue
        out[option] = text
    return out


def index_op(ctx: CompareContext, table: Table, index: Index) -> CreateIndexOp:
    kw = {k: v for k, v in index.dialect_kwargs.items() if v is not None and v != [] and v != {}}
    return CreateIndexOp(name_of(index), table.name, index_elements(ctx, index), schema=table.schema,
                         unique=bool(index.unique), kw=kw)


def drop_index_op(ctx: CompareContext, table: Table, index: Index, schema: str | None) -> DropIndexOp:
    create = index_op(ctx, table, index)
    return DropIndexOp(name_of(index) or "", table.name, schema=schema, existing_columns=create.columns,
                       existing_unique=create.unique, existing_kw=create.kw)


def fk_backing(index: Index, table: Table) -> bool:
    """An index the database made for a foreign key (MySQL): on the key's columns, named like the key
    or like its first column."""
    if index.unique:
        return False
    cols = tuple(c.name for c in index.columns)
    name = name_of(index)
    return any(tuple(c.name for c in fk.columns) == cols and name in (name_of(fk), cols[0])
               for fk in table.foreign_key_constraints)


def compare_indexes(ctx: CompareContext, model_table: Table, db_table: Table) -> Iterator[Operation]:
    """Indexes, matched by name: added, removed, or changed (dropped and created again)."""
    from sqlalchemy import UniqueConstraint

    to_db = db_names_map(ctx, model_table)
    schema = model_table.schema
    db_by_name = {name_of(i): i for i in db_table.indexes if name_of(i) is not None}
    db_uniques = {name_of(c): c for c in db_table.constraints
                  if isinstance(c, UniqueConstraint) and name_of(c) is not None}
    model_uniques = [c for c in model_table.constraints if isinstance(c, UniqueConstraint)]
    model_unique_names = {name_of(c) for c in model_uniques}
    # a database that keeps unique constraints as unique indexes (MySQL) reports them here
    model_unique_cols = {tuple(to_db.get(c.name, c.name) for c in uc.columns) for uc in model_uniques}
    seen: set[str] = set()
    # indexes that exist but that reflection cannot describe (SQLite's expression indexes)
    unreflected = ctx.extra.get("unreflected_indexes") or ()
    for index in sorted(model_table.indexes, key=lambda i: name_of(i) or ""):
        name = name_of(index)
        if name is None or (schema, ctx.db_table_name(model_table), name) in unreflected:
            continue
        seen.add(name)
        db_index = db_by_name.get(name)
        if db_index is None:
            uc = db_uniques.get(name)
            if index.unique and uc is not None and tuple(c.name for c in uc.columns) == _signature(ctx, index, to_db):
                continue  # kept as a unique constraint by this database
            if ctx.include(index, name, "index", False, None):
                yield index_op(ctx, model_table, index)
            continue
        same = (_signature(ctx, index, to_db) == _signature(ctx, db_index, None)
                and bool(index.unique) == bool(db_index.unique)
                and _options(ctx, index, db_index) == _options(ctx, db_index, index))
        if same or not ctx.include(index, name, "index", False, db_index):
            continue
        yield drop_index_op(ctx, model_table, db_index, schema)
        yield index_op(ctx, model_table, index)
    parents = parent_names(db_table.schema, db_table.name)
    rules, dialect = ctx.rules, ctx.dialect
    for name, db_index in db_by_name.items():
        if name in seen or name in model_unique_names:
            continue
        if db_index.unique and tuple(c.name for c in db_index.columns) in model_unique_cols:
            continue
        if fk_backing(db_index, db_table) or rules.index_is_implicit(db_index, db_table, dialect):
            continue
        if not ctx.include_name(name, "index", parents) or not ctx.include(db_index, name, "index", True, None):
            continue
        yield drop_index_op(ctx, model_table, db_index, schema)
