"""The plan step of a run (``upgrade``, ``downgrade``, ``stamp`` ``--plan``): the run, written down instead of done.

The plan is not a simulator beside the run: env.py connects as for a real
run and calls ``run_migrations()``; there, instead of running the steps,
:func:`run_plan`

1. takes the migration lock (:func:`mig.runtime.lock.migration_lock`) and
   reads the version rows from the live database, as the run would;
2. runs the very same steps through a migration context in offline mode
   (:class:`PlanContext`) whose statements go to a :class:`Plan` instead of
   the database: each statement is the SQL ``--sql`` would write for the
   dialect (version-table and log-table statements included), ``BEGIN`` and
   ``COMMIT`` where the run would put them, and the statements inside an
   ``autocommit_block()`` flagged;
3. names what only the database could tell (an operation that must read the
   database, e.g. a batch move-and-copy reflecting its table; a script reading
   through ``op.get_bind()``) instead of guessing it.

Nothing is executed on the connection except the reads of the version table
(and the lock).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mig.errors import MigrationFailedError, NotSupportedError, OfflineError
from mig.runtime.migration import MigrationContext

if TYPE_CHECKING:
    from mig.ddl.impl import DialectImpl
    from mig.runtime.migration import PlanFn

__all__ = ["Plan", "PlanRun", "PlanStatement", "PlanStep", "run_plan"]


@dataclass
class PlanStatement:
    """One statement of a plan: ``kind`` is ``"statement"``, ``"begin"``, ``"commit"``, or
    ``"needs_database"`` (where the run reads the database: ``sql`` then says what it reads,
    and the statements that follow from the read are not shown)."""

    sql: str
    kind: str = "statement"
    autocommit: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "sql": self.sql, "autocommit": self.autocommit}


@dataclass
class PlanStep:
    """One step of the path: what it is, its statements, and what needs the database."""

    index: int
    direction: str
    revision: str | None
    down_revisions: tuple[str, ...]
    file: str | None
    message: str
    statements: list[PlanStatement] = field(default_factory=list)
    #: what this step does that depends on the database's state (named, not guessed)
    needs_database: list[str] = field(default_factory=list)
    #: the step stopped being plannable here (a read through ``op.get_bind()``)
    incomplete: bool = False
    #: the version rows before and after the step
    heads_before: tuple[str, ...] = ()
    heads_after: tuple[str, ...] = ()

    @property
    def autocommit(self) -> bool:
        return any(s.autocommit for s in self.statements)

    def as_json(self) -> dict[str, Any]:
        return {"index": self.index, "direction": self.direction, "revision": self.revision,
                "down_revisions": list(self.down_revisions), "file": self.file, "message": self.message,
                "statements": [s.as_json() for s in self.statements],
                "autocommit": self.autocommit, "needs_database": list(self.needs_database),
                "incomplete": self.incomplete, "heads_before": list(self.heads_before),
                "heads_after": list(self.heads_after)}


@dataclass
class PlanRun:
    """The plan of one ``run_migrations()`` call (one database)."""

    dialect: str
    current: tuple[str, ...]
    transactional_ddl: bool
    transaction_per_migration: bool
    engine_name: str | None = None
    locked: bool = False
    version_table_exists: bool = True
    #: the log table (``mig_log``); when it does not exist the run creates it and, on a database
    #: with applied migrations (Alembic migrated it), writes their ``baseline`` rows first
    log_table: str = "mig_log"
    log_table_exists: bool = True
    #: the applied revisions whose ``baseline`` rows the run writes when it creates the log
    baseline: list[str] = field(default_factory=list)
    before: list[PlanStatement] = field(default_factory=list)
    steps: list[PlanStep] = field(default_factory=list)
    after: list[PlanStatement] = field(default_factory=list)
    #: a step could not be planned to its end; the steps after it are not shown
    stopped: str | None = None

    @property
    def transactions(self) -> str:
        """``"none"`` (DDL commits by itself), ``"per-migration"`` or ``"per-run"``."""
        if not self.transactional_ddl:
            return "none"
        return "per-migration" if self.transaction_per_migration else "per-run"

    def as_json(self) -> dict[str, Any]:
        return {"engine_name": self.engine_name, "dialect": self.dialect, "current": list(self.current),
                "locked": self.locked, "version_table_exists": self.version_table_exists,
                "log_table": self.log_table, "log_table_exists": self.log_table_exists,
                "baseline": list(self.baseline),
                "transactional_ddl": self.transactional_ddl,
                "transaction_per_migration": self.transaction_per_migration,
                "transactions": self.transactions,
                "before": [s.as_json() for s in self.before],
                "steps": [s.as_json() for s in self.steps],
                "after": [s.as_json() for s in self.after],
                "stopped": self.stopped}


@dataclass
class Plan:
    """What a command would do: one :class:`PlanRun` per database env.py migrates."""

    command: str
    target: str
    runs: list[PlanRun] = field(default_factory=list)

    @property
    def nothing_to_do(self) -> bool:
        return all(not run.steps for run in self.runs)

    def as_json(self) -> dict[str, Any]:
        return {"command": self.command, "target": self.target, "nothing_to_do": self.nothing_to_do,
                "runs": [run.as_json() for run in self.runs]}

    def record(self, online: MigrationContext, plan: PlanFn, **kw: Any) -> None:
        """Add the plan of ``online``'s run (:class:`mig.runtime.migration.PlanSink`; see :func:`run_plan`)."""
        run_plan(online, plan, self, **kw)


class _Recorder:
    """The output of the plan's offline impl: each write is one statement or one comment."""

    def __init__(self, run: PlanRun, impl_ref: list[DialectImpl]) -> None:
        self.run = run
        self._impl = impl_ref
        self.autocommit = False
        self.next_kind = "statement"
        self.steps_by_index: dict[int, PlanStep] = {}
        self.seen_step = False

    def write(self, text: str) -> int:
        body = text.rstrip("\n")
        if body.startswith("-- ") and "\n" not in body:
            return len(text)  # a step header: the plan has its own
        impl = self._impl[0]
        terminator = impl.statement_terminator
        if terminator and body.endswith(terminator):
            body = body[: -len(terminator)]
        kind, self.next_kind = self.next_kind, "statement"
        statement = PlanStatement(body, kind, self.autocommit and kind == "statement")
        step = self.current_step()
        if step is not None:
            self.seen_step = True
            step.statements.append(statement)
        elif self.seen_step:
            self.run.after.append(statement)
        else:
            self.run.before.append(statement)
        return len(text)

    def current_step(self) -> PlanStep | None:
        event = self._impl[0].current_step
        if event is None:
            return None
        return self.steps_by_index.get(event.index)

    def flush(self) -> None:
        """Nothing buffered."""


def _plan_impl_class(base: type[DialectImpl]) -> type[DialectImpl]:
    """``base`` whose operations name what needs the database (instead of failing) and whose
    ``BEGIN``/``COMMIT`` are marked as such in the plan."""

    class PlanImpl(base):  # type: ignore[valid-type,misc]
        recorder: _Recorder | None = None

        def run(self, operation: Any) -> Any:
            try:
                return super().run(operation)
            except (OfflineError, NotSupportedError) as exc:
                if not _needs_database(exc):
                    raise
                step = self.recorder.current_step() if self.recorder is not None else None
                note = _describe_needs(operation, exc)
                if step is not None:
                    step.needs_database.append(note)
                    step.statements.append(PlanStatement(note, "needs_database"))
                elif self.recorder is not None:
                    self.recorder.run.stopped = note
                return None

        def begin_sql(self) -> str:
            if self.recorder is not None:
                self.recorder.next_kind = "begin"
            return str(super().begin_sql())

        def commit_sql(self) -> str:
            if self.recorder is not None:
                self.recorder.next_kind = "commit"
            return str(super().commit_sql())

    PlanImpl.__name__ = PlanImpl.__qualname__ = f"Plan{base.__name__}"
    return PlanImpl


def _needs_database(exc: BaseException) -> bool:
    text = str(exc)
    return isinstance(exc, OfflineError) or "cannot check" in text or "--sql mode" in text


def _describe_needs(operation: Any, exc: BaseException) -> str:
    from mig.ops import BatchAlterTableOp

    if isinstance(operation, BatchAlterTableOp):
        return (f"batch_alter_table({operation.table_name!r}): move-and-copy of {operation.table_name}, "
                f"its columns are read from the database when it runs")
    from mig.ddl.probes import describe

    try:
        what = describe(operation)
    except Exception:  # an operation a plugin registered: its class name
        what = type(operation).__name__
    return f"{what}: reads the database when it runs ({_what_reads(exc)})"


class PlanContext(MigrationContext):
    """The offline migration context of a plan: heads from the live database, output to the plan."""

    def __init__(self, online: MigrationContext, heads: tuple[str, ...], table_exists: bool,
                 log_exists: bool, recorder: _Recorder) -> None:
        opts = dict(online.opts)
        opts.update(as_sql=True, output_buffer=recorder,
                    impl_class=_plan_impl_class(type(online.impl)))
        super().__init__(online.dialect, None, opts=opts, environment=online.environment)
        self.impl.transactional_ddl = online.impl.transactional_ddl
        self.transaction_per_migration = online.transaction_per_migration
        impl: Any = self.impl  # a PlanImpl (:func:`_plan_impl_class`)
        impl.recorder = self._recorder = recorder
        self._heads = heads
        self._online = online
        self._table_exists = table_exists
        self._log_exists = log_exists
        self.drops_version_table_at_base = False  # online the table stays
        # what the run finds, read from the database: it writes the CREATE TABLEs (and a log's
        # baseline rows) only for what is missing, and so does the plan
        self.version.known_to_exist(table_exists)
        self.steplog.known_to_exist(log_exists)

    @property
    def connection(self) -> Any:
        return None

    def get_current_heads(self) -> tuple[str, ...]:
        return self._heads

    def _ensure_tables(self, heads: Sequence[str], has_steps: bool) -> None:
        if has_steps:  # as online: whatever the database has, the missing tables are created
            self.ensure_version_table()

    def ensure_version_table(self) -> None:
        if self._table_exists and self._log_exists:
            return
        if self.transaction_per_migration:  # as online: in a transaction of its own
            with self.begin_transaction(_per_migration=True):
                super().ensure_version_table()
        else:
            super().ensure_version_table()

    def _ensure_log(self) -> list[str] | None:
        baseline = super()._ensure_log()
        self._recorder.run.baseline = list(baseline or ())
        return baseline

    def autocommit_block(self) -> AbstractContextManager[None]:
        return self._autocommit()

    @contextmanager
    def _autocommit(self) -> Iterator[None]:
        recorder = self._recorder
        with super().autocommit_block():
            recorder.autocommit = True
            try:
                yield
            finally:
                recorder.autocommit = False


def run_plan(online: MigrationContext, plan: PlanFn, sink: Plan, **kw: Any) -> None:
    """Record the plan of ``online``'s run into ``sink`` (the plan step of ``run_migrations``)."""
    from mig.runtime.lock import lock_wanted, migration_lock

    connection = online.impl.require_connection("planning (reading the version table)")
    with migration_lock(online, wanted=True):
        locked = lock_wanted(online, True)
        table_exists = online.version.exists(connection)
        log_exists = online.steplog.exists(connection)
        heads = online.version.heads(connection)
        engine_name = kw.get("engine_name")
        run = PlanRun(dialect=online.dialect.name, current=heads,
                      transactional_ddl=bool(online.impl.transactional_ddl),
                      transaction_per_migration=online.transaction_per_migration,
                      engine_name=None if engine_name is None else str(engine_name),
                      locked=locked, version_table_exists=table_exists,
                      log_table=online.steplog.qualified_name, log_table_exists=log_exists)
        sink.runs.append(run)
        steps = list(plan(heads, online))
        if not steps:
            return
        impl_ref: list[DialectImpl] = []
        recorder = _Recorder(run, impl_ref)
        ctx = PlanContext(online, heads, table_exists, log_exists, recorder)
        impl_ref.append(ctx.impl)
        for index, step in enumerate(steps):
            recorder.steps_by_index[index] = _plan_step(index, step)
        _run_recorded(ctx, run, recorder, steps, kw)


def _what_reads(exc: BaseException) -> str:
    """What read the database, from an offline refusal (without its advice for ``--sql`` users)."""
    text = str(exc)
    for cut in (" would read the database", " needs to read the database", " has no IF"):
        if cut in text:
            return text.split(cut, 1)[0].split(" in upgrade ", 1)[0].split(" in downgrade ", 1)[0]
    return text


def _offline_cause(exc: BaseException) -> OfflineError | None:
    """The :class:`OfflineError` (a read of the database) behind ``exc``, if that is why it failed."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OfflineError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _plan_step(index: int, step: Any) -> PlanStep:
    script = step.script
    before, after = tuple(sorted(step.heads_before)), tuple(sorted(step.heads_after))
    if script is None:  # ``stamp``: only the version rows (and the log rows) change
        return PlanStep(index, "stamp", None, (), None, "", heads_before=before, heads_after=after)
    return PlanStep(index, step.direction, script.revision, tuple(script.down_revisions),
                    getattr(script, "_file", None) or str(script.path), script.doc,
                    heads_before=before, heads_after=after)


def _run_recorded(ctx: PlanContext, run: PlanRun, recorder: _Recorder, steps: Sequence[Any],
                  kw: dict[str, Any]) -> None:
    environment = ctx.environment
    saved = getattr(environment, "_migration_context", None)
    if environment is not None:
        # context.autocommit_block() / context.get_context() in a script reach the plan's context
        environment._migration_context = ctx
    added: list[PlanStep] = []

    def fixed(heads: Sequence[str], _ctx: Any) -> list[Any]:
        return list(steps)

    try:
        run.steps = added
        added.extend(recorder.steps_by_index[i] for i in range(len(steps)))
        with ctx.begin_transaction():
            try:
                ctx._run_steps(fixed, **kw)
            except MigrationFailedError as exc:
                cause = _offline_cause(exc)
                if cause is None:
                    raise  # the script failed for another reason: as the run would
                step = next((s for s in added if s.revision == exc.revision), None)
                note = f"{_what_reads(cause)} reads the database when it runs"
                if step is not None:
                    step.needs_database.append(note)
                    step.statements.append(PlanStatement(note, "needs_database"))
                    step.incomplete = True
                    del added[step.index + 1:]
                run.stopped = (f"{step.direction} {step.revision}: " if step is not None else "") + note
    finally:
        if environment is not None:
            environment._migration_context = saved
        ctx.impl.current_step = None
