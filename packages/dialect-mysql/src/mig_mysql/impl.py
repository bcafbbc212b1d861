"""``MySQLImpl``: mig's operations on MySQL and MariaDB.

What differs from the generic implementation:

* ``alter_column`` restates the whole column (``MODIFY``/``CHANGE COLUMN``);
  what the user did not ask to change comes from the ``existing_*``
  arguments or, online, from the live column (type exactly as the server
  spells it, character set, collation, default, ``ON UPDATE``,
  ``AUTO_INCREMENT``, comment). Offline, a missing ``existing_*`` argument
  is an :class:`~mig.errors.OfflineError` naming it. A rename alone is
  ``RENAME COLUMN`` and a default alone is ``ALTER COLUMN ... SET/DROP
  DEFAULT``: neither needs the column restated.
* constraints and indexes are dropped by their MySQL names
  (``DROP FOREIGN KEY``, ``DROP INDEX``, ``DROP PRIMARY KEY``, and
  ``DROP CONSTRAINT`` for checks, or ``DROP CHECK`` on MySQL 8.0.16-8.0.18);
* ``rename_table`` keeps the table in its schema (database);
* DDL is not transactional: each statement commits at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy.types import DateTime, to_instance

from mig.ddl import capabilities as cap
from mig.ddl.constructs import ColumnName
from mig.ddl.contract import override_point
from mig.ddl.impl import DialectImpl
from mig.errors import NotSupportedError, OfflineError, OperationError
from mig_mysql import live
from mig_mysql.ddl import (
    ColumnSpec,
    MySQLAlterColumnDefault,
    MySQLChangeColumn,
    MySQLDropConstraint,
    MySQLDropIndex,
    MySQLModifyColumn,
    MySQLRenameTable,
    MySQLTableComment,
)

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

    from mig.ops import (
        AddColumnOp,
        AlterColumnOp,
        CreateForeignKeyOp,
        CreateIndexOp,
        CreateTableCommentOp,
        CreateTableOp,
        DropConstraintOp,
        DropIndexOp,
        DropTableCommentOp,
        Operation,
        RenameTableOp,
    )

#: ``DropConstraintOp.type_`` -> what follows ``ALTER TABLE t DROP``.
_DROP_KIND = {"foreignkey": "FOREIGN KEY", "unique": "INDEX", "primary": "PRIMARY KEY"}
#: ``information_schema.TABLE_CONSTRAINTS.CONSTRAINT_TYPE`` -> ``DropConstraintOp.type_``.
_TYPE_OF = {"FOREIGN KEY": "foreignkey", "UNIQUE": "unique", "PRIMARY KEY": "primary",
            "CHECK": "check"}


def _qualified(table: str, schema: str | None) -> str:
    return f"{schema}.{table}" if schema else table


class MySQLImpl(DialectImpl):
    """Operations on MySQL (>= 5.7) and MariaDB (>= 10.2)."""

    name: ClassVar[str] = "mysql"
    display_name: ClassVar[str] = "MySQL"
    #: What MySQL and MariaDB can do without a batch (move-and-copy) operation.
    #: Not here: transactional DDL (every DDL statement commits), partial indexes,
    #: native enum *types*, sequences and identity columns, and expression indexes
    #: (MySQL >= 8.0.13 has them, MariaDB does not: the impl raises a clear
    #: error there).
    capabilities: ClassVar[frozenset[str]] = frozenset({
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
        cap.IF_EXISTS,
    })

    # -- what server are we talking to -------------------------------------------------

    @property
    @override_point
    def is_mariadb(self) -> bool:
        """Whether the server is MariaDB.

        **Called by:** the operations whose SQL differs between MySQL and MariaDB.

        **Return:** known online from the server; offline, from a ``mariadb://`` URL.
        """
        return bool(getattr(self.dialect, "is_mariadb", False))

    def _version(self) -> tuple[int, ...] | None:
        info = None if self.as_sql else self.dialect.server_version_info
        return tuple(int(p) for p in info[:3] if isinstance(p, int)) if info else None

    @override_point
    def supports_rename_column(self) -> bool:
        """Whether the server has ``RENAME COLUMN``.

        **Called by:** ``alter_column`` for a rename without other changes.

        **Return:** MySQL >= 8.0, MariaDB >= 10.5.2; ``True`` offline (the version is unknown).
        """
        version = self._version()
        if version is None:
            return True
        return version >= ((10, 5, 2) if self.is_mariadb else (8, 0, 0))

    def _can_set_default_alone(self, default: Any) -> bool:
        """Whether ``ALTER COLUMN ... SET DEFAULT`` can carry this default.

        MySQL takes only literals there; MariaDB also takes expressions.
        """
        if default is None or isinstance(default, str):
            return True
        return self.is_mariadb

    # -- the migration lock: GET_LOCK on a connection of its own (mig_mysql.lock) ----------

    def acquire_migration_lock(self, connection: Connection, key: str, timeout: float) -> Any:
        """``GET_LOCK(name, timeout)`` on a dedicated connection."""
        from mig_mysql import lock

        session = lock.acquire(connection.engine, key, timeout)
        return None if session is None else (session, key)

    def release_migration_lock(self, handle: Any) -> None:
        from mig_mysql import lock

        session, key = handle
        lock.release(session, key)

    def offline_migration_lock(self, key: str, timeout: float, *,
                               one_transaction: bool) -> tuple[list[str], list[str]] | None:
        """``GET_LOCK`` before the steps and ``RELEASE_LOCK`` after them (the same named lock as online).

        ``GET_LOCK`` answers 0 when ``timeout`` runs out, and a SQL client goes on: see docs/safety.md.
        """
        from mig_mysql import lock

        name = lock.lock_name(key).replace("'", "''")
        return [f"SELECT GET_LOCK('{name}', {max(0, int(timeout))})"], [f"SELECT RELEASE_LOCK('{name}')"]

    def describe_lock_holder(self, connection: Connection, key: str) -> str | None:
        from mig_mysql import lock

        return lock.holder(connection, key)

    # -- add_column ----------------------------------------------------------------------

    def inline_in_add_column(self, op: AddColumnOp, constraint: Any) -> bool:
        """As the generic impl, except a named check: MySQL's and MariaDB's column definition has no
        ``CONSTRAINT name CHECK (...)``, so it follows as ``ADD CONSTRAINT name CHECK (...)``."""
        from sqlalchemy import CheckConstraint

        if isinstance(constraint, CheckConstraint):
            compiler = self.dialect.ddl_compiler(self.dialect, None)  # type: ignore[arg-type]
            if str(compiler.process(constraint)).startswith("CONSTRAINT "):
                return False
        return super().inline_in_add_column(op, constraint)

    # -- alter_column --------------------------------------------------------------------

    def alter_column(self, op: AlterColumnOp) -> None:
        new_name = op.new_column_name if op.new_column_name not in (None, op.column_name) else None
        restate = (op.type_ is not None or op.nullable is not None or op.comment is not False
                   or op.autoincrement is not None)
        default_change = op.server_default is not False
        if not restate and not new_name and not default_change:
            return
        if op.server_default is None:
            self.check_default_removal(op)
        if not restate and (not default_change or self._can_set_default_alone(op.server_default)) \
                and (new_name is None or self.supports_rename_column()):
            if new_name is not None:
                self.execute(ColumnName(op.table_name, op.column_name, new_name, op.schema))
            if default_change:
                self.execute(MySQLAlterColumnDefault(op.table_name, new_name or op.column_name,
                                                     op.server_default, schema=op.schema))
            return
        spec = self.column_spec(op)
        if new_name is not None:
            self.execute(MySQLChangeColumn(op.table_name, op.column_name, new_name, spec,
                                           schema=op.schema))
        else:
            self.execute(MySQLModifyColumn(op.table_name, op.column_name, spec, schema=op.schema))

    @override_point
    def column_spec(self, op: AlterColumnOp) -> ColumnSpec:
        """The full column definition after an ``alter_column``, which MySQL must restate whole.

        **Called by:** ``alter_column`` when it writes ``MODIFY COLUMN`` / ``CHANGE COLUMN``.

        :param op: the :class:`mig.ops.AlterColumnOp`.

        **Return:** the change, then the ``existing_*`` values, then (online)
        the live column; offline a missing ``existing_*`` value is an
        :class:`mig.errors.OfflineError` naming it.
        """
        type_given = to_instance(op.type_) if op.type_ is not None else (
            to_instance(op.existing_type) if op.existing_type is not None else None)
        nullable_given = op.nullable if op.nullable is not None else op.existing_nullable
        default_given = (op.server_default if op.server_default is not False
                         else op.existing_server_default)
        if self.as_sql or self.connection is None:
            missing = []
            if type_given is None:
                missing.append("existing_type")
            if nullable_given is None:
                missing.append("existing_nullable")
            if default_given is False:
                missing.append("existing_server_default (None if the column has no default)")
            if missing:
                raise OfflineError(
                    f"alter_column {_qualified(op.table_name, op.schema)}.{op.column_name}: MySQL "
                    f"restates the whole column (ALTER TABLE ... MODIFY/CHANGE), and --sql mode "
                    f"cannot read it from the database; pass {', '.join(missing)} to "
                    f"op.alter_column"
                )
            assert type_given is not None and nullable_given is not None
            autoincrement = (op.autoincrement if op.autoincrement is not None
                             else bool(op.existing_autoincrement))
            comment = op.comment if op.comment is not False else op.existing_comment
            return ColumnSpec(nullable=nullable_given, type_=type_given,
                              default=default_given, autoincrement=autoincrement,
                              comment=comment if isinstance(comment, str) else None)

        current = live.read_column(self.connection, op.table_name, op.column_name, op.schema)
        if current is None:
            raise OperationError(
                f"alter_column: table {_qualified(op.table_name, op.schema)!r} has no column "
                f"{op.column_name!r}; check the names (MySQL table names are case-sensitive on "
                f"most systems)"
            )
        if op.comment is not False:
            comment = op.comment if isinstance(op.comment, str) else None
        else:
            comment = op.existing_comment if op.existing_comment is not None else current.comment
        autoincrement = (op.autoincrement if op.autoincrement is not None
                         else op.existing_autoincrement if op.existing_autoincrement is not None
                         else current.autoincrement)
        on_update = current.on_update
        if op.type_ is not None and not isinstance(type_given, DateTime):
            on_update = None  # ON UPDATE only exists for DATETIME/TIMESTAMP columns
        return ColumnSpec(
            nullable=nullable_given if nullable_given is not None else current.nullable,
            type_=type_given,
            raw_type=None if type_given is not None else current.column_type,
            charset=None if type_given is not None else current.charset,
            collation=None if type_given is not None else current.collation,
            default=current.default if default_given is False else default_given,
            autoincrement=autoincrement,
            comment=comment or None,
            on_update=on_update,
            generated=current.generated if type_given is None else None,
        )

    # -- constraints and indexes ------------------------------------------------------

    def create_index(self, op: CreateIndexOp) -> None:
        if self.is_mariadb and any(not isinstance(c, str) for c in op.columns):
            raise NotSupportedError(
                f"create_index {op.index_name}: MariaDB has no expression indexes; add a generated "
                f"column (sa.Column(..., sa.Computed('expression'))) and index that column instead"
            )
        super().create_index(op)

    def drop_index(self, op: DropIndexOp) -> None:
        table_name = op.table_name
        if table_name is None:
            connection = self.require_connection(
                f"drop_index {op.index_name} without table_name (MySQL's DROP INDEX needs the table)")
            tables = live.tables_with_index(connection, op.index_name, op.schema)
            if len(tables) != 1:
                where = f"tables {', '.join(tables)}" if tables else "no table"
                raise OperationError(
                    f"drop_index {op.index_name}: MySQL's DROP INDEX needs the table, and {where} "
                    f"has an index of that name; pass table_name=..."
                )
            table_name = tables[0]
        self.execute(MySQLDropIndex(op.index_name, table_name, schema=op.schema,
                                    if_exists=bool(op.if_exists)))

    def create_foreign_key(self, op: CreateForeignKeyOp) -> None:
        unsupported = [f"{name}={value!r}" for name, value in (
            ("deferrable", op.deferrable), ("initially", op.initially), ("match", op.match))
            if value is not None]
        if unsupported:
            raise NotSupportedError(
                f"create_foreign_key {op.constraint_name}: MySQL and MariaDB check foreign keys at "
                f"once and have no DEFERRABLE, INITIALLY or MATCH; remove {', '.join(unsupported)}"
            )
        super().create_foreign_key(op)

    def drop_constraint(self, op: DropConstraintOp) -> None:
        type_ = op.type_ or self._constraint_type(op)
        if type_ is None:  # if_exists=True and nothing of that name
            return
        if type_ == "check":
            # DROP CONSTRAINT: MariaDB (10.2+) and MySQL 8.0.19+; DROP CHECK only on MySQL 8.0.16-18.
            version = self._version()
            old_mysql = not self.is_mariadb and version is not None and version < (8, 0, 19)
            kind = "CHECK" if old_mysql else "CONSTRAINT"
        elif type_ in _DROP_KIND:
            kind = _DROP_KIND[type_]
        else:
            raise OperationError(
                f"drop_constraint {op.constraint_name}: unknown type_ {type_!r}; use 'foreignkey', "
                f"'unique', 'check' or 'primary'"
            )
        self.execute(MySQLDropConstraint(op.table_name, self._constraint_name(op, type_), kind,
                                         schema=op.schema, if_exists=bool(op.if_exists)))

    def _constraint_name(self, op: DropConstraintOp, type_: str) -> str:
        """The name as the naming convention of ``target_metadata`` makes it, as the generic
        ``DROP CONSTRAINT`` does: ``"price_positive"`` under ``"ck": "ck_%(table_name)s_%(constraint_name)s"``
        is ``ck_product_price_positive``."""
        from mig.ddl.schemaobj import constraint_stub

        stub = constraint_stub(op.constraint_name, op.table_name, type_, schema=op.schema,
                               metadata=self.new_metadata())
        return str(stub.name) if stub.name is not None else op.constraint_name

    def _constraint_type(self, op: DropConstraintOp) -> str | None:
        """``type_`` for a drop that did not give it, looked up by name online."""
        what = f"drop_constraint {op.constraint_name} on {_qualified(op.table_name, op.schema)}"
        if self.as_sql or self.connection is None:
            raise OfflineError(
                f"{what}: MySQL drops each kind of constraint differently and --sql mode cannot "
                f"look it up; pass type_='foreignkey', 'unique', 'check' or 'primary'"
            )
        found = live.constraint_types(self.connection, op.table_name, op.constraint_name, op.schema)
        kinds = sorted({_TYPE_OF[t] for t in found if t in _TYPE_OF})
        if len(kinds) == 1:
            return kinds[0]
        if not kinds:
            if op.if_exists:
                return None
            raise OperationError(
                f"{what}: no constraint of that name exists; check the name, or pass "
                f"type_=... and if_exists=True"
            )
        raise OperationError(
            f"{what}: the name is used by several constraints ({', '.join(kinds)}); pass type_=..."
        )

    # -- IF [NOT] EXISTS: MariaDB writes it for columns, indexes and constraints; MySQL does not

    @override_point
    def writes_if_exists(self, operation: Operation) -> bool:
        """Whether the server writes the ``IF [NOT] EXISTS`` an operation asks for.

        **Called by:** :meth:`run` (see :meth:`DialectImpl.writes_if_exists`).

        :param operation: the operation with ``if_exists`` / ``if_not_exists``.

        **Return:** ``True`` for tables; for columns, indexes and constraints
        only on MariaDB (not for a primary key), so MySQL's are emulated.
        """
        method = type(operation).impl_method
        if method in ("create_table", "drop_table"):
            return True
        if method == "drop_constraint" and getattr(operation, "type_", None) == "primary":
            return False
        return self.is_mariadb

    @override_point
    def object_exists(self, connection: Connection, operation: Operation) -> bool:
        """Whether the object exists, asked of ``information_schema``.

        **Called by:** :meth:`run` where :meth:`writes_if_exists` says no.

        :param connection: the run's connection.
        :param operation: the operation with ``if_exists`` / ``if_not_exists``.

        **Return:** whether the column, index or constraint exists.
        """
        op: Any = operation
        method = type(operation).impl_method
        if method in ("add_column", "drop_column"):
            name = op.column.name if method == "add_column" else op.column_name
            return live.read_column(connection, op.table_name, name, op.schema) is not None
        if method in ("create_index", "drop_index") and op.table_name is not None:
            return bool(live.index_exists(connection, op.table_name, op.index_name, op.schema))
        if method == "drop_constraint":
            type_ = op.type_
            found = live.constraint_types(connection, op.table_name,
                                          "PRIMARY" if type_ == "primary" else op.constraint_name,
                                          op.schema)
            kinds = {_TYPE_OF.get(t) for t in found}
            return bool(kinds) if type_ is None else type_ in kinds
        return super().object_exists(connection, operation)

    # -- columns ------------------------------------------------------------------------

    # -- tables -------------------------------------------------------------------------

    def rename_table(self, op: RenameTableOp) -> None:
        self.execute(MySQLRenameTable(op.old_table_name, op.new_table_name, schema=op.schema))

    def create_table_comment(self, op: CreateTableCommentOp) -> None:
        self.execute(MySQLTableComment(op.table_name, op.comment, schema=op.schema))

    def drop_table_comment(self, op: DropTableCommentOp) -> None:
        self.execute(MySQLTableComment(op.table_name, None, schema=op.schema))

    # -- batch move-and-copy: what differs on MySQL and MariaDB -------------------------

    def batch_names_to_free(self, moved: Table, table_name: str) -> list[Any]:
        """Named foreign keys, then named checks: MySQL and MariaDB keep their names per schema,
        so the table moved aside keeps them until they are dropped."""
        from sqlalchemy import CheckConstraint, ForeignKeyConstraint

        def named(kind: type) -> list[Any]:
            return sorted((c for c in moved.constraints if isinstance(c, kind) and c.name),
                          key=lambda c: str(c.name))

        return named(ForeignKeyConstraint) + named(CheckConstraint)


class MariaDBImpl(MySQLImpl):
    """MariaDB through ``mariadb://`` URLs (SQLAlchemy's ``mariadb`` dialect).

    SQLAlchemy's ``mariadb`` dialect reads only ``mariadb_*`` table and index
    options; scripts written for MySQL (and Alembic's) say ``mysql_engine``,
    ``mysql_length`` ... so each ``mysql_*`` option is also given as
    ``mariadb_*`` unless that one is set already.
    """

    name: ClassVar[str] = "mariadb"
    display_name: ClassVar[str] = "MariaDB"

    def create_table(self, op: CreateTableOp) -> Any:
        return super().create_table(replace(op, kw=mariadb_options(op.kw)))

    def create_index(self, op: CreateIndexOp) -> None:
        super().create_index(replace(op, kw=mariadb_options(op.kw)))


def mariadb_options(kw: Mapping[str, Any]) -> dict[str, Any]:
    """``kw`` with every ``mysql_X`` option copied to ``mariadb_X`` (an explicit ``mariadb_X`` wins)."""
    out = dict(kw)
    for key, value in kw.items():
        if key.startswith("mysql_"):
            out.setdefault("mariadb_" + key[len("mysql_"):], value)
    return out


__all__ = ["MariaDBImpl", "MySQLImpl"]
