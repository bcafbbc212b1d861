"""mig_postgresql plugin module (registered through the ``mig`` entry-point group).

Cheap to import: the dialect implementation and the enum operations are
named lazily (``"module:Class"``), so loading every plugin for ``mig --help``
does not import SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mig import hookimpl
from mig.specs import DialectSpec, OperationSpec

_OPS = "mig_postgresql.ops"


@hookimpl
def mig_register_dialects() -> Iterable[DialectSpec]:
    return [DialectSpec("postgresql", "mig_postgresql.impl:PostgresqlImpl",
                        description="PostgreSQL (psycopg 3 or psycopg2)")]


@hookimpl
def mig_register_operations() -> Iterable[OperationSpec]:
    """PostgreSQL's own operations: enum types and EXCLUDE constraints (``op.<name>``)."""
    pg = {"postgresql": f"{_OPS}:run_{{}}"}

    def spec(name: str, cls: str, description: str, batch: bool = False) -> OperationSpec:
        impls = {k: v.format(name) for k, v in pg.items()}
        return OperationSpec(name, f"{_OPS}:{cls}", factory=f"{_OPS}:{name}", implementations=impls,
                             batch=batch, description=description)

    return [
        spec("create_enum_type", "CreateEnumTypeOp", "CREATE TYPE ... AS ENUM (PostgreSQL)"),
        spec("drop_enum_type", "DropEnumTypeOp", "DROP TYPE (PostgreSQL)"),
        spec("add_enum_value", "AddEnumValueOp", "ALTER TYPE ... ADD VALUE (PostgreSQL)"),
        spec("rename_enum_value", "RenameEnumValueOp", "ALTER TYPE ... RENAME VALUE (PostgreSQL)"),
        spec("create_exclude_constraint", "CreateExcludeConstraintOp",
             "ALTER TABLE ... ADD CONSTRAINT ... EXCLUDE USING (PostgreSQL)"),
    ]


# -- autogenerate (mig-autogen; optional: the hooks exist only when it is installed) --------


@hookimpl(optionalhook=True)
def mig_autogen_dialect_rules(dialect_name: str) -> Any:
    """The comparison rules of this database (:mod:`mig_postgresql.autogen`)."""
    if dialect_name == "postgresql":
        from mig_postgresql.autogen import PostgresqlRules

        return PostgresqlRules()
    return None


_ENUMS = "mig_postgresql.autogen_enums:"


@hookimpl(optionalhook=True)
def mig_autogen_register_comparators() -> Any:
    """PostgreSQL's enum types (created, values added, dropped), compared once per schema."""
    from mig_autogen.specs import Comparator

    return [Comparator("postgresql_enums", "schema", _ENUMS + "compare_enums", dialect="postgresql")]


@hookimpl(optionalhook=True)
def mig_autogen_register_renderers() -> Any:
    """Drafts write the enum operations as ``op.create_enum_type(...)`` and so on."""
    from mig_autogen.specs import Renderer

    return [
        Renderer("create_enum_type", f"{_OPS}:CreateEnumTypeOp", _ENUMS + "render_create_enum_type"),
        Renderer("drop_enum_type", f"{_OPS}:DropEnumTypeOp", _ENUMS + "render_drop_enum_type"),
        Renderer("add_enum_value", f"{_OPS}:AddEnumValueOp", _ENUMS + "render_add_enum_value"),
        Renderer("rename_enum_value", f"{_OPS}:RenameEnumValueOp", _ENUMS + "render_rename_enum_value"),
        Renderer("enum_values_note", f"{_OPS}:EnumValuesNoteOp", _ENUMS + "render_note"),
    ]
