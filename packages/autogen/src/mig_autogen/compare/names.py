"""Small helpers shared by the comparators: constraint names, SQL text, schema keys."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Table

    from mig_autogen.compare.context import CompareContext


def name_of(item: Any) -> str | None:
    """A constraint's or index's name, ``None`` when it has none (or its convention could not name it)."""
    name = getattr(item, "name", None)
    if name is None or not isinstance(name, str):
        return None
    if type(name).__name__ == "_NoneName":
        return None
    return name


def schema_key(ctx: CompareContext, schema: str | None) -> str | None:
    """``None`` for the default schema (whether written as ``None`` or by its name), else ``schema``."""
    if schema is None or schema == ctx.default_schema:
        return None
    return schema


_QUOTES = re.compile(r"[`\"\[\]]")
_CAST = re.compile(r"::[\w\s\[\]]+?(?=[\s(),]|$)")
_SPACE = re.compile(r"\s+")


def loose_sql(text: str | None) -> str:
    """SQL text reduced for comparison: no quotes, casts, parentheses or blanks, lower case."""
    if not text:
        return ""
    text = _CAST.sub("", text)
    text = _QUOTES.sub("", text)
    return _SPACE.sub("", text).replace("(", "").replace(")", "").lower()


def sql_text(ctx: CompareContext, expr: Any) -> str:
    """The SQL of an expression (a string, a ``text()``, a column expression) with literals inline and
    column names unqualified."""
    if expr is None:
        return ""
    if isinstance(expr, str):
        return expr
    text = getattr(expr, "text", None)
    if isinstance(text, str) and type(expr).__name__ == "TextClause":
        return text
    dialect = ctx.dialect
    compiler = dialect.statement_compiler(dialect, None)
    return str(compiler.process(expr, include_table=False, literal_binds=True))


def parent_names(schema: str | None, table: str) -> dict[str, Any]:
    """The ``parent_names`` argument of ``include_name`` for an object of ``table``."""
    return {"schema_name": schema, "table_name": table,
            "schema_qualified_table_name": f"{schema}.{table}" if schema else table}


def db_names_map(ctx: CompareContext, model_table: Table) -> dict[str, str]:
    """Each model column's name in the database (they differ for columns being renamed).

    Without renames the names are the models' own: an empty mapping, which
    callers read with ``.get(name, name)``."""
    renames = ctx.column_renames.get((model_table.schema, model_table.name))
    if not renames:
        return {}
    return {c.name: renames.get(c.name, c.name) for c in model_table.columns}
