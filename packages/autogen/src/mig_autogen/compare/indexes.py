"""The built-in index comparator: columns or expressions, uniqueness, and the dialect options reflection reports."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, UniqueConstraint, text

from mig.ops import CreateIndexOp, DropIndexOp, Operation
from mig_autogen.compare.names import db_names_map, loose_sql, name_of, parent_names, sql_text

if TYPE_CHECKING:
    from sqlalchemy import Index, Table
    from sqlalchemy.engine.interfaces import ReflectedIndex

    from mig_autogen.compare.context import CompareContext
    from mig_autogen.compare.reflected import ReflectedTable

#: Dialect options compared when the model sets them (``<dialect>_<option>``).
COMPARED_OPTIONS = ("where", "using")
#: Values that mean the database's default.
_DEFAULT_VALUES = {"using": {"btree"}}


def index_elements(ctx: CompareContext, index: Index) -> tuple[Any, ...]:
    """An index's columns (names) and expressions (``text()``) for an operation."""
    out: list[Any] = []
    for expr in index.expressions:
        if isinstance(expr, Column):
            out.append(expr.name)
        elif isinstance(expr, str):
            out.append(expr)
        else:
            out.append(text(sql_text(ctx, expr)))
    return tuple(out)


def _db_elements(ctx: CompareContext, index: ReflectedIndex) -> list[Any]:
    """A reflected index's elements: column names, and SQL text for expressions and sorted columns."""
    expressions = index.get("expressions") or ()
    sorting = index.get("column_sorting") or {}
    out: list[Any] = []
    for i, name in enumerate(index["column_names"]):
        if name is None:
            out.append(text(expressions[i]) if i < len(expressions) else text(""))
        elif name in sorting:
            quoted = ctx.dialect.identifier_preparer.quote(name)
            out.append(text(" ".join([quoted, *(word.replace("_", " ").upper() for word in sorting[name])])))
        else:
            out.append(name)
    return out


def _signature(ctx: CompareContext, index: Index, to_db: dict[str, str]) -> tuple[str, ...]:
    sig: list[str] = []
    for expr in index.expressions:
        if isinstance(expr, Column):
            sig.append(to_db.get(expr.name, expr.name))
        elif isinstance(expr, str):
            sig.append(to_db.get(expr, expr))
        else:
            sig.append("expr:" + loose_sql(sql_text(ctx, expr)))
    return tuple(sig)


def _db_signature(ctx: CompareContext, index: ReflectedIndex) -> tuple[str, ...]:
    return tuple(e if isinstance(e, str) else "expr:" + loose_sql(e.text) for e in _db_elements(ctx, index))


def _options(ctx: CompareContext, dialect_options: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for option in COMPARED_OPTIONS:
        value = next((dialect_options[key] for key in (f"{name}_{option}" for name in ctx.dialect_names)
                      if dialect_options.get(key) is not None), None)
        if value is None or isinstance(value, (bool, int, list, dict, tuple)):
            continue
        text = loose_sql(value if isinstance(value, str) else sql_text(ctx, value))
        if text in _DEFAULT_VALUES.get(option, ()):
            continue
        out[option] = text
    return out


def _given_options(index: Index) -> dict[str, Any]:
    """The dialect options the model's index was given (iterating reads only those; looking one up by
    name would fill in every default of that dialect)."""
    return dict(index.dialect_kwargs.items())


def index_op(ctx: CompareContext, table: Table, index: Index) -> CreateIndexOp:
    kw = {k: v for k, v in index.dialect_kwargs.items() if v is not None and v != [] and v != {}}
    return CreateIndexOp(name_of(index), table.name, index_elements(ctx, index), schema=table.schema,
                         unique=bool(index.unique), kw=kw)


def drop_index_op(ctx: CompareContext, table_name: str, index: ReflectedIndex, schema: str | None) -> DropIndexOp:
    """``drop_index`` of a reflected index (the inspector's dictionary), reversible."""
    kw = {k: v for k, v in (index.get("dialect_options") or {}).items() if v is not None and v != [] and v != {}}
    return DropIndexOp(index.get("name") or "", table_name, schema=schema, existing_columns=tuple(_db_elements(ctx, index)),
                       existing_unique=bool(index["unique"]), existing_kw=kw)


def fk_backing(index: ReflectedIndex, table: ReflectedTable) -> bool:
    """An index the database made for a foreign key (MySQL): on the key's columns, named like the key
    or like its first column."""
    if index["unique"]:
        return False
    cols = tuple(index["column_names"])
    name = index.get("name")
    return any(tuple(fk["constrained_columns"]) == cols and name in (fk.get("name"), cols[0])
               for fk in table.foreign_keys)


def compare_indexes(ctx: CompareContext, model_table: Table, db_table: ReflectedTable) -> Iterator[Operation]:
    """Indexes, matched by name: added, removed, or changed (dropped and created again)."""
    to_db = db_names_map(ctx, model_table)
    schema = model_table.schema
    db_by_name = {i["name"]: i for i in db_table.indexes if i.get("name") is not None}
    db_uniques = {c["name"]: c for c in db_table.unique_constraints if c.get("name") is not None}
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
            if index.unique and uc is not None and tuple(uc["column_names"]) == _signature(ctx, index, to_db):
                continue  # kept as a unique constraint by this database
            if ctx.include(index, name, "index", False, None):
                yield index_op(ctx, model_table, index)
            continue
        same = (_signature(ctx, index, to_db) == _db_signature(ctx, db_index)
                and bool(index.unique) == bool(db_index["unique"])
                and _options(ctx, _given_options(index)) == _options(ctx, db_index.get("dialect_options") or {}))
        if same or not ctx.include(index, name, "index", False, db_index, db_table):
            continue
        yield drop_index_op(ctx, model_table.name, db_index, schema)
        yield index_op(ctx, model_table, index)
    parents = parent_names(db_table.schema, db_table.name)
    rules, dialect = ctx.rules, ctx.dialect
    for name, db_index in db_by_name.items():
        if name in seen or name in model_unique_names:
            continue
        if db_index["unique"] and tuple(db_index["column_names"]) in model_unique_cols:
            continue
        if fk_backing(db_index, db_table) or rules.index_is_implicit(db_index, db_table, dialect):
            continue
        if not ctx.include_name(name, "index", parents) or not ctx.include(db_index, name, "index", True, None,
                                                                            db_table):
            continue
        yield drop_index_op(ctx, model_table.name, db_index, schema)
