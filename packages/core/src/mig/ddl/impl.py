"""``DialectImpl``: the dialect contract. It turns operations into statements and sends them to one sink.

One instance serves one migration run on one connection (online) or one
output stream (offline). A dialect plugin subclasses :class:`DialectImpl` (or
another dialect's impl: ``class CockroachImpl(PostgresqlImpl)``) and
overrides what its database does differently. The contract is what is
declared with :func:`mig.ddl.contract.override_point` (methods) and the
class attributes documented below (``name``, ``capabilities``,
``statement_terminator``); everything else is private. Every statement goes
through :meth:`DialectImpl.execute`: online SQLAlchemy executes it on the
connection, offline it is written as text. Dispatch from an operation to
its method is a plain attribute lookup cached per class: the per-statement
path never goes through pluggy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

from mig.ddl import capabilities as cap
from mig.ddl.contract import override_point
from mig.errors import OfflineError, OperationError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.engine import Connection, Dialect
    from sqlalchemy.sql.schema import MetaData, Table

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

#: The public data attributes of the contract (besides the override points).
ATTRIBUTES = frozenset({
    "name", "display_name", "capabilities", "statement_terminator",
    "dialect", "connection", "as_sql", "output", "context_opts", "transactional_ddl", "current_step",
})


class DialectImpl:
    """Carries out operations for one database kind.

    :param dialect: the SQLAlchemy ``Dialect`` in use.
    :param connection: the live connection (``None`` offline).
    :param as_sql: offline mode: write statements to ``output`` instead of executing them.
    :param output: where offline SQL goes (``sys.stdout`` when ``None``).
    :param context_opts: the options given to ``context.configure``.

    Class attributes a dialect sets:

    - ``name``: the SQLAlchemy dialect name served (``"default"`` for the generic impl);
    - ``display_name``: the database's name in messages (``"PostgreSQL"``);
    - ``capabilities``: what the database can do, flags from
      :mod:`mig.ddl.capabilities`; declared only here: the ``DialectSpec``,
      the runtime and the conformance suite read it from the impl;
    - ``statement_terminator``: text written after each statement offline.

    Instance attributes (read them; only the runtime sets them):
    ``dialect``, ``connection`` (``None`` offline), ``as_sql`` (whether the
    run is offline; a plain attribute), ``output``, ``context_opts``,
    ``transactional_ddl`` (from ``capabilities``, or
    ``context.configure(transactional_ddl=...)``) and ``current_step`` (the
    :class:`mig.runtime.events.StepEvent` running, or ``None``).
    """

    name: ClassVar[str] = "default"
    display_name: ClassVar[str] = "the database"
    capabilities: ClassVar[frozenset[str]] = frozenset({
        # What standard SQL's ALTER TABLE offers; the generic impl writes standard SQL.
        cap.ALTER_COLUMN_TYPE, cap.ALTER_COLUMN_NULLABLE, cap.ALTER_COLUMN_DEFAULT, cap.RENAME_COLUMN,
        cap.DROP_COLUMN, cap.ADD_CONSTRAINT, cap.DROP_CONSTRAINT,
    })
    statement_terminator: ClassVar[str] = ";"

    _dispatch_cache: ClassVar[dict[type, Callable[..., Any]]]

    def __init__(self, dialect: Dialect, connection: Connection | None = None, *,
                 as_sql: bool = False, output: TextIO | None = None,
                 context_opts: Mapping[str, Any] | None = None) -> None:
        self.dialect = dialect
        self.connection = connection
        self.as_sql = as_sql
        self.output = output
        self.context_opts: Mapping[str, Any] = dict(context_opts or {})
        self.transactional_ddl = cap.TRANSACTIONAL_DDL in self.capabilities
        self.current_step: Any = None
        self._naming: Any = _UNSET

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._dispatch_cache = {}

    # -- running operations ---------------------------------------------------------

    @override_point
    def run(self, operation: Operation) -> Any:
        """Carry out one operation by calling the method its class names (``impl_method``).

        **Called by:** ``Operations.invoke`` for each ``op.<name>(...)`` of a
        script, and by batch strategies for the operations of a batch. A
        dialect calls it but does not override it.

        :param operation: an IR node (:mod:`mig.ops`) or an operation a plugin
            registered (carried out by the plugin's implementation for this
            dialect, its bases, or ``"default"``).

        **Return:** what the operation's method returns (``op.create_table``:
        the ``Table``; ``op.execute``: the result online, ``None`` offline).
        """
        op_type = type(operation)
        handler = type(self).__dict__.get("_dispatch_cache", _NO_CACHE).get(op_type)
        if handler is None:
            handler = self._handler_for(op_type)
        if getattr(operation, "if_exists", None) or getattr(operation, "if_not_exists", None):
            emulated = self._emulate_if_exists(operation)
            if emulated is None:
                return None
            operation = emulated
        return handler(self, operation)

    # -- IF [NOT] EXISTS where the database has no such clause ------------------------

    @override_point
    def writes_if_exists(self, operation: Operation) -> bool:
        """Whether the database itself writes the ``IF [NOT] EXISTS`` an operation asks for.

        **Called by:** :meth:`run`, for a built-in operation with
        ``if_exists=True`` or ``if_not_exists=True``. Where this says no,
        :meth:`run` emulates the clause: it asks :meth:`object_exists` and
        either skips the operation or runs it without the flag (offline,
        where nothing can be asked, it is an error naming the flag).

        :param operation: the operation (``CreateTableOp``, ``DropTableOp``,
            ``AddColumnOp``, ``DropColumnOp``, ``CreateIndexOp``,
            ``DropIndexOp`` or ``DropConstraintOp``).

        **Return:** ``True`` (the default) when SQLAlchemy's construct writes
        the clause and the database accepts it.
        """
        return True

    @override_point
    def object_exists(self, connection: Connection, operation: Operation) -> bool:
        """Whether the object an ``if_exists`` / ``if_not_exists`` operation names exists now.

        **Called by:** :meth:`run`, online, where :meth:`writes_if_exists` says no.

        :param connection: the run's connection.
        :param operation: the operation (see :meth:`writes_if_exists`).

        **Return:** whether the table, column, index or constraint exists. The
        default asks SQLAlchemy's ``Inspector``.
        """
        from mig.ddl.probes import exists

        return exists(connection, operation)

    def _emulate_if_exists(self, operation: Operation) -> Operation | None:
        """The operation to run for an ``if_[not_]exists`` flag: itself, the same without the flag
        (the clause emulated), or ``None`` (nothing to do)."""
        from mig.ddl.probes import describe, kind_of

        if kind_of(operation) is None or self.writes_if_exists(operation):
            return operation
        creating = bool(getattr(operation, "if_not_exists", None))
        flag = "if_not_exists" if creating else "if_exists"
        if self.as_sql or self.connection is None:
            from mig.errors import NotSupportedError

            clause = "IF NOT EXISTS" if creating else "IF EXISTS"
            raise NotSupportedError(
                f"{describe(operation)}: {self.display_name} has no {clause} here and --sql mode "
                f"cannot check; drop {flag}=True or run online")
        import dataclasses

        present = self.object_exists(self.connection, operation)
        if present == creating:
            log.info("%s: skipped (%s)", describe(operation), "exists" if present else "does not exist")
            return None
        return dataclasses.replace(operation, **{flag: None})


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

    # -- statements: the one sink ----------------------------------------------------

    @override_point
    def execute(self, construct: Any, params: Any = None, *,
                execution_options: Mapping[str, Any] | None = None) -> Any:
        """Send one statement: online, execute it on the connection; offline, write it out.

        **Called by:** every operation method, the version table and batch
        strategies: the one way a statement leaves the dialect. A dialect
        calls it; it does not override it.

        :param construct: SQL text (run as ``text()``), a ``text()`` clause or
            any SQLAlchemy executable, DDL constructs included.
        :param params: bound parameters online (a dict, or a list of dicts
            for an executemany); offline they are refused: values must be
            in the statement.
        :param execution_options: passed to ``Connection.execute`` online.

        **Return:** online, SQLAlchemy's ``CursorResult``; offline ``None``
        (the statement was written to ``output`` followed by
        ``statement_terminator`` and a blank line).
        """
        if self.as_sql:
            if params:
                raise OfflineError("statements with separate parameters cannot be written as SQL; "
                                   "put the values in the statement (op.inline_literal) instead")
            self._write(self.render(construct))
            return None
        connection = self.connection
        if connection is None:
            raise OperationError("no connection: configure the migration context with connection=...")
        if isinstance(construct, str):
            construct = _text(construct)
        if execution_options:
            return connection.execute(construct, params, execution_options=execution_options)
        return connection.execute(construct, params)

    @override_point
    def render(self, construct: Any) -> str:
        """A statement as SQL text for this dialect, bound values written inline.

        **Called by:** :meth:`execute` offline, and by code that needs a
        statement's text (messages, batch strategies).

        :param construct: SQL text or a SQLAlchemy construct.

        **Return:** the text, without a terminator (tabs as four spaces, no
        trailing blanks).
        """
        if isinstance(construct, str):
            return construct.strip()
        compiled = construct.compile(dialect=self.dialect, compile_kwargs={"literal_binds": True})
        return _tidy(str(compiled))

    @override_point
    def require_connection(self, what: str) -> Connection:
        """The live connection, for work that must read the database.

        **Called by:** operations that look something up first (an
        ``if_exists`` probe, a batch reflecting its table, ``op.get_bind()``).

        :param what: what needs the connection, named in the error offline.

        **Return:** the ``Connection``; offline an :class:`mig.errors.OfflineError`
        is raised instead, saying that ``what`` needs to read the database.
        """
        connection = self.connection
        if self.as_sql or connection is None:
            raise OfflineError(
                f"{what} needs to read the database, which --sql mode cannot do; "
                f"pass the missing information explicitly or run online"
            )
        return connection

    def _write(self, sql: str) -> None:
        """Write one statement of offline output (the offline end of :meth:`execute`)."""
        out = self.output
        if out is None:
            import sys

            out = self.output = sys.stdout
        out.write(f"{sql}{self.statement_terminator}\n\n")

    def _comment(self, text: str) -> None:
        """Write a SQL comment line to offline output (``-- text``); the runtime's step headers."""
        if self.as_sql and self.output is not None:
            self.output.write(f"-- {text}\n\n")

    # -- naming conventions -------------------------------------------------------------

    @property
    @override_point
    def naming_convention(self) -> Mapping[Any, Any] | None:
        """``target_metadata``'s naming convention, when it has one besides SQLAlchemy's default.

        **Called by:** :meth:`new_metadata`, and dialect code that names
        constraints itself. As in Alembic, the convention names what
        operations create unnamed (and names given for conventions that use
        ``%(constraint_name)s``); ``op.f()`` marks a name as final.

        **Return:** the convention mapping, or ``None`` when there is none.
        """
        found = self._naming
        if found is _UNSET:
            from sqlalchemy.sql.schema import DEFAULT_NAMING_CONVENTION

            target = self.context_opts.get("target_metadata")
            found = getattr(target, "naming_convention", None)
            if found is not None and dict(found) == dict(DEFAULT_NAMING_CONVENTION):
                found = None
            self._naming = found
        return found

    @override_point
    def new_metadata(self) -> MetaData:
        """A fresh ``MetaData`` for one operation's throw-away schema objects.

        **Called by:** each operation method that builds ``Table`` objects to
        compile. Each operation builds in its own ``MetaData``, so what one
        built never changes how a later one compiles.

        **Return:** a new ``MetaData`` carrying :attr:`naming_convention`.
        """
        from sqlalchemy import MetaData

        convention = self.naming_convention
        return MetaData(naming_convention=convention) if convention else MetaData()

    # -- transactions (the runtime calls these) ---------------------------------------

    @override_point
    def begin_sql(self) -> str:
        """The statement that opens a transaction in offline output.

        **Called by:** the runtime, offline, where the dialect has transactional DDL.

        **Return:** the SQL text (default ``BEGIN``).
        """
        return "BEGIN"

    @override_point
    def commit_sql(self) -> str:
        """The statement that commits a transaction in offline output.

        **Called by:** the runtime, offline, where the dialect has transactional DDL.

        **Return:** the SQL text (default ``COMMIT``).
        """
        return "COMMIT"

    @override_point
    def on_transaction_begin(self, connection: Connection) -> None:
        """Make sure the database is really in the transaction SQLAlchemy just began.

        **Called by:** the runtime, online, right after it begins a
        transaction (the run's, or a migration's) and when ``run_migrations``
        starts inside one that ``env.py`` began. SQLite's driver begins no
        transaction before DDL on its own, so SQLite's impl sends ``BEGIN``.

        :param connection: the run's connection.

        **Return:** ``None``.
        """

    # -- the migration lock -----------------------------------------------------------

    @override_point
    def acquire_migration_lock(self, connection: Connection, key: str, timeout: float) -> Any:
        """Take the database's migration lock named ``key``, waiting at most ``timeout`` seconds.

        **Called by:** the runtime (:mod:`mig.runtime.lock`), online, before
        ``upgrade``, ``downgrade`` or ``stamp`` reads the version table,
        unless ``--no-lock``. The lock must outlive the run's transactions
        (take it on a session of its own, not on ``connection``, so that
        ``autocommit_block()`` still works) and must be released by the
        database or the operating system when the holding process dies.

        :param connection: the run's connection (its ``engine`` opens a dedicated session).
        :param key: the lock's name, ``mig:<database>:<schema>:<version table>``
            (map it onto what the database's locks are named by, e.g. hash it).
        :param timeout: seconds to wait for another holder to let go (``0``: do not wait).

        **Return:** a handle for :meth:`release_migration_lock`; ``None`` when
        ``timeout`` ran out (mig then raises ``LockError`` with
        :meth:`describe_lock_holder`); ``NotImplemented`` (the default) when
        the dialect has no lock: mig warns once and runs unlocked.
        """
        return NotImplemented

    @override_point
    def release_migration_lock(self, handle: Any) -> None:
        """Let go of the migration lock :meth:`acquire_migration_lock` took (and close its session).

        **Called by:** the runtime, after the run's last step, also when a step failed.

        :param handle: what :meth:`acquire_migration_lock` returned.

        **Return:** ``None``.
        """

    @override_point
    def offline_migration_lock(self, key: str, timeout: float, *,
                               one_transaction: bool) -> tuple[list[str], list[str]] | None:
        """The statements a SQL file (``--sql --lock``) takes and releases the migration lock with.

        **Called by:** the runtime, offline, when ``--lock`` is given with
        ``--sql``: the first list is written before the first step, the second
        after the last one. They must take the same lock
        :meth:`acquire_migration_lock` takes online, so that the file and a
        ``mig upgrade`` exclude each other.

        :param key: the lock's name (as for :meth:`acquire_migration_lock`).
        :param timeout: the run's ``lock_timeout`` in seconds.
        :param one_transaction: true when the whole file is one transaction
            (the acquire is written after its ``BEGIN``, the release before its
            ``COMMIT``); false with ``transaction_per_migration`` (both outside
            the steps' transactions).

        **Return:** ``(acquire statements, release statements)`` as SQL text
        without terminators; ``None`` (the default) when the dialect has none:
        mig warns and writes no lock.
        """
        return None

    @override_point
    def describe_lock_holder(self, connection: Connection, key: str) -> str | None:
        """Who holds the migration lock ``key`` now, in words, as far as the database can tell.

        **Called by:** the runtime, when :meth:`acquire_migration_lock` timed
        out, for the error message.

        :param connection: the run's connection.
        :param key: the lock's name (as given to :meth:`acquire_migration_lock`).

        **Return:** e.g. ``"pid 4242 (application 'mig ...', host 10.0.0.7)"``;
        ``None`` (the default) when the database cannot tell.
        """
        return None

    @override_point
    def offline_literal(self, value: Any, kind: str) -> Any:
        """A SQL expression writing ``value`` inline where SQLAlchemy has no literal renderer.

        **Called by:** :meth:`bulk_insert` offline, for JSON and binary columns.

        :param value: the row's value (not ``None``, not a SQL expression).
        :param kind: ``"json"`` (written as its JSON text) or ``"binary"``.

        **Return:** a SQLAlchemy expression (default: the JSON text as a
        string literal; binary as ``X'<hex>'``, which PostgreSQL overrides).
        """
        from sqlalchemy import literal, literal_column
        from sqlalchemy.types import Text

        if kind == "json":
            import json

            return literal(json.dumps(value), Text())
        return literal_column(f"X'{bytes(value).hex()}'")

    # -- one method per operation -----------------------------------------------------

    @override_point
    def create_table(self, op: CreateTableOp) -> Any:
        """``CREATE TABLE``, then its indexes and (where not inline) its comments.

        **Called by:** :meth:`run`, for ``op.create_table(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.CreateTableOp` to carry out.

        **Return:** the ``Table`` that was compiled (scripts pass it to ``op.bulk_insert``).
        """
        from sqlalchemy.schema import CreateIndex, CreateTable, SetColumnComment, SetTableComment

        from mig.ddl.schemaobj import table

        tbl = table(op.table_name, *op.columns, schema=op.schema, metadata=self.new_metadata(),
                    **dict(op.kw))
        _stub_referenced_tables(tbl)
        self.table_ddl_event("before_create", tbl)
        self.execute(CreateTable(tbl, if_not_exists=bool(op.if_not_exists)))
        self.table_ddl_event("after_create", tbl)
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

    @override_point
    def drop_table(self, op: DropTableOp) -> None:
        """``DROP TABLE``.

        **Called by:** :meth:`run`, for ``op.drop_table(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.DropTableOp` to carry out.

        **Return:** ``None``.
        """
        from sqlalchemy.schema import DropTable

        from mig.ddl.schemaobj import table

        tbl = table(op.table_name, schema=op.schema, **dict(op.kw))
        self.table_ddl_event("before_drop", tbl)
        self.execute(DropTable(tbl, if_exists=bool(op.if_exists)))
        self.table_ddl_event("after_drop", tbl)

    @override_point
    def table_ddl_event(self, event: str, table: Table) -> None:
        """Fire one of SQLAlchemy's DDL events for a table an operation creates or drops, as Alembic does.

        **Called by:** :meth:`create_table` (``before_create`` right before
        ``CREATE TABLE``, ``after_create`` right after it, before the
        table's indexes and comments) and :meth:`drop_table`
        (``before_drop``, ``after_drop``). The listeners are those on the
        ``Table`` (``listeners=`` of ``op.create_table``, those a column's
        type sets up, such as SQLAlchemy's ``CREATE TYPE`` for a PostgreSQL
        enum) and those on ``sqlalchemy.Table`` itself. They receive the
        table, a connection and ``checkfirst=False``. Online the connection
        is the run's: what a listener executes runs on it, in the run's
        transaction. Offline it is SQLAlchemy's ``MockConnection``, whose
        statements go to :meth:`ddl_event_statement` and so are written in
        their place in the output.

        :param event: ``"before_create"``, ``"after_create"``,
            ``"before_drop"`` or ``"after_drop"``.
        :param table: the ``Table`` being created (with its columns) or
            dropped (a ``Table`` of the name only, as in Alembic).

        **Return:** ``None``.
        """
        getattr(table.dispatch, event)(table, self.ddl_event_connection(), checkfirst=False)

    @override_point
    def ddl_event_connection(self) -> Any:
        """The connection DDL event listeners receive.

        **Called by:** :meth:`table_ddl_event`.

        **Return:** online the run's ``Connection``; offline a
        ``sqlalchemy.engine.mock.MockConnection`` on this dialect whose
        ``execute(statement)`` calls :meth:`ddl_event_statement`.
        """
        if not self.as_sql:
            return self.require_connection("a DDL event listener")
        from sqlalchemy.engine.mock import MockConnection

        def executor(construct: Any, *multiparams: Any, **params: Any) -> Any:
            return self.ddl_event_statement(construct)

        return MockConnection(self.dialect, executor)

    @override_point
    def ddl_event_statement(self, construct: Any) -> None:
        """A statement a DDL event listener executed offline.

        **Called by:** the offline connection of :meth:`ddl_event_connection`,
        for each statement a listener executes on it (``connection.execute(DDL(...))``,
        ``Enum.create(connection)``).

        :param construct: the statement (a SQLAlchemy construct).

        **Return:** ``None``; the default writes it (:meth:`execute`).
        PostgreSQL leaves out the ``CREATE TYPE`` of an enum type the run
        created already.
        """
        self.execute(construct)

    @override_point
    def rename_table(self, op: RenameTableOp) -> None:
        """Rename a table.

        **Called by:** :meth:`run`, for ``op.rename_table(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.RenameTableOp` to carry out.

        **Return:** ``None``.
        """
        from mig.ddl.constructs import RenameTable

        self.execute(RenameTable(op.old_table_name, op.new_table_name, schema=op.schema))

    @override_point
    def add_column(self, op: AddColumnOp) -> None:
        """``ADD COLUMN`` with the column's constraints, then its index and comment.

        The column's own ``CheckConstraint`` objects are written inline
        (``ADD COLUMN n INTEGER CONSTRAINT ck CHECK (n > 0)``); the checks its
        type creates (``Boolean(create_constraint=True)``, a non-native
        ``Enum(create_constraint=True)``), where the database has no native
        type, and its foreign keys follow as ``ADD CONSTRAINT`` (where the
        dialect has ``add_constraint``), unless :meth:`inline_in_add_column`
        puts them in the ``ADD COLUMN`` (``inline_references=True``).
        ``inline_primary_key=True`` writes ``PRIMARY KEY`` in it, as in Alembic.

        **Called by:** :meth:`run`, for ``op.add_column(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.AddColumnOp` to carry out.

        **Return:** ``None``.
        """
        from sqlalchemy import CheckConstraint, ForeignKeyConstraint
        from sqlalchemy.schema import AddConstraint, CreateIndex, SetColumnComment

        from mig.ddl.constructs import AddColumn
        from mig.ddl.schemaobj import own, stub_table

        tbl = stub_table(op.table_name, op.schema, self.new_metadata())
        column = own(op.column)
        tbl.append_column(column, replace_existing=True)
        constraints: list[Any] = [c for c in column.constraints if isinstance(c, CheckConstraint)]
        if _type_creates_check(column.type, self.dialect):
            constraints += sorted((c for c in tbl.constraints if isinstance(c, CheckConstraint)),
                                  key=lambda c: str(c.name or ""))
        constraints += [fk.constraint for fk in column.foreign_keys
                        if isinstance(fk.constraint, ForeignKeyConstraint)]
        inline = [c for c in constraints if self.inline_in_add_column(op, c)]
        if any(isinstance(c, ForeignKeyConstraint) for c in inline):
            _stub_referenced_tables(tbl)
        self.execute(AddColumn(op.table_name, column, schema=op.schema,
                               if_not_exists=bool(op.if_not_exists),
                               inline_primary_key=bool(op.inline_primary_key), constraints=inline))
        for constraint in constraints:
            if any(c is constraint for c in inline) or cap.ADD_CONSTRAINT not in self.capabilities:
                continue
            if isinstance(constraint, ForeignKeyConstraint):
                self._add_fk_for_column(constraint, AddConstraint)
                continue
            if not isinstance(constraint.parent, type(tbl)):
                # a check given on the Column: ADD CONSTRAINT needs it on the table
                constraint = CheckConstraint(constraint.sqltext, name=constraint.name,
                                             deferrable=constraint.deferrable,
                                             initially=constraint.initially)
                tbl.append_constraint(constraint)
            self.execute(AddConstraint(constraint))
        for index in sorted(tbl.indexes, key=lambda i: i.name or ""):
            if any(c is column for c in index.columns):
                self.execute(CreateIndex(index))
        dialect = self.dialect
        if column.comment is not None and dialect.supports_comments and not dialect.inline_comments:
            self.execute(SetColumnComment(column))

    @override_point
    def inline_in_add_column(self, op: AddColumnOp, constraint: Any) -> bool:
        """Whether a constraint of a column being added is written in the ``ADD COLUMN`` itself.

        **Called by:** :meth:`add_column`, for each check and foreign key of
        the column. What it declines follows as ``ALTER TABLE ... ADD
        CONSTRAINT`` (where the dialect has ``add_constraint``).

        :param op: the :class:`mig.ops.AddColumnOp`.
        :param constraint: a ``CheckConstraint`` given on the ``Column``, one
            the column's type creates, or a ``ForeignKeyConstraint`` of the
            column's ``ForeignKey``.

        **Return:** the default, as Alembic: the column's own checks yes, the
        type's checks no, foreign keys when ``op.inline_references``. SQLite
        (which has no ``ADD CONSTRAINT``) says yes to all; MySQL and MariaDB
        say no to a named check (their column definition has no
        ``CONSTRAINT name CHECK``).
        """
        from sqlalchemy import Column, ForeignKeyConstraint

        if isinstance(constraint, ForeignKeyConstraint):
            return bool(op.inline_references)
        # a check given on the Column belongs to the column; a type's check to the table
        return isinstance(getattr(constraint, "parent", None), Column)

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

    @override_point
    def drop_column(self, op: DropColumnOp) -> None:
        """``DROP COLUMN``.

        **Called by:** :meth:`run`, for ``op.drop_column(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.DropColumnOp` to carry out.

        **Return:** ``None``.
        """
        from mig.ddl.constructs import DropColumn

        self.execute(DropColumn(op.table_name, op.column_name, schema=op.schema,
                                if_exists=bool(op.if_exists)))

    @override_point
    def alter_column(self, op: AlterColumnOp) -> None:
        """Change a column: one statement per change (nullability, default, type, comment, then the name).

        **Called by:** :meth:`run`, for ``op.alter_column(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.AlterColumnOp` to carry out.

        **Return:** ``None``.
        """
        from mig.ddl import constructs as c

        if op.server_default is None:
            self.check_default_removal(op)
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
                                      using=self.type_change_using(op), **existing))
        if op.comment is not False:
            self.execute(c.ColumnComment(name, op.column_name, op.comment if isinstance(op.comment, str) else None, schema, **existing))
        if op.new_column_name is not None:
            self.execute(c.ColumnName(name, op.column_name, op.new_column_name, schema, **existing))

    @override_point
    def check_default_removal(self, op: AlterColumnOp) -> None:
        """Refuse ``alter_column(server_default=None)`` on a computed or identity column.

        ``DROP DEFAULT`` is wrong there: such a column has no default, and
        the database refuses the statement or (where the column is restated
        whole) the column would silently lose what it is. What the column
        is comes from ``existing_server_default`` (an ``sa.Computed`` or
        ``sa.Identity``) or, online when that is not given, from the
        database (SQLAlchemy's ``Inspector``). Offline without
        ``existing_server_default`` nothing can be known, and ``DROP
        DEFAULT`` is written as asked.

        **Called by:** :meth:`alter_column` (and dialects' own
        ``alter_column``) before they write a ``DROP DEFAULT``. A dialect
        that removes identity itself (PostgreSQL: ``DROP IDENTITY`` for
        ``existing_server_default=sa.Identity()``) does so before calling it.

        :param op: the :class:`mig.ops.AlterColumnOp`, with ``server_default=None``.

        **Return:** ``None`` when removing the default is sound; otherwise a
        :class:`mig.errors.OperationError` is raised saying what the column
        is and what to do instead.
        """
        from sqlalchemy import Computed, Identity

        existing = op.existing_server_default
        source = "existing_server_default"
        kind: str | None = None
        if isinstance(existing, Computed):
            kind = "computed"
        elif isinstance(existing, Identity):
            kind = "identity"
        elif existing is False and not self.as_sql and self.connection is not None:
            kind, source = self._reflected_generated_kind(op), "the database"
        if kind is None:
            return
        if kind == "computed":
            what = "a computed column (sa.Computed, GENERATED ALWAYS AS ...)"
            advice = ("leave server_default out; to change or stop the computation, drop the column "
                      "and add it again")
        else:
            what = "an identity column (sa.Identity, GENERATED ... AS IDENTITY)"
            advice = ("to drop the identity, give existing_server_default=sa.Identity() with "
                      "server_default=None" if cap.IDENTITY in self.capabilities
                      else "leave server_default out")
        raise OperationError(
            f"{op.describe()}: server_default=None removes a column default, but the column is "
            f"{what} (known from {source}), which has no default to drop; {advice}")

    def _reflected_generated_kind(self, op: AlterColumnOp) -> str | None:
        """``"computed"``, ``"identity"`` or ``None``: what the live column is."""
        from sqlalchemy import inspect
        from sqlalchemy.exc import NoSuchTableError

        assert self.connection is not None
        try:
            columns = inspect(self.connection).get_columns(op.table_name, schema=op.schema)
        except NoSuchTableError:
            return None
        for column in columns:
            if column["name"] == op.column_name:
                if column.get("computed"):
                    return "computed"
                if column.get("identity"):
                    return "identity"
        return None

    @override_point
    def create_index(self, op: CreateIndexOp) -> None:
        """``CREATE INDEX``.

        **Called by:** :meth:`run`, for ``op.create_index(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.CreateIndexOp` to carry out.

        **Return:** ``None``.
        """
        from sqlalchemy.schema import CreateIndex

        from mig.ddl.schemaobj import index

        idx = index(op.index_name, op.table_name, op.columns, schema=op.schema, unique=op.unique,
                    metadata=self.new_metadata(), **dict(op.kw))
        self.execute(CreateIndex(idx, if_not_exists=bool(op.if_not_exists)))

    @override_point
    def drop_index(self, op: DropIndexOp) -> None:
        """``DROP INDEX``.

        **Called by:** :meth:`run`, for ``op.drop_index(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.DropIndexOp` to carry out.

        **Return:** ``None``.
        """
        from sqlalchemy.schema import DropIndex

        from mig.ddl.schemaobj import index

        idx = index(op.index_name, op.table_name, (), schema=op.schema, metadata=self.new_metadata(),
                    **dict(op.kw))
        self.execute(DropIndex(idx, if_exists=bool(op.if_exists)))

    @override_point
    def create_unique_constraint(self, op: CreateUniqueConstraintOp) -> None:
        """Add a ``UNIQUE`` constraint to an existing table.

        **Called by:** :meth:`run`, for ``op.create_unique_constraint(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.CreateUniqueConstraintOp` to carry out.

        **Return:** ``None``.
        """
        from sqlalchemy.schema import AddConstraint

        from mig.ddl.schemaobj import unique_constraint

        self.execute(AddConstraint(unique_constraint(op.constraint_name, op.table_name, op.columns,
                                                     schema=op.schema, metadata=self.new_metadata(),
                                                     **dict(op.kw))))

    @override_point
    def create_foreign_key(self, op: CreateForeignKeyOp) -> None:
        """Add a ``FOREIGN KEY`` constraint to an existing table.

        **Called by:** :meth:`run`, for ``op.create_foreign_key(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.CreateForeignKeyOp` to carry out.

        **Return:** ``None``.
        """
        from sqlalchemy.schema import AddConstraint

        from mig.ddl.schemaobj import foreign_key

        fk = foreign_key(op.constraint_name, op.source_table, op.referent_table, op.local_cols,
                         op.remote_cols, source_schema=op.source_schema,
                         referent_schema=op.referent_schema, onupdate=op.onupdate,
                         ondelete=op.ondelete, deferrable=op.deferrable, initially=op.initially,
                         match=op.match, metadata=self.new_metadata(), **dict(op.kw))
        self.execute(AddConstraint(fk))

    @override_point
    def create_check_constraint(self, op: CreateCheckConstraintOp) -> None:
        """Add a ``CHECK`` constraint to an existing table.

        **Called by:** :meth:`run`, for ``op.create_check_constraint(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.CreateCheckConstraintOp` to carry out.

        **Return:** ``None``.
        """
        from sqlalchemy.schema import AddConstraint

        from mig.ddl.schemaobj import check_constraint

        self.execute(AddConstraint(check_constraint(op.constraint_name, op.table_name, op.condition,
                                                    schema=op.schema, metadata=self.new_metadata(),
                                                    **dict(op.kw))))

    @override_point
    def create_primary_key(self, op: CreatePrimaryKeyOp) -> None:
        """Add a ``PRIMARY KEY`` constraint to an existing table.

        **Called by:** :meth:`run`, for ``op.create_primary_key(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.CreatePrimaryKeyOp` to carry out.

        **Return:** ``None``.
        """
        from sqlalchemy.schema import AddConstraint

        from mig.ddl.schemaobj import primary_key

        self.execute(AddConstraint(primary_key(op.constraint_name, op.table_name, op.columns,
                                               schema=op.schema, metadata=self.new_metadata(),
                                               **dict(op.kw))))

    @override_point
    def drop_constraint(self, op: DropConstraintOp) -> None:
        """Drop a named constraint.

        **Called by:** :meth:`run`, for ``op.drop_constraint(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.DropConstraintOp` to carry out.

        **Return:** ``None``.
        """
        from sqlalchemy.schema import DropConstraint

        from mig.ddl.schemaobj import constraint_stub

        cons = constraint_stub(op.constraint_name, op.table_name, op.type_, schema=op.schema,
                               metadata=self.new_metadata())
        self.execute(DropConstraint(cons, if_exists=bool(op.if_exists)))

    @override_point
    def create_table_comment(self, op: CreateTableCommentOp) -> None:
        """Set a table's comment.

        **Called by:** :meth:`run`, for ``op.create_table_comment(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.CreateTableCommentOp` to carry out.

        **Return:** ``None``.
        """
        from sqlalchemy.schema import SetTableComment

        from mig.ddl.schemaobj import table

        self.execute(SetTableComment(table(op.table_name, schema=op.schema, comment=op.comment)))

    @override_point
    def drop_table_comment(self, op: DropTableCommentOp) -> None:
        """Remove a table's comment.

        **Called by:** :meth:`run`, for ``op.drop_table_comment(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.DropTableCommentOp` to carry out.

        **Return:** ``None``.
        """
        from sqlalchemy.schema import DropTableComment

        from mig.ddl.schemaobj import table

        self.execute(DropTableComment(table(op.table_name, schema=op.schema)))

    @override_point
    def bulk_insert(self, op: BulkInsertOp) -> None:
        """Insert rows: online one executemany (or one ``INSERT`` per row), offline one ``INSERT`` per row with the values inline.

        **Called by:** :meth:`run`, for ``op.bulk_insert(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.BulkInsertOp` to carry out.

        **Return:** ``None``.
        """
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

    @override_point
    def execute_sql(self, op: ExecuteSQLOp) -> Any:
        """Run SQL a script gives as text or as a SQLAlchemy statement.

        **Called by:** :meth:`run`, for ``op.execute(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.ExecuteSQLOp` to carry out.

        **Return:** online the statement's result; offline ``None``.
        """
        sqltext = op.sqltext
        if isinstance(sqltext, str) and not self.as_sql:
            sqltext = _text(sqltext)
        return self.execute(sqltext, execution_options=op.execution_options)

    @override_point
    def batch_alter_table(self, op: BatchAlterTableOp) -> None:
        """Carry out a ``batch_alter_table`` block: through the batch strategy registered for this dialect (or ``move-and-copy`` for ``recreate='always'``), else its operations one by one.

        **Called by:** :meth:`run`, for ``op.batch_alter_table(...)`` in a script or a batch.

        :param op: the :class:`mig.ops.BatchAlterTableOp` to carry out.

        **Return:** ``None``.
        """
        from mig import plugins
        from mig.ddl.batch import load_strategy

        if op.recreate == "always":
            strategies = plugins.batch_strategies()
            reg = strategies.get("move-and-copy")
            if reg is None:
                from mig.errors import NotSupportedError

                raise NotSupportedError(
                    "batch_alter_table(recreate='always') needs the 'move-and-copy' batch strategy: "
                    "pip install mig-sqlite-batch"
                )
            load_strategy(reg.item)(self).run(op)
            return
        spec = plugins.batch_strategy_for(self.name)
        if spec is not None:
            load_strategy(spec)(self).run(op)
            return
        for inner in op.operations:
            self.run(inner)

    # -- batch move-and-copy: what differs by dialect ----------------------------------
    #
    # The move-and-copy (the "move-and-copy" batch strategy of mig-sqlite-batch, run with
    # recreate="always" on databases with a full ALTER TABLE) knows no database: it asks
    # these methods. Each default suits a database that keeps constraint and index names
    # per table and has no counters to carry over.

    @override_point
    def type_change_using(self, op: AlterColumnOp) -> Any:
        """The SQL expression that converts a column's values when ``alter_column`` changes its type.

        **Called by:** :meth:`alter_column` (the ``USING`` clause of ``ALTER
        COLUMN ... TYPE``, where the dialect's SQL has one) and the
        move-and-copy, which then fills the column from this expression
        instead of from the old column.

        :param op: the :class:`mig.ops.AlterColumnOp`; ``op.kw`` holds the
            script's dialect options.

        **Return:** SQL text or a ``text()`` clause; ``None`` when the values
        are converted as they are (the default: no option names an
        expression). PostgreSQL returns the script's ``postgresql_using``.
        """
        return None

    @override_point
    def batch_names_to_free(self, moved: Table, table_name: str) -> list[Any]:
        """The constraints and indexes of the table moved aside whose names the new table needs.

        **Called by:** the move-and-copy, after it renamed the old table to a
        temporary name and before it creates the new table under the final
        name. It drops each object returned from the old table (``DROP
        CONSTRAINT`` / ``DROP INDEX``) and, where DDL is not transactional,
        adds it back if the batch fails. A database that keeps such names per
        schema, not per table, returns the objects whose names would clash.

        :param moved: the old table under its temporary name, with its
            constraints and indexes; built for this call, so the dialect may
            give an unnamed constraint the name the database gave it.
        :param table_name: the table's own (final) name.

        **Return:** ``Constraint`` and ``Index`` objects of ``moved``, in the
        order to drop them (default: an empty list).
        """
        return []

    @override_point
    def batch_new_table(self, table: Table) -> None:
        """Adjust the new table of a move-and-copy before it is created.

        **Called by:** the move-and-copy, after it built the new table from
        the old one and the batch's operations, right before ``CREATE TABLE``.

        :param table: the new table under its final name; the dialect may
            replace a column (``table.append_column(column, replace_existing=True)``).

        **Return:** ``None`` (the default changes nothing). PostgreSQL keeps
        the old table's serial sequence instead of creating a new one.
        """

    @override_point
    def batch_copy_statement(self, statement: Any, table: Table, copied: Sequence[str]) -> Any:
        """The statement that copies the rows of the old table into the new one.

        **Called by:** the move-and-copy, once, after it created the new table.

        :param statement: the ``INSERT INTO <new> (...) SELECT ... FROM <old>``
            the move-and-copy built (SQLAlchemy ``Insert``).
        :param table: the new table.
        :param copied: the names of the new table's columns the statement fills.

        **Return:** the statement to execute (default: ``statement`` itself).
        PostgreSQL adds ``OVERRIDING SYSTEM VALUE`` for ``GENERATED ALWAYS``
        identity columns.
        """
        return statement

    @override_point
    def batch_after_copy(self, table: Table, copied: Sequence[str]) -> None:
        """Carry the table's counters over to the new table after its rows were copied.

        **Called by:** the move-and-copy, right after the row copy and before
        it creates the indexes and drops the old table.

        :param table: the new table.
        :param copied: the names of the new table's columns filled from the old table.

        **Return:** ``None`` (the default does nothing: MySQL's
        ``AUTO_INCREMENT`` continues by itself). PostgreSQL hands serial
        sequences to the new table and moves identity counters past the copied rows.
        """


def _type_creates_check(type_: Any, dialect: Any) -> bool:
    """Whether the CHECK a column's type adds to its table is created on this dialect (SQLAlchemy
    creates it where the database has no native type: ``Boolean``, non-native ``Enum``)."""
    from sqlalchemy import Boolean, Enum

    type_ = getattr(type_, "impl_instance", type_)
    if isinstance(type_, Enum):
        return bool(type_.create_constraint) and not (type_.native_enum and dialect.supports_native_enum)
    if isinstance(type_, Boolean):
        return bool(type_.create_constraint) and not dialect.supports_native_boolean
    return True


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


_UNSET: Any = object()
_NO_CACHE: dict[type, Any] = {}


def _tidy(sql: str) -> str:
    """Compiled DDL as offline output writes it: tabs as four spaces, no trailing blanks."""
    sql = sql.replace("\t", "    ").strip()
    if " \n" in sql:
        sql = "\n".join(line.rstrip() for line in sql.split("\n"))
    return sql


def _text(sql: str) -> Any:
    from sqlalchemy import text

    return text(sql)
