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

    from mig.ddl.deferred import DeferredStatements
    from mig.ddl.direct import DirectDDL
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
        self._connection = connection
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
        op_type = type(operation)
        handler = type(self).__dict__.get("_dispatch_cache", _NO_CACHE).get(op_type)
        if handler is None:
            handler = self._handler_for(op_type)
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
            return getattr(cls, method_name)  # type: ignore[no-any-return,unused-ignore]
        from mig.ddl.custom import custom_handler

        handler = custom_handler(op_type, cls)
        if handler is None:
            raise OperationError(
                f"{op_type.__name__} has no implementation for dialect {cls.name!r}; "
                f"the plugin that registered it must provide one for {cls.name!r} or 'default'"
            )
        return handler


    # -- the connection, and deferred statements ---------------------------------------

    #: The current transaction's queued statements while it defers them (see
    #: :mod:`mig.ddl.deferred`); ``None`` when statements run as they come.
    deferred: DeferredStatements | None = None
    #: Set by the runtime when nothing observes the steps as they run (no step hooks, no
    #: ``on_version_apply``) and the project did not turn deferral off: transactions may defer.
    may_defer: bool = False

    @property
    def connection(self) -> Connection | None:
        """The live connection (``None`` offline). Whoever takes it sees every earlier statement:
        taking it runs the deferred statements first and ends deferral for the transaction."""
        if self.deferred is not None:
            self.run_deferred()
        return self._connection

    def start_deferring(self, connection: Connection) -> bool:
        """Called by the runtime right after it begins a transaction inside ``run_migrations``
        that it will commit itself (a step's, the version table's), when :attr:`may_defer` and no
        step hooks are registered; and by :meth:`defer_rest`.

        Returns whether the transaction defers its statements (then the
        runtime does not call :meth:`on_transaction_begin`: ``BEGIN`` is the
        first statement of the script).
        """
        if self.can_defer(connection):
            from mig.ddl.deferred import DeferredStatements

            self.deferred = DeferredStatements(self)
            self._watch(connection)
            return True
        return False

    # Code that reaches the SQLAlchemy connection without asking mig for it (a connection handed
    # to a script in config.attributes) still sees every earlier statement: while statements
    # are deferred, a listener runs the queue before SQLAlchemy executes anything on the
    # connection, except a read while nothing is queued. mig's own statements go to the driver.

    _watched: Connection | None = None

    def _watch(self, connection: Connection) -> None:
        from sqlalchemy import event

        event.listen(connection, "before_cursor_execute", self._before_sqlalchemy_executes)
        self._watched = connection

    def stop_watching(self) -> None:
        """Remove the listener (the runtime calls this when the transaction ends; not from inside
        SQLAlchemy's dispatch, which cannot lose a listener while it runs them)."""
        connection = self._watched
        if connection is None:
            return
        from sqlalchemy import event

        self._watched = None
        event.remove(connection, "before_cursor_execute", self._before_sqlalchemy_executes)
        # can_defer() required a connection without listeners: it has none again.
        connection._has_events = False

    def _before_sqlalchemy_executes(self, conn: Any, cursor: Any, statement: str, parameters: Any,
                                    context: Any, executemany: bool) -> None:
        deferred = self.deferred
        if deferred is not None and (deferred.entries or not self.reads_only(statement)):
            self.run_deferred()

    def take_deferred(self) -> DeferredStatements | None:
        """End deferral for the transaction; returns what was queued (not run). The listener
        stays, doing nothing, until :meth:`stop_watching`."""
        deferred = self.deferred
        self.deferred = None
        return deferred

    def transaction_mark(self, connection: Connection) -> Any:
        """Noted right after ``BEGIN`` of a transaction that env.py holds; ``None``: never defer it.

        :meth:`defer_rest` compares it with a new one when the run starts, to
        tell whether anything was done in the transaction meanwhile.
        """
        return None

    def defer_rest(self, connection: Connection, mark: Any) -> bool:
        """At the start of a run inside env.py's transaction: if nothing has been done in it since
        ``mark`` (:meth:`transaction_mark` unchanged), end it (it is empty, so nothing is lost)
        and defer the rest; returns whether it did."""
        if mark is None or self.transaction_mark(connection) != mark:
            return False
        self.commit_driver(connection)
        if self.start_deferring(connection):
            return True
        self.on_transaction_begin(connection)  # could not defer after all: back in a transaction
        return False

    def reads_only(self, sql: str) -> bool:
        """Whether ``sql`` only reads (a statement SQLAlchemy runs on the connection while nothing
        is queued yet need not start the deferred transaction). Default: ``SELECT``."""
        return sql.lstrip()[:6].lower() == "select"

    def can_defer(self, connection: Connection) -> bool:
        """Whether this dialect can run a transaction's statements as one script now (default: no).

        A dialect that says yes implements :meth:`deferrable` and
        :meth:`execute_script` (and :meth:`rollback_driver` if its driver's
        ``rollback()`` will not do), and must not be in a transaction yet.
        """
        return False

    def deferrable(self, sql: str) -> bool:
        """Whether ``sql`` can go into a script as it is: one statement, ended by the ``;`` the
        script puts after it (not inside a comment or a string). Others run the queue first."""
        return False

    def execute_script(self, connection: Connection, script: str) -> None:
        """Run ``script`` (``BEGIN`` and statements, each ended by ``;``) in one call to the driver."""
        raise NotImplementedError(f"{type(self).__name__} cannot run scripts; can_defer() must say no")

    def rollback_driver(self, connection: Connection) -> None:
        """Roll the driver's connection back (after a deferred script failed)."""
        driver = connection.connection.driver_connection
        if driver is not None:
            driver.rollback()

    def commit_driver(self, connection: Connection) -> None:
        """Commit the driver's connection (deferred statements that ran after SQLAlchemy's
        transaction had been ended by other code)."""
        driver = connection.connection.driver_connection
        if driver is not None:
            driver.commit()

    def run_deferred(self) -> None:
        """Run the deferred statements now; the rest of the transaction runs statement by statement."""
        deferred = self.take_deferred()
        if deferred is None:
            return
        connection = self._connection
        assert connection is not None
        deferred.run(connection)

    def reading_connection(self, what: str) -> Connection:
        """The connection for mig's own reads of its tables: like :meth:`require_connection`, but
        deferral goes on while nothing is queued (the read then sees what it would see anyway)."""
        deferred = self.deferred
        if deferred is not None and not deferred.entries and not self.as_sql and self._connection is not None:
            return self._connection
        return self.require_connection(what)

    # -- statements -------------------------------------------------------------------

    def execute(self, construct: Any, params: Any = None, *,
                execution_options: Mapping[str, Any] | None = None) -> Any:
        """Execute a statement (string, ``text()`` or construct) or, offline, write it out.

        Offline, bound values are rendered inline and the statement is written
        to :attr:`output` followed by :attr:`statement_terminator` and a blank line.
        """
        if self.as_sql:
            if params:
                raise OfflineError("statements with separate parameters cannot be written as SQL; "
                                   "put the values in the statement (op.inline_literal) instead")
            self.emit(self.render(construct))
            return None
        connection = self._connection
        if connection is None:
            raise OperationError("no connection: configure the migration context with connection=...")
        if isinstance(construct, str):
            construct = _text(construct)
        elif (self.fast_driver_execute and not execution_options and params is None
              and isinstance(construct, _ddl_element_class())):
            return self.execute_driver_sql(self.render_online(construct))
        self.run_deferred()  # SQLAlchemy executes it: deferred statements run first
        if execution_options:
            return connection.execute(construct, params, execution_options=execution_options)
        if params is not None:
            return connection.execute(construct, params)
        return connection.execute(construct)

    #: Run DDL and version-table statements straight on the driver's cursor when nothing
    #: listens to SQLAlchemy's execution events (no echo, no event listeners). Only for
    #: drivers whose SQL needs no escaping beyond what the compiler does (SQLite's qmark).
    fast_driver_execute: bool = False

    def render_online(self, construct: Any) -> str:
        """A construct compiled for execution (bound values stay parameters)."""
        return str(construct.compile(dialect=self.dialect))

    def _straight_to_driver(self, connection: Connection) -> bool:
        """Whether a statement may go straight to the DBAPI cursor (nothing would see it pass)."""
        return bool(self.fast_driver_execute and connection.in_transaction()
                    and (connection is self._watched or not getattr(connection, "_has_events", True))
                    and not getattr(connection.engine, "_has_events", True)
                    and not getattr(connection, "_echo", True))

    def execute_driver_sql(self, sql: str, params: Any = None) -> Any:
        """Execute SQL text with driver-style parameters; returns the cursor (or SQLAlchemy result).

        With :attr:`fast_driver_execute`, inside a transaction and with no
        SQLAlchemy event listeners or echo, the statement goes straight to the
        DBAPI cursor; errors are wrapped exactly as SQLAlchemy wraps them.
        """
        connection = self._connection
        if connection is None:
            raise OperationError("no connection: configure the migration context with connection=...")
        if self.deferred is not None and params is None:
            return self._send_plain(sql)
        self.run_deferred()  # a statement with parameters: what was deferred runs first
        if self._straight_to_driver(connection):
            return self.run_on_cursor(connection, sql, params)
        if params is None:
            return connection.exec_driver_sql(sql)
        return connection.exec_driver_sql(sql, params)

    def _send_plain(self, sql: str) -> Any:
        """A statement without parameters on the driver path: queued while deferring, else executed."""
        deferred = self.deferred
        if deferred is not None:
            if self.deferrable(sql):
                deferred.add(sql)
                return None
            self.run_deferred()
        connection = self._connection
        assert connection is not None
        return self.run_on_cursor(connection, sql)

    def run_on_cursor(self, connection: Connection, sql: str, params: Any = None) -> Any:
        """Run a statement on the DBAPI cursor, errors wrapped as SQLAlchemy wraps them (no
        SQLAlchemy execution: the caller checked :meth:`_straight_to_driver`, or is replaying)."""
        cursor = self._cursor
        driver = connection.connection.driver_connection
        if cursor is None or self._cursor_owner is not driver:
            assert driver is not None
            cursor = self._cursor = driver.cursor()
            self._cursor_owner = driver
        try:
            if params is None:
                cursor.execute(sql)
            else:
                cursor.execute(sql, params)
        except self.dialect.loaded_dbapi.Error as exc:
            from sqlalchemy.exc import DBAPIError

            raise DBAPIError.instance(sql, params, exc, self.dialect.loaded_dbapi.Error,
                                      dialect=self.dialect) from exc
        return cursor

    _cursor: Any = None
    _cursor_owner: Any = None

    def render(self, construct: Any) -> str:
        """A statement as SQL text for this dialect, bound values inlined."""
        if isinstance(construct, str):
            return construct.strip()
        compiled = construct.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True})
        return _tidy(str(compiled))

    # -- direct DDL (plain statements written without SQLAlchemy's compiler) ----------

    #: A :class:`mig.ddl.direct.DirectDDL` subclass that writes plain ``CREATE TABLE``,
    #: ``ADD COLUMN`` and ``CREATE INDEX`` statements itself, byte-identical to the dialect's
    #: compiler; ``None`` compiles everything through SQLAlchemy. It is used offline, and
    #: online only when statements go straight to the driver (:meth:`execute_driver_sql`).
    direct_ddl: ClassVar[type[DirectDDL] | None] = None

    def _direct(self) -> DirectDDL | None:
        """The direct renderer for the next statement, or ``None`` to compile through SQLAlchemy."""
        found = self.__dict__.get("_direct_ddl_instance", _UNSET)
        if found is _UNSET:
            found = None
            if self.direct_ddl is not None and not self.naming_convention:
                found = self.direct_ddl.for_dialect(self.dialect)
            self.__dict__["_direct_ddl_instance"] = found
        if found is None or self.as_sql:
            return found
        connection = self._connection
        if connection is None or not self._straight_to_driver(connection):
            return None
        return found

    #: Set by ``Operations.create_table`` while the script that called it throws the result
    #: away (:mod:`mig.operations.callsite`): :meth:`create_table` may then skip building the
    #: ``Table`` it would return, when the statement needs none (direct DDL).
    table_result_unused: bool = False

    def _run_direct(self, sql: str) -> None:
        """Write (offline) or execute (online, on the cursor) a statement from :meth:`_direct`."""
        if self.as_sql:
            self.emit(_tidy(sql))
        else:
            self._send_plain(sql)  # _direct() gives no renderer online without a connection

    # -- naming conventions -------------------------------------------------------------

    @property
    def naming_convention(self) -> Mapping[Any, Any] | None:
        """``target_metadata``'s naming convention when it has one besides SQLAlchemy's default.

        As in Alembic, the convention names the constraints and indexes that
        operations create unnamed (and applies to names given for conventions
        that use ``%(constraint_name)s``); ``op.f()`` marks a name as final.
        """
        found = self.__dict__.get("_naming_convention", _UNSET)
        if found is _UNSET:
            from sqlalchemy.sql.schema import DEFAULT_NAMING_CONVENTION

            target = self.context_opts.get("target_metadata")
            found = getattr(target, "naming_convention", None)
            if found is not None and dict(found) == dict(DEFAULT_NAMING_CONVENTION):
                found = None
            self.__dict__["_naming_convention"] = found
        return found

    def new_metadata(self) -> Any:
        """A fresh ``MetaData`` for throw-away schema objects, with :attr:`naming_convention`.

        Each operation builds its stub tables in its own ``MetaData``, so what
        one operation built (a table name's spelling, a column's ``key``)
        never changes how a later one compiles.
        """
        from sqlalchemy import MetaData

        convention = self.naming_convention
        return MetaData(naming_convention=convention) if convention else MetaData()

    def emit(self, sql: str) -> None:
        """Write one statement of offline output."""
        out = self.output
        if out is None:
            import sys

            out = self.output = sys.stdout
        out.write(f"{sql}{self.statement_terminator}\n\n")

    def comment(self, text: str) -> None:
        """Write a SQL comment line to offline output (``-- text``)."""
        if self.as_sql and self.output is not None:
            self.output.write(f"-- {text}\n\n")

    def require_connection(self, what: str) -> Connection:
        """The live connection; offline, an :class:`OfflineError` explaining that ``what`` needs it."""
        if self.as_sql or self.connection is None:
            raise OfflineError(
                f"{what} needs to read the database, which --sql mode cannot do; "
                f"pass the missing information explicitly or run online"
            )
        return self.connection

    # -- transactions (the runtime calls these) ---------------------------------------

    def begin_sql(self) -> str:
        """The statement that opens a transaction in offline output."""
        return "BEGIN"

    def commit_sql(self) -> str:
        """The statement that commits a transaction in offline output."""
        return "COMMIT"

    def on_transaction_begin(self, connection: Connection) -> None:
        """Called right after the runtime begins a transaction online (SQLite emits BEGIN here)."""

    # -- one method per operation -----------------------------------------------------

    def create_table(self, op: CreateTableOp) -> Any:
        """``CREATE TABLE``, then its indexes and (where not inline) its comments; returns the ``Table``."""
        direct = self._direct() if not op.kw else None
        if direct is not None and self.table_result_unused and op.schema is None:
            sql = direct.create_table_from_columns(op.table_name, op.columns,
                                                   if_not_exists=bool(op.if_not_exists))
            if sql is not None:
                self._run_direct(sql)
                return None
        from sqlalchemy.schema import CreateIndex, CreateTable, SetColumnComment, SetTableComment

        from mig.ddl.schemaobj import table

        tbl = table(op.table_name, *op.columns, schema=op.schema, metadata=self.new_metadata(),
                    **dict(op.kw))
        sql = direct.create_table(tbl, if_not_exists=bool(op.if_not_exists)) if direct is not None else None
        if sql is not None:
            self._run_direct(sql)
        else:
            _stub_referenced_tables(tbl)
            self.execute(CreateTable(tbl, if_not_exists=bool(op.if_not_exists)))
        for index in sorted(tbl.indexes, key=lambda i: i.name or ""):
            self.execute(CreateIndex(index, if_not_exists=bool(op.if_not_exists)))
        dialect = self.dialect
        if dialect.supports_comments and not dialect.inline_comments:
            if tbl.comment is not None:
                self.execute(SetTableComment(tbl))
            for column in tbl.columns:
                if column.comment is not None:
                    self.execute(SetColumnComment(column))
        return tbl

    def drop_table(self, op: DropTableOp) -> None:
        from sqlalchemy.schema import DropTable

        from mig.ddl.schemaobj import table

        self.execute(DropTable(table(op.table_name, schema=op.schema, **dict(op.kw)),
                               if_exists=bool(op.if_exists)))

    def rename_table(self, op: RenameTableOp) -> None:
        from mig.ddl.constructs import RenameTable

        self.execute(RenameTable(op.old_table_name, op.new_table_name, schema=op.schema))

    def add_column(self, op: AddColumnOp) -> None:
        """``ADD COLUMN``, then the column's foreign keys, index and comment as separate statements."""
        if op.schema is None and not op.if_not_exists:
            direct = self._direct()
            sql = direct.add_column(op.table_name, op.column) if direct is not None else None
            if sql is not None:
                self._run_direct(sql)
                return
        from sqlalchemy.schema import AddConstraint, CreateIndex, SetColumnComment

        from mig.ddl.constructs import AddColumn
        from mig.ddl.schemaobj import own, stub_table

        tbl = stub_table(op.table_name, op.schema, self.new_metadata())
        column = own(op.column)
        tbl.append_column(column, replace_existing=True)
        self.execute(AddColumn(op.table_name, column, schema=op.schema,
                               if_not_exists=bool(op.if_not_exists)))
        for fk in column.foreign_keys:
            if fk.constraint is not None and self.add_column_foreign_keys:
                self._add_fk_for_column(fk.constraint, AddConstraint)
        for index in sorted(tbl.indexes, key=lambda i: i.name or ""):
            if any(c is column for c in index.columns):
                self.execute(CreateIndex(index))
        dialect = self.dialect
        if column.comment is not None and dialect.supports_comments and not dialect.inline_comments:
            self.execute(SetColumnComment(column))

    #: Whether ``add_column`` emits ``ADD CONSTRAINT`` for a new column's ``ForeignKey`` (not SQLite).
    add_column_foreign_keys: ClassVar[bool] = True

    def _add_fk_for_column(self, constraint: Any, add_constraint: Any) -> None:
        from sqlalchemy import MetaData, Table

        fk = next(iter(constraint.elements))
        target = fk.target_fullname.split(".")
        ref_schema = ".".join(target[:-2]) or None
        ref_table = target[-2]
        md = constraint.table.metadata if constraint.table is not None else MetaData()
        key = f"{ref_schema}.{ref_table}" if ref_schema else ref_table
        if key not in md.tables:
            Table(ref_table, md, schema=ref_schema)
        from mig.ddl.schemaobj import column_for

        for element in constraint.elements:
            column_for(md.tables[key], element.target_fullname.split(".")[-1])
        self.execute(add_constraint(constraint))

    def drop_column(self, op: DropColumnOp) -> None:
        from mig.ddl.constructs import DropColumn

        self.execute(DropColumn(op.table_name, op.column_name, schema=op.schema,
                                if_exists=bool(op.if_exists)))

    def alter_column(self, op: AlterColumnOp) -> None:
        """One statement per change: nullability, default, type, comment, then the rename."""
        from mig.ddl import constructs as c

        existing = {
            "existing_type": op.existing_type,
            "existing_nullable": op.existing_nullable,
            "existing_server_default": (None if op.existing_server_default is False
                                        else op.existing_server_default),
            "existing_comment": op.existing_comment,
        }
        name, schema = op.table_name, op.schema
        if op.nullable is not None:
            self.execute(c.ColumnNullable(name, op.column_name, op.nullable, schema, **existing))
        if op.server_default is not False:
            self.execute(c.ColumnDefault(name, op.column_name, op.server_default, schema, **existing))
        if op.type_ is not None:
            self.execute(c.ColumnType(name, op.column_name, op.type_, schema,
                                      using=op.kw.get(f"{self.name}_using"), **existing))
        if op.comment is not False:
            self.execute(c.ColumnComment(name, op.column_name, op.comment if isinstance(op.comment, str) else None, schema, **existing))
        if op.new_column_name is not None:
            self.execute(c.ColumnName(name, op.column_name, op.new_column_name, schema, **existing))

    def create_index(self, op: CreateIndexOp) -> None:
        if op.schema is None and not op.kw and op.table_name:
            direct = self._direct()
            sql = (direct.create_index(op.index_name, op.table_name, op.columns, unique=bool(op.unique),
                                       if_not_exists=bool(op.if_not_exists))
                   if direct is not None else None)
            if sql is not None:
                self._run_direct(sql)
                return
        from sqlalchemy.schema import CreateIndex

        from mig.ddl.schemaobj import index

        idx = index(op.index_name, op.table_name, op.columns, schema=op.schema, unique=op.unique,
                    metadata=self.new_metadata(), **dict(op.kw))
        self.execute(CreateIndex(idx, if_not_exists=bool(op.if_not_exists)))

    def drop_index(self, op: DropIndexOp) -> None:
        from sqlalchemy.schema import DropIndex

        from mig.ddl.schemaobj import index

        idx = index(op.index_name, op.table_name, (), schema=op.schema, metadata=self.new_metadata(),
                    **dict(op.kw))
        self.execute(DropIndex(idx, if_exists=bool(op.if_exists)))

    def create_unique_constraint(self, op: CreateUniqueConstraintOp) -> None:
        from sqlalchemy.schema import AddConstraint

        from mig.ddl.schemaobj import unique_constraint

        self.execute(AddConstraint(unique_constraint(op.constraint_name, op.table_name, op.columns,
                                                     schema=op.schema, metadata=self.new_metadata(),
                                                     **dict(op.kw))))

    def create_foreign_key(self, op: CreateForeignKeyOp) -> None:
        from sqlalchemy.schema import AddConstraint

        from mig.ddl.schemaobj import foreign_key

        fk = foreign_key(op.constraint_name, op.source_table, op.referent_table, op.local_cols,
                         op.remote_cols, source_schema=op.source_schema,
                         referent_schema=op.referent_schema, onupdate=op.onupdate,
                         ondelete=op.ondelete, deferrable=op.deferrable, initially=op.initially,
                         match=op.match, metadata=self.new_metadata(), **dict(op.kw))
        self.execute(AddConstraint(fk))

    def create_check_constraint(self, op: CreateCheckConstraintOp) -> None:
        from sqlalchemy.schema import AddConstraint

        from mig.ddl.schemaobj import check_constraint

        self.execute(AddConstraint(check_constraint(op.constraint_name, op.table_name, op.condition,
                                                    schema=op.schema, metadata=self.new_metadata(),
                                                    **dict(op.kw))))

    def create_primary_key(self, op: CreatePrimaryKeyOp) -> None:
        from sqlalchemy.schema import AddConstraint

        from mig.ddl.schemaobj import primary_key

        self.execute(AddConstraint(primary_key(op.constraint_name, op.table_name, op.columns,
                                               schema=op.schema, metadata=self.new_metadata(),
                                               **dict(op.kw))))

    def drop_constraint(self, op: DropConstraintOp) -> None:
        from sqlalchemy.schema import DropConstraint

        from mig.ddl.schemaobj import constraint_stub

        cons = constraint_stub(op.constraint_name, op.table_name, op.type_, schema=op.schema,
                               metadata=self.new_metadata())
        self.execute(DropConstraint(cons, if_exists=bool(op.if_exists)))

    def create_table_comment(self, op: CreateTableCommentOp) -> None:
        from sqlalchemy.schema import SetTableComment

        from mig.ddl.schemaobj import table

        self.execute(SetTableComment(table(op.table_name, schema=op.schema, comment=op.comment)))

    def drop_table_comment(self, op: DropTableCommentOp) -> None:
        from sqlalchemy.schema import DropTableComment

        from mig.ddl.schemaobj import table

        self.execute(DropTableComment(table(op.table_name, schema=op.schema)))

    def bulk_insert(self, op: BulkInsertOp) -> None:
        """Online: one executemany (or one INSERT per row); offline: one INSERT per row, values inlined."""
        if not op.rows:
            return
        table = op.table
        if self.as_sql:
            kinds = _offline_value_kinds(table)
            for row in op.rows:
                if kinds:
                    row = {key: (self.offline_literal(value, kinds[key])
                                 if key in kinds and value is not None and not _is_sql(value) else value)
                           for key, value in row.items()}
                self.execute(table.insert().values(**row))
            return
        if op.multiinsert:
            self.execute(table.insert(), [dict(row) for row in op.rows])
        else:
            for row in op.rows:
                self.execute(table.insert().values(**row))

    def offline_literal(self, value: Any, kind: str) -> Any:
        """A SQL expression writing ``value`` inline where SQLAlchemy has no literal renderer.

        ``kind`` is ``"json"`` (written as its JSON text) or ``"binary"``
        (``X'<hex>'``; PostgreSQL overrides it).
        """
        from sqlalchemy import literal, literal_column
        from sqlalchemy.types import Text

        if kind == "json":
            import json

            return literal(json.dumps(value), Text())
        return literal_column(f"X'{bytes(value).hex()}'")

    def execute_sql(self, op: ExecuteSQLOp) -> Any:
        sqltext = op.sqltext
        if isinstance(sqltext, str) and not self.as_sql:
            if (self.fast_driver_execute and not op.execution_options and _plain_write(sqltext)):
                return self.execute_driver_sql(sqltext)
            sqltext = _text(sqltext)
        return self.execute(sqltext, execution_options=op.execution_options)

    def batch_alter_table(self, op: BatchAlterTableOp) -> None:
        """Run a batch through a registered strategy, or its operations one by one."""
        from mig import plugins

        if op.recreate == "always":
            strategies = plugins.batch_strategies()
            reg = strategies.get("move-and-copy")
            if reg is None:
                from mig.errors import NotSupportedError

                raise NotSupportedError(
                    "batch_alter_table(recreate='always') needs the 'move-and-copy' batch strategy: "
                    "pip install mig-sqlite-batch"
                )
            reg.item.load()(self).run(op)
            return
        spec = plugins.batch_strategy_for(self.name)
        if spec is not None:
            spec.load()(self).run(op)
            return
        for inner in op.operations:
            self.run(inner)


def _offline_value_kinds(table: Any) -> dict[str, str]:
    """Columns of ``table`` whose values SQLAlchemy cannot render inline: name -> "json"/"binary"."""
    from sqlalchemy import JSON, LargeBinary

    kinds: dict[str, str] = {}
    for column in getattr(table, "columns", ()):
        if isinstance(column.type, JSON):
            kinds[column.name] = "json"
        elif isinstance(column.type, LargeBinary):
            kinds[column.name] = "binary"
    return kinds


def _is_sql(value: Any) -> bool:
    from sqlalchemy.sql.elements import ClauseElement

    return isinstance(value, ClauseElement)


def _stub_referenced_tables(tbl: Any) -> None:
    """Add stub tables for the tables ``tbl``'s foreign keys name, so they compile (``REFERENCES``)."""
    from sqlalchemy import ForeignKeyConstraint, Table

    from mig.ddl.schemaobj import column_for

    md = tbl.metadata
    for constraint in tbl.constraints:
        if not isinstance(constraint, ForeignKeyConstraint):
            continue
        for element in constraint.elements:
            parts = element.target_fullname.split(".")
            if len(parts) < 2:
                continue
            ref_schema, ref_table = ".".join(parts[:-2]) or None, parts[-2]
            key = f"{ref_schema}.{ref_table}" if ref_schema else ref_table
            target = md.tables.get(key)
            if target is None:
                target = Table(ref_table, md, schema=ref_schema)
            column_for(target, parts[-1])


_WRITE_VERBS = ("insert", "update", "delete", "create", "alter", "drop")


def _plain_write(sql: str) -> bool:
    """A write statement without parameter markers (safe to hand to the driver as it is)."""
    head = sql.lstrip()[:6].lower()
    return head.startswith(_WRITE_VERBS) and not any(c in sql for c in ":?%")


_UNSET: Any = object()
_NO_CACHE: dict[type, Any] = {}


def _tidy(sql: str) -> str:
    """Compiled DDL as offline output writes it: tabs as four spaces, no trailing blanks."""
    sql = sql.replace("\t", "    ").strip()
    if " \n" in sql:
        sql = "\n".join(line.rstrip() for line in sql.split("\n"))
    return sql


_DDL_ELEMENT: type | None = None


def _ddl_element_class() -> type:
    global _DDL_ELEMENT
    if _DDL_ELEMENT is None:
        from sqlalchemy.schema import ExecutableDDLElement

        _DDL_ELEMENT = ExecutableDDLElement
    return _DDL_ELEMENT


def _text(sql: str) -> Any:
    from sqlalchemy import text

    return text(sql)
