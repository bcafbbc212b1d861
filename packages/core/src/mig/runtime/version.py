"""The version table: one row per applied head, column ``version_num``, as Alembic keeps it.

Its statements are SQLAlchemy constructs built once per run and sent
through the dialect's one sink (:meth:`DialectImpl.execute`): online with
bound parameters (SQLAlchemy caches their compiled form), offline with the
values written inline.
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
from mig.runtime.bookkeeping import BookkeepingTable

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ddl.impl import DialectImpl

log = logging.getLogger("mig.runtime")

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


class VersionTable(BookkeepingTable):
    """Reads and writes the version rows through a :class:`DialectImpl`."""

    def __init__(self, impl: DialectImpl, name: str, schema: str | None = None) -> None:
        super().__init__(impl, name, schema)
        self.table = version_table(name, schema)
        col = self.table.c.version_num
        #: Built once per run; SQLAlchemy caches their compiled form.
        self._bound: dict[str, Any] = {
            "update": update(self.table).values(version_num=bindparam("new")).where(col == bindparam("old")),
            "delete": delete(self.table).where(col == bindparam("old")),
            "insert": insert(self.table).values(version_num=bindparam("new")),
        }
        self._templates: dict[str, str] = {}
        self._render_value: Any = None

    # -- reading -------------------------------------------------------------

    def heads(self, connection: Connection) -> tuple[str, ...]:
        """The rows, sorted (empty when the table does not exist yet)."""
        if not self.exists(connection):
            return ()
        rows = connection.execute(select(self.table.c.version_num)).scalars().all()
        return tuple(sorted(str(r) for r in rows))

    # -- writing -------------------------------------------------------------

    def create(self) -> None:
        """Create the table (online, or offline when :meth:`known_to_exist`: only if it does not exist)."""
        impl = self.impl
        if not impl.as_sql:
            connection = impl.require_connection("creating the version table")
            if self.exists(connection):
                return
        elif self._exists:
            return
        impl.execute(CreateTable(self.table))
        self._exists = True

    def drop(self) -> None:
        self.impl.execute(DropTable(self.table))
        self._exists = False

    def apply(self, before: Iterable[str], after: Iterable[str]) -> None:
        """Change the rows from ``before`` to ``after``: one swapped row is an UPDATE, else DELETE/INSERT."""
        before_set, after_set = frozenset(before), frozenset(after)
        removed = sorted(before_set - after_set)
        added = sorted(after_set - before_set)
        if len(removed) == 1 and len(added) == 1:
            self._send("update", {"new": added[0], "old": removed[0]},
                       f"update version row {removed[0]!r} to {added[0]!r}")
            return
        for old in removed:
            self._send("delete", {"old": old}, f"delete version row {old!r}")
        for new in added:
            self._send("insert", {"new": new}, None)

    def _send(self, kind: str, values: dict[str, str], what: str | None) -> None:
        """Run the ``kind`` statement with ``values`` (online as bound parameters, offline written
        inline); ``what`` names a statement that must match exactly one row."""
        impl = self.impl
        if impl.as_sql:
            impl.execute(self._literal(kind, values))
            return
        result = impl.execute(self._bound[kind], values)
        if what is not None:
            self._check(result, what)

    def _literal(self, kind: str, values: dict[str, str]) -> str:
        """The ``kind`` statement with ``values`` written inline, for offline output.

        SQLAlchemy renders the statement once per run, with a placeholder
        value for each parameter, and each value with the column type's own
        literal processor; a step puts its values in the placeholders'
        places instead of compiling the statement again.
        """
        template = self._templates.get(kind)
        impl = self.impl
        if template is None:
            table, col = self.table, self.table.c.version_num
            stmt: Any
            if kind == "update":
                stmt = update(table).values(version_num=f"{_PLACEHOLDER}new").where(col == f"{_PLACEHOLDER}old")
            elif kind == "delete":
                stmt = delete(table).where(col == f"{_PLACEHOLDER}old")
            else:
                stmt = insert(table).values(version_num=f"{_PLACEHOLDER}new")
            template = self._templates[kind] = impl.render(stmt)
        literal = self._render_value
        if literal is None:
            literal = self._render_value = (self.table.c.version_num.type.literal_processor(impl.dialect)
                                            or (lambda v: f"'{v}'"))
        sql = template
        for name, value in values.items():
            sql = sql.replace(f"'{_PLACEHOLDER}{name}'", literal(value))
        return sql

    def delete_all(self) -> None:
        self.impl.execute(delete(self.table))

    def _check(self, result: Any, what: str) -> None:
        rowcount = getattr(result, "rowcount", None)
        if rowcount is not None and rowcount != 1 and rowcount != -1:
            raise CommandError(
                f"the version table {self.qualified_name} changed under mig: could not {what} "
                f"({rowcount} rows matched); check `mig current` and stamp the right revision"
            )


#: Stands for a value in the statements rendered once per run (see ``VersionTable._literal``).
_PLACEHOLDER = "__mig_value__"

__all__ = ["VERSION_NUM_LENGTH", "VersionTable", "version_table"]
