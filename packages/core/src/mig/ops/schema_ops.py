"""Operations on tables and columns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from mig.errors import NotReversibleError
from mig.ops.base import Operation, qualified

if TYPE_CHECKING:
    from sqlalchemy import Column
    from sqlalchemy.sql.schema import SchemaItem
    from sqlalchemy.types import TypeEngine



@dataclass(frozen=True, eq=False)
class CreateTableOp(Operation):
    """``op.create_table(name, *columns_and_constraints, schema=..., **kw)``.

    ``kw`` holds table keyword arguments (``comment``, ``info``, ``prefixes``,
    dialect options such as ``mysql_engine``).
    """

    impl_method: ClassVar[str] = "create_table"
    table_name: str
    columns: tuple[SchemaItem, ...] = ()
    schema: str | None = None
    if_not_exists: bool | None = None
    kw: Mapping[str, Any] = field(default_factory=dict)

    def reverse(self) -> Operation:
        return DropTableOp(self.table_name, schema=self.schema, existing_columns=self.columns,
                           existing_kw=self.kw)

    def describe(self) -> str:
        return f"create_table {qualified(self.table_name, self.schema)}"


@dataclass(frozen=True, eq=False)
class DropTableOp(Operation):
    """``op.drop_table(name, schema=..., if_exists=...)``.

    ``existing_columns``/``existing_kw`` describe the table being dropped
    (given by autogenerate) so the operation can be reversed.
    """

    impl_method: ClassVar[str] = "drop_table"
    table_name: str
    schema: str | None = None
    if_exists: bool | None = None
    kw: Mapping[str, Any] = field(default_factory=dict)
    existing_columns: tuple[SchemaItem, ...] | None = None
    existing_kw: Mapping[str, Any] = field(default_factory=dict)

    def reverse(self) -> Operation:
        if self.existing_columns is None:
            return super().reverse()
        return CreateTableOp(self.table_name, self.existing_columns, schema=self.schema,
                             kw=self.existing_kw)

    def describe(self) -> str:
        return f"drop_table {qualified(self.table_name, self.schema)}"


@dataclass(frozen=True, eq=False)
class RenameTableOp(Operation):
    """``op.rename_table(old_table_name, new_table_name, schema=...)``."""

    impl_method: ClassVar[str] = "rename_table"
    old_table_name: str
    new_table_name: str
    schema: str | None = None

    def reverse(self) -> Operation:
        return RenameTableOp(self.new_table_name, self.old_table_name, schema=self.schema)

    def describe(self) -> str:
        return f"rename_table {qualified(self.old_table_name, self.schema)} -> {self.new_table_name}"


@dataclass(frozen=True, eq=False)
class AddColumnOp(Operation):
    """``op.add_column(table_name, column, schema=..., if_not_exists=..., inline_references=...,
    inline_primary_key=...)``.

    ``inline_references``: the column's foreign keys as ``REFERENCES`` in the
    ``ADD COLUMN`` itself rather than a separate ``ADD CONSTRAINT``;
    ``inline_primary_key``: ``PRIMARY KEY`` in the ``ADD COLUMN`` (Alembic's
    keywords of the same names).
    """

    impl_method: ClassVar[str] = "add_column"
    table_name: str
    column: Column[Any]
    schema: str | None = None
    if_not_exists: bool | None = None
    #: Dialect options; inside a batch also ``insert_before``/``insert_after`` (column order).
    kw: Mapping[str, Any] = field(default_factory=dict)
    inline_references: bool | None = None
    inline_primary_key: bool | None = None

    def reverse(self) -> Operation:
        return DropColumnOp(self.table_name, self.column.name, schema=self.schema,
                            existing_column=self.column)

    def describe(self) -> str:
        return f"add_column {qualified(self.table_name, self.schema)}.{self.column.name}"


@dataclass(frozen=True, eq=False)
class DropColumnOp(Operation):
    """``op.drop_column(table_name, column_name, schema=..., if_exists=..., **kw)``."""

    impl_method: ClassVar[str] = "drop_column"
    table_name: str
    column_name: str
    schema: str | None = None
    if_exists: bool | None = None
    kw: Mapping[str, Any] = field(default_factory=dict)
    existing_column: Column[Any] | None = None

    def reverse(self) -> Operation:
        if self.existing_column is None:
            return super().reverse()
        return AddColumnOp(self.table_name, self.existing_column, schema=self.schema)

    def describe(self) -> str:
        return f"drop_column {qualified(self.table_name, self.schema)}.{self.column_name}"


@dataclass(frozen=True, eq=False)
class AlterColumnOp(Operation):
    """``op.alter_column(table_name, column_name, ...)``.

    As in Alembic, ``False`` for ``server_default`` and ``comment`` means
    "leave it as it is"; ``None`` means "remove it". ``None`` for
    ``nullable``, ``type_``, ``new_column_name`` and ``autoincrement`` means
    "no change". The ``existing_*`` fields describe the column as it is now;
    databases that restate the whole column (MySQL) need them, and they make
    the operation reversible. ``kw`` holds dialect options such as
    ``postgresql_using``.
    """

    impl_method: ClassVar[str] = "alter_column"
    table_name: str
    column_name: str
    schema: str | None = None
    nullable: bool | None = None
    comment: str | bool | None = False
    server_default: Any = False
    new_column_name: str | None = None
    type_: TypeEngine[Any] | None = None
    autoincrement: bool | None = None
    existing_type: TypeEngine[Any] | None = None
    existing_server_default: Any = False
    existing_nullable: bool | None = None
    existing_comment: str | None = None
    existing_autoincrement: bool | None = None
    kw: Mapping[str, Any] = field(default_factory=dict)

    def has_changes(self) -> bool:
        return any((
            self.nullable is not None, self.comment is not False, self.server_default is not False,
            self.new_column_name is not None, self.type_ is not None, self.autoincrement is not None,
        ))

    def reverse(self) -> Operation:
        if self.type_ is not None and self.existing_type is None:
            raise NotReversibleError(f"{self.describe()}: give existing_type to make the type change reversible")
        if self.nullable is not None and self.existing_nullable is None:
            raise NotReversibleError(f"{self.describe()}: give existing_nullable to make the change reversible")
        if self.server_default is not False and self.existing_server_default is False:
            raise NotReversibleError(f"{self.describe()}: give existing_server_default to make the change reversible")
        return AlterColumnOp(
            self.table_name,
            self.new_column_name or self.column_name,
            schema=self.schema,
            nullable=self.existing_nullable if self.nullable is not None else None,
            comment=self.existing_comment if self.comment is not False else False,
            server_default=self.existing_server_default if self.server_default is not False else False,
            new_column_name=self.column_name if self.new_column_name else None,
            type_=self.existing_type if self.type_ is not None else None,
            autoincrement=self.existing_autoincrement if self.autoincrement is not None else None,
            existing_type=self.type_ if self.type_ is not None else self.existing_type,
            existing_server_default=(self.server_default if self.server_default is not False
                                     else self.existing_server_default),
            existing_nullable=self.nullable if self.nullable is not None else self.existing_nullable,
            existing_comment=(self.comment if self.comment is not False and self.comment is not True
                              else self.existing_comment),
            existing_autoincrement=(self.autoincrement if self.autoincrement is not None
                                    else self.existing_autoincrement),
            kw=self.kw,
        )

    def describe(self) -> str:
        return f"alter_column {qualified(self.table_name, self.schema)}.{self.column_name}"


@dataclass(frozen=True, eq=False)
class CreateTableCommentOp(Operation):
    """``op.create_table_comment(table_name, comment, existing_comment=..., schema=...)``."""

    impl_method: ClassVar[str] = "create_table_comment"
    table_name: str
    comment: str
    schema: str | None = None
    existing_comment: str | None = None

    def reverse(self) -> Operation:
        if self.existing_comment is None:
            return DropTableCommentOp(self.table_name, schema=self.schema, existing_comment=self.comment)
        return CreateTableCommentOp(self.table_name, self.existing_comment, schema=self.schema,
                                    existing_comment=self.comment)

    def describe(self) -> str:
        return f"create_table_comment {qualified(self.table_name, self.schema)}"


@dataclass(frozen=True, eq=False)
class DropTableCommentOp(Operation):
    """``op.drop_table_comment(table_name, existing_comment=..., schema=...)``."""

    impl_method: ClassVar[str] = "drop_table_comment"
    table_name: str
    schema: str | None = None
    existing_comment: str | None = None

    def reverse(self) -> Operation:
        if self.existing_comment is None:
            return super().reverse()
        return CreateTableCommentOp(self.table_name, self.existing_comment, schema=self.schema)

    def describe(self) -> str:
        return f"drop_table_comment {qualified(self.table_name, self.schema)}"


__all__ = [
    "AddColumnOp", "AlterColumnOp", "CreateTableCommentOp", "CreateTableOp", "DropColumnOp",
    "DropTableCommentOp", "DropTableOp", "RenameTableOp",
]
