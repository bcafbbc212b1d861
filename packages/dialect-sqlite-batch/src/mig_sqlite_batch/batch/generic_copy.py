"""The move-and-copy on databases other than SQLite (``recreate="always"``).

Statements, in order::

    ALTER TABLE child DROP CONSTRAINT fk ...            -- foreign keys of other tables pointing here
    ALTER TABLE t RENAME TO _mig_old_t
    DROP INDEX / DROP CONSTRAINT on _mig_old_t          -- impl.batch_names_to_free(...)
    CREATE TABLE t (...new definition...)               -- after impl.batch_new_table(...)
    INSERT INTO t (...) SELECT CAST(...) ... FROM _mig_old_t   -- impl.batch_copy_statement(...)
    (impl.batch_after_copy(...): counters carried over)
    CREATE INDEX ...
    DROP TABLE _mig_old_t
    ALTER TABLE child ADD CONSTRAINT fk ... REFERENCES t ...
    (operations plugins registered for batches, through impl.run)

Creating the new table under its final name means self-referencing keys and
every constraint name come out exactly as declared. Nothing here knows a
database: the names that must be freed first (those a database keeps per
schema), the shape of the row copy and the counters to carry over are asked
of the dialect, through the ``batch_*`` override points of
:class:`mig.ddl.impl.DialectImpl`.

Where DDL is transactional (``capabilities``), it all runs inside a
SAVEPOINT: a failure leaves everything as it was. Elsewhere each DDL statement
commits, so on failure mig undoes the steps already taken (drops the new
table, renames the old one back, restores the constraints) and then raises.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import Index, MetaData, Table, exc, inspect
from sqlalchemy.schema import (
    AddConstraint,
    CreateIndex,
    CreateTable,
    DropConstraint,
    DropIndex,
    DropTable,
    SetColumnComment,
    SetTableComment,
)

from mig.ddl import capabilities as cap
from mig.ddl.constructs import RenameTable
from mig.errors import OperationError
from mig.ops import BatchAlterTableOp, Operation
from mig_sqlite_batch.batch.model import ConstraintSpec, TableModel
from mig_sqlite_batch.batch.render import _constraint, build_index, build_table, copy_statement
from mig_sqlite_batch.batch.sqlite_copy import tmp_name

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ddl.impl import DialectImpl

log = logging.getLogger("mig.batch")


class GenericCopy:
    """One move-and-copy of one table on a database with a real ALTER TABLE."""

    def __init__(self, impl: DialectImpl, op: BatchAlterTableOp, model: TableModel,
                 before: TableModel | None = None, after: tuple[Operation, ...] = ()) -> None:
        self.impl = impl
        self.op = op
        self.model = model
        self.before = before
        self.after = after
        self.name = op.table_name
        self.schema = op.schema
        self.old = tmp_name(impl, op.table_name, "_mig_old_")
        self._undo: list[Callable[[], None]] = []

    def run(self) -> None:
        impl = self.impl
        conn = None if impl.as_sql else impl.connection
        if conn is None:
            self._statements(None)
            return
        if cap.TRANSACTIONAL_DDL in impl.capabilities:
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
        for obj in impl.batch_names_to_free(self._moved_table(before), self.name):
            if isinstance(obj, Index):
                ex(DropIndex(obj))
                self._undo.append(partial(self._exec, CreateIndex(obj)))
            else:
                ex(DropConstraint(obj))
                self._undo.append(partial(self._exec, AddConstraint(obj)))
        # 3. the new table, under its final name
        new_table = build_table(model, self.name)
        impl.batch_new_table(new_table)
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
        copied = [c.name for c in model.copied_columns()]
        ex(impl.batch_copy_statement(copy_statement(model, self.name, self.old, cast_types=True),
                                     new_table, copied))
        impl.batch_after_copy(new_table, copied)
        # 5. indexes, the old table, the foreign keys from other tables
        for spec in model.indexes:
            ex(CreateIndex(build_index(spec, new_table)))
        ex(DropTable(Table(self.old, MetaData(), schema=self.schema)))
        self._undo.clear()  # the old table is gone: nothing left to undo
        for cons in readd:
            ex(AddConstraint(cons))
        # 6. operations plugins registered for batches, against the new table
        for inner in self.after:
            impl.run(inner)

    def _moved_table(self, before: TableModel) -> Table:
        """The old table under its temporary name, with its constraints and (named) indexes."""
        moved = build_table(before, self.old, self_ref=self.old)
        for spec in before.indexes:
            if spec.name:
                build_index(spec, moved)
        return moved

    def _exec(self, construct: Any) -> None:
        self.impl.execute(construct)


def _col(name: str) -> Any:
    from sqlalchemy import Column
    from sqlalchemy.types import NullType

    return Column(name, NullType())


__all__ = ["GenericCopy"]
