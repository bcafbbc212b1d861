"""``context``: the env.py API, forwarding to the environment of the command that is running.

An Alembic ``env.py`` whose imports say ``mig`` instead of ``alembic`` runs
unchanged: ``context.config``, ``context.configure(...)``,
``context.begin_transaction()``, ``context.run_migrations()``,
``context.is_offline_mode()`` ... Outside a run every name raises
:class:`mig.errors.NoContextError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from mig.runtime.state import current_environment

if TYPE_CHECKING:
    from mig.runtime.environment import EnvironmentContext
    from mig.runtime.migration import MigrationContext


def _env(what: str) -> EnvironmentContext:
    return current_environment(f"context.{what}")


def __getattr__(name: str) -> Any:
    if name in ("config", "script"):
        return getattr(_env(name), name)
    raise AttributeError(f"module 'mig.context' has no attribute {name!r}")


def configure(connection: Any = None, url: Any = None, dialect_name: str | None = None, **kw: Any) -> None:
    """Set up the run: ``connection=`` (online) or ``url=``/``dialect_name=`` (offline), and options."""
    _env("configure()").configure(connection=connection, url=url, dialect_name=dialect_name, **kw)


def begin_transaction() -> AbstractContextManager[Any]:
    """The run's transaction (a no-op with ``transaction_per_migration``, where each step has its own)."""
    return _env("begin_transaction()").begin_transaction()


def run_migrations(**kw: Any) -> None:
    """Run this command's migrations; keywords are passed to each ``upgrade()``/``downgrade()``."""
    _env("run_migrations()").run_migrations(**kw)


def is_offline_mode() -> bool:
    return _env("is_offline_mode()").is_offline_mode()


def is_transactional_ddl() -> bool:
    return _env("is_transactional_ddl()").is_transactional_ddl()


def requires_connection() -> bool:
    return _env("requires_connection()").requires_connection()


def get_x_argument(as_dictionary: bool = False) -> Any:
    """The ``-x key=value`` arguments, as a list or (``as_dictionary=True``) a dict."""
    return _env("get_x_argument()").get_x_argument(as_dictionary=as_dictionary)


def get_tag_argument() -> str | None:
    return _env("get_tag_argument()").get_tag_argument()


def get_revision_argument() -> Any:
    return _env("get_revision_argument()").get_revision_argument()


def get_starting_revision_argument() -> Any:
    return _env("get_starting_revision_argument()").get_starting_revision_argument()


def get_head_revision() -> str | None:
    return _env("get_head_revision()").get_head_revision()


def get_head_revisions() -> tuple[str, ...]:
    return _env("get_head_revisions()").get_head_revisions()


def get_bind() -> Any:
    """The connection; offline a stand-in whose ``.dialect`` answers (reading through it is an error)."""
    return _env("get_bind()").get_bind()


def get_context() -> MigrationContext:
    return _env("get_context()").get_context()


def get_impl() -> Any:
    """The run's dialect implementation (``get_context().impl``)."""
    return _env("get_impl()").get_impl()


def execute(sql: Any, execution_options: Mapping[str, Any] | None = None) -> Any:
    """Execute (online) or write (offline) a statement outside any migration script."""
    return _env("execute()").execute(sql, execution_options=execution_options)


def autocommit_block() -> AbstractContextManager[None]:
    """Commit the open transaction, run the block in autocommit mode, then begin again."""
    return _env("autocommit_block()").autocommit_block()


def static_output(text: str) -> None:
    """Offline: write ``text`` to the SQL output as it is."""
    _env("static_output()").static_output(text)


__all__ = [
    "autocommit_block", "begin_transaction", "configure", "execute", "get_bind", "get_context", "get_impl",
    "get_head_revision", "get_head_revisions", "get_revision_argument", "get_starting_revision_argument",
    "get_tag_argument", "get_x_argument", "is_offline_mode", "is_transactional_ddl", "requires_connection",
    "run_migrations", "static_output",
]
