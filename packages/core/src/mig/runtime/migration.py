"""``MigrationContext``: one database, one dialect impl, the version table, and the steps of a run."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from mig.errors import DialectNotFoundError, MigError, MigrationFailedError
from mig.runtime import state
from mig.runtime.events import StepEvent
from mig.runtime.steplog import StepLog
from mig.runtime.transaction import RunTransaction, autocommit, nothing
from mig.runtime.version import VersionTable

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Dialect, Engine

    from mig.ddl.impl import DialectImpl
    from mig.operations import Operations

log = logging.getLogger("mig.runtime")

#: ``plan(current_heads, migration_context) -> steps``; a step has ``script``, ``direction``,
#: ``heads_before``, ``heads_after`` (see :class:`mig.revision.plan.Step`).
PlanFn = Callable[[tuple[str, ...], "MigrationContext"], Sequence[Any]]


class PlanSink(Protocol):
    """Where ``--plan`` writes a run down instead of doing it (:class:`mig.runtime.plan.Plan`).

    A command that plans sets it as the environment's ``plan``; :meth:`MigrationContext.run_migrations`
    then hands the run to :meth:`record` instead of running its steps.
    """

    def record(self, online: MigrationContext, plan: PlanFn, **kw: Any) -> None:
        """Write down the steps ``plan`` gives for ``online``'s database (changing nothing)."""


@dataclass(frozen=True)
class StepInfo:
    """What ``on_version_apply`` callbacks receive as ``step`` (Alembic's names)."""

    up_revision_id: str | None
    down_revision_ids: tuple[str, ...]
    is_upgrade: bool
    is_stamp: bool
    source_revision_ids: tuple[str, ...]
    destination_revision_ids: tuple[str, ...]
    revision: str | None

    @property
    def is_migration(self) -> bool:
        return not self.is_stamp

    @property
    def up_revision_ids(self) -> tuple[str, ...]:
        return (self.up_revision_id,) if self.up_revision_id else ()


def impl_class_for(dialect_name: str, allow_generic: bool) -> type[DialectImpl]:
    """The ``DialectImpl`` class registered for ``dialect_name`` (or the generic one, if allowed)."""
    from mig import plugins
    from mig.ddl.impl import DialectImpl

    try:
        spec = plugins.dialect(dialect_name)
    except DialectNotFoundError:
        if allow_generic:
            log.info("no mig dialect for %r; using the generic DialectImpl", dialect_name)
            return DialectImpl
        raise
    cls: type[DialectImpl] = spec.load()
    return cls


class MigrationContext:
    """Runs steps against one connection (online) or writes them as SQL (offline)."""

    def __init__(self, dialect: Dialect, connection: Connection | None = None, *,
                 opts: Mapping[str, Any] | None = None, environment: Any = None) -> None:
        opts = dict(opts or {})
        self.dialect = dialect
        self._connection = connection
        self.opts = opts
        self.environment = environment
        #: The URL an offline context was configured with (``None`` online or when not given).
        self.url: Any = None
        self.as_sql = bool(opts.get("as_sql", False))
        self.output: TextIO | None = opts.get("output_buffer")
        impl_cls = opts.get("impl_class") or impl_class_for(dialect.name, bool(opts.get("allow_generic_dialect")))
        self.impl: DialectImpl = impl_cls(
            dialect, connection, as_sql=self.as_sql, output=self.output,
            context_opts=opts,
        )
        transactional = opts.get("transactional_ddl")
        if transactional is not None:
            self.impl.transactional_ddl = bool(transactional)
        # Without transactional DDL (MySQL, MariaDB) each DDL statement commits by itself:
        # commit every migration together with its version row, so that a failure leaves
        # the version table naming the last migration that completed.
        self.transaction_per_migration = (bool(opts.get("transaction_per_migration", False))
                                          or not self.impl.transactional_ddl)
        #: env.py began a transaction itself before ``configure`` (``with engine.begin() as
        #: connection``): the whole run stays inside it and env.py commits it, as with Alembic;
        #: mig opens no transaction of its own, per run or per migration.
        self.external_transaction = bool(connection is not None and not self.as_sql
                                         and connection.in_transaction())
        #: A ``--sql`` downgrade to base ends with the version table's ``DROP TABLE``, as Alembic's
        #: does; online the table stays (and so it does in a plan, which shows an online run).
        self.drops_version_table_at_base = self.as_sql
        self.version = VersionTable(self.impl, opts.get("version_table") or "mig_version",
                                    opts.get("version_table_schema"))
        #: The log table (one row per applied step, with the script's checksum), beside the version table.
        self.steplog = StepLog(self.impl, opts.get("log_table"), opts.get("version_table_schema"))
        self.on_version_apply: list[Callable[..., Any]] = list(opts.get("on_version_apply") or ())
        self._operations: Operations | None = None
        self._transaction: RunTransaction | None = None
        self._after_transaction: list[Callable[[], None]] = []
        #: How many :func:`mig.runtime.lock.migration_lock` blocks of this context are open
        #: (the lock is taken by the outermost one only; 0: not held).
        self._lock_depth = 0
        self._offline_bind: Engine | None = None
        #: The keyword arguments of the current ``run_migrations`` call (``engine_name`` in a
        #: multi-database env.py); the scripts' functions receive them too.
        self.run_arguments: Mapping[str, Any] = {}

    # -- construction (Alembic's MigrationContext.configure) ------------------------------

    @classmethod
    def configure(cls, connection: Connection | None = None, url: Any = None, dialect_name: str | None = None,
                  dialect: Dialect | None = None, environment_context: Any = None,
                  dialect_opts: Mapping[str, Any] | None = None,
                  opts: Mapping[str, Any] | None = None) -> MigrationContext:
        """A context for ``connection``, or (offline) for the dialect of ``url``/``dialect_name``."""
        if connection is not None:
            dialect = connection.dialect
        elif dialect is None:
            dialect = dialect_for(url=url, dialect_name=dialect_name, dialect_opts=dialect_opts)
        context = cls(dialect, connection, opts=opts, environment=environment_context)
        context.url = url
        return context

    # -- properties -----------------------------------------------------------------

    @property
    def script(self) -> Any:
        """The script directory of the run (``None`` for a context made outside a command)."""
        return getattr(self.environment, "script", None)

    @property
    def config(self) -> Any:
        """The :class:`mig.config.Config` of the run (``None`` outside a command)."""
        return getattr(self.environment, "config", None)

    @property
    def connection(self) -> Connection | None:
        """The live connection (``None`` offline)."""
        return self._connection

    @property
    def bind(self) -> Connection | None:
        return self.connection

    @property
    def operations(self) -> Operations:
        if self._operations is None:
            from mig.operations import Operations

            self._operations = Operations(self)
        return self._operations

    def get_bind(self) -> Connection | Engine:
        """The live connection; offline an engine stand-in whose ``.dialect`` and ``.engine.name``
        answer and which refuses to read the database (:class:`mig.operations.offline.OfflineBind`)."""
        if self.as_sql:
            if self._offline_bind is None:
                from mig.operations.offline import OfflineBind

                self._offline_bind = OfflineBind(self.impl, "context.get_bind()")
            return self._offline_bind
        return self.impl.require_connection("get_bind()")

    def get_current_heads(self) -> tuple[str, ...]:
        """The version rows (sorted); offline, the starting revisions of the range."""
        if self.as_sql:
            env = self.environment
            return tuple(getattr(env, "starting_heads", ()) or ())
        connection = self.impl.require_connection("reading the version table")
        return self.version.heads(connection)

    def get_current_revision(self) -> str | None:
        heads = self.get_current_heads()
        if len(heads) > 1:
            from mig.errors import MultipleHeadsError

            raise MultipleHeadsError(f"the database has several heads ({', '.join(heads)}); use get_current_heads()")
        return heads[0] if heads else None

    def execute(self, sql: Any, execution_options: Mapping[str, Any] | None = None) -> Any:
        return self.impl.execute(sql, execution_options=execution_options)

    # -- transactions -----------------------------------------------------------------

    def begin_transaction(self, _per_migration: bool = False) -> AbstractContextManager[Any]:
        """The run's transaction (``_per_migration=False``, from env.py) or a step's transaction."""
        impl = self.impl
        if self.transaction_per_migration != _per_migration:
            return nothing()
        if _per_migration and self.external_transaction:
            return nothing()  # every migration runs in env.py's own transaction
        offline_sql = impl.transactional_ddl
        if not self.as_sql:
            connection = self._connection
            assert connection is not None
            if not _per_migration and connection.in_transaction() and self._transaction is None:
                # The caller began a transaction (engine.begin()); make sure the database is in it.
                impl.on_transaction_begin(connection)
                return nothing()
        trans = RunTransaction(impl, self._connection, offline_sql=offline_sql)
        self._transaction = trans
        return self._transaction_scope(trans)

    @contextmanager
    def _transaction_scope(self, trans: RunTransaction) -> Iterator[RunTransaction]:
        try:
            with trans:
                yield trans
        finally:
            if self._transaction is trans:
                self._transaction = None
            # what waits for the end of the run's transaction (the migration lock's release)
            while self._after_transaction:
                self._after_transaction.pop(0)()

    def autocommit_block(self) -> AbstractContextManager[None]:
        """Run statements outside any transaction (``CREATE INDEX CONCURRENTLY``, ``VACUUM`` ...)."""
        return autocommit(self.impl, self._connection, self._transaction)

    # -- running ----------------------------------------------------------------------

    def ensure_version_table(self) -> None:
        """Create the version table if it does not exist (offline: write its CREATE TABLE)."""
        if self.transaction_per_migration and not self.as_sql:
            with self.begin_transaction(_per_migration=True):
                self.version.create()
                self._ensure_log()
        else:
            self.version.create()
            self._ensure_log()

    def _ensure_log(self) -> list[str] | None:
        """Create the log table beside the version table (adopting a database that has none);
        the revisions recorded as the baseline (see :meth:`StepLog.adopt`)."""
        from mig.runtime import verifying

        heads = self.get_current_heads() if self.steplog.existence_known else ()
        return self.steplog.adopt(heads, verifying.revision_map(self))

    def _ensure_tables(self, heads: Sequence[str], has_steps: bool) -> None:
        """Before the first step: online, the version and log tables (created if missing); a
        ``--sql`` file from base creates them, one from a revision only the log (``IF NOT EXISTS``)."""
        if not self.as_sql or (has_steps and not heads):
            self.ensure_version_table()
        elif has_steps:
            self.steplog.create()

    def stamp(self, script_directory: Any, revision: str | Sequence[str]) -> None:
        """Make the version table say ``revision`` without running a script (Alembic's
        ``MigrationContext.stamp``): the branches it is on move to it, up or down, otherwise it
        becomes another head. As ``mig stamp``: the tables are created if missing, the step is
        logged, under the migration lock.

        :param script_directory: the :class:`mig.revision.ScriptDirectory` the revisions are in.
        :param revision: a revision (``head``, ``base``, an id ...) or several.
        """
        targets = [revision] if isinstance(revision, str) else list(revision)

        def plan(heads: Sequence[str], ctx: MigrationContext) -> list[Any]:
            return list(script_directory.plan_stamp(heads, targets))

        self.run_migrations(plan)

    def run_migrations(self, plan: PlanFn, *, create_version_table: bool = True, **kw: Any) -> None:
        """Plan from the current heads, then run every step (script + version rows), all of it
        under the migration lock when the run may write (:mod:`mig.runtime.lock`)."""
        from mig.runtime.lock import migration_lock

        sink: PlanSink | None = getattr(self.environment, "plan", None)
        if sink is not None:  # --plan: the same steps, written down instead of run
            sink.record(self, plan, **kw)
            return
        with migration_lock(self, wanted=create_version_table):
            self._run_steps(plan, create_version_table=create_version_table, **kw)

    def _run_steps(self, plan: PlanFn, *, create_version_table: bool = True, **kw: Any) -> None:
        from mig import plugins

        impl = self.impl
        connection = self._connection
        as_sql = self.as_sql
        if not as_sql and not self.transaction_per_migration and connection is not None \
                and connection.in_transaction():
            impl.on_transaction_begin(connection)
        self.run_arguments = dict(kw)
        heads = self.get_current_heads()
        steps = list(plan(heads, self))
        if not as_sql and steps:
            from mig.runtime import verifying

            verifying.before_run(self, heads, steps)
        if create_version_table:
            self._ensure_tables(heads, bool(steps))
        if not steps:
            return
        operations = self.operations
        state.push_operations(operations)
        total = len(steps)
        per_migration = self.transaction_per_migration
        notify = plugins.has_implementations("mig_before_step") or plugins.has_implementations("mig_after_step")
        debug = log.isEnabledFor(logging.DEBUG)
        version_apply = self.version.apply
        steplog = self.steplog
        rmap = getattr(self.script, "revision_map", None)
        perf_counter = time.perf_counter
        from mig.runtime.progress import marker_for

        marker = marker_for(self) if create_version_table else None  # no transactional DDL: mark the step
        try:
            for index, step in enumerate(steps):
                script = step.script
                direction = step.direction
                if script is not None:
                    revision = script.revision
                    path = getattr(script, "_file", None) or str(script.path)
                    down_revisions = script.down_revisions
                else:
                    revision = path = None
                    down_revisions = ()
                event = StepEvent(revision, direction, index, total, path, as_sql=as_sql,
                                  heads_before=step.heads_before, heads_after=step.heads_after,
                                  down_revisions=down_revisions)
                impl.current_step = event
                if notify:
                    plugins.before_step(event)
                started = perf_counter()
                if as_sql and script is not None:
                    impl._comment(_describe(step))
                if marker is not None and revision is not None:
                    marker.begin(revision, direction)
                scope = self.begin_transaction(_per_migration=True) if per_migration else None
                if scope is not None:
                    scope.__enter__()
                try:
                    if script is not None:
                        fn = self._script_function(script, direction == "upgrade")
                        try:
                            if kw:
                                fn(**kw)
                            else:
                                fn()
                        except MigrationFailedError:
                            raise
                        except Exception as exc:
                            raise step_failure(direction, revision, str(path), exc) from exc
                    version_apply(step.heads_before, step.heads_after)
                    if create_version_table:
                        steplog.record_step(step, None if as_sql else perf_counter() - started, rmap)
                except BaseException as exc:
                    if scope is not None:
                        scope.__exit__(type(exc), exc, exc.__traceback__)
                    raise
                if scope is not None:
                    scope.__exit__(None, None, None)
                if marker is not None:
                    marker.done()
                event.elapsed = perf_counter() - started
                if self.on_version_apply:
                    self._call_on_version_apply(step, kw)
                if notify:
                    plugins.after_step(event)
                if debug:
                    log.debug("%s %s done in %.3fs", direction, revision, event.elapsed)
            if self.drops_version_table_at_base and create_version_table and not steps[-1].heads_after:
                self.version.drop()
        finally:
            if marker is not None:
                marker.close()
            impl.current_step = None
            state.pop_operations(operations)

    def _script_function(self, script: Any, is_upgrade: bool) -> Callable[..., Any]:
        module = script.load_module()
        name = "upgrade" if is_upgrade else "downgrade"
        fn = getattr(module, name, None)
        if fn is None:
            raise MigrationFailedError(
                f"{name} {script.revision} ({script.path}) failed: the script has no {name}() function",
                revision=script.revision, path=str(script.path))
        return fn  # type: ignore[no-any-return,unused-ignore]

    def _call_on_version_apply(self, step: Any, kw: Mapping[str, Any]) -> None:
        script = step.script
        info = StepInfo(
            up_revision_id=script.revision if script is not None and step.direction == "upgrade" else None,
            down_revision_ids=tuple(getattr(script, "down_revisions", ()) or ()) if script is not None else (),
            is_upgrade=step.direction == "upgrade",
            is_stamp=script is None,
            source_revision_ids=tuple(sorted(step.heads_before)),
            destination_revision_ids=tuple(sorted(step.heads_after)),
            revision=script.revision if script is not None else None,
        )
        for fn in self.on_version_apply:
            fn(ctx=self, step=info, heads=set(step.heads_after), run_args=dict(kw))


def _describe(step: Any) -> str:
    """The offline header of a step, naming the script as Alembic's does: an upgrade runs from the
    script's ``down_revision`` (in the order the script gives them) to the script, a downgrade from
    the script back to them, whatever other branches the version rows hold; ``base`` for none."""
    script = step.script
    parents = ", ".join(script.down_revisions) or "base"
    if step.direction == "upgrade":
        return f"Running upgrade {parents} -> {script.revision}"
    return f"Running {step.direction} {script.revision} -> {parents}"


def step_failure(direction: str, revision: str | None, path: str, exc: BaseException) -> MigrationFailedError:
    """The error for a step whose script (or one of its statements) failed with ``exc``."""
    name = os.path.basename(path)
    return MigrationFailedError(f"{direction} {revision} ({name}) failed: {describe_exception(exc)}",
                                revision=revision, path=path)


def describe_exception(exc: BaseException) -> str:
    """A one-line cause: the database's own message for driver errors, else ``Type: message``."""
    if isinstance(exc, MigError):
        return str(exc)
    orig = getattr(exc, "orig", None)
    if orig is not None:
        first = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
        # Name the statement that failed (on databases without transactional DDL the
        # statements before it stay applied, so the user must know where it stopped).
        statement = " ".join(str(getattr(exc, "statement", None) or "").split())
        where = f"; statement: {statement[:300]}" if statement else ""
        return f"{type(orig).__name__}: {first}{where}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def dialect_for(url: Any = None, dialect_name: str | None = None,
                dialect_opts: Mapping[str, Any] | None = None) -> Dialect:
    """A ``Dialect`` instance for offline work, from a URL or a dialect name."""
    from sqlalchemy.engine import make_url

    from mig.errors import ConfigError

    if url is not None:
        u = make_url(url)
    elif dialect_name:
        u = make_url(f"{dialect_name}://")
    else:
        raise ConfigError("context.configure() needs connection=, url= or dialect_name=")
    dialect_cls = u.get_dialect()
    opts = dict(dialect_opts or {})
    opts.setdefault("paramstyle", "named")
    return dialect_cls(**opts)  # type: ignore[no-any-return,unused-ignore]


__all__ = ["MigrationContext", "PlanFn", "PlanSink", "StepInfo", "describe_exception", "dialect_for", "impl_class_for", "step_failure"]
