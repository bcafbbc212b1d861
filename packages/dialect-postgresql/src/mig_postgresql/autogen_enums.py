"""PostgreSQL enum types in autogenerate: the schema-level comparator and the renderers of the enum operations.

Registered by :mod:`mig_postgresql.plugin` through ``mig_autogen_register_comparators``
(``dialect="postgresql"``) and ``mig_autogen_register_renderers``; imported only
when mig-autogen runs.

The comparator, once per schema compared:

* a named native enum type the models use and the database lacks is
  created (``create_enum_type``, before the tables; the downgrade drops it
  after them);
* values the models add are added in place (``add_enum_value`` with
  ``after=``/``before=``; PostgreSQL cannot remove them, so the downgrade
  writes a note);
* a type no model column uses any more is dropped (``drop_enum_type``,
  after the tables and columns that used it; the downgrade creates it
  again with its values);
* values removed or reordered become a note in the draft (the type has to
  be recreated, which autogenerate does not guess).

The database's types come from ``Inspector.get_enums``, read once per run
by :meth:`mig_postgresql.autogen.PostgresqlRules.reflect_extra`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import ARRAY, Enum
from sqlalchemy.types import TypeDecorator

from mig.ops import qualified
from mig_postgresql.ops import (
    AddEnumValueOp,
    CreateEnumTypeOp,
    DropEnumTypeOp,
    EnumValuesNoteOp,
    RenameEnumValueOp,
)

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Dialect

    from mig.ops import Operation
    from mig_autogen.compare.context import CompareContext
    from mig_autogen.compare.reflected import ReflectedTable
    from mig_autogen.render.context import RenderContext

EnumKey = tuple[str | None, str]


def native_enum(type_: Any, dialect: Dialect) -> Any:
    """The named native enum type behind a column type (variants, decorators and arrays followed), or ``None``."""
    mapping = getattr(type_, "_variant_mapping", None)
    if mapping and dialect.name in mapping:
        type_ = mapping[dialect.name]
    if isinstance(type_, TypeDecorator):
        type_ = type_.load_dialect_impl(dialect)
    if isinstance(type_, ARRAY):
        return native_enum(type_.item_type, dialect)
    if isinstance(type_, Enum) and type_.native_enum and type_.name:
        return type_
    return None


def _schema_key(schema: str | None, default: str | None) -> str | None:
    return None if schema in (None, default) else schema


def model_enums(ctx: CompareContext, tables: Any) -> dict[EnumKey, Any]:
    """The named enum types the model tables use, by (schema, name); the first declaration wins."""
    found: dict[EnumKey, Any] = {}
    default = ctx.default_schema
    for table in tables:
        for column in table.columns:
            enum = native_enum(column.type, ctx.dialect)
            if enum is None:
                continue
            schema = enum.schema if enum.schema is not None else None
            found.setdefault((_schema_key(schema, default), enum.name), enum)
    return found


def _all_model_tables(ctx: CompareContext, model_tables: dict[str, Table]) -> list[Table]:
    """Every table of the metadatas compared so far (an enum may live in another schema than its tables)."""
    seen: list[Any] = ctx.extra.setdefault("postgresql_model_metadatas", [])
    for table in model_tables.values():
        if all(table.metadata is not md for md in seen):
            seen.append(table.metadata)
    return [t for md in seen for t in md.tables.values()]


def compare_enums(ctx: CompareContext, schema: str | None, model_tables: dict[str, Table],
                  db_tables: dict[str, ReflectedTable]) -> Iterator[Operation]:
    """Enum types of ``schema``: created, values added, dropped when no model column uses them."""
    from sqlalchemy.dialects.postgresql import ENUM

    db_enums: dict[EnumKey, tuple[str, ...]] = {
        key: values for key, values in (ctx.extra.get("postgresql_enums") or {}).items() if key[0] == schema}
    models = {key: enum for key, enum in model_enums(ctx, _all_model_tables(ctx, model_tables)).items()
              if key[0] == schema}
    for key in sorted(models, key=lambda k: k[1]):
        enum = models[key]
        name = key[1]
        values = tuple(enum.enums)
        existing = db_enums.get(key)
        if not ctx.include(enum, name, "enum", False, None):
            continue
        if existing is None:
            if getattr(enum, "create_type", True) is not False:
                yield CreateEnumTypeOp(name, values, schema=schema)
            continue
        yield from value_changes(name, schema, existing, values)
    for key in sorted(db_enums, key=lambda k: k[1]):
        if key in models:
            continue
        values = db_enums[key]
        reflected = ENUM(*values, name=key[1], schema=key[0], create_type=False)
        if not ctx.include_name(key[1], "enum", {"schema_name": schema}) or not ctx.include(
                reflected, key[1], "enum", True, None):
            continue
        yield DropEnumTypeOp(key[1], schema=schema, existing_values=values)


def value_changes(name: str, schema: str | None, existing: tuple[str, ...],
                  wanted: tuple[str, ...]) -> Iterator[Operation]:
    """``add_enum_value`` for each value ``wanted`` adds to ``existing`` (order kept), or a note when values
    were removed or reordered."""
    if existing == wanted:
        return
    kept = [v for v in wanted if v in existing]
    if set(existing) - set(wanted) or kept != list(existing):
        yield EnumValuesNoteOp(
            name, schema=schema,
            note=(f"enum type {qualified(name, schema)} has the values {list(existing)!r} in the database and "
                  f"{list(wanted)!r} in the models: PostgreSQL cannot remove or reorder values; recreate the "
                  f"type by hand (or rename values with op.rename_enum_value)"))
        return
    for i, value in enumerate(wanted):
        if value in existing:
            continue
        rest = wanted[i + 1:]
        if not any(v in existing for v in rest):
            after = wanted[i - 1] if i > 0 else None
            # appended at the end: no position needed
            yield AddEnumValueOp(name, value, schema=schema, after=None if after == existing[-1] or
                                 (after is not None and after not in existing) else after)
        elif i > 0:
            yield AddEnumValueOp(name, value, schema=schema, after=wanted[i - 1])
        else:
            yield AddEnumValueOp(name, value, schema=schema, before=next(v for v in rest if v in existing))


# -- renderers (op.<name>(...) calls the plugin's operation registration understands) ----------


def _kw(ctx: RenderContext, **values: Any) -> str:
    return "".join(f", {k}={v!r}" for k, v in values.items() if v not in (None, False))


def render_create_enum_type(operation: CreateEnumTypeOp, ctx: RenderContext) -> str:
    return (f"{ctx.op_prefix}create_enum_type({operation.type_name!r}, {list(operation.values)!r}"
            f"{_kw(ctx, schema=operation.schema, if_not_exists=operation.if_not_exists)})")


def render_drop_enum_type(operation: DropEnumTypeOp, ctx: RenderContext) -> str:
    existing = list(operation.existing_values) if operation.existing_values else None
    return (f"{ctx.op_prefix}drop_enum_type({operation.type_name!r}"
            f"{_kw(ctx, schema=operation.schema, if_exists=operation.if_exists, cascade=operation.cascade)}"
            f"{_kw(ctx, existing_values=existing)})")


def render_add_enum_value(operation: AddEnumValueOp, ctx: RenderContext) -> str:
    return (f"{ctx.op_prefix}add_enum_value({operation.type_name!r}, {operation.value!r}"
            f"{_kw(ctx, schema=operation.schema, before=operation.before, after=operation.after)}"
            f"{_kw(ctx, if_not_exists=operation.if_not_exists, autocommit=operation.autocommit)})")


def render_rename_enum_value(operation: RenameEnumValueOp, ctx: RenderContext) -> str:
    return (f"{ctx.op_prefix}rename_enum_value({operation.type_name!r}, {operation.old_value!r}, "
            f"{operation.new_value!r}{_kw(ctx, schema=operation.schema)})")


def render_note(operation: EnumValuesNoteOp, ctx: RenderContext) -> str:
    return f"# {operation.comment()}"
