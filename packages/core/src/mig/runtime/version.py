"""The version table: one row per applied head, column ``version_num``, as Alembic keeps it.

Online, statements are built once per run and executed with parameters;
offline, and online while a transaction defers its statements
(:mod:`mig.ddl.deferred`), they are written with the values inlined. A
deferred transaction cannot count the rows each statement matched, so once
its statements have run it checks that the rows are the heads it wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    bindparam,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.schema import CreateTable, DropTable

from mig.errors import CommandError

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ddl.impl import DialectImpl

log = logging.getLogger("mig.runtime")

_SENTINEL = "__mig_value__"

#: Width of ``version_num``, as in Alembic (revision ids are short hex strings or chosen names).
VERSION_NUM_LENGTH = 32


def version_table(name: str, schema: str | None = None) -> Table:
    """The version table's ``Table``: ``version_num VARCHAR(32)`` primary key named ``<name>_pkc``."""
    return Table(
        name, MetaData(),
        Column("version_num", String(VERSION_NUM_LENGTH), nullable=False),
        PrimaryKeyConstraint("version_num", name=f"{name}_pkc"),
        schema=schema,
    )


class VersionTable:
    """Reads and writes the version rows through a :class:`DialectImpl`."""

    def __init__(self, impl: DialectImpl, name: str, schema: str | None = None) -> None:
        self.impl = impl
        self.name = name
        self.schema = schema
        self.table = version_table(name, schema)
        col = self.table.c.version_num
        self._update = update(self.table).values(version_num=bindparam("new")).where(col == bindparam("old"))
        self._insert = insert(self.table).values(version_num=bindparam("new"))
        self._delete = delete(self.table).where(col == bindparam("old"))
        self._exists: bool | None = None
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None]] = {}
        self._templates: dict[str, str] = {}
        self._literal: Any = None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    # -- reading -------------------------------------------------------------

    def exists(self, connection: Connection) -> bool:
        if self._exists is None:
            self._exists = bool(connection.dialect.has_table(connection, self.name, schema=self.schema))
        return self._exists

    def heads(self, connection: Connection) -> tuple[str, ...]:
        """The rows, sorted (empty when the table does not exist yet)."""
        if not self.exists(connection):
            return ()
        rows = connection.execute(select(self.table.c.version_num)).scalars().all()
        return tuple(sorted(str(r) for r in rows))

    # -- writing -------------------------------------------------------------

    def create(self) -> None:
        """Create the table (online: only if it does not exist)."""
        impl = self.impl
        if not impl.as_sql:
            connection = impl.reading_connection("creating the version table")
            if self.exists(connection):
                return
        impl.execute(CreateTable(self.table))
        self._exists = True

    def drop(self) -> None:
        self.impl.execute(DropTable(self.table))
        self._exists = False

    def apply(self, before: Iterable[str], after: Iterable[str]) -> None:
        """Change the rows from ``before`` to ``after``: one swapped row is an UPDATE, else DELETE/INSERT."""
        if self.impl.deferred is not None:
            self._apply_deferred(frozenset(before), frozenset(after))
            return
        if type(before) is frozenset and type(after) is frozenset and len(before) == 1 == len(after):
            (old,), (new,) = before, after  # the common step: one head replaced by its child
            if old != new:
                self._do_update(old, new)
            return
        before_set, after_set = frozenset(before), frozenset(after)
        removed = sorted(before_set - after_set)
        added = sorted(after_set - before_set)
        if len(removed) == 1 and len(added) == 1:
            self._do_update(removed[0], added[0])
            return
        for old in removed:
            self._do_delete(old)
        for new in added:
            self._do_insert(new)

    def _apply_deferred(self, before: frozenset[str], after: frozenset[str]) -> None:
        removed = sorted(before - after)
        added = sorted(after - before)
        if len(removed) == 1 and len(added) == 1:
            self._defer("update", {"new": added[0], "old": removed[0]}, after)
            return
        for old in removed:
            self._defer("delete", {"old": old}, after)
        for new in added:
            self._defer("insert", {"new": new}, after)

    # Each statement is compiled once per run: online as driver SQL with parameters, offline
    # as text with placeholders for the literal values.

    def _online(self, key: str, stmt: Any) -> tuple[str, tuple[str, ...] | None]:
        found = self._compiled.get(key)
        if found is None:
            compiled = stmt.compile(dialect=self.impl.dialect)
            order = tuple(compiled.positiontup) if compiled.positional and compiled.positiontup else None
            found = self._compiled[key] = (str(compiled), order)
        return found

    def _run(self, key: str, stmt: Any, values: dict[str, str]) -> Any:
        sql, order = self._online(key, stmt)
        params: Any = tuple(values[name] for name in order) if order is not None else values
        return self.impl.execute_driver_sql(sql, params)

    def _offline(self, key: str, values: dict[str, str]) -> None:
        self.impl.emit(self._literal_sql(key, values))

    def _defer(self, key: str, values: dict[str, str], after: frozenset[str]) -> None:
        deferred = self.impl.deferred
        assert deferred is not None
        deferred.add(self._literal_sql(key, values))
        deferred.after_run[self] = lambda connection: self._expect(connection, after)

    def _expect(self, connection: Connection, heads: frozenset[str]) -> None:
        """After deferred statements ran: the rows must be the heads they were to leave."""
        sql, _ = self._online("select", select(self.table.c.version_num))
        found = frozenset(str(row[0]) for row in self.impl.run_on_cursor(connection, sql).fetchall())
        if found != heads:
            raise CommandError(
                f"the version table {self.qualified_name} changed under mig: expected "
                f"{_listed(heads)} after the migrations, found {_listed(found)}; nothing was applied; "
                f"check `mig current` and stamp the right revision")

    def _literal_sql(self, key: str, values: dict[str, str]) -> str:
        """The statement ``key`` with ``values`` written inline."""
        template = self._templates.get(key)
        impl = self.impl
        if template is None:
            table, col = self.table, self.table.c.version_num
            stmt: Any
            if key == "update":
                stmt = update(table).values(version_num=f"{_SENTINEL}new").where(col == f"{_SENTINEL}old")
            elif key == "delete":
                stmt = delete(table).where(col == f"{_SENTINEL}old")
            else:
                stmt = insert(table).values(version_num=f"{_SENTINEL}new")
            template = self._templates[key] = impl.render(stmt)
        literal = self._literal
        if literal is None:
            literal = self._literal = String().literal_processor(impl.dialect) or (lambda v: f"'{v}'")
        sql = template
        for name, value in values.items():
            sql = sql.replace(f"'{_SENTINEL}{name}'", literal(value))
        return sql

    def _do_update(self, old: str, new: str) -> None:
        if self.impl.as_sql:
            self._offline("update", {"new": new, "old": old})
            return
        sql, order = self._online("update", self._update)
        params: Any
        if order == ("new", "old"):
            params = (new, old)
        elif order is None:
            params = {"new": new, "old": old}
        else:
            params = tuple(new if name == "new" else old for name in order)
        result = self.impl.execute_driver_sql(sql, params)
        rowcount = getattr(result, "rowcount", None)
        if rowcount != 1 and rowcount != -1 and rowcount is not None:
            self._check(result, f"update version row {old!r} to {new!r}")

    def _do_delete(self, old: str) -> None:
        if self.impl.as_sql:
            self._offline("delete", {"old": old})
            return
        result = self._run("delete", self._delete, {"old": old})
        self._check(result, f"delete version row {old!r}")

    def _do_insert(self, new: str) -> None:
        if self.impl.as_sql:
            self._offline("insert", {"new": new})
            return
        self._run("insert", self._insert, {"new": new})

    def delete_all(self) -> None:
        self.impl.execute(delete(self.table))

    def _check(self, result: Any, what: str) -> None:
        rowcount = getattr(result, "rowcount", None)
        if rowcount is not None and rowcount != 1 and rowcount != -1:
            raise CommandError(
                f"the version table {self.qualified_name} changed under mig: could not {what} "
                f"({rowcount} rows matched); check `mig current` and stamp the right revision"
            )


def _listed(heads: frozenset[str]) -> str:
    return ", ".join(sorted(heads)) or "no rows"


__all__ = ["VERSION_NUM_LENGTH", "VersionTable", "version_table"]
