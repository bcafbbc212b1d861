"""Transactions of a run: one for the whole run, or one per migration, and autocommit blocks.

Online, SQLAlchemy's ``Connection.begin()`` opens the transaction and the
dialect's ``on_transaction_begin`` makes sure the database really is in one
(pysqlite does not begin before DDL on its own), unless the transaction
defers its statements to the commit (:mod:`mig.ddl.deferred`): then they run
at commit, ``BEGIN`` first, and a rollback checks them for the first that
fails. Offline, ``BEGIN``/``COMMIT`` are written where the dialect has
transactional DDL.
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
                impl.emit(impl.begin_sql())
        else:
            connection = self.connection
            assert connection is not None
            if connection.in_transaction():
                # Only reads (autobegun by SQLAlchemy) can be pending here: close them.
                connection.commit()
            self._trans = connection.begin()
            if not (impl.may_defer and not _steps_watched() and impl.start_deferring(connection)):
                impl.on_transaction_begin(connection)
        self.active = True

    def commit(self) -> None:
        if not self.active:
            return
        self.active = False
        impl = self.impl
        if impl.as_sql:
            if self.offline_sql:
                impl.emit(impl.commit_sql())
        elif self._trans is not None and self._trans.is_active:
            try:
                impl.run_deferred()
            except BaseException:
                self._trans.rollback()
                self._trans = None
                raise
            self._trans.commit()
        self._trans = None

    def rollback(self, *, check_deferred: bool = False) -> None:
        """Roll back; with ``check_deferred``, first run the statements the transaction deferred,
        one at a time, so that the first of them that fails is the error raised (as it would have
        been without deferral)."""
        if not self.active:
            return
        self.active = False
        impl = self.impl
        deferred = impl.deferred
        impl.deferred = None
        try:
            if check_deferred and deferred is not None and deferred.entries and self.connection is not None:
                deferred.replay(self.connection)
        finally:
            if not impl.as_sql and self._trans is not None and self._trans.is_active:
                self._trans.rollback()
            self._trans = None

    def __enter__(self) -> RunTransaction:
        self.begin()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.rollback(check_deferred=isinstance(exc, Exception))


def _steps_watched() -> bool:
    """Whether a plugin watches steps as they run (then their statements must run with them)."""
    from mig import plugins

    return plugins.has_implementations("mig_before_step") or plugins.has_implementations("mig_after_step")


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
