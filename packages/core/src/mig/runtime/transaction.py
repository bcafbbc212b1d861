"""Transactions of a run: one for the whole run, or one per migration, and autocommit blocks.

Online, SQLAlchemy's ``Connection.begin()`` opens the transaction and the
dialect's ``on_transaction_begin`` makes sure the database really is in one
(pysqlite does not begin before DDL on its own), unless the transaction
defers its statements (:mod:`mig.ddl.deferred`): a transaction begun inside
``run_migrations`` may defer at once, the run's transaction from env.py from
the start of ``run_migrations`` if env.py wrote nothing in it. Deferred
statements run, ``BEGIN`` first, at the end of ``run_migrations`` or at the
commit, and a rollback checks them for the first that fails. Offline,
``BEGIN``/``COMMIT`` are written where the dialect has transactional DDL.
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

    def __init__(self, impl: DialectImpl, connection: Connection | None, *, offline_sql: bool,
                 inside_run: bool = False) -> None:
        self.impl = impl
        self.connection = connection
        self.offline_sql = offline_sql
        #: Begun by the runtime inside ``run_migrations`` (a step's, the version table's): only
        #: mig and the scripts use the connection until it ends, so it may defer at once.
        self.inside_run = inside_run
        #: For the run's transaction begun from env.py: what the dialect noted right after
        #: ``BEGIN`` (see :meth:`DialectImpl.transaction_mark`); ``run_migrations`` defers the
        #: rest of the transaction if nothing has been done in it since.
        self.mark: Any = None
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
            may_defer = impl.may_defer and not steps_watched()
            if not (may_defer and self.inside_run and impl.start_deferring(connection)):
                impl.on_transaction_begin(connection)
                if may_defer and not self.inside_run:
                    self.mark = impl.transaction_mark(connection)
        self.active = True

    def commit(self) -> None:
        if not self.active:
            return
        self.active = False
        impl = self.impl
        if impl.as_sql:
            if self.offline_sql:
                impl.emit(impl.commit_sql())
        elif self._trans is not None:
            trans, self._trans = self._trans, None
            connection = self.connection
            assert connection is not None
            try:
                impl.run_deferred()
            except BaseException:
                if trans.is_active:
                    trans.rollback()
                raise
            finally:
                impl.stop_watching()
            if trans.is_active:
                trans.commit()
            # Code holding the connection ended the run's transaction early (a script's commit()
            # on a connection it was handed outside mig): what ran after it still commits.
            elif connection.in_transaction():
                connection.commit()
            else:
                impl.commit_driver(connection)  # deferred statements ran outside SQLAlchemy's view

    def rollback(self, *, check_deferred: bool = False) -> None:
        """Roll back; with ``check_deferred``, first run the statements the transaction deferred,
        one at a time, so that the first of them that fails is the error raised (as it would have
        been without deferral)."""
        if not self.active:
            return
        self.active = False
        impl = self.impl
        deferred = impl.take_deferred()
        impl.stop_watching()
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


def steps_watched() -> bool:
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


__all__ = ["RunTransaction", "autocommit", "nothing", "steps_watched"]
