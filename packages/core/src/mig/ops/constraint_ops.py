"""Operations on indexes and constraints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from mig.ops.base import Operation, qualified

ConstraintType = Literal["foreignkey", "primary", "unique", "check"]


@dataclass(frozen=True, eq=False)
class CreateIndexOp(Operation):
    """``op.create_index(index_name, table_name, columns, schema=..., unique=..., if_not_exists=..., **kw)``.

    ``columns`` holds column names or SQL expressions (``sa.text("lower(email)")``);
    ``kw`` holds dialect options (``postgresql_where``, ``postgresql_concurrently``,
    ``mysql_length`` ...).
    """

    impl_method: ClassVar[str] = "create_index"
    index_name: str | None
    table_name: str
    columns: tuple[Any, ...]
    schema: str | None = None
    unique: bool = False
    if_not_exists: bool | None = None
    kw: Mapping[str, Any] = field(default_factory=dict)

    def reverse(self) -> Operation:
        return DropIndexOp(self.index_name or "", self.table_name, schema=self.schema,
                           existing_columns=self.columns, existing_unique=self.unique,
                           existing_kw=self.kw)

    def describe(self) -> str:
        return f"create_index {self.index_name} on {qualified(self.table_name, self.schema)}"


@dataclass(frozen=True, eq=False)
class DropIndexOp(Operation):
    """``op.drop_index(index_name, table_name=..., schema=..., if_exists=..., **kw)``."""

    impl_method: ClassVar[str] = "drop_index"
    index_name: str
    table_name: str | None = None
    schema: str | None = None
    if_exists: bool | None = None
    kw: Mapping[str, Any] = field(default_factory=dict)
    existing_columns: tuple[Any, ...] | None = None
    existing_unique: bool = False
    existing_kw: Mapping[str, Any] = field(default_factory=dict)

    def reverse(self) -> Operation:
        if self.existing_columns is None or self.table_name is None:
            return super().reverse()
        return CreateIndexOp(self.index_name, self.table_name, self.existing_columns,
                             schema=self.schema, unique=self.existing_unique, kw=self.existing_kw)

    def describe(self) -> str:
        return f"drop_index {self.index_name}"


@dataclass(frozen=True, eq=False)
class CreateUniqueConstraintOp(Operation):
    """``op.create_unique_constraint(constraint_name, table_name, columns, schema=..., **kw)``."""

    impl_method: ClassVar[str] = "create_unique_constraint"
    constraint_name: str | None
    table_name: str
    columns: tuple[str, ...]
    schema: str | None = None
    kw: Mapping[str, Any] = field(default_factory=dict)

    def reverse(self) -> Operation:
        return DropConstraintOp(self.constraint_name or "", self.table_name, type_="unique",
                                schema=self.schema, existing=self)

    def describe(self) -> str:
        return f"create_unique_constraint {self.constraint_name} on {qualified(self.table_name, self.schema)}"


@dataclass(frozen=True, eq=False)
class CreateForeignKeyOp(Operation):
    """``op.create_foreign_key(constraint_name, source_table, referent_table, local_cols, remote_cols, ...)``."""

    impl_method: ClassVar[str] = "create_foreign_key"
    constraint_name: str | None
    source_table: str
    referent_table: str
    local_cols: tuple[str, ...]
    remote_cols: tuple[str, ...]
    onupdate: str | None = None
    ondelete: str | None = None
    deferrable: bool | None = None
    initially: str | None = None
    match: str | None = None
    source_schema: str | None = None
    referent_schema: str | None = None
    kw: Mapping[str, Any] = field(default_factory=dict)

    def reverse(self) -> Operation:
        return DropConstraintOp(self.constraint_name or "", self.source_table, type_="foreignkey",
                                schema=self.source_schema, existing=self)

    def describe(self) -> str:
        return (f"create_foreign_key {self.constraint_name} "
                f"{qualified(self.source_table, self.source_schema)} -> "
                f"{qualified(self.referent_table, self.referent_schema)}")


@dataclass(frozen=True, eq=False)
class CreateCheckConstraintOp(Operation):
    """``op.create_check_constraint(constraint_name, table_name, condition, schema=..., **kw)``.

    ``condition`` is a SQL string or a SQLAlchemy boolean expression.
    """

    impl_method: ClassVar[str] = "create_check_constraint"
    constraint_name: str | None
    table_name: str
    condition: Any
    schema: str | None = None
    kw: Mapping[str, Any] = field(default_factory=dict)

    def reverse(self) -> Operation:
        return DropConstraintOp(self.constraint_name or "", self.table_name, type_="check",
                                schema=self.schema, existing=self)

    def describe(self) -> str:
        return f"create_check_constraint {self.constraint_name} on {qualified(self.table_name, self.schema)}"


@dataclass(frozen=True, eq=False)
class CreatePrimaryKeyOp(Operation):
    """``op.create_primary_key(constraint_name, table_name, columns, schema=...)``."""

    impl_method: ClassVar[str] = "create_primary_key"
    constraint_name: str | None
    table_name: str
    columns: tuple[str, ...]
    schema: str | None = None
    kw: Mapping[str, Any] = field(default_factory=dict)

    def reverse(self) -> Operation:
        return DropConstraintOp(self.constraint_name or "", self.table_name, type_="primary",
                                schema=self.schema, existing=self)

    def describe(self) -> str:
        return f"create_primary_key {self.constraint_name} on {qualified(self.table_name, self.schema)}"


@dataclass(frozen=True, eq=False)
class DropConstraintOp(Operation):
    """``op.drop_constraint(constraint_name, table_name, type_=..., schema=..., if_exists=...)``.

    ``type_`` is ``"foreignkey"``, ``"primary"``, ``"unique"`` or ``"check"``;
    MySQL needs it. ``existing`` is the create operation this drop undoes
    (autogenerate fills it in) so the drop can be reversed.
    """

    impl_method: ClassVar[str] = "drop_constraint"
    constraint_name: str
    table_name: str
    type_: ConstraintType | None = None
    schema: str | None = None
    if_exists: bool | None = None
    existing: Operation | None = None

    def reverse(self) -> Operation:
        if self.existing is None:
            return super().reverse()
        return self.existing

    def describe(self) -> str:
        return f"drop_constraint {self.constraint_name} on {qualified(self.table_name, self.schema)}"


__all__ = [
    "ConstraintType", "CreateCheckConstraintOp", "CreateForeignKeyOp", "CreateIndexOp",
    "CreatePrimaryKeyOp", "CreateUniqueConstraintOp", "DropConstraintOp", "DropIndexOp",
]
