"""PostgreSQL's own operations: enum types and EXCLUDE constraints.

They are registered the way any third party registers operations: the
plugin (:mod:`mig_postgresql.plugin`) yields one :class:`mig.specs.OperationSpec`
per operation from ``mig_register_operations``, naming

* the IR dataclass (below; no SQL in it),
* a factory, which is what a script calls as ``op.<name>(...)``,
* the implementation for the ``"postgresql"`` dialect: a function
  ``run_<name>(impl, operation)``. A dialect built on PostgreSQL
  (``class CockroachImpl(PostgresqlImpl)``) finds it through its base class.

Script API::

    op.create_enum_type("mood", ["sad", "ok", "happy"], schema=None, if_not_exists=False)
    op.drop_enum_type("mood", schema=None, if_exists=False, cascade=False)
    op.add_enum_value("mood", "ecstatic", after="happy", if_not_exists=True)
    op.rename_enum_value("mood", "ok", "fine")
    op.create_exclude_constraint("no_overlap", "booking", ("room", "="), ("during", "&&"),
                                 using="gist", where="not cancelled")
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from mig.errors import OperationError
from mig.ops import DropConstraintOp, Operation, qualified

if TYPE_CHECKING:
    from mig.ddl.impl import DialectImpl

__all__ = [
    "AddEnumValueOp", "CreateEnumTypeOp", "CreateExcludeConstraintOp", "DropEnumTypeOp", "EnumValuesNoteOp",
    "RenameEnumValueOp", "add_enum_value", "create_enum_type", "create_exclude_constraint",
    "drop_enum_type", "rename_enum_value",
]


# -- the IR ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CreateEnumTypeOp(Operation):
    """``op.create_enum_type(type_name, values, schema=None, if_not_exists=False)``: ``CREATE TYPE ... AS ENUM``."""

    op_name: ClassVar[str] = "create_enum_type"
    #: Autogenerate puts it before the tables that use the type.
    autogen_position: ClassVar[str] = "first"
    type_name: str
    values: tuple[str, ...]
    schema: str | None = None
    if_not_exists: bool = False

    def reverse(self) -> Operation:
        return DropEnumTypeOp(self.type_name, schema=self.schema, existing_values=self.values)

    def describe(self) -> str:
        return f"create_enum_type {qualified(self.type_name, self.schema)}"


@dataclass(frozen=True, eq=False)
class DropEnumTypeOp(Operation):
    """``op.drop_enum_type(type_name, schema=None, if_exists=False, cascade=False)``: ``DROP TYPE``.

    ``existing_values`` (the labels it had) make the drop reversible.
    """

    op_name: ClassVar[str] = "drop_enum_type"
    #: Autogenerate puts it after the tables and columns that used the type are gone.
    autogen_position: ClassVar[str] = "last"
    type_name: str
    schema: str | None = None
    if_exists: bool = False
    cascade: bool = False
    existing_values: tuple[str, ...] | None = None

    def reverse(self) -> Operation:
        if self.existing_values is None:
            return super().reverse()
        return CreateEnumTypeOp(self.type_name, self.existing_values, schema=self.schema)

    def describe(self) -> str:
        return f"drop_enum_type {qualified(self.type_name, self.schema)}"


@dataclass(frozen=True, eq=False)
class AddEnumValueOp(Operation):
    """``op.add_enum_value(type_name, value, before=None, after=None, if_not_exists=False, schema=None)``.

    ``ALTER TYPE ... ADD VALUE``. PostgreSQL before 12 refuses it inside a
    transaction block: then (and whenever ``autocommit=True``) it runs in the
    run's autocommit block (offline: between ``COMMIT`` and ``BEGIN``).
    PostgreSQL cannot remove a value again: its reverse is an
    :class:`EnumValuesNoteOp`, a comment in a draft's downgrade that says so.
    """

    op_name: ClassVar[str] = "add_enum_value"
    #: Autogenerate puts it before the columns and defaults that use the value.
    autogen_position: ClassVar[str] = "first"
    type_name: str
    value: str
    schema: str | None = None
    before: str | None = None
    after: str | None = None
    if_not_exists: bool = False
    autocommit: bool | None = None

    def reverse(self) -> Operation:
        return EnumValuesNoteOp(self.type_name, schema=self.schema,
                                note=f"PostgreSQL cannot remove the value {self.value!r} from enum type "
                                     f"{qualified(self.type_name, self.schema)}; it stays (recreate the "
                                     f"type by hand if the downgrade must remove it)")

    def describe(self) -> str:
        return f"add_enum_value {qualified(self.type_name, self.schema)} {self.value!r}"


@dataclass(frozen=True, eq=False)
class EnumValuesNoteOp(Operation):
    """A note autogenerate leaves where an enum type's values changed in a way PostgreSQL cannot follow.

    Values removed or reordered (and the downgrade of an added value) need
    the type recreated, which autogenerate does not guess. A draft writes
    the note as a comment; it changes nothing and no database runs it.
    """

    impl_method: ClassVar[str] = ""
    op_name: ClassVar[str] = "enum_values_note"
    is_hint: ClassVar[bool] = True
    autogen_position: ClassVar[str] = "first"
    type_name: str
    note: str
    schema: str | None = None

    def reverse(self) -> Operation:
        return self

    def comment(self) -> str:
        """The text a draft writes for it (one line, without the ``#``)."""
        return self.note

    def describe(self) -> str:
        return f"enum_values_note {qualified(self.type_name, self.schema)}: {self.note}"


@dataclass(frozen=True, eq=False)
class RenameEnumValueOp(Operation):
    """``op.rename_enum_value(type_name, old_value, new_value, schema=None)``: ``ALTER TYPE ... RENAME VALUE``."""

    op_name: ClassVar[str] = "rename_enum_value"
    type_name: str
    old_value: str
    new_value: str
    schema: str | None = None

    def reverse(self) -> Operation:
        return RenameEnumValueOp(self.type_name, self.new_value, self.old_value, schema=self.schema)

    def describe(self) -> str:
        return f"rename_enum_value {qualified(self.type_name, self.schema)} {self.old_value!r} -> {self.new_value!r}"


@dataclass(frozen=True, eq=False)
class CreateExcludeConstraintOp(Operation):
    """``op.create_exclude_constraint(name, table_name, *elements, using="gist", where=None, schema=None, ...)``.

    ``elements`` are ``(column name or SQL expression, operator)`` pairs, as
    for SQLAlchemy's ``ExcludeConstraint``. Dropped with ``op.drop_constraint``.
    """

    op_name: ClassVar[str] = "create_exclude_constraint"
    constraint_name: str | None
    table_name: str
    elements: tuple[tuple[Any, str], ...]
    using: str = "gist"
    where: Any = None
    schema: str | None = None
    deferrable: bool | None = None
    initially: str | None = None
    kw: Mapping[str, Any] = field(default_factory=dict)

    def reverse(self) -> Operation:
        if not self.constraint_name:
            return super().reverse()
        return DropConstraintOp(self.constraint_name, self.table_name, schema=self.schema, existing=self)

    def describe(self) -> str:
        return f"create_exclude_constraint {self.constraint_name} on {qualified(self.table_name, self.schema)}"


# -- what scripts call (op.<name>) --------------------------------------------------------


def create_enum_type(operations: Any, type_name: str, values: Sequence[str], *, schema: str | None = None,
                     if_not_exists: bool = False) -> None:
    """Create an enum type: ``CREATE TYPE name AS ENUM (values...)``."""
    operations.invoke(CreateEnumTypeOp(type_name, tuple(values), schema=schema, if_not_exists=if_not_exists))


def drop_enum_type(operations: Any, type_name: str, *, schema: str | None = None, if_exists: bool = False,
                   cascade: bool = False, existing_values: Sequence[str] | None = None) -> None:
    """Drop an enum type: ``DROP TYPE [IF EXISTS] name [CASCADE]``."""
    operations.invoke(DropEnumTypeOp(type_name, schema=schema, if_exists=if_exists, cascade=cascade,
                                     existing_values=tuple(existing_values) if existing_values else None))


def add_enum_value(operations: Any, type_name: str, value: str, *, schema: str | None = None,
                   before: str | None = None, after: str | None = None, if_not_exists: bool = False,
                   autocommit: bool | None = None) -> None:
    """Add a value to an enum type: ``ALTER TYPE name ADD VALUE [IF NOT EXISTS] 'v' [BEFORE|AFTER 'w']``."""
    if before is not None and after is not None:
        raise OperationError("add_enum_value: give before= or after=, not both")
    operations.invoke(AddEnumValueOp(type_name, value, schema=schema, before=before, after=after,
                                     if_not_exists=if_not_exists, autocommit=autocommit))


def rename_enum_value(operations: Any, type_name: str, old_value: str, new_value: str, *,
                      schema: str | None = None) -> None:
    """Rename a value of an enum type (PostgreSQL >= 10)."""
    operations.invoke(RenameEnumValueOp(type_name, old_value, new_value, schema=schema))


def create_exclude_constraint(operations: Any, constraint_name: str | None, table_name: str,
                              *elements: tuple[Any, str], using: str = "gist", where: Any = None,
                              schema: str | None = None, deferrable: bool | None = None,
                              initially: str | None = None, **kw: Any) -> None:
    """Add an ``EXCLUDE USING <method> (...)`` constraint to an existing table."""
    if not elements:
        raise OperationError("create_exclude_constraint needs at least one (column, operator) pair")
    operations.invoke(CreateExcludeConstraintOp(
        constraint_name, table_name, tuple((e[0], e[1]) for e in elements), using=using, where=where,
        schema=schema, deferrable=deferrable, initially=initially, kw=kw))


# -- the PostgreSQL implementations (impl_fn(dialect_impl, operation)) --------------------


def sql_text(sql: str) -> Any:
    """``text(sql)`` with every colon escaped: SQL we build is never a bind-parameter template
    (an enum value ``'a:b'`` must stay as it is, online and in --sql output)."""
    import sqlalchemy as sa

    return sa.text(sql.replace(":", "\\:"))


def _type_name(impl: DialectImpl, name: str, schema: str | None) -> str:
    from mig.ddl.constructs import quoted_name

    return quoted_name(impl.dialect.identifier_preparer, name, schema)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _enum_exists(impl: DialectImpl, name: str, schema: str | None) -> bool:
    import sqlalchemy as sa

    connection = impl.require_connection("if_not_exists/if_exists on an enum type")
    sql = ("SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
           "WHERE t.typname = :name AND t.typtype = 'e' AND "
           + ("n.nspname = :schema" if schema else "pg_type_is_visible(t.oid)"))
    params = {"name": name, "schema": schema} if schema else {"name": name}
    return connection.execute(sa.text(sql), params).first() is not None


def run_create_enum_type(impl: DialectImpl, op: CreateEnumTypeOp) -> None:
    if not op.values:
        raise OperationError(f"create_enum_type {op.type_name!r}: give at least one value")
    values = ", ".join(_literal(v) for v in op.values)
    sql = f"CREATE TYPE {_type_name(impl, op.type_name, op.schema)} AS ENUM ({values})"
    if op.if_not_exists:
        if impl.as_sql:
            # PostgreSQL has no CREATE TYPE IF NOT EXISTS: guard it in a DO block.
            impl.execute(sql_text(
                f"DO $mig$ BEGIN {sql}; EXCEPTION WHEN duplicate_object THEN NULL; END $mig$"))
            return
        if _enum_exists(impl, op.type_name, op.schema):
            return
    impl.execute(sql_text(sql))
    remember = getattr(impl, "remember_enum_type", None)
    if remember is not None:
        remember(op.type_name, op.schema)


def run_drop_enum_type(impl: DialectImpl, op: DropEnumTypeOp) -> None:
    exists = "IF EXISTS " if op.if_exists else ""
    cascade = " CASCADE" if op.cascade else ""
    impl.execute(sql_text(f"DROP TYPE {exists}{_type_name(impl, op.type_name, op.schema)}{cascade}"))
    forget = getattr(impl, "forget_enum_type", None)
    if forget is not None:
        forget(op.type_name, op.schema)


def _needs_autocommit(impl: DialectImpl, op: AddEnumValueOp) -> bool:
    if op.autocommit is not None:
        return op.autocommit
    version: Any = None if impl.as_sql else getattr(impl.dialect, "server_version_info", None)
    return bool(version) and tuple(version[:1]) < (12,)


@contextmanager
def _maybe_outside_transaction(impl: DialectImpl, wanted: bool) -> Iterator[None]:
    outside = getattr(impl, "outside_transaction", None)
    if wanted and outside is not None:
        with outside():
            yield
    else:
        yield


def run_add_enum_value(impl: DialectImpl, op: AddEnumValueOp) -> None:
    sql = f"ALTER TYPE {_type_name(impl, op.type_name, op.schema)} ADD VALUE "
    if op.if_not_exists:
        sql += "IF NOT EXISTS "
    sql += _literal(op.value)
    if op.before is not None:
        sql += f" BEFORE {_literal(op.before)}"
    elif op.after is not None:
        sql += f" AFTER {_literal(op.after)}"
    with _maybe_outside_transaction(impl, _needs_autocommit(impl, op)):
        impl.execute(sql_text(sql))


def run_rename_enum_value(impl: DialectImpl, op: RenameEnumValueOp) -> None:
    impl.execute(sql_text(f"ALTER TYPE {_type_name(impl, op.type_name, op.schema)} RENAME VALUE "
                          f"{_literal(op.old_value)} TO {_literal(op.new_value)}"))


def run_create_exclude_constraint(impl: DialectImpl, op: CreateExcludeConstraintOp) -> None:
    import sqlalchemy as sa
    from sqlalchemy.dialects.postgresql import ExcludeConstraint
    from sqlalchemy.schema import AddConstraint

    from mig.ddl.schemaobj import column_for, table

    tbl = table(op.table_name, schema=op.schema)
    elements: list[tuple[Any, str]] = []
    for expr, operator in op.elements:
        elements.append((column_for(tbl, expr) if isinstance(expr, str) else expr, operator))
    where = sa.text(op.where) if isinstance(op.where, str) else op.where
    constraint = ExcludeConstraint(*elements, name=op.constraint_name, using=op.using, where=where,
                                   deferrable=op.deferrable, initially=op.initially, **dict(op.kw))
    tbl.append_constraint(constraint)
    impl.execute(AddConstraint(constraint))
