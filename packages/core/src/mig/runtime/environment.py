"""``EnvironmentContext``: what ``env.py`` talks to through :mod:`mig.context`.

A command builds one with the plan of the run (a function from the current
heads to steps), then :meth:`EnvironmentContext.run_env` executes the
project's ``env.py`` (and registers it, with a ``mig_plugins.py`` beside it,
as a local plugin for the run).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, TextIO

from mig import pyfile
from mig.errors import ConfigError
from mig.runtime import state
from mig.runtime.migration import MigrationContext, PlanFn, PlanSink

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from mig.config import Config

_NOT_SET: Any = object()


class EnvironmentContext:
    """The environment of one command run.

    :param config: the :class:`mig.config.Config`.
    :param script: the script directory (``mig.revision`` ``ScriptDirectory``).
    :param fn: ``plan(current_heads, migration_context) -> steps``.
    :param as_sql: offline mode.
    :param starting_heads: offline: the revisions the range starts from.
    :param destination_rev: the revision argument the user gave (``get_revision_argument``).
    :param tag: ``--tag``.
    :param create_version_table: whether running creates the version table (not for ``current``).
    :param lock: whether ``run_migrations`` holds the migration lock (``None``: when it may
        write, i.e. with ``create_version_table``); see :mod:`mig.runtime.lock`.
    """

    def __init__(self, config: Config, script: Any, *, fn: PlanFn | None = None, as_sql: bool = False,
                 starting_heads: Sequence[str] = (), starting_rev: str | None = None,
                 destination_rev: Any = None, tag: str | None = None,
                 create_version_table: bool = True, lock: bool | None = None) -> None:
        self.config = config
        self.script = script
        self.fn = fn
        self.as_sql = as_sql
        self.starting_heads = tuple(starting_heads)
        self.starting_rev = starting_rev
        self.destination_rev = destination_rev
        self.tag = tag
        self.create_version_table = create_version_table
        self.lock = lock
        #: ``--plan``: where ``run_migrations()`` writes the run down instead of doing it.
        self.plan: PlanSink | None = None
        self.context_opts: dict[str, Any] = {}
        self._migration_context: MigrationContext | None = None
        self._env_module: ModuleType | None = None
        self._local_plugins: list[str] = []
        #: What waits for env.py to end (a migration lock held inside a transaction env.py began itself).
        self._after_run: list[Callable[[], None]] = []

    # -- running env.py ----------------------------------------------------------------

    def __enter__(self) -> EnvironmentContext:
        state.push_environment(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        while self._after_run:
            self._after_run.pop(0)()
        state.pop_environment(self)
        self._unregister_local_plugins()

    def run_env(self, after: Callable[[], Any] | None = None) -> None:
        """Execute ``<script_location>/env.py`` with this environment current.

        ``after`` runs once env.py has finished, while the project's local
        plugins (env.py, ``mig_plugins.py``) are still registered: autogenerate
        renders its draft there, so a local plugin's renderers are used.
        """
        from mig import plugins

        location = Path(self.config.script_location)
        env_path = location / "env.py"
        if not env_path.is_file():
            raise ConfigError(f"{env_path} does not exist; run `mig init {location}` or restore env.py")
        with self:
            local = location / "mig_plugins.py"
            if local.is_file():
                module = pyfile.load(local, "plugins")
                self._local_plugins.append(plugins.register_local_module(str(local), module))
            plugins.configure(self.config)
            # The module exists before it runs: configure() registers it as a plugin from inside.
            self._env_module = pyfile.prepare(env_path, "env")
            pyfile.execute(self._env_module, wrap_errors=False, keep=False)
            if after is not None:
                after()

    def _register_env_module(self) -> None:
        from mig import plugins

        module = self._env_module
        if module is None or getattr(module, "__file__", None) is None:
            return
        name = plugins.register_local_module(str(module.__file__), module)
        if name not in self._local_plugins:
            self._local_plugins.append(name)

    def _unregister_local_plugins(self) -> None:
        from mig import plugins

        while self._local_plugins:
            plugins.unregister(self._local_plugins.pop())

    # -- the env.py API ------------------------------------------------------------------

    def configure(self, connection: Connection | None = None, url: Any = None,
                  dialect_name: str | None = None, dialect_opts: Mapping[str, Any] | None = None,
                  transactional_ddl: bool | None = None, transaction_per_migration: bool | None = None,
                  output_buffer: TextIO | None = None, starting_rev: str | None = None,
                  tag: str | None = None, target_metadata: Any = None, literal_binds: bool = False,
                  version_table: str | None = None, version_table_schema: str | None = None,
                  on_version_apply: Callable[..., Any] | Sequence[Callable[..., Any]] | None = None,
                  allow_generic_dialect: bool | None = None, as_sql: bool | None = None,
                  **kw: Any) -> None:
        """Set up the run (Alembic's ``context.configure``); the keywords are kept in ``context_opts``.

        Autogenerate options (``compare_type``, ``include_object``, ``render_as_batch``,
        ``process_revision_directives`` ...) are accepted and kept for the plugin that uses them.
        """
        config = self.config
        opts: dict[str, Any] = dict(kw)
        offline = self.as_sql if as_sql is None else as_sql
        if offline and connection is not None and url is None and dialect_name is None:
            dialect_name = connection.dialect.name
            connection = None
        if tag is not None:
            self.tag = tag
        if starting_rev is not None:
            self.starting_rev = starting_rev
        opts.update(
            as_sql=offline,
            output_buffer=output_buffer or config.output_buffer or sys.stdout,
            target_metadata=target_metadata,
            literal_binds=literal_binds,
            version_table=version_table or config.version_table,
            version_table_schema=version_table_schema if version_table_schema is not None
            else config.version_table_schema,
            transaction_per_migration=(config.transaction_per_migration if transaction_per_migration is None
                                       else transaction_per_migration),
            transactional_ddl=transactional_ddl,
            allow_generic_dialect=(config.allow_generic_dialect if allow_generic_dialect is None
                                   else allow_generic_dialect),
            on_version_apply=_as_list(on_version_apply),
            log_table=opts.get("log_table") or getattr(config, "log_table", None),
        )
        self.context_opts = opts
        if connection is not None:
            self._migration_context = MigrationContext.configure(connection, environment_context=self, opts=opts)
        else:
            if url is None and dialect_name is None:
                url = config.url
            self._migration_context = MigrationContext.configure(
                None, url=url, dialect_name=dialect_name, dialect_opts=dialect_opts,
                environment_context=self, opts=opts)
        self._register_env_module()

    def get_context(self) -> MigrationContext:
        if self._migration_context is None:
            raise ConfigError("context.configure() has not been called yet; call it first in env.py")
        return self._migration_context

    def get_impl(self) -> Any:
        """The run's dialect implementation (a :class:`mig.ddl.DialectImpl`), ``get_context().impl``."""
        return self.get_context().impl

    def run_migrations(self, **kw: Any) -> None:
        """Run the steps of this command (keywords reach each script's ``upgrade()``/``downgrade()``)."""
        ctx = self.get_context()
        if self.fn is None:
            return
        ctx.run_migrations(self.fn, create_version_table=self.create_version_table, **kw)

    def begin_transaction(self) -> AbstractContextManager[Any]:
        if self._migration_context is None:
            return _nothing()
        return self._migration_context.begin_transaction()

    def autocommit_block(self) -> AbstractContextManager[None]:
        return self.get_context().autocommit_block()

    def is_offline_mode(self) -> bool:
        return self.as_sql

    def is_transactional_ddl(self) -> bool:
        return bool(self.get_context().impl.transactional_ddl)

    def requires_connection(self) -> bool:
        return not self.as_sql

    def get_bind(self) -> Connection | Engine:
        """The run's connection; offline a stand-in that answers ``.dialect`` and ``.engine.name``
        and refuses to read the database (as ``op.get_bind()`` does)."""
        return self.get_context().get_bind()

    def execute(self, sql: Any, execution_options: Mapping[str, Any] | None = None) -> Any:
        return self.get_context().execute(sql, execution_options=execution_options)

    def static_output(self, text: str) -> None:
        """Offline: write ``text`` as it is to the output."""
        ctx = self.get_context()
        out = ctx.impl.output or sys.stdout
        out.write(text + "\n\n")

    def get_x_argument(self, as_dictionary: bool = False) -> list[str] | dict[str, str]:
        return self.config.get_x_arguments(as_dictionary=as_dictionary)

    def get_tag_argument(self) -> str | None:
        return self.tag

    def get_revision_argument(self) -> Any:
        return self.destination_rev

    def get_starting_revision_argument(self) -> Any:
        if self.starting_rev is not None:
            return self.starting_rev
        if self.starting_heads:
            return self.starting_heads[0] if len(self.starting_heads) == 1 else self.starting_heads
        return None

    def get_head_revision(self) -> str | None:
        return self.script.get_current_head() if self.script is not None else None

    def get_head_revisions(self) -> tuple[str, ...]:
        return tuple(self.script.get_heads()) if self.script is not None else ()


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if callable(value):
        return [value]
    return list(value)


def run_env(config: Config, fn: PlanFn | None, *, script: Any = None, as_sql: bool = False,
            starting_heads: Sequence[str] = (), starting_rev: str | None = None,
            destination_rev: Any = None, tag: str | None = None,
            create_version_table: bool = True, after: Callable[[], Any] | None = None,
            lock: bool | None = None) -> EnvironmentContext:
    """Run ``env.py`` for one command; returns the environment (its migration context inside).

    ``after``: see :meth:`EnvironmentContext.run_env`.
    """
    if script is None:
        from mig.revision.directory import ScriptDirectory

        script = ScriptDirectory.from_config(config)
    env = EnvironmentContext(config, script, fn=fn, as_sql=as_sql, starting_heads=starting_heads,
                             starting_rev=starting_rev, destination_rev=destination_rev, tag=tag,
                             create_version_table=create_version_table, lock=lock)
    env.run_env(after=after)
    return env


__all__ = ["EnvironmentContext", "run_env"]
