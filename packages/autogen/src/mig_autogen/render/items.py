"""Schema items written as Python: names, types, server defaults, columns and constraints.

Every type, server default, constraint and index goes through env.py's
``render_item`` callable first, then the ``mig_autogen_render_item`` hook;
``None`` from both lets mig-autogen write it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from mig import plugins

if TYPE_CHECKING:
    from mig_autogen.render.context import RenderContext


def custom(type_: str, obj: Any, ctx: RenderContext) -> str | None:
    """What env.py's ``render_item`` or a ``mig_autogen_render_item`` plugin writes for ``obj`` (or ``None``)."""
    callable_ = ctx.options.get("render_item")
    if callable_ is not None:
        found = callable_(type_, obj, ctx)
        if found is not False and found is not None:
            return str(found)
    if plugins.has_implementations("mig_autogen_render_item"):
        result = plugins.decide("mig_autogen_render_item", type_=type_, obj=obj, autogen_context=ctx)
        if result is not None:
            return str(result)
    return None


def name(value: Any, ctx: RenderContext) -> str:
    """A constraint or index name: ``op.f('...')`` when a naming convention made it, else its repr."""
    from sqlalchemy.sql.elements import conv

    if value is None or type(value).__name__ == "_NoneName":
        return "None"
    if isinstance(value, conv):
        return f"op.f({str(value)!r})"
    return repr(str(value))


def args(positional: Iterable[str], keywords: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> str:
    """``a, b, k=v`` from rendered positionals and (already rendered) keyword values."""
    items = list(positional)
    pairs = keywords.items() if isinstance(keywords, Mapping) else keywords
    items.extend(f"{k}={v}" for k, v in pairs)
    return ", ".join(items)


def value(obj: Any) -> str:
    """A plain Python value (str, number, bool, None, dict, list) as source."""
    return repr(obj)


# -- types ---------------------------------------------------------------------------------


def _module_prefix(type_: Any, ctx: RenderContext) -> str:
    module = type(type_).__module__
    if module.startswith(("sqlalchemy.sql.sqltypes", "sqlalchemy.types", "sqlalchemy.sql.type_api")):
        return ctx.sa_prefix
    if module.startswith("sqlalchemy.dialects."):
        dialect = module.split(".")[2]
        ctx.imports.add(f"from sqlalchemy.dialects import {dialect}")
        return f"{dialect}."
    prefix = ctx.options.get("user_module_prefix")
    if prefix is not None:
        return str(prefix)
    ctx.imports.add(f"import {module}")
    return f"{module}."


def type_(obj: Any, ctx: RenderContext) -> str:
    """A column type: ``sa.String(length=20)``, ``postgresql.JSONB(astext_type=sa.Text())`` ..."""
    from sqlalchemy import types as satypes

    found = custom("type", obj, ctx)
    if found is not None:
        return found
    variants = getattr(obj, "_variant_mapping", None) or {}
    base = obj
    prefix = _module_prefix(base, ctx)
    item_type = getattr(base, "item_type", None)
    if item_type is not None and isinstance(item_type, satypes.TypeEngine):
        rest = _keywords_of(base, ("item_type",), ctx)
        text = f"{prefix}{type(base).__name__}({args([type_(item_type, ctx)], rest)})"
    elif getattr(base, "astext_type", None) is not None and hasattr(base, "astext_type"):
        rest = _keywords_of(base, ("astext_type",), ctx)
        default_astext = isinstance(base.astext_type, satypes.Text) and base.astext_type.length is None
        kw = [] if default_astext else [("astext_type", type_(base.astext_type, ctx))]
        text = f"{prefix}{type(base).__name__}({args([], [*rest, *kw])})"
    else:
        text = prefix + repr(base)
    for dialect, variant in variants.items():
        text += f".with_variant({type_(variant, ctx)}, {dialect!r})"
    return text


def _keywords_of(type_obj: Any, skip: tuple[str, ...], ctx: RenderContext) -> list[tuple[str, str]]:
    """The constructor keywords of ``type_obj`` that differ from their defaults (like ``repr``)."""
    import inspect

    out: list[tuple[str, str]] = []
    try:
        params = inspect.signature(type(type_obj).__init__).parameters
    except (TypeError, ValueError):
        return out
    for pname, param in params.items():
        if pname == "self" or pname in skip or param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if not hasattr(type_obj, pname):
            continue
        current = getattr(type_obj, pname)
        if param.default is not param.empty and current == param.default:
            continue
        out.append((pname, repr(current)))
    return out


# -- server defaults -----------------------------------------------------------------------


def sql(obj: Any, ctx: RenderContext) -> str:
    """A SQL fragment (string, ``text()``, expression) as ``sa.text('...')``."""
    from sqlalchemy.sql.elements import TextClause

    if isinstance(obj, TextClause):
        return f"{ctx.sa_prefix}text({obj.text!r})"
    if isinstance(obj, str):
        return f"{ctx.sa_prefix}text({obj!r})"
    return f"{ctx.sa_prefix}text({_sql_string(obj, ctx)!r})"


def _dialect(ctx: RenderContext | None) -> Any:
    """The SQLAlchemy dialect the draft is for (an expression is compiled as that database writes it)."""
    from sqlalchemy.dialects import registry
    from sqlalchemy.engine import default

    name = ctx.dialect_name if ctx is not None else None
    if name:
        try:
            return registry.load(name)()
        except Exception:  # an unknown or uninstalled dialect: SQLAlchemy's generic SQL
            pass
    return default.DefaultDialect()


def server_default(obj: Any, ctx: RenderContext) -> str:
    """A server default (``DefaultClause``, text, string, ``None``) as ``sa.text('...')``."""
    from sqlalchemy.schema import Computed, DefaultClause, Identity

    if obj is None:
        return "None"
    found = custom("server_default", obj, ctx)
    if found is not None:
        return found
    if isinstance(obj, (Computed, Identity)):
        return computed(obj, ctx)
    if isinstance(obj, DefaultClause):
        obj = obj.arg
    if isinstance(obj, str):
        return repr(obj)
    return sql(obj, ctx)


def computed(obj: Any, ctx: RenderContext) -> str:
    """``sa.Computed('expr', persisted=True)`` or ``sa.Identity(start=1, ...)``."""
    from sqlalchemy.schema import Computed

    if isinstance(obj, Computed):
        kw = [("persisted", repr(obj.persisted))] if obj.persisted is not None else []
        return f"{ctx.sa_prefix}Computed({args([repr(_sql_string(obj.sqltext, ctx))], kw)})"
    kw = []
    for key in ("always", "on_null", "start", "increment", "minvalue", "maxvalue", "nominvalue",
                "nomaxvalue", "cycle", "cache", "order"):
        current = getattr(obj, key, None)
        if current is not None and not (key == "always" and current is False):
            kw.append((key, repr(current)))
    return f"{ctx.sa_prefix}Identity({args([], kw)})"


def _sql_string(obj: Any, ctx: RenderContext | None = None) -> str:
    from sqlalchemy.sql.elements import TextClause

    if isinstance(obj, TextClause):
        return str(obj.text)
    if isinstance(obj, str):
        return obj
    return str(obj.compile(dialect=_dialect(ctx), compile_kwargs={"literal_binds": True}))


# -- columns and constraints --------------------------------------------------------------


def column(col: Any, ctx: RenderContext, *, inline_primary_key: bool = False) -> str:
    """``sa.Column('name', sa.Integer(), server_default=..., nullable=False, comment=...)``."""
    found = custom("column", col, ctx)
    if found is not None:
        return found
    positional = [repr(col.name), type_(col.type, ctx)]
    if col.computed is not None:
        positional.append(computed(col.computed, ctx))
    if col.identity is not None:
        positional.append(computed(col.identity, ctx))
    kw: list[tuple[str, str]] = []
    if inline_primary_key and col.primary_key:
        kw.append(("primary_key", "True"))
    if col.server_default is not None and col.computed is None and col.identity is None:
        kw.append(("server_default", server_default(col.server_default, ctx)))
    if col.autoincrement is not None and col.autoincrement != "auto":
        kw.append(("autoincrement", repr(col.autoincrement)))
    kw.append(("nullable", repr(bool(col.nullable))))
    if col.comment is not None:
        kw.append(("comment", repr(col.comment)))
    for key, option in sorted(col.dialect_kwargs.items()):
        if option is not None:
            kw.append((key, repr(option)))
    return f"{ctx.sa_prefix}Column({args(positional, kw)})"


def column_names(obj: Any) -> list[str]:
    """A constraint's column names, also for a detached one built from names."""
    names = [c.name for c in obj.columns]
    if not names:
        names = [getattr(c, "name", c) for c in getattr(obj, "_pending_colargs", ())]
    return [str(n) for n in names]


def _fk_options(fk: Any) -> list[tuple[str, str]]:
    kw: list[tuple[str, str]] = []
    for key in ("onupdate", "ondelete", "initially", "deferrable", "match"):
        current = getattr(fk, key, None)
        if current is not None:
            kw.append((key, repr(current)))
    return kw


def constraint(obj: Any, ctx: RenderContext) -> str:
    """A table-level constraint of ``create_table``: primary key, unique, check, foreign key."""
    from sqlalchemy import (
        CheckConstraint,
        ForeignKeyConstraint,
        PrimaryKeyConstraint,
        UniqueConstraint,
    )

    found = custom("constraint", obj, ctx)
    if found is not None:
        return found
    named = [("name", name(obj.name, ctx))] if obj.name is not None and type(obj.name).__name__ != "_NoneName" else []
    cols = [repr(n) for n in column_names(obj)] if not isinstance(obj, ForeignKeyConstraint) else []
    if isinstance(obj, PrimaryKeyConstraint):
        return f"{ctx.sa_prefix}PrimaryKeyConstraint({args(cols, named)})"
    if isinstance(obj, UniqueConstraint):
        return f"{ctx.sa_prefix}UniqueConstraint({args(cols, named)})"
    if isinstance(obj, CheckConstraint):
        return f"{ctx.sa_prefix}CheckConstraint({args([repr(_sql_string(obj.sqltext, ctx))], named)})"
    if isinstance(obj, ForeignKeyConstraint):
        local = [str(k) for k in obj.column_keys]
        remote = [e._get_colspec() for e in obj.elements]
        return (f"{ctx.sa_prefix}ForeignKeyConstraint("
                f"{args([repr(local), repr(remote)], [*named, *_fk_options(obj)])})")
    raise TypeError(f"cannot render {type(obj).__name__}")


def index_column(element: Any, ctx: RenderContext) -> str:
    """An index element: a column name, or ``sa.text('lower(email)')`` for an expression."""
    if isinstance(element, str):
        return repr(element)
    return sql(element, ctx)


def dialect_kw(kw: Mapping[str, Any], ctx: RenderContext) -> list[tuple[str, str]]:
    """Dialect options (``postgresql_where=sa.text(...)``, ``mysql_length=10``) as keywords."""
    from sqlalchemy.sql.elements import ClauseElement

    out: list[tuple[str, str]] = []
    for key, option in sorted(kw.items()):
        if option is None:
            continue
        out.append((key, sql(option, ctx) if isinstance(option, ClauseElement) else repr(option)))
    return out
