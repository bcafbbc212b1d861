"""A third-party autogenerate plugin: tables tagged ``info={"audit": True}`` get an audit table.

Copy this file beside a project's ``env.py`` (as ``mig_plugins.py``), or ship
it in a distribution with a ``mig`` entry point: it registers its comparator
and renderers through the same ``mig_autogen_*`` hooks mig-autogen's own
built-in ones use.

* a ``schema``-level comparator finds tagged model tables whose
  ``<name>_audit`` table the database lacks and proposes a
  :class:`CreateAuditTableOp`;
* renderers write that operation (and its reverse) as plain ``op`` calls, so
  the draft runs without this plugin;
* ``mig_autogen_include_object`` keeps the audit tables, which no model
  declares, from being proposed for dropping.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from mig import hookimpl
from mig.ops import Operation

AUDIT_SUFFIX = "_audit"


@dataclass(frozen=True, eq=False)
class CreateAuditTableOp(Operation):
    """Create ``<table_name>_audit``: one row per change of a row of ``table_name``."""

    op_name: ClassVar[str] = "create_audit_table"
    table_name: str
    schema: str | None = None

    def reverse(self) -> Operation:
        return DropAuditTableOp(self.table_name, self.schema)

    def describe(self) -> str:
        return f"create_audit_table {self.table_name}{AUDIT_SUFFIX}"


@dataclass(frozen=True, eq=False)
class DropAuditTableOp(Operation):
    """Drop ``<table_name>_audit``."""

    op_name: ClassVar[str] = "drop_audit_table"
    table_name: str
    schema: str | None = None

    def reverse(self) -> Operation:
        return CreateAuditTableOp(self.table_name, self.schema)

    def describe(self) -> str:
        return f"drop_audit_table {self.table_name}{AUDIT_SUFFIX}"


def compare_audit_tables(ctx: Any, schema: str | None, model_tables: dict[str, Any],
                         db_tables: dict[str, Any]) -> Iterator[Operation]:
    tagged = [name for name, table in sorted(model_tables.items()) if table.info.get("audit")]
    if not tagged:
        return
    present = set(ctx.inspector.get_table_names(schema=schema))  # one query, for every tagged table
    for name in tagged:
        if name + AUDIT_SUFFIX not in present:
            yield CreateAuditTableOp(name, schema)


def _schema(operation: Any) -> str:
    return f", schema={operation.schema!r}" if operation.schema else ""


def render_create_audit_table(operation: CreateAuditTableOp, ctx: Any) -> str:
    audit = operation.table_name + AUDIT_SUFFIX
    return (f"# audit trail of {operation.table_name} (audit plugin)\n"
            f"op.create_table(\n"
            f"    {audit!r},\n"
            f"    sa.Column('id', sa.Integer(), primary_key=True),\n"
            f"    sa.Column('row_id', sa.Integer(), nullable=False),\n"
            f"    sa.Column('action', sa.String(length=10), nullable=False),\n"
            f"    sa.Column('changed_at', sa.DateTime(), server_default=sa.text('CURRENT_TIMESTAMP'), "
            f"nullable=False),\n"
            f"{'    schema=' + repr(operation.schema) + ',' + chr(10) if operation.schema else ''}"
            f")")


def render_drop_audit_table(operation: DropAuditTableOp, ctx: Any) -> str:
    return f"op.drop_table({operation.table_name + AUDIT_SUFFIX!r}{_schema(operation)})"


@hookimpl
def mig_autogen_register_comparators() -> Any:
    from mig_autogen.specs import Comparator

    return [Comparator("audit_tables", "schema", compare_audit_tables)]


@hookimpl
def mig_autogen_register_renderers() -> Any:
    from mig_autogen.specs import Renderer

    return [Renderer("create_audit_table", CreateAuditTableOp, render_create_audit_table),
            Renderer("drop_audit_table", DropAuditTableOp, render_drop_audit_table)]


@hookimpl
def mig_autogen_include_object(object: Any, name: str | None, type_: str, reflected: bool,
                               compare_to: Any) -> bool | None:
    if type_ == "table" and reflected and compare_to is None and (name or "").endswith(AUDIT_SUFFIX):
        return False
    return None
