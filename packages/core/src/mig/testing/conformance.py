"""The ``Conformance`` helper the conformance suite's tests share (one per test).

It holds the database under test, the dialect's capability flags, a fresh
:class:`~mig.testing.project.MigrationRunner`, unique names for the test's
objects, reflection and row helpers, and the clean-up that drops whatever the
test created (every table whose name starts with the test's prefix, in the
default schema and in the second schema if the test used one).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from mig.errors import MigrationFailedError, NotSupportedError
from mig.testing.project import MigrationRunner

__all__ = ["Conformance"]

_ENGINES: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One engine per URL for the whole session (reads and clean-up only)."""
    engine = _ENGINES.get(url)
    if engine is None:
        # SQLite: no pooled connections (a reused one can miss another connection's DDL);
        # opening a file is cheap.
        poolclass = sa.pool.NullPool if url.startswith("sqlite") else None
        engine = _ENGINES[url] = sa.create_engine(url, poolclass=poolclass)
    return engine


def dispose_engines() -> None:
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


class Conformance:
    """What one conformance test works with.

    :param url: the database the suite may create and drop objects in.
    :param directory: an empty folder for this test's mig project.
    :param capabilities: the dialect's capability flags (default: its ``DialectSpec``'s).
    :param schema: the name of a second schema to use (default: one created on first use).
    """

    def __init__(self, url: str, directory: Path, *, capabilities: Iterable[str] | None = None,
                 schema: str | None = None) -> None:
        from mig import plugins

        self.url = url
        self.engine = engine_for(url)
        self.dialect_name: str = self.engine.dialect.name
        self.spec = plugins.dialect(self.dialect_name)
        self.capabilities = frozenset(self.spec.capabilities if capabilities is None else capabilities)
        self.prefix = f"mc{uuid.uuid4().hex[:6]}_"
        self.directory = directory
        self._given_schema = schema
        self._created_schema: str | None = None
        self._runners: list[MigrationRunner] = []
        self.runner = self.new_runner()

    # -- capabilities ---------------------------------------------------------------------

    def has(self, capability: str) -> bool:
        return capability in self.capabilities

    @property
    def transactional_ddl(self) -> bool:
        from mig.ddl import capabilities as cap

        return self.has(cap.TRANSACTIONAL_DDL)

    # -- names and projects ---------------------------------------------------------------

    def name(self, suffix: str) -> str:
        """A name unique to this test: ``<prefix><suffix>``."""
        return f"{self.prefix}{suffix}"

    def new_runner(self, **options: Any) -> MigrationRunner:
        """Another mig project on the same database (its own version table)."""
        index = len(self._runners)
        runner = MigrationRunner(self.directory / f"project{index}", self.url,
                                 version_table=self.name(f"version{index}"), **options)
        self._runners.append(runner)
        return runner

    def run(self, upgrade: Callable[[], Any] | str, downgrade: Callable[[], Any] | str | None = None) -> str:
        """One migration through the default runner: add it, upgrade to it."""
        return self.runner.run(upgrade, downgrade)

    def expect_not_supported(self, upgrade: Callable[[], Any]) -> NotSupportedError:
        """Run ``upgrade`` as a migration and assert it fails with :class:`NotSupportedError`."""
        runner = self.new_runner()
        with pytest.raises((MigrationFailedError, NotSupportedError)) as info:
            runner.run(upgrade)
        error: BaseException | None = info.value
        while error is not None and not isinstance(error, NotSupportedError):
            error = error.__cause__
        assert isinstance(error, NotSupportedError), (
            f"expected NotSupportedError (the dialect lacks the capability), got {info.value!r}")
        assert str(error).strip(), "NotSupportedError needs a message naming the alternative"
        return error

    # -- the second schema ----------------------------------------------------------------

    @property
    def other_schema(self) -> str:
        """A schema other than the default (created on first use, dropped at clean-up)."""
        if self._given_schema is not None:
            return self._given_schema
        if self._created_schema is None:
            name = self.name("schema")
            with self.engine.begin() as conn:
                conn.execute(sa.schema.CreateSchema(name))
            self._created_schema = name
        return self._created_schema

    # -- reading the database -------------------------------------------------------------

    def inspect(self) -> Any:
        """A fresh ``sqlalchemy.inspect`` inspector (nothing cached from earlier steps)."""
        return sa.inspect(self.engine)

    def columns(self, table: str, schema: str | None = None) -> dict[str, dict[str, Any]]:
        """Reflected columns of ``table`` by name."""
        return {c["name"]: c for c in self.inspect().get_columns(table, schema=schema)}

    def has_table(self, table: str, schema: str | None = None) -> bool:
        return bool(self.inspect().has_table(table, schema=schema))

    def rows(self, table: str | sa.Table, columns: Sequence[str] = (), *, schema: str | None = None,
             order_by: str | None = None) -> list[tuple[Any, ...]]:
        """Every row of ``table`` (a name with ``columns``, or a ``Table``), ordered."""
        if isinstance(table, str):
            tbl: Any = sa.table(table, *(sa.column(c) for c in columns), schema=schema)
        else:
            tbl = table
        select = sa.select(*(tbl.c[c] for c in columns)) if columns else sa.select(tbl)
        order = order_by or (columns[0] if columns else next(iter(tbl.c)).name)
        with self.engine.connect() as conn:
            return [tuple(r) for r in conn.execute(select.order_by(tbl.c[order]))]

    def insert(self, table: str, *rows: Mapping[str, Any], schema: str | None = None) -> None:
        """Insert rows (one transaction); the columns are the keys of the first row."""
        keys = list(rows[0])
        tbl = sa.table(table, *(sa.column(k) for k in keys), schema=schema)
        with self.engine.begin() as conn:
            for row in rows:
                conn.execute(tbl.insert().values(**row))

    def insert_fails(self, table: str, row: Mapping[str, Any], *, schema: str | None = None) -> bool:
        """Whether inserting ``row`` is refused by the database (constraint, NOT NULL ...)."""
        try:
            self.insert(table, row, schema=schema)
        except sa.exc.DBAPIError:
            return True
        return False

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.text(sql), dict(params or {}))

    # -- clean-up -------------------------------------------------------------------------

    def cleanup(self) -> None:
        """Drop every table this test created, then the schema it created."""
        for runner in self._runners:
            runner.close()
        schemas: list[str | None] = [None]
        if self._created_schema is not None or self._given_schema is not None:
            schemas.append(self._created_schema or self._given_schema)
        with self.engine.begin() as conn:
            for schema in schemas:
                self._drop_tables(conn, schema)
            if self._created_schema is not None:
                conn.execute(sa.schema.DropSchema(self._created_schema,
                                                  cascade=self.dialect_name == "postgresql"))

    def _drop_tables(self, conn: Connection, schema: str | None) -> None:
        prefix = self.prefix
        metadata = sa.MetaData()
        metadata.reflect(conn, schema=schema, only=lambda name, _md: name.startswith(prefix),
                         resolve_fks=False)
        if metadata.tables:
            metadata.drop_all(conn)
