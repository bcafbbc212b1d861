"""The move-and-copy on SQLite.

Statements, in order (online and in ``--sql`` output alike)::

    CREATE TABLE _mig_tmp_t (...new definition...)
    INSERT INTO _mig_tmp_t (...) SELECT ... FROM t      -- in rowid chunks for big tables
    DROP TABLE t
    PRAGMA legacy_alter_table=ON                         -- the rename must not re-check views/triggers
    ALTER TABLE _mig_tmp_t RENAME TO t
    PRAGMA legacy_alter_table=OFF                        -- (online: the previous value)
    CREATE INDEX ... / CREATE TRIGGER ... / CREATE VIEW ...
    (operations plugins registered for batches, through impl.run)

Online, the whole sequence runs inside ``SAVEPOINT mig_batch`` so a failure
leaves the table and its rows exactly as they were. Views that mention the
table are dropped first and recreated last; triggers on it are recreated
from their own SQL. ``AUTOINCREMENT`` keeps its counter (the
``sqlite_sequence`` row moves to the new table).

Foreign keys: with ``PRAGMA foreign_keys=OFF`` (SQLite's default) nothing is
needed. With it ON, a self-referencing key is written against the temporary
name (the rename points it back), ``PRAGMA defer_foreign_keys=ON`` holds the
checks until ``PRAGMA foreign_key_check`` names any violating row, and rows of
other tables that reference this one would make ``DROP TABLE`` cascade or fail:
outside a transaction mig switches foreign keys off for the copy and back on
after; inside one (where SQLite ignores ``PRAGMA foreign_keys``) it refuses
with an error saying how to turn them off for the migration.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc, literal_column
from sqlalchemy.schema import CreateIndex, CreateTable, DropTable

from mig import plugins
from mig.ddl.constructs import ColumnName, RenameTable
from mig.errors import NotSupportedError, OperationError
from mig.ops import BatchAlterTableOp, Operation
from mig_sqlite_batch.batch.model import ColumnSpec, TableModel
from mig_sqlite_batch.batch.native import sqlite_version
from mig_sqlite_batch.batch.render import build_index, build_table, copy_statement
from mig_sqlite_batch.batch.source import SqliteExtras, sqlite_extras

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ddl.impl import DialectImpl

log = logging.getLogger("mig.batch")

#: Default row count above which the copy runs in chunks and reports progress.
DEFAULT_PROGRESS_ROWS = 100_000


def tmp_name(impl: DialectImpl, name: str, prefix: str = "_mig_tmp_") -> str:
    limit = getattr(impl.dialect, "max_identifier_length", None) or 63
    return (prefix + name)[:limit]


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def savepoint(impl: DialectImpl, name: str = "mig_batch") -> Iterator[None]:
    """Online on SQLite: run the block inside a SAVEPOINT, rolled back if it raises."""
    if impl.as_sql or impl.connection is None:
        yield
        return
    impl.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        impl.execute(f"ROLLBACK TO SAVEPOINT {name}")
        impl.execute(f"RELEASE SAVEPOINT {name}")
        raise
    impl.execute(f"RELEASE SAVEPOINT {name}")


def in_transaction(conn: Connection) -> bool:
    """Whether the SQLite connection is inside a transaction (unknown drivers: assume so)."""
    driver = getattr(conn.connection, "driver_connection", None)
    flag = getattr(driver, "in_transaction", None)
    return True if flag is None else bool(flag)


class SqliteCopy:
    """One move-and-copy of one SQLite table."""

    def __init__(self, impl: DialectImpl, op: BatchAlterTableOp, model: TableModel,
                 extras: SqliteExtras, before: TableModel | None = None,
                 after: tuple[Operation, ...] = ()) -> None:
        self.before = before
        self.after = after
        self.impl = impl
        self.op = op
        self.model = model
        self.extras = extras
        self.name = op.table_name
        self.tmp = tmp_name(impl, op.table_name)
        self.schema = op.schema

    # -- names -------------------------------------------------------------------------------

    def _qual(self, name: str) -> str:
        quote = self.impl.dialect.identifier_preparer.quote
        return f"{quote(self.schema)}.{quote(name)}" if self.schema else quote(name)

    def _pragma(self, pragma: str) -> str:
        return f"PRAGMA {_q(self.schema)}.{pragma}" if self.schema else f"PRAGMA {pragma}"

    def _in_schema(self, sql: str) -> str:
        """An index/trigger/view's own SQL, created in the table's schema (an attached database)."""
        if not self.schema:
            return sql
        pattern = (r"^(\s*CREATE\s+(?:UNIQUE\s+|TEMP\s+|TEMPORARY\s+)?(?:INDEX|TRIGGER|VIEW)\s+"
                   r"(?:IF\s+NOT\s+EXISTS\s+)?)")
        schema = self.impl.dialect.identifier_preparer.quote(self.schema)
        return re.sub(pattern, lambda m: f"{m.group(1)}{schema}.", sql, count=1, flags=re.IGNORECASE)

    # -- run ---------------------------------------------------------------------------------

    def run(self) -> None:
        impl = self.impl
        if impl.as_sql or impl.connection is None:
            self._statements(fk_on=False, conn=None)
            return
        conn = impl.connection
        fk_on = conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        switched_off = False
        if fk_on:
            blockers = self._referencing_rows(conn)
            if blockers:
                if in_transaction(conn):
                    raise NotSupportedError(
                        f"batch_alter_table({self.name!r}) must copy table {self.name!r}, and rows "
                        f"of {', '.join(blockers)} refer to it while PRAGMA foreign_keys=ON; inside "
                        f"a transaction SQLite cannot switch foreign keys off, and dropping the old "
                        f"table would cascade to or fail on those rows. Switch them off for the "
                        f"migration: in env.py run connection.exec_driver_sql('PRAGMA "
                        f"foreign_keys=OFF') before context.begin_transaction()"
                    )
                impl.execute("PRAGMA foreign_keys=OFF")
                switched_off, fk_on = True, False
        try:
            with self._translate_errors(), savepoint(impl):
                self._statements(fk_on=fk_on, conn=conn)
        finally:
            if switched_off:
                impl.execute("PRAGMA foreign_keys=ON")
        if switched_off:
            self._check_foreign_keys(conn, self.name)

    def _referencing_rows(self, conn: Connection) -> list[str]:
        """``child.column`` of other tables with rows that reference this table."""
        found: list[str] = []
        master = f"{_q(self.schema)}.sqlite_master" if self.schema else "sqlite_master"
        tables = [r[0] for r in conn.exec_driver_sql(
            f"SELECT name FROM {master} WHERE type='table' AND name NOT LIKE 'sqlite_%'").fetchall()]
        for child in tables:
            if child.lower() == self.name.lower():
                continue
            for row in conn.exec_driver_sql(self._pragma(f"foreign_key_list({_q(child)})")).fetchall():
                if str(row[2]).lower() != self.name.lower():
                    continue
                has = conn.exec_driver_sql(f"SELECT 1 FROM {self._qual(child)} WHERE {_q(row[3])} "
                                           f"IS NOT NULL LIMIT 1").first()
                if has is not None:
                    found.append(f"{child}.{row[3]}")
        return found

    def _rename_first(self, conn: Connection | None) -> None:
        """Rename columns with SQLite's own RENAME COLUMN before the copy.

        SQLite then rewrites every reference to them itself: indexes, triggers,
        views and the foreign keys of other tables. Skipped when a new name
        is taken by another old column (a swap or a reuse of a dropped name).
        """
        renames = [(c.source, c.name) for c in self.model.columns
                   if c.source is not None and c.source != c.name and c.computed is None]
        if not renames or sqlite_version() < (3, 25):
            return
        old_names = {c.name for c in (self.before or self.model).columns} | \
            {str(c.source) for c in self.model.columns if c.source is not None}
        if any(new in old_names for _, new in renames):
            return
        for old, new in renames:
            self.impl.execute(ColumnName(self.name, str(old), new, schema=self.schema))
        for col in self.model.columns:
            if col.source is not None and col.source != col.name:
                col.source = col.name
        if conn is not None:
            fresh = sqlite_extras(conn, self.name, self.schema, self.model, reflected=False)
            self.extras.triggers, self.extras.views = fresh.triggers, fresh.views

    def _statements(self, *, fk_on: bool, conn: Connection | None) -> None:
        impl, model = self.impl, self.model
        ex = impl.execute
        self._rename_first(conn)
        # A self-referencing key names the table: with foreign keys on, the rename rewrites
        # references to the temporary name, so point it there; otherwise name the final table.
        new_table = build_table(model, self.tmp, self_ref=self.tmp if fk_on else self.name)
        final_table = build_table(model, self.name, with_constraints=False)
        old_defer: Any = None
        if fk_on and conn is not None:
            old_defer = conn.exec_driver_sql("PRAGMA defer_foreign_keys").scalar()
            ex("PRAGMA defer_foreign_keys=ON")
        old_legacy: Any = 0
        if conn is not None:
            old_legacy = conn.exec_driver_sql("PRAGMA legacy_alter_table").scalar()
        for view, _sql in self.extras.views:
            ex(f"DROP VIEW {self._qual(view)}")
        ex(CreateTable(new_table))
        self._copy_rows(conn)
        if fk_on and conn is not None:
            self._check_foreign_keys(conn, self.tmp)
        if model.kwargs.get("sqlite_autoincrement") and self.extras.autoincrement:
            seq = f"{_q(self.schema)}.sqlite_sequence" if self.schema else "sqlite_sequence"
            tmp, name = _literal(self.tmp), _literal(self.name)
            ex(f"DELETE FROM {seq} WHERE name = {tmp}")
            ex(f"UPDATE {seq} SET name = {tmp} WHERE name = {name}")
        ex(DropTable(_stub(self.name, self.schema)))
        ex("PRAGMA legacy_alter_table=ON")
        ex(RenameTable(self.tmp, self.name, schema=self.schema))
        ex(f"PRAGMA legacy_alter_table={'ON' if old_legacy else 'OFF'}")
        for spec in model.indexes:
            if spec.sql is not None:
                ex(self._in_schema(spec.sql))
            else:
                ex(CreateIndex(build_index(spec, final_table)))
        for trigger, sql in self.extras.triggers:
            self._recreate("trigger", trigger, sql)
        for view, sql in self.extras.views:
            self._recreate("view", view, sql)
        if fk_on and conn is not None and not old_defer:
            ex("PRAGMA defer_foreign_keys=OFF")
        for inner in self.after:  # operations plugins registered for batches, on the new table
            impl.run(inner)

    def _recreate(self, kind: str, name: str, sql: str) -> None:
        try:
            self.impl.execute(self._in_schema(sql))
            if kind == "view" and not self.impl.as_sql and self.impl.connection is not None:
                # CREATE VIEW does not resolve columns; a query does
                self.impl.connection.exec_driver_sql(f"SELECT 1 FROM {self._qual(name)} LIMIT 0").close()
        except exc.DBAPIError as err:
            raise OperationError(
                f"batch_alter_table({self.name!r}): the {kind} {name!r} on table {self.name!r} "
                f"cannot be recreated after the copy ({_orig(err)}); drop or change it in the "
                f"migration before the batch. Nothing was changed"
            ) from err

    def _copy_rows(self, conn: Connection | None) -> None:
        impl, model = self.impl, self.model
        if not model.copied_columns():
            return
        threshold = int(impl.context_opts.get("batch_progress_rows", DEFAULT_PROGRESS_ROWS) or 0)
        rowid_table = model.kwargs.get("sqlite_with_rowid", True) is not False
        if conn is None or threshold <= 0 or not plugins.has_implementations("mig_step_progress"):
            # nobody watches progress (no CLI on a terminal, no plugin): one statement, no counting
            impl.execute(copy_statement(model, self.tmp, self.name, cast_types=cast_across_affinity))
            return
        source = self._qual(self.name)
        if rowid_table:
            # two subqueries: SQLite answers a lone min()/max() from the b-tree, both at once by a scan
            lo, hi = conn.exec_driver_sql(f"SELECT (SELECT min(rowid) FROM {source}), "
                                          f"(SELECT max(rowid) FROM {source})").one()
            if lo is None or hi - lo < threshold:
                impl.execute(copy_statement(model, self.tmp, self.name, cast_types=cast_across_affinity))
                return
        total = int(conn.exec_driver_sql(f"SELECT count(*) FROM {source}").scalar() or 0)
        what = f"rows of {self.name}"
        step = impl.current_step
        if not rowid_table or total < threshold:
            if total >= threshold:
                plugins.step_progress(step, 0, total, what)
            impl.execute(copy_statement(model, self.tmp, self.name, cast_types=cast_across_affinity))
            if total >= threshold:
                plugins.step_progress(step, total, total, what)
            return
        plugins.step_progress(step, 0, total, what)
        chunks = max(1, -(-total // threshold))
        width = -(-(hi - lo + 1) // chunks)
        rowid: Any = literal_column("rowid")
        done = 0
        start = lo
        while start <= hi:
            end = min(hi, start + width - 1)
            result = impl.execute(copy_statement(model, self.tmp, self.name, cast_types=cast_across_affinity,
                                                 where=rowid.between(start, end)))
            done += max(0, int(getattr(result, "rowcount", 0) or 0))
            plugins.step_progress(step, min(done, total), total, what)
            start = end + 1

    def _check_foreign_keys(self, conn: Connection, table: str) -> None:
        rows = conn.exec_driver_sql(self._pragma(f"foreign_key_check({_q(table)})")).fetchall()
        if rows:
            parents = sorted({str(r[2]) for r in rows})
            raise OperationError(
                f"batch_alter_table({self.name!r}): {len(rows)} row(s) of table {self.name!r} "
                f"violate a FOREIGN KEY constraint referencing {', '.join(parents)} "
                f"(first rowid {rows[0][1]}); the table and its rows are unchanged"
            )

    @contextmanager
    def _translate_errors(self) -> Iterator[None]:
        try:
            yield
        except exc.DBAPIError as err:
            message = _orig(err).replace(self.tmp, self.name)
            raise OperationError(
                f"batch_alter_table({self.name!r}) failed: {message} (table {self.name!r}); "
                f"the table and its rows are unchanged"
            ) from err


def cast_across_affinity(spec: ColumnSpec) -> bool:
    """SQLite copies a changed column with ``CAST`` when its type's affinity changes (as Alembic).

    Within one affinity (``Integer`` to ``BigInteger``, ``String(20)`` to ``Text``) the value is
    copied as it is; ``JSON`` is never cast (it is stored as text either way).
    """
    from sqlalchemy import JSON

    old = spec.source_type
    if old is None or isinstance(spec.type, JSON):
        return False
    return bool(old._type_affinity is not spec.type._type_affinity)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _orig(err: exc.DBAPIError) -> str:
    return re.sub(r"\s+", " ", str(err.orig) if err.orig is not None else str(err)).strip()


def _stub(name: str, schema: str | None) -> Any:
    from sqlalchemy import MetaData, Table

    return Table(name, MetaData(), schema=schema)


__all__ = ["DEFAULT_PROGRESS_ROWS", "SqliteCopy", "in_transaction", "savepoint", "tmp_name"]
