"""``PostgresqlImpl``: mig's operations on PostgreSQL.

What it adds to the generic implementation:

* **Enum types**: ``create_table`` and ``add_column`` create the named
  native enum types of their columns first (online only when missing;
  offline once per run; never for ``postgresql.ENUM(..., create_type=False)``).
  ``drop_table`` and ``drop_column`` drop only the table or column, as
  Alembic's do: a downgrade drops the type itself
  (``op.execute("DROP TYPE mood")`` or ``op.drop_enum_type("mood")``).
* **Sequences** a column names (``sa.Column("id", sa.Integer, sa.Sequence("s"))``)
  are created with the table or column (``CREATE SEQUENCE IF NOT EXISTS``).
* **Identity columns**: ``alter_column(server_default=sa.Identity(...))`` adds
  identity to a column, or changes its options when ``existing_server_default``
  is an ``Identity`` too; ``server_default=None`` with an ``Identity`` as
  ``existing_server_default`` drops it.
* ``alter_column(type_=..., postgresql_using="expr")`` writes ``USING expr``;
  a changed type that is a new enum type is created first.
* ``CREATE INDEX CONCURRENTLY`` / ``DROP INDEX CONCURRENTLY``
  (``postgresql_concurrently=True``) run outside the run's transaction, in its
  autocommit block: online in autocommit mode, offline between ``COMMIT`` and
  ``BEGIN``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ClassVar

from mig.ddl import capabilities as cap
from mig.ddl.contract import override_point
from mig.ddl.impl import DialectImpl
from mig.errors import NoContextError, OperationError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Column, Table
    from sqlalchemy.engine import Connection
    from sqlalchemy.types import TypeEngine

    from mig.ops import (
        AddColumnOp,
        AlterColumnOp,
        CreateIndexOp,
        CreateTableOp,
        DropIndexOp,
        ExecuteSQLOp,
    )

#: SQLSTATE of "column cannot be cast automatically to type ...".
_DATATYPE_MISMATCH = "42804"

_IDENTITY_OPTIONS = ("start", "increment", "minvalue", "maxvalue", "cycle", "cache")


class PostgresqlImpl(DialectImpl):
    """Operations on PostgreSQL (>= 10; transactional DDL)."""

    name: ClassVar[str] = "postgresql"
    display_name: ClassVar[str] = "PostgreSQL"
    #: PostgreSQL can do everything the conformance suite asks without a batch.
    capabilities: ClassVar[frozenset[str]] = frozenset({
        cap.TRANSACTIONAL_DDL,
        cap.ALTER_COLUMN_TYPE,
        cap.ALTER_COLUMN_NULLABLE,
        cap.ALTER_COLUMN_DEFAULT,
        cap.RENAME_COLUMN,
        cap.DROP_COLUMN,
        cap.ADD_CONSTRAINT,
        cap.DROP_CONSTRAINT,
        cap.CHECK_CONSTRAINTS,
        cap.COMMENTS,
        cap.SCHEMAS,
        cap.EXPRESSION_INDEXES,
        cap.PARTIAL_INDEXES,
        cap.IF_EXISTS,
        cap.NATIVE_ENUM,
        cap.SEQUENCES,
        cap.IDENTITY,
    })

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Enum types this run created or dropped: ``(schema, name)`` -> exists.
        self._enum_types: dict[tuple[str | None, str], bool] = {}

    # -- outside the transaction --------------------------------------------------------

    @contextmanager
    @override_point
    def outside_transaction(self) -> Iterator[None]:
        """Run the block outside the run's transaction (``CONCURRENTLY``, ``ADD VALUE`` on PG < 12).

        **Called by:** PostgreSQL's index and enum operations. Inside a mig
        run this is the migration context's autocommit block: online it
        commits, switches the connection to autocommit and begins again
        afterwards; offline it writes ``COMMIT`` before the block and
        ``BEGIN`` after it. Driven directly (no run), the block just runs.

        **Return:** a context manager.
        """
        from mig import context

        try:
            migration_context = context.get_context()
        except NoContextError:
            migration_context = None
        if migration_context is None or migration_context.impl is not self:
            yield
            return
        with migration_context.autocommit_block():
            yield

    # -- the migration lock: an advisory lock on a session of its own (mig_postgresql.lock) ----

    def acquire_migration_lock(self, connection: Connection, key: str, timeout: float) -> Any:
        """A session-level advisory lock on a dedicated autocommit session, polled with
        ``pg_try_advisory_lock`` until ``timeout`` runs out (see :mod:`mig_postgresql.lock`)."""
        from mig_postgresql import lock

        session = lock.acquire(connection.engine, key, timeout)
        return None if session is None else (session, key)

    def release_migration_lock(self, handle: Any) -> None:
        from mig_postgresql import lock

        session, key = handle
        lock.release(session, key)

    def offline_migration_lock(self, key: str, timeout: float, *,
                               one_transaction: bool) -> tuple[list[str], list[str]] | None:
        """``pg_advisory_xact_lock`` in a one-transaction file (released by its ``COMMIT``), else
        ``pg_advisory_lock`` / ``pg_advisory_unlock`` around the steps; the same lock as online."""
        from mig_postgresql import lock

        ident = lock.lock_id(key)
        if one_transaction:
            return [f"SELECT pg_advisory_xact_lock({ident})"], []
        return [f"SELECT pg_advisory_lock({ident})"], [f"SELECT pg_advisory_unlock({ident})"]

    def describe_lock_holder(self, connection: Connection, key: str) -> str | None:
        from mig_postgresql import lock

        return lock.holder(connection, key)

    # -- types and sequences go with the tables and columns that use them -------------

    def create_table(self, op: CreateTableOp) -> Any:
        from sqlalchemy import Column

        self._create_column_objects([c for c in op.columns if isinstance(c, Column)])
        return super().create_table(op)

    def add_column(self, op: AddColumnOp) -> None:
        self._create_column_objects([op.column])
        super().add_column(op)

    def _create_column_objects(self, columns: Iterable[Column[Any]]) -> None:
        from sqlalchemy import Sequence
        from sqlalchemy.schema import CreateSequence

        for column in columns:
            enum = _native_enum(column.type, self.dialect)
            if enum is not None:
                self._ensure_enum(enum)
            default = column.default
            if isinstance(default, Sequence) and not default.optional:
                self.execute(CreateSequence(default, if_not_exists=True))

    @override_point
    def remember_enum_type(self, name: str, schema: str | None) -> None:
        """Note that this run created enum type ``schema.name``.

        **Called by:** ``create_table`` / ``add_column`` and ``op.create_enum_type``.

        :param name: the type's name.
        :param schema: its schema (``None``: the default).

        **Return:** ``None``.
        """
        self._enum_types[(schema, name)] = True

    @override_point
    def forget_enum_type(self, name: str, schema: str | None) -> None:
        """Note that this run dropped enum type ``schema.name``.

        **Called by:** ``op.drop_enum_type``, so that a later ``create_table`` of the
        run creates the type again (offline, where the catalog cannot be asked).

        :param name: the type's name.
        :param schema: its schema (``None``: the default).

        **Return:** ``None``.
        """
        self._enum_types[(schema, name)] = False

    def _ensure_enum(self, enum: Any) -> None:
        from sqlalchemy.dialects.postgresql import CreateEnumType

        key = (enum.schema, enum.name)
        if self._enum_types.get(key):
            return
        if (not self.as_sql and self.connection is not None
                and _pg_inspector(self.connection).has_type(enum.name, schema=enum.schema)):
            self._enum_types[key] = True
            return
        super().execute(CreateEnumType(enum))
        self._enum_types[key] = True

    def execute_sql(self, op: ExecuteSQLOp) -> Any:
        """As the generic impl; an enum type the script's own SQL creates or drops
        (``op.execute("CREATE TYPE mood AS ENUM (...)")``, ``DROP TYPE``, or SQLAlchemy's
        ``CreateEnumType`` / ``DropEnumType``) is noted, so that offline a later ``create_table``,
        ``add_column`` or ``alter_column`` does not write the type a second time."""
        result = super().execute_sql(op)
        for name, schema, exists in _enum_types_in(op.sqltext):
            self._enum_types[(schema, name)] = exists
        return result

    # -- SQLAlchemy's DDL events ------------------------------------------------------

    def table_ddl_event(self, event: str, table: Table) -> None:
        """As the generic impl, except that online ``before_create`` passes ``checkfirst=True``:
        SQLAlchemy's listener for a native enum column then creates the type only if it is missing
        (``create_table`` made sure of it just before), and offline :meth:`ddl_event_statement`
        leaves out the types the run created already."""
        if event == "before_create" and not self.as_sql:
            table.dispatch.before_create(table, self.ddl_event_connection(), checkfirst=True)
            return
        super().table_ddl_event(event, table)

    def ddl_event_statement(self, construct: Any) -> None:
        """Offline, an enum type's ``CREATE TYPE`` from SQLAlchemy's listener is written once per run."""
        from sqlalchemy.dialects.postgresql import CreateEnumType

        if isinstance(construct, CreateEnumType):
            enum = construct.element
            key = (enum.schema, enum.name)
            if self._enum_types.get(key):
                return
            self._enum_types[key] = True
        super().ddl_event_statement(construct)

    def alter_column(self, op: AlterColumnOp) -> None:
        """Identity changes first, a new enum type before the type change, then the generic statements."""
        from sqlalchemy import Identity

        if isinstance(op.server_default, Identity) or (
                op.server_default is None and isinstance(op.existing_server_default, Identity)):
            self._alter_identity(op)
            op = dataclasses.replace(op, server_default=False)
        if op.type_ is not None:
            enum = _native_enum(op.type_, self.dialect)
            if enum is not None:
                self._ensure_enum(enum)
        if not op.has_changes():
            return
        new_default: Any = False
        if op.type_ is not None and op.server_default is not False:
            # The old default may not convert to the new type: drop it, change the type,
            # then set the new default.
            from mig.ddl.constructs import ColumnDefault

            if op.server_default is None:
                self.check_default_removal(op)

            self.execute(ColumnDefault(op.table_name, op.column_name, None, op.schema))
            new_default, op = op.server_default, dataclasses.replace(op, server_default=False)
        try:
            super().alter_column(op)
        except Exception as exc:
            if op.type_ is None or getattr(getattr(exc, "orig", None), "sqlstate", None) != _DATATYPE_MISMATCH:
                raise
            raise OperationError(self._type_change_advice(op, exc)) from exc
        if new_default is not False and new_default is not None:
            from mig.ddl.constructs import ColumnDefault

            self.execute(ColumnDefault(op.table_name, op.column_name, new_default, op.schema))

    def _type_change_advice(self, op: AlterColumnOp, exc: BaseException) -> str:
        assert op.type_ is not None
        type_sql = self.dialect.type_compiler_instance.process(op.type_)
        cause = str(getattr(exc, "orig", exc)).splitlines()[0]
        where = f"alter_column {op.describe().split(' ', 1)[1]}"
        if "default for column" in cause:
            return (f"{where}: the column's server default cannot be converted to {type_sql} ({cause}); "
                    f"give the new default (or None) as server_default= in the same alter_column")
        return (f"{where}: PostgreSQL cannot convert the existing values to {type_sql} by itself "
                f"({cause}); say how with postgresql_using=\"{op.column_name}::{type_sql}\" "
                f"or another expression")

    def _alter_identity(self, op: AlterColumnOp) -> None:
        from sqlalchemy import Identity

        from mig.ddl.constructs import format_table_name
        from mig_postgresql.ops import sql_text

        preparer = self.dialect.identifier_preparer
        compiler = self.dialect.ddl_compiler(self.dialect, None)  # type: ignore[arg-type]
        head = (f"ALTER TABLE {format_table_name(compiler, op.table_name, op.schema)} "
                f"ALTER COLUMN {preparer.quote(op.column_name)}")
        new, old = op.server_default, op.existing_server_default
        if new is None:
            self.execute(sql_text(f"{head} DROP IDENTITY"))
            return
        assert isinstance(new, Identity)
        if not isinstance(old, Identity):
            options = compiler.get_identity_options(new)
            kind = "ALWAYS" if new.always else "BY DEFAULT"
            self.execute(sql_text(f"{head} ADD GENERATED {kind} AS IDENTITY"
                                  + (f" ({options})" if options else "")))
            return
        changes: list[str] = []
        if bool(new.always) != bool(old.always):
            changes.append("SET GENERATED " + ("ALWAYS" if new.always else "BY DEFAULT"))
        for key in _IDENTITY_OPTIONS:
            value, before = getattr(new, key, None), getattr(old, key, None)
            if value == before or value is None:
                continue
            if key == "start":
                changes.append(f"SET START WITH {value}")
            elif key == "increment":
                changes.append(f"SET INCREMENT BY {value}")
            elif key == "cycle":
                changes.append("SET CYCLE" if value else "SET NO CYCLE")
            else:
                changes.append(f"SET {key.upper()} {value}")
        if changes:
            self.execute(sql_text(f"{head} {' '.join(changes)}"))

    # -- data ----------------------------------------------------------------------------

    def offline_literal(self, value: Any, kind: str) -> Any:
        """Offline bytes as ``decode('<hex>', 'hex')`` (PostgreSQL has no ``X'..'`` bytea literal)."""
        if kind == "binary":
            from sqlalchemy import func

            return func.decode(bytes(value).hex(), "hex")
        return super().offline_literal(value, kind)

    # -- indexes -------------------------------------------------------------------------

    def create_index(self, op: CreateIndexOp) -> None:
        """``CREATE INDEX``; ``postgresql_concurrently`` runs it outside the transaction."""
        if op.kw.get("postgresql_concurrently"):
            with self.outside_transaction():
                self._create_index(op)
        else:
            self._create_index(op)

    def _create_index(self, op: CreateIndexOp) -> None:
        from sqlalchemy.schema import CreateIndex

        from mig.ddl.schemaobj import column_for, index

        idx = index(op.index_name, op.table_name, op.columns, schema=op.schema, unique=op.unique,
                    metadata=self.new_metadata(), **dict(op.kw))
        for included in op.kw.get("postgresql_include") or ():
            if isinstance(included, str) and idx.table is not None:
                column_for(idx.table, included)
        self.execute(CreateIndex(idx, if_not_exists=bool(op.if_not_exists)))

    def drop_index(self, op: DropIndexOp) -> None:
        if op.kw.get("postgresql_concurrently"):
            with self.outside_transaction():
                super().drop_index(op)
        else:
            super().drop_index(op)

    # -- batch move-and-copy: what differs on PostgreSQL -------------------------------

    def type_change_using(self, op: AlterColumnOp) -> Any:
        """``postgresql_using=``: the expression ``USING`` (and a batch's copy) converts the values with."""
        return op.kw.get("postgresql_using")

    def batch_names_to_free(self, moved: Table, table_name: str) -> list[Any]:
        """Foreign keys, then the primary key and unique constraints (their indexes are named per
        schema), then the indexes; unnamed constraints by the names PostgreSQL gave them."""
        from sqlalchemy import ForeignKeyConstraint, UniqueConstraint
        from sqlalchemy.schema import conv

        def by_name(items: Iterable[Any]) -> list[Any]:
            return sorted(items, key=lambda item: (str(item.name or ""), [c.name for c in item.columns]))

        found: list[Any] = by_name(c for c in moved.constraints
                                   if isinstance(c, ForeignKeyConstraint) and c.name)
        pk = moved.primary_key
        if pk is not None and len(pk.columns):
            if not pk.name:
                pk.name = conv(f"{table_name}_pkey"[:63])
            found.append(pk)
        for unique in by_name(c for c in moved.constraints if isinstance(c, UniqueConstraint)
                              and c is not pk):
            if not unique.name:
                columns = "_".join(c.name for c in unique.columns)
                unique.name = conv(f"{table_name}_{columns}_key"[:63])
            found.append(unique)
        found.extend(by_name(i for i in moved.indexes if i.name))
        return found

    def batch_new_table(self, table: Table) -> None:
        """Serial columns keep the old table's sequence: a reflected ``DEFAULT nextval(...)`` stays
        as it is, and an integer key SQLAlchemy would write as ``SERIAL`` (a ``copy_from`` table
        offline) gets ``DEFAULT nextval('<table>_<column>_seq')``, the sequence PostgreSQL made."""
        from sqlalchemy import Column, DefaultClause, Integer, text

        pk = list(table.primary_key.columns)
        for column in list(table.columns):
            default = column.server_default
            if isinstance(default, DefaultClause) and _nextval(default) is not None \
                    and column.autoincrement is True:
                new_default: Any = DefaultClause(default.arg)
            elif (len(pk) == 1 and column is pk[0] and default is None and column.identity is None
                  and column.computed is None and column.autoincrement in ("auto", True)
                  and isinstance(column.type, Integer)):
                new_default = text(f"nextval('{table.name}_{column.name}_seq'::regclass)")
            else:
                continue
            table.append_column(Column(column.name, column.type, primary_key=column.primary_key,
                                       nullable=column.nullable, comment=column.comment,
                                       server_default=new_default, autoincrement=False),
                                replace_existing=True)

    def batch_copy_statement(self, statement: Any, table: Table, copied: Sequence[str]) -> Any:
        """``GENERATED ALWAYS AS IDENTITY`` columns take the copied values only with
        ``OVERRIDING SYSTEM VALUE``."""
        if not any(c.identity is not None and getattr(c.identity, "always", False)
                   for c in table.columns if c.name in copied):
            return statement
        from sqlalchemy import text

        sql = self.render(statement).replace(") SELECT ", ") OVERRIDING SYSTEM VALUE SELECT ", 1)
        return text(sql)

    def batch_after_copy(self, table: Table, copied: Sequence[str]) -> None:
        """Serial sequences become the new table's (``OWNED BY``, so dropping the old table keeps
        them); identity counters continue after the copied rows."""
        from sqlalchemy import text

        quote = self.dialect.identifier_preparer.quote
        qual = f"{quote(table.schema)}.{quote(table.name)}" if table.schema else quote(table.name)
        for column in table.columns:
            sequence = _nextval(column.server_default)
            if sequence is not None:
                self.execute(text(f"ALTER SEQUENCE {sequence} OWNED BY {qual}.{quote(column.name)}"))
            if column.identity is not None and column.name in copied:
                name = quote(column.name)
                table_literal = qual.replace("'", "''")
                self.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table_literal}', '{column.name}'), "
                    f"COALESCE((SELECT max({name}) FROM {qual}), 1), "
                    f"(SELECT max({name}) FROM {qual}) IS NOT NULL)"))


_NEXTVAL = re.compile(r"nextval\('([^']+)'(?:::regclass)?\)", re.IGNORECASE)


def _nextval(default: Any) -> str | None:
    """The sequence a ``DEFAULT nextval('seq'::regclass)`` server default draws from, or ``None``."""
    arg = getattr(default, "arg", default)
    sql = getattr(arg, "text", arg)
    if isinstance(sql, str):
        match = _NEXTVAL.search(sql)
        if match:
            return match.group(1)
    return None


def _pg_inspector(connection: Any) -> Any:
    """SQLAlchemy's PostgreSQL ``Inspector`` (``has_type`` is its own, not the base class's)."""
    from sqlalchemy import inspect

    return inspect(connection)


def _native_enum(type_: TypeEngine[Any], dialect: Any) -> Any:
    """The named native enum type behind ``type_`` (also inside ARRAY and TypeDecorator), or ``None``."""
    from sqlalchemy import ARRAY, Enum
    from sqlalchemy.types import TypeDecorator

    if isinstance(type_, TypeDecorator):
        type_ = type_.load_dialect_impl(dialect)
    if isinstance(type_, ARRAY):
        return _native_enum(type_.item_type, dialect)
    if isinstance(type_, Enum) and type_.native_enum and type_.name:
        if getattr(type_, "create_type", True) is False:
            return None
        return type_
    return None


_ENUM_DDL = re.compile(
    r"^\s*(CREATE|DROP)\s+TYPE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?((?:\"[^\"]+\"|[\w$]+)(?:\.(?:\"[^\"]+\"|[\w$]+))?"
    r"(?:\s*,\s*(?:\"[^\"]+\"|[\w$]+)(?:\.(?:\"[^\"]+\"|[\w$]+))?)*)(\s+AS\s+ENUM\b)?",
    re.IGNORECASE)


def _enum_types_in(sqltext: Any) -> list[tuple[str, str | None, bool]]:
    """``(name, schema, exists afterwards)`` of the enum types a script's statement creates or drops."""
    from sqlalchemy.dialects.postgresql import CreateEnumType, DropEnumType
    from sqlalchemy.sql.elements import TextClause

    if isinstance(sqltext, CreateEnumType | DropEnumType):
        return [(sqltext.element.name, sqltext.element.schema, isinstance(sqltext, CreateEnumType))]
    text = sqltext.text if isinstance(sqltext, TextClause) else sqltext
    if not isinstance(text, str):
        return []
    found = []
    for statement in text.split(";"):
        match = _ENUM_DDL.match(statement)
        if match is None or (match.group(1).upper() == "CREATE" and not match.group(3)):
            continue
        for qualified in match.group(2).split(","):
            parts = [p.strip().strip('"') for p in qualified.strip().split(".")]
            found.append((parts[-1], parts[0] if len(parts) == 2 else None, match.group(1).upper() == "CREATE"))
    return found
