"""The move-and-copy on databases other than SQLite (``recreate="always"``).

Statements, in order::

    ALTER TABLE child DROP CONSTRAINT fk ...            -- foreign keys of other tables pointing here
    ALTER TABLE t RENAME TO _mig_old_t
    DROP INDEX / DROP CONSTRAINT on _mig_old_t          -- names the new table needs (see below)
    CREATE TABLE t (...new definition...)
    INSERT INTO t (...) SELECT CAST(...) ... FROM _mig_old_t
    (PostgreSQL: serial sequences move to the new table; identity counters continue)
    CREATE INDEX ...
    DROP TABLE _mig_old_t
    ALTER TABLE child ADD CONSTRAINT fk ... REFERENCES t ...

Creating the new table under its final name means self-referencing keys and
every constraint name come out exactly as declared. The names that must be
freed first are those the database keeps per schema: on PostgreSQL indexes
and the primary key / unique constraints (they are indexes); on MySQL and
MariaDB foreign keys and check constraints.

PostgreSQL runs it all inside a SAVEPOINT: a failure leaves everything as it
was. MySQL/MariaDB commit each DDL statement, so on failure mig undoes the
steps already taken (drops the new table, renames the old one back, restores
the constraints) and then raises.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import MetaData, Table, exc, inspect, text
from sqlalchemy.schema import (
    AddConstraint,
    CreateIndex,
    CreateTable,
    DropConstraint,
    DropTable,
    SetColumnComment,
    SetTableComment,
)

from mig.ddl.constructs import RenameTable
from mig.errors import OperationError
from mig.ops import BatchAlterTableOp
from mig_sqlite_batch.batch.model import ConstraintSpec, TableModel
from mig_sqlite_batch.batch.render import _constraint, build_index, build_table, copy_statement
from mig_sqlite_batch.batch.sqlite_copy import tmp_name

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ddl.impl import DialectImpl

log = logging.getLogger("mig.batch")

_NEXTVAL = re.compile(r"nextval\('([^']+)'(?:::regclass)?\)", re.IGNORECASE)


class GenericCopy:
    """One move-and-copy of one table on a database with a real ALTER TABLE."""

    def __init__(self, impl: DialectImpl, op: BatchAlterTableOp, model: TableModel,
                 before: TableModel | None = None) -> None:
        self.impl = impl
        self.op = op
        self.model = model
        self.before = before
        self.name = op.table_name
        self.schema = op.schema
        self.old = tmp_name(impl, op.table_name, "_mig_old_")
        self.kind = impl.dialect.name
        self._undo: list[Callable[[], None]] = []

    def run(self) -> None:
        impl = self.impl
        conn = None if impl.as_sql else impl.connection
        if conn is None:
            self._statements(None)
            return
        if self.kind == "postgresql" or getattr(impl, "transactional_ddl", False):
            try:
                with conn.begin_nested():
                    self._statements(conn)
            except exc.DBAPIError as err:
                raise self._error(err) from err
            return
        try:
            self._statements(conn)
        except exc.DBAPIError as err:
            self._rollback()
            raise self._error(err) from err

    # -- pieces -----------------------------------------------------------------------------

    def _error(self, err: exc.DBAPIError) -> OperationError:
        orig = re.sub(r"\s+", " ", str(err.orig) if err.orig is not None else str(err)).strip()
        orig = orig.replace(self.old, self.name)
        return OperationError(f"batch_alter_table({self.name!r}) failed: {orig} (table "
                              f"{self.name!r}); the table and its rows are unchanged")

    def _rollback(self) -> None:
        for undo in reversed(self._undo):
            try:
                undo()
            except exc.DBAPIError as err:  # pragma: no cover - best effort
                log.error("batch %s: could not undo a step: %s", self.name, err)

    def _children(self, conn: Connection | None) -> list[tuple[str, str | None, dict[str, Any]]]:
        """Foreign keys of other tables that reference this one (online only)."""
        if conn is None:
            return []
        insp = inspect(conn)
        found = []
        multi = insp.get_multi_foreign_keys(schema=self.schema)
        for (_schema, child), fks in sorted(multi.items(), key=lambda kv: str(kv[0][1])):
            if child == self.name:
                continue
            for fk in fks:
                if fk["referred_table"] == self.name and fk.get("name") and \
                        fk.get("referred_schema") in (None, self.schema):
                    found.append((child, self.schema, dict(fk)))
        return found

    def _fk_object(self, child: str, schema: str | None, fk: dict[str, Any], target: str,
                   ref_cols: list[str]) -> Any:
        spec = ConstraintSpec("foreignkey", fk["name"], list(fk["constrained_columns"]),
                              ref_table=target, ref_schema=schema, ref_columns=ref_cols,
                              options={k: v for k, v in (fk.get("options") or {}).items()
                                       if k in ("onupdate", "ondelete", "deferrable", "initially",
                                                "match")})
        md = MetaData()
        holder = TableModel(name=child, schema=schema)
        cons = _constraint(spec, md, holder, target, child)
        Table(child, md, *(_col(c) for c in fk["constrained_columns"]), cons, schema=schema)
        return cons

    def _statements(self, conn: Connection | None) -> None:
        impl, model, ex = self.impl, self.model, self.impl.execute
        before = self.before or model
        renamed = {c.source: c.name for c in model.columns if c.source is not None}
        # 1. foreign keys pointing here from other tables
        children = self._children(conn)
        readd: list[Any] = []
        for child, schema, fk in children:
            drop = self._fk_object(child, schema, fk, self.name, list(fk["referred_columns"]))
            ex(DropConstraint(drop))
            self._undo.append(partial(self._exec, AddConstraint(drop)))
            missing = [c for c in fk["referred_columns"] if c not in renamed]
            if missing:
                raise OperationError(
                    f"batch_alter_table({self.name!r}): foreign key {fk['name']!r} of table "
                    f"{child!r} refers to column(s) {', '.join(missing)} which the batch drops; "
                    f"drop that foreign key first")
            readd.append(self._fk_object(child, schema, fk, self.name,
                                         [renamed[c] for c in fk["referred_columns"]]))
        # 2. move the old table aside and free the names the new one needs
        ex(RenameTable(self.name, self.old, schema=self.schema))
        self._undo.append(partial(self._exec, RenameTable(self.old, self.name, schema=self.schema)))
        pg = self.kind == "postgresql"
        mysql = self.kind in ("mysql", "mariadb")
        for cons in before.constraints:
            # self-referencing keys depend on the old key: they go first
            if cons.name and ((cons.kind == "foreignkey" and (pg or mysql)) or (cons.kind == "check" and mysql)):
                restore = self._old_constraint(before, cons)
                ex(DropConstraint(restore))
                self._undo.append(partial(self._exec, AddConstraint(restore)))
        if pg:
            for cons in before.constraints:
                if cons.kind in ("unique", "primary"):
                    name = cons.name or _pg_default_name(self.name, cons)
                    ex(text(f"ALTER TABLE {self._qual(self.old)} DROP CONSTRAINT "
                            f"{self._quote(name)}"))
            for idx in before.indexes:
                if idx.name:
                    ex(text(f"DROP INDEX {self._qual(idx.name)}"))
        # 3. the new table, under its final name
        if pg:
            _keep_serial_sequences(model, self.name)
        new_table = build_table(model, self.name)
        ex(CreateTable(new_table))
        self._undo.append(partial(self._exec, DropTable(new_table)))
        dialect = impl.dialect
        if dialect.supports_comments and not dialect.inline_comments:
            if new_table.comment is not None:
                ex(SetTableComment(new_table))
            for column in new_table.columns:
                if column.comment is not None:
                    ex(SetColumnComment(column))
        # 4. the rows
        copy = copy_statement(model, self.name, self.old, cast_types=True)
        if self.kind == "postgresql" and any(
                c.identity is not None and getattr(c.identity, "always", False)
                for c in model.copied_columns()):
            # GENERATED ALWAYS AS IDENTITY columns take the copied values only when told to
            sql = impl.render(copy).replace(") SELECT ", ") OVERRIDING SYSTEM VALUE SELECT ", 1)
            copy = text(sql)
        ex(copy)
        if self.kind == "postgresql":
            self._postgresql_sequences(new_table)
        # 5. indexes, the old table, the foreign keys from other tables
        for spec in model.indexes:
            ex(CreateIndex(build_index(spec, new_table)))
        ex(DropTable(Table(self.old, MetaData(), schema=self.schema)))
        self._undo.clear()  # the old table is gone: nothing left to undo
        for cons in readd:
            ex(AddConstraint(cons))

    def _old_constraint(self, before: TableModel, cons: ConstraintSpec) -> Any:
        """``cons`` as a constraint of the old table under its temporary name."""
        md = MetaData()
        holder = TableModel(name=self.name, schema=self.schema, columns=before.columns)
        obj = _constraint(cons, md, holder, self.old, self.old)
        cols = set(cons.columns)
        if cons.kind == "foreignkey" and cons.ref_table == self.name and cons.ref_schema == self.schema:
            cols |= set(cons.ref_columns)
        Table(self.old, md, *(_col(c) for c in sorted(cols)), obj, schema=self.schema)
        return obj

    def _postgresql_sequences(self, new_table: Table) -> None:
        """Serial sequences follow the new table; identity counters continue after the copied rows."""
        ex = self.impl.execute
        for col in self.model.columns:
            default = col.server_default
            arg = getattr(default, "arg", default)
            sql = getattr(arg, "text", arg)
            if isinstance(sql, str):
                m = _NEXTVAL.search(sql)
                if m:
                    ex(text(f"ALTER SEQUENCE {m.group(1)} OWNED BY "
                            f"{self._qual(self.name)}.{self._quote(col.name)}"))
            if col.identity is not None and col.source is not None:
                table_lit = self._qual(self.name).replace("'", "''")
                col_q = self._quote(col.name)
                ex(text(f"SELECT setval(pg_get_serial_sequence('{table_lit}', '{col.name}'), "
                        f"COALESCE((SELECT max({col_q}) FROM {self._qual(self.name)}), 1), "
                        f"(SELECT max({col_q}) FROM {self._qual(self.name)}) IS NOT NULL)"))

    def _exec(self, construct: Any) -> None:
        self.impl.execute(construct)

    def _quote(self, name: str) -> str:
        return str(self.impl.dialect.identifier_preparer.quote(name))

    def _qual(self, name: str) -> str:
        return f"{self._quote(self.schema)}.{self._quote(name)}" if self.schema else self._quote(name)


def _pg_default_name(table: str, cons: ConstraintSpec) -> str:
    """The name PostgreSQL gives an unnamed primary key or unique constraint."""
    if cons.kind == "primary":
        return f"{table}_pkey"[:63]
    return f"{table}_{'_'.join(cons.columns)}_key"[:63]


def _keep_serial_sequences(model: TableModel, table: str) -> None:
    """Integer key columns that SQLAlchemy would write as SERIAL keep the old table's sequence.

    Reflection shows a serial column as ``DEFAULT nextval('t_id_seq')``; a
    ``copy_from`` table (offline) shows only an autoincrementing integer key,
    whose sequence PostgreSQL named ``<table>_<column>_seq``.
    """
    from sqlalchemy import Integer

    pk = model.primary_key()
    if pk is None or len(pk.columns) != 1:
        return
    col = model.column(pk.columns[0])
    if col is None or col.server_default is not None or col.identity is not None:
        return
    if col.autoincrement not in ("auto", True) or not isinstance(col.type, Integer):
        return
    from sqlalchemy import text as sql_text

    col.server_default = sql_text(f"nextval('{table}_{col.name}_seq'::regclass)")
    col.autoincrement = False


def _col(name: str) -> Any:
    from sqlalchemy import Column
    from sqlalchemy.types import NullType

    return Column(name, NullType())


__all__ = ["GenericCopy"]
