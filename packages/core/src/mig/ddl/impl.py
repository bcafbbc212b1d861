"""``DialectImpl``: turns operations into statements, online (executed) or offline (written as SQL).

One instance serves one migration run on one connection. There is one method
per built-in operation, named by the operation class's ``impl_method``; a
dialect plugin subclasses :class:`DialectImpl` (or another dialect's impl:
``class CockroachImpl(PostgresqlImpl)``) and overrides what its database does
differently. Dispatch is a plain attribute lookup cached per class: the
per-statement path never goes through pluggy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

from mig.errors import OfflineError, OperationError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Dialect

    from mig.ops import (
        AddColumnOp,
        AlterColumnOp,
        BatchAlterTableOp,
        BulkInsertOp,
        CreateCheckConstraintOp,
        CreateForeignKeyOp,
        CreateIndexOp,
        CreatePrimaryKeyOp,
        CreateTableCommentOp,
        CreateTableOp,
        CreateUniqueConstraintOp,
        DropColumnOp,
        DropConstraintOp,
        DropIndexOp,
        DropTableCommentOp,
        DropTableOp,
        ExecuteSQLOp,
        Operation,
        RenameTableOp,
    )

log = logging.getLogger("mig.ddl")


class DialectImpl:
    """Carries out operations for one database kind.

    :param dialect: the SQLAlchemy ``Dialect`` in use.
    :param connection: the live connection (``None`` offline).
    :param as_sql: offline mode: write statements to ``output`` instead of executing.
    :param output: where offline SQL goes.
    :param literal_binds: render bound values inline (always on offline).
    :param context_opts: the options given to ``context.configure``.
    """

    #: The SQLAlchemy dialect name this impl serves ("default" for the generic one).
    name: ClassVar[str] = "default"
    #: Whether DDL can be rolled back inside a transaction on this database.
    transactional_ddl: ClassVar[bool] = False
    #: Text written after each statement offline.
    statement_terminator: ClassVar[str] = ";"

    _dispatch_cache: ClassVar[dict[type, Callable[..., Any]]]

    def __init__(self, dialect: Dialect, connection: Connection | None = None, *,
                 as_sql: bool = False, output: TextIO | None = None, literal_binds: bool = False,
                 context_opts: Mapping[str, Any] | None = None) -> None:
        self.dialect = dialect
        self.connection = connection
        self.as_sql = as_sql
        self.output = output
        self.literal_binds = literal_binds or as_sql
        self.context_opts: Mapping[str, Any] = dict(context_opts or {})
        #: Set by the runtime to the current :class:`mig.runtime.events.StepEvent` (for progress).
        self.current_step: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._dispatch_cache = {}

    # -- running operations ---------------------------------------------------------

    def run(self, operation: Operation) -> Any:
        """Carry out one operation; returns what the operation's method returns."""
        handler = self._handler_for(type(operation))
        return handler(self, operation)

    @classmethod
    def _handler_for(cls, op_type: type) -> Callable[..., Any]:
        cache = cls.__dict__.get("_dispatch_cache")
        if cache is None:
            cache = cls._dispatch_cache = {}
        handler = cache.get(op_type)
        if handler is None:
            handler = cls._resolve_handler(op_type)
            cache[op_type] = handler
        return handler

    @classmethod
    def _resolve_handler(cls, op_type: type) -> Callable[..., Any]:
        method_name = getattr(op_type, "impl_method", "")
        if method_name and callable(getattr(cls, method_name, None)):
            return getattr(cls, method_name)  # type: ignore[no-any-return]
        from mig.ddl.custom import custom_handler

        handler = custom_handler(op_type, cls)
        if handler is None:
            raise OperationError(
                f"{op_type.__name__} has no implementation for dialect {cls.name!r}; "
                f"the plugin that registered it must provide one for {cls.name!r} or 'default'"
            )
        return handler

    # -- statements -------------------------------------------------------------------

    def execute(self, construct: Any, params: Any = None) -> Any:
        """Execute a statement (string, ``text()`` or construct) or, offline, write it out."""
        raise NotImplementedError

    def require_connection(self, what: str) -> Connection:
        """The live connection; offline, an :class:`OfflineError` explaining that ``what`` needs it."""
        if self.as_sql or self.connection is None:
            raise OfflineError(
                f"{what} needs to read the database, which --sql mode cannot do; "
                f"pass the missing information explicitly or run online"
            )
        return self.connection

    # -- one method per operation (the generic implementation fills these in) ---

    def create_table(self, op: CreateTableOp) -> Any: raise NotImplementedError
    def drop_table(self, op: DropTableOp) -> None: raise NotImplementedError
    def rename_table(self, op: RenameTableOp) -> None: raise NotImplementedError
    def add_column(self, op: AddColumnOp) -> None: raise NotImplementedError
    def drop_column(self, op: DropColumnOp) -> None: raise NotImplementedError
    def alter_column(self, op: AlterColumnOp) -> None: raise NotImplementedError
    def create_index(self, op: CreateIndexOp) -> None: raise NotImplementedError
    def drop_index(self, op: DropIndexOp) -> None: raise NotImplementedError
    def create_unique_constraint(self, op: CreateUniqueConstraintOp) -> None: raise NotImplementedError
    def create_foreign_key(self, op: CreateForeignKeyOp) -> None: raise NotImplementedError
    def create_check_constraint(self, op: CreateCheckConstraintOp) -> None: raise NotImplementedError
    def create_primary_key(self, op: CreatePrimaryKeyOp) -> None: raise NotImplementedError
    def drop_constraint(self, op: DropConstraintOp) -> None: raise NotImplementedError
    def create_table_comment(self, op: CreateTableCommentOp) -> None: raise NotImplementedError
    def drop_table_comment(self, op: DropTableCommentOp) -> None: raise NotImplementedError
    def bulk_insert(self, op: BulkInsertOp) -> None: raise NotImplementedError
    def execute_sql(self, op: ExecuteSQLOp) -> Any: raise NotImplementedError
    def batch_alter_table(self, op: BatchAlterTableOp) -> None: raise NotImplementedError
