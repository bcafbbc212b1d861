"""``BatchOperations``: what ``with op.batch_alter_table(...) as batch_op`` yields.

Its methods take the same arguments as :class:`Operations`' without the
table name; they only collect operations, which run together when the block ends.
``execute`` is the exception, as in Alembic: it runs at once, in its place
among the script's statements; so does an operation of the project's own
written with Alembic's ``Operations.implementation_for``
(:mod:`mig.operations.registration`), whose implementation receives
``batch_op`` as ``operations``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mig import ops as _ops
from mig.operations.arguments import alter_column as _alter_column
from mig.operations.arguments import columns as _columns
from mig.operations.arguments import final_name
from mig.operations.arguments import inline_literal as _inline_literal

if TYPE_CHECKING:
    from sqlalchemy import Column

    from mig.operations.base import Operations


class BatchOperations:
    """Collects the operations of one ``batch_alter_table`` block."""

    def __init__(self, operations: Operations, table_name: str, schema: str | None) -> None:
        self.operations = operations
        self.table_name = table_name
        self.schema = schema
        self.collected: list[_ops.Operation] = []
        self.impl = operations.impl

    def invoke(self, operation: _ops.Operation) -> Any:
        """Add an operation to the batch (it runs when the block ends); an Alembic-style operation
        of the project's own is carried out at once instead, as in Alembic."""
        from mig.operations.registration import immediate_implementation

        implementation = immediate_implementation(type(operation))
        if implementation is not None:
            return implementation(self, operation)
        self.collected.append(operation)
        return None

    @classmethod
    def register_operation(cls, name: str, sourcename: str | None = None) -> Callable[[type], type]:
        """Class decorator: offer an operation class as ``batch_op.<name>``, built by its class
        method ``name`` (or ``sourcename``): see :mod:`mig.operations.registration`."""
        from mig.operations.registration import register_operation

        return register_operation(True, name, sourcename)

    @staticmethod
    def implementation_for(op_cls: type, replace: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: ``fn(operations, operation)`` carries out ``op_cls`` (as ``Operations.implementation_for``)."""
        from mig.operations.registration import implementation_for

        return implementation_for(op_cls, replace)

    def execute(self, sqltext: Any, *, execution_options: Mapping[str, Any] | None = None) -> Any:
        """Run SQL at once, as ``op.execute`` does (not with the batch when the block ends), as in Alembic."""
        return self.operations.execute(sqltext, execution_options=execution_options)

    def run_async(self, async_function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """``op.run_async``, at once (not with the batch when the block ends)."""
        return self.operations.run_async(async_function, *args, **kwargs)

    @staticmethod
    def f(name: str) -> Any:
        """``op.f``: a name already final under the naming convention."""
        return final_name(name)

    @staticmethod
    def inline_literal(value: Any, type_: Any = None) -> Any:
        """``op.inline_literal``: a value rendered inline in the SQL."""
        return _inline_literal(value, type_)

    def get_context(self) -> Any:
        return self.operations.get_context()

    def get_bind(self) -> Any:
        return self.operations.get_bind()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        from mig.operations.registry import registered_batch_operation

        fn = registered_batch_operation(self, name)
        if fn is None:
            raise AttributeError(f"batch_op.{name} is not an operation available inside batch_alter_table")
        setattr(self, name, fn)
        return fn

    def add_column(self, column: Column[Any], *, insert_before: str | None = None,
                   insert_after: str | None = None, if_not_exists: bool | None = None,
                   inline_references: bool | None = None, inline_primary_key: bool | None = None) -> None:
        kw = {k: v for k, v in (("insert_before", insert_before), ("insert_after", insert_after)) if v}
        self.invoke(_ops.AddColumnOp(self.table_name, column, schema=self.schema,
                                     if_not_exists=if_not_exists, kw=kw, inline_references=inline_references,
                                     inline_primary_key=inline_primary_key))

    def drop_column(self, column_name: str, *, if_exists: bool | None = None, **kw: Any) -> None:
        self.invoke(_ops.DropColumnOp(self.table_name, column_name, schema=self.schema,
                                      if_exists=if_exists, kw=kw))

    def alter_column(self, column_name: str, *, nullable: bool | None = None,
                     comment: str | bool | None = False, server_default: Any = False,
                     new_column_name: str | None = None, type_: Any = None, existing_type: Any = None,
                     existing_server_default: Any = False, existing_nullable: bool | None = None,
                     existing_comment: str | None = None, autoincrement: bool | None = None,
                     existing_autoincrement: bool | None = None, insert_before: str | None = None,
                     insert_after: str | None = None, **kw: Any) -> None:
        if insert_before:
            kw["insert_before"] = insert_before
        if insert_after:
            kw["insert_after"] = insert_after
        self.invoke(_alter_column(self.table_name, column_name, nullable=nullable, comment=comment,
                                  server_default=server_default, new_column_name=new_column_name,
                                  type_=type_, existing_type=existing_type,
                                  existing_server_default=existing_server_default,
                                  existing_nullable=existing_nullable, existing_comment=existing_comment,
                                  schema=self.schema, autoincrement=autoincrement,
                                  existing_autoincrement=existing_autoincrement, kw=kw))

    def create_index(self, index_name: str | None, columns: Any, *, unique: bool = False,
                     if_not_exists: bool | None = None, **kw: Any) -> None:
        self.invoke(_ops.CreateIndexOp(index_name, self.table_name, _columns(columns), schema=self.schema,
                                       unique=unique, if_not_exists=if_not_exists, kw=kw))

    def drop_index(self, index_name: str, *, if_exists: bool | None = None, **kw: Any) -> None:
        self.invoke(_ops.DropIndexOp(index_name, self.table_name, schema=self.schema,
                                     if_exists=if_exists, kw=kw))

    def create_unique_constraint(self, constraint_name: str | None, columns: Sequence[str], **kw: Any) -> None:
        self.invoke(_ops.CreateUniqueConstraintOp(constraint_name, self.table_name, _columns(columns),
                                                  schema=self.schema, kw=kw))

    def create_foreign_key(self, constraint_name: str | None, referent_table: str, local_cols: Sequence[str],
                           remote_cols: Sequence[str], *, referent_schema: str | None = None,
                           onupdate: str | None = None, ondelete: str | None = None,
                           deferrable: bool | None = None, initially: str | None = None,
                           match: str | None = None, **dialect_kw: Any) -> None:
        self.invoke(_ops.CreateForeignKeyOp(
            constraint_name, self.table_name, referent_table, _columns(local_cols), _columns(remote_cols),
            onupdate=onupdate, ondelete=ondelete, deferrable=deferrable, initially=initially, match=match,
            source_schema=self.schema, referent_schema=referent_schema, kw=dialect_kw))

    def create_check_constraint(self, constraint_name: str | None, condition: Any, **kw: Any) -> None:
        self.invoke(_ops.CreateCheckConstraintOp(constraint_name, self.table_name, condition,
                                                 schema=self.schema, kw=kw))

    def create_primary_key(self, constraint_name: str | None, columns: Sequence[str]) -> None:
        self.invoke(_ops.CreatePrimaryKeyOp(constraint_name, self.table_name, _columns(columns),
                                            schema=self.schema))

    def drop_constraint(self, constraint_name: str, type_: Any = None, *, if_exists: bool | None = None) -> None:
        self.invoke(_ops.DropConstraintOp(constraint_name, self.table_name, type_=type_, schema=self.schema,
                                          if_exists=if_exists))

    def create_table_comment(self, comment: str, *, existing_comment: str | None = None) -> None:
        self.invoke(_ops.CreateTableCommentOp(self.table_name, comment, schema=self.schema,
                                              existing_comment=existing_comment))

    def drop_table_comment(self, *, existing_comment: str | None = None) -> None:
        self.invoke(_ops.DropTableCommentOp(self.table_name, schema=self.schema,
                                            existing_comment=existing_comment))


__all__ = ["BatchOperations"]
