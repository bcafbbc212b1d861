"""SQLAlchemy objects of the database's side, reflected by SQLAlchemy only where one is needed.

The comparison itself reads the inspector's dictionaries
(:mod:`mig_autogen.compare.reflected`). A few things need real schema
objects of a reflected table: the ``existing_*`` parts of a dropped table or
column (the downgrade re-creates them), and the objects env.py's
``include_object``, ``compare_type`` and ``compare_server_default``
callables receive (Alembic hands them reflected ``Table``, ``Column``,
``Index`` and constraint objects). Those tables are reflected by
``MetaData.reflect(only=...)`` the first time one is asked for: only the
asked-for table when nothing else will need objects, every compared table
of its schema at once when env.py has such callables (they are called for
every table).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

    from mig_autogen.compare.reflected import ReflectedTable


class SchemaObjects:
    """The ``Table`` objects reflected so far in one comparison run, by (schema, name)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.tables: dict[tuple[str | None, str], Table] = {}
        #: every compared table of each schema (set by the engine), reflected together when ``bulk``
        self.compared: dict[str | None, list[str]] = {}
        self.bulk = False

    def table(self, reflected: ReflectedTable) -> Table:
        """The SQLAlchemy ``Table`` of ``reflected``."""
        key = (reflected.schema, reflected.name)
        found = self.tables.get(key)
        if found is not None:
            return found
        names = [reflected.name]
        if self.bulk:
            names += [n for n in self.compared.get(reflected.schema, ())
                      if n != reflected.name and (reflected.schema, n) not in self.tables]
        self.reflect(reflected.schema, names)
        return self.tables[key]

    def reflect(self, schema: str | None, names: list[str]) -> None:
        """Have SQLAlchemy reflect ``names`` of ``schema`` (those not reflected yet) in one call."""
        from sqlalchemy import MetaData

        missing = [n for n in names if (schema, n) not in self.tables]
        if not missing:
            return
        metadata = MetaData()
        metadata.reflect(bind=self.connection, schema=schema, only=missing, resolve_fks=False)
        for table in metadata.tables.values():
            if table.schema == schema:
                self.tables[(schema, table.name)] = table

    def item(self, type_: str, table: ReflectedTable, item: Any) -> Any:
        """The schema object for ``item`` (a reflected dictionary of ``table``, or ``table`` itself).

        ``type_`` is ``include_object``'s: ``"table"``, ``"column"``,
        ``"index"``, ``"unique_constraint"``, ``"foreign_key_constraint"``,
        ``"check_constraint"`` or ``"primary_key"``. Anything else (an enum
        type) is returned as it is.
        """
        from sqlalchemy import CheckConstraint, ForeignKeyConstraint, UniqueConstraint

        if type_ == "table":
            return self.table(table)
        if not isinstance(item, dict):
            return item
        sa_table = self.table(table)
        if type_ == "column":
            return sa_table.c[item["name"]]
        if type_ == "primary_key":
            return sa_table.primary_key
        if type_ == "index":
            candidates: list[Any] = list(sa_table.indexes)
            columns = item.get("column_names")
        else:
            kind = {"unique_constraint": UniqueConstraint, "foreign_key_constraint": ForeignKeyConstraint,
                    "check_constraint": CheckConstraint}.get(type_)
            if kind is None:
                return item
            candidates = [c for c in sa_table.constraints if isinstance(c, kind)]
            columns = item.get("column_names") or item.get("constrained_columns")
        name = item.get("name")
        for candidate in candidates:
            if name is not None and candidate.name == name:
                return candidate
        for candidate in candidates:
            if name is None and columns is not None and [c.name for c in candidate.columns] == list(columns):
                return candidate
        return item
