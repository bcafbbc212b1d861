"""What mig's own tables (the version table, the log table) have in common: a name, a schema, a cached existence check."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ddl.impl import DialectImpl


class BookkeepingTable:
    """A table mig keeps beside the user's schema, read and written through a :class:`DialectImpl`."""

    def __init__(self, impl: DialectImpl, name: str, schema: str | None = None) -> None:
        self.impl = impl
        self.name = name
        self.schema = schema
        self._exists: bool | None = None

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name

    def exists(self, connection: Connection) -> bool:
        """Whether the table is in the database (asked once per run; creating or dropping it updates the answer)."""
        if self._exists is None:
            from sqlalchemy import inspect

            self._exists = bool(inspect(connection).has_table(self.name, schema=self.schema))
        return self._exists

    def known_to_exist(self, exists: bool) -> None:
        """Say whether the table exists, as read from the live database: an offline context that
        knows it (a plan) then writes what the online run will instead of what a SQL file must
        (``CREATE TABLE`` only where the table is missing, no ``IF NOT EXISTS``)."""
        self._exists = exists

    @property
    def existence_known(self) -> bool:
        """Online always; offline only after :meth:`known_to_exist` (a ``--sql`` file does not know)."""
        return not self.impl.as_sql or self._exists is not None


__all__ = ["BookkeepingTable"]
