"""Transactions of a run: one for the whole run, or one per migration, and autocommit blocks.

Online, SQLAlchemy's ``Connection.begin()`` opens the transaction and the
dialect's ``on_transaction_begin`` makes sure the database really is in one
(pysqlite does not begin before DDL on its own). Offline, ``BEGIN`` and
``COMMIT`` are written where the dialect has transactional DDL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from mig.ddl.impl import DialectImpl


class RunTransaction:
    """A transaction that survives an ``autocommit_block`` (which commits and re-opens it)."""

    def __init__(self, impl: DialectImpl, connection: Connection | None, *, offline_sql: bool) -> None:
        self.impl = impl
        self.connection = connection
        self.offline_sql = offline_sql
        self._trans: Any = None
        self.active = False

    def begin(self) -> None:
        impl = self.impl
        if impl.as_sql:
            if self.offline_sql:
                impl.execute(impl.begin_sql())
        else:
            connection = self.connection
            assert connection is not None
            if connection.in_transaction():
                # Only reads (autobegun by SQLAlchemy) can be pending here: close them.
                connection.commit()
            self._trans = connection.begin()
            impl.on_transaction_begin(connection)
        self.active = True

    def commit(self) -> None:
        if not self.active:
            return
        self.active = False
        impl = self.impl
        if impl.as_sql:
            if self.offline_sql:
                impl.execute(impl.commit_sql())
            return
        trans, self._trans = self._trans, None
        if trans is None:
            return
        if trans.is_active:
            trans.commit()
        else:
            # Code holding the connection ended the run's transaction early (a script's commit()
            # on a connection it was handed outside mig): what ran after it still commits.
            connection = self.connection
            if connection is not None and connection.in_transaction():
                connection.commit()

    def rollback(self) -> None:
        if not self.active:
            return
        self.active = False
        trans, self._trans = self._trans, None
        if not self.impl.as_sql and trans is not None and trans.is_active:
            trans.rollback()

    def __enter__(self) -> RunTransaction:
        self.begin()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback()


@contextmanager
def nothing() -> Iterator[None]:
    yield


@contextmanager
def autocommit(impl: DialectImpl, connection: Connection | None, current: RunTransaction | None) -> Iterator[None]:
    """Commit what is open, run the block in autocommit mode, then re-open the transaction."""
    reopen = current is not None and current.active
    if reopen:
        assert current is not None
        current.commit()
    if impl.as_sql or connection is None:
        yield
    else:
        if connection.in_transaction():
            connection.commit()
        previous = connection.get_execution_options().get("isolation_level")
        connection.execution_options(isolation_level="AUTOCOMMIT")
        try:
            yield
        finally:
            if connection.in_transaction():
                connection.commit()
            connection.execution_options(isolation_level=previous or connection.default_isolation_level)
    if reopen:
        assert current is not None
        current.begin()


__all__ = ["RunTransaction", "autocommit", "nothing"]
