"""``Operations``: builds operations from Alembic-compatible arguments and runs them.

A script reaches it through ``op`` (:mod:`mig.op`). Every method builds one
IR node (:mod:`mig.ops`) and hands it to :meth:`Operations.invoke`, which
passes it to the run's ``DialectImpl``. Operations registered by plugins
(``mig_register_operations``) appear as further ``op.<name>`` attributes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from mig import ops as _ops
from mig.errors import NotSupportedError, OfflineError
from mig.operations.arguments import alter_column as _alter_column
from mig.operations.arguments import columns as _columns
from mig.operations.arguments import final_name, inline_literal
from mig.operations.batch import BatchOperations

if TYPE_CHECKING:
    from sqlalchemy import Column, Table
    from sqlalchemy.engine import Connection, Engine

    from mig.runtime.migration import MigrationContext

_T = TypeVar("_T")


def _await(awaitable: Awaitable[_T]) -> _T:
    """Await from synchronous code running inside SQLAlchemy's ``run_sync`` greenlet."""
    try:
        from sqlalchemy.util import await_
    except ImportError:  # SQLAlchemy 2.0 names it await_only
        from sqlalchemy.util import await_only as await_
    return await_(awaitable)


class Operations:
    """What ``op`` is during a run: one method per operation, Alembic's names and arguments."""

    def __init__(self, migration_context: MigrationContext) -> None:
        self.migration_context = migration_context
        self.impl = migration_context.impl
        self._offline_bind: Any = None

    # -- operations of a project's own (Alembic's operation plugin API) -----------------

    @classmethod
    def register_operation(cls, name: str, sourcename: str | None = None) -> Callable[[type], type]:
        """Class decorator: offer an operation class as ``op.<name>``, built by its class method
        ``name`` (or ``sourcename``): see :mod:`mig.operations.registration`."""
        from mig.operations.registration import register_operation

        return register_operation(False, name, sourcename)

    @staticmethod
    def implementation_for(op_cls: type, replace: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator: ``fn(operations, operation)`` carries out ``op_cls`` on every database (a second
        one for the same class only with ``replace=True``)."""
        from mig.operations.registration import implementation_for

        return implementation_for(op_cls, replace)

    @classmethod
    @contextmanager
    def context(cls, migration_context: MigrationContext) -> Iterator[Operations]:
        """Make ``from mig import op`` answer for ``migration_context`` inside the block (outside a run,
        as Alembic's ``Operations.context``); yields the ``Operations``."""
        from mig.runtime import state

        operations = cls(migration_context)
        state.push_operations(operations)
        try:
            yield operations
        finally:
            state.pop_operations(operations)

    # -- running ------------------------------------------------------------------------

    def invoke(self, operation: _ops.Operation) -> Any:
        """Carry out one operation (any IR node, built-in or registered by a plugin)."""
        return self.impl.run(operation)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        from mig.operations.registry import registered_operation

        fn = registered_operation(self, name)
        if fn is None:
            raise AttributeError(
                f"op.{name} is not an operation; is the plugin that provides it installed? "
                f"(`mig plugins` lists what is loaded)"
            )
        setattr(self, name, fn)
        return fn

    # -- context ------------------------------------------------------------------------

    def get_context(self) -> MigrationContext:
        return self.migration_context

    def get_bind(self) -> Connection | Engine:
        """The live connection; offline an engine stand-in whose ``.dialect`` and ``.engine.name``
        answer and which refuses to read the database (:class:`mig.operations.offline.OfflineBind`)."""
        impl = self.impl
        if impl.as_sql:
            bind = self._offline_bind
            if bind is None:
                from mig.operations.offline import OfflineBind

                bind = self._offline_bind = OfflineBind(impl)
            return bind
        return impl.require_connection("op.get_bind()")

    def run_async(self, async_function: Callable[..., Awaitable[_T]], *args: Any, **kwargs: Any) -> _T:
        """Await ``async_function(connection, *args, **kwargs)`` from a script's synchronous ``upgrade()``,
        where ``connection`` is an ``AsyncConnection`` on the run's own connection and transaction.

        Only for a run whose env.py migrates through an async driver
        (``await connection.run_sync(...)``, as Alembic's ``async`` template
        does); SQLAlchemy's greenlet bridge awaits the coroutine. A ``--sql``
        run refuses it: there is no connection to give.
        """
        from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

        if self.impl.as_sql:
            raise OfflineError("op.run_async() runs code against the database, which --sql mode cannot do; "
                               "run online, or skip the call when context.is_offline_mode()")
        connection = self.impl.require_connection("op.run_async()")
        if not connection.dialect.is_async:
            raise NotSupportedError(
                f"op.run_async() needs an async driver, and this run connects with "
                f"{connection.dialect.name}+{connection.dialect.driver}; use one such as "
                f"postgresql+asyncpg, postgresql+psycopg_async or sqlite+aiosqlite, with an async env.py")
        async_connection = AsyncConnection(AsyncEngine(connection.engine), connection)
        return _await(async_function(async_connection, *args, **kwargs))

    @staticmethod
    def f(name: str) -> Any:
        """Mark a name as already converted by the naming convention (``sqlalchemy.sql.elements.conv``)."""
        return final_name(name)

    @staticmethod
    def inline_literal(value: Any, type_: Any = None) -> Any:
        """A value rendered inline in the SQL, online and offline (for ``op.execute`` updates)."""
        return inline_literal(value, type_)

    # -- tables -------------------------------------------------------------------------

    def create_table(self, table_name: str, *columns: Any, if_not_exists: bool | None = None,
                     **kw: Any) -> Table:
        """Create a table; returns the ``Table`` whose ``CREATE TABLE`` ran (usable with ``bulk_insert``)."""
        schema = kw.pop("schema", None)
        operation = _ops.CreateTableOp(table_name, tuple(columns), schema=schema,
                                       if_not_exists=if_not_exists, kw=kw)
        result: Table = self.invoke(operation)
        return result

    def drop_table(self, table_name: str, *, schema: str | None = None, if_exists: bool | None = None,
                   **kw: Any) -> None:
        self.invoke(_ops.DropTableOp(table_name, schema=schema, if_exists=if_exists, kw=kw))

    def rename_table(self, old_table_name: str, new_table_name: str, *, schema: str | None = None) -> None:
        self.invoke(_ops.RenameTableOp(old_table_name, new_table_name, schema=schema))

    def create_table_comment(self, table_name: str, comment: str, *, existing_comment: str | None = None,
                             schema: str | None = None) -> None:
        self.invoke(_ops.CreateTableCommentOp(table_name, comment, schema=schema,
                                              existing_comment=existing_comment))

    def drop_table_comment(self, table_name: str, *, existing_comment: str | None = None,
                           schema: str | None = None) -> None:
        self.invoke(_ops.DropTableCommentOp(table_name, schema=schema, existing_comment=existing_comment))

    # -- columns ------------------------------------------------------------------------

    def add_column(self, table_name: str, column: Column[Any], *, schema: str | None = None,
                   if_not_exists: bool | None = None, inline_references: bool | None = None,
                   inline_primary_key: bool | None = None, **kw: Any) -> None:
        self.invoke(_ops.AddColumnOp(table_name, column, schema=schema, if_not_exists=if_not_exists, kw=kw,
                                     inline_references=inline_references,
                                     inline_primary_key=inline_primary_key))

    def drop_column(self, table_name: str, column_name: str, *, schema: str | None = None,
                    if_exists: bool | None = None, **kw: Any) -> None:
        self.invoke(_ops.DropColumnOp(table_name, column_name, schema=schema, if_exists=if_exists, kw=kw))

    def alter_column(self, table_name: str, column_name: str, *, nullable: bool | None = None,
                     comment: str | bool | None = False, server_default: Any = False,
                     new_column_name: str | None = None, type_: Any = None,
                     existing_type: Any = None, existing_server_default: Any = False,
                     existing_nullable: bool | None = None, existing_comment: str | None = None,
                     schema: str | None = None, autoincrement: bool | None = None,
                     existing_autoincrement: bool | None = None, **kw: Any) -> None:
        self.invoke(_alter_column(table_name, column_name, nullable=nullable, comment=comment,
                                  server_default=server_default, new_column_name=new_column_name,
                                  type_=type_, existing_type=existing_type,
                                  existing_server_default=existing_server_default,
                                  existing_nullable=existing_nullable, existing_comment=existing_comment,
                                  schema=schema, autoincrement=autoincrement,
                                  existing_autoincrement=existing_autoincrement, kw=kw))

    # -- indexes and constraints ----------------------------------------------------------

    def create_index(self, index_name: str | None, table_name: str, columns: Any, *,
                     schema: str | None = None, unique: bool = False, if_not_exists: bool | None = None,
                     **kw: Any) -> None:
        self.invoke(_ops.CreateIndexOp(index_name, table_name, _columns(columns), schema=schema,
                                       unique=unique, if_not_exists=if_not_exists, kw=kw))

    def drop_index(self, index_name: str, table_name: str | None = None, *, schema: str | None = None,
                   if_exists: bool | None = None, **kw: Any) -> None:
        self.invoke(_ops.DropIndexOp(index_name, table_name, schema=schema, if_exists=if_exists, kw=kw))

    def create_unique_constraint(self, constraint_name: str | None, table_name: str, columns: Sequence[str],
                                 *, schema: str | None = None, **kw: Any) -> None:
        self.invoke(_ops.CreateUniqueConstraintOp(constraint_name, table_name, _columns(columns),
                                                  schema=schema, kw=kw))

    def create_foreign_key(self, constraint_name: str | None, source_table: str, referent_table: str,
                           local_cols: Sequence[str], remote_cols: Sequence[str], *,
                           onupdate: str | None = None, ondelete: str | None = None,
                           deferrable: bool | None = None, initially: str | None = None,
                           match: str | None = None, source_schema: str | None = None,
                           referent_schema: str | None = None, **dialect_kw: Any) -> None:
        self.invoke(_ops.CreateForeignKeyOp(
            constraint_name, source_table, referent_table, _columns(local_cols), _columns(remote_cols),
            onupdate=onupdate, ondelete=ondelete, deferrable=deferrable, initially=initially, match=match,
            source_schema=source_schema, referent_schema=referent_schema, kw=dialect_kw))

    def create_check_constraint(self, constraint_name: str | None, table_name: str, condition: Any, *,
                                schema: str | None = None, **kw: Any) -> None:
        self.invoke(_ops.CreateCheckConstraintOp(constraint_name, table_name, condition, schema=schema, kw=kw))

    def create_primary_key(self, constraint_name: str | None, table_name: str, columns: Sequence[str], *,
                           schema: str | None = None) -> None:
        self.invoke(_ops.CreatePrimaryKeyOp(constraint_name, table_name, _columns(columns), schema=schema))

    def drop_constraint(self, constraint_name: str, table_name: str, type_: Any = None, *,
                        schema: str | None = None, if_exists: bool | None = None) -> None:
        self.invoke(_ops.DropConstraintOp(constraint_name, table_name, type_=type_, schema=schema,
                                          if_exists=if_exists))

    # -- data -----------------------------------------------------------------------------

    def bulk_insert(self, table: Any, rows: Sequence[Mapping[str, Any]], *, multiinsert: bool = True) -> None:
        self.invoke(_ops.BulkInsertOp(table, list(rows), multiinsert=multiinsert))

    def execute(self, sqltext: Any, *, execution_options: Mapping[str, Any] | None = None) -> Any:
        return self.invoke(_ops.ExecuteSQLOp(sqltext, execution_options=execution_options))

    # -- batch ----------------------------------------------------------------------------

    @contextmanager
    def batch_alter_table(self, table_name: str, schema: str | None = None, recreate: str = "auto",
                          partial_reordering: Sequence[Sequence[str]] | None = None, copy_from: Any = None,
                          table_args: Sequence[Any] = (), table_kwargs: Mapping[str, Any] | None = None,
                          reflect_args: Sequence[Any] = (), reflect_kwargs: Mapping[str, Any] | None = None,
                          naming_convention: Mapping[str, Any] | None = None) -> Iterator[BatchOperations]:
        """Collect operations on one table and run them as one batch when the block ends."""
        if recreate not in ("auto", "always", "never"):
            from mig.errors import OperationError

            raise OperationError(f"recreate must be 'auto', 'always' or 'never', not {recreate!r}")
        batch = BatchOperations(self, table_name, schema)
        yield batch
        self.invoke(_ops.BatchAlterTableOp(
            table_name, schema=schema, recreate=recreate,
            partial_reordering=(tuple(tuple(p) for p in partial_reordering)
                                if partial_reordering is not None else None),
            copy_from=copy_from, table_args=tuple(table_args), table_kwargs=dict(table_kwargs or {}),
            reflect_args=tuple(reflect_args), reflect_kwargs=dict(reflect_kwargs or {}),
            naming_convention=naming_convention, operations=tuple(batch.collected)))


__all__ = ["Operations"]
