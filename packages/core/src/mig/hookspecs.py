"""The hooks of mig's core: the contract every plugin codes against.

Three shapes, never mixed: *register* hooks return descriptors, *decide*
hooks (``firstresult``) return a value or ``None`` for "no opinion", *event*
hooks return ``None``. Each docstring states its purpose, **Called by:**,
each parameter and **Return:**. Plugins implement them with
``from mig import hookimpl``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from mig._hookmarkers import hookspec

if TYPE_CHECKING:
    import pluggy
    from sqlalchemy import MetaData

    from mig.config import Config
    from mig.ops.base import Operation
    from mig.revision.script import Script
    from mig.runtime.events import StepEvent
    from mig.runtime.migration import MigrationContext
    from mig.specs import BatchStrategySpec, DialectSpec, OperationSpec, TemplateSpec


@hookspec(historic=True)
def mig_addhooks(pluginmanager: pluggy.PluginManager) -> None:
    """Add hook specifications owned by a plugin (``mig_cli_*``, ``mig_autogen_*``).

    **Called by:** the plugin manager, once per plugin as it is registered
    (historic: plugins registered later still receive it).

    :param pluginmanager: the manager; call ``pluginmanager.add_hookspecs(module)``.

    **Return:** ``None`` (an event: the return value is ignored).
    """


@hookspec
def mig_configure(config: Config) -> None:
    """React to the loaded configuration before any command runs.

    **Called by:** ``mig.command`` functions and the CLI, once per run, after
    the configuration file and the project's local plugins are loaded.

    :param config: the :class:`mig.config.Config` of the run; plugins may read
        their own keys from ``config.options``.

    **Return:** ``None`` (an event: the return value is ignored).
    """


@hookspec
def mig_register_dialects() -> Iterable[DialectSpec]:
    """Declare the databases a plugin supports.

    **Called by:** the plugin facade, the first time a dialect is looked up
    (``mig.plugins.dialect(name)``) or listed.

    **Return:** an iterable of :class:`mig.specs.DialectSpec`; a name already
    registered by another plugin is an error naming both distributions.
    ``None`` (or an empty iterable) declares nothing.
    """
    raise NotImplementedError


@hookspec
def mig_register_operations() -> Iterable[OperationSpec]:
    """Declare operations offered to scripts as ``op.<name>``.

    **Called by:** the plugin facade, when the first ``op`` proxy of a run is
    built.

    **Return:** an iterable of :class:`mig.specs.OperationSpec`; a name already
    registered by another plugin is an error naming both distributions.
    ``None`` (or an empty iterable) declares nothing.
    """
    raise NotImplementedError


@hookspec
def mig_register_batch_strategies() -> Iterable[BatchStrategySpec]:
    """Declare ways of carrying out ``op.batch_alter_table``.

    **Called by:** the plugin facade, the first time a batch block is run.

    **Return:** an iterable of :class:`mig.specs.BatchStrategySpec`, each
    naming a subclass of :class:`mig.ddl.batch.BatchStrategy` (the
    strategy's contract; see ``docs/dialects.md``); a name already
    registered by another plugin is an error naming both distributions.
    ``None`` (or an empty iterable) declares nothing.
    """
    raise NotImplementedError


@hookspec
def mig_register_templates() -> Iterable[TemplateSpec]:
    """Declare environment templates for ``mig init -t NAME``.

    **Called by:** ``mig.command.init`` and ``mig.command.list_templates``, when
    they look up or list the templates.

    **Return:** an iterable of :class:`mig.specs.TemplateSpec`; a name already
    registered by another plugin is an error naming both distributions.
    ``None`` (or an empty iterable) declares nothing.
    """
    raise NotImplementedError


@hookspec
def mig_before_step(step: StepEvent) -> None:
    """Observe a migration step just before it runs.

    **Called by:** the migration runtime, before each revision is applied or
    removed (online and offline).

    :param step: a :class:`mig.runtime.events.StepEvent` with ``revision``,
        ``direction`` (``"upgrade"``/``"downgrade"``), ``index`` and ``total``.

    Registering it changes nothing about how the run executes.

    **Return:** ``None`` (an event: the return value is ignored).
    """


@hookspec
def mig_after_step(step: StepEvent) -> None:
    """Observe a migration step that has just completed.

    **Called by:** the migration runtime, after each revision's script and its
    version-table update have run.

    :param step: a :class:`mig.runtime.events.StepEvent`, as for
        ``mig_before_step``, with ``elapsed`` (seconds) filled in.

    **Return:** ``None`` (an event: the return value is ignored).
    """


@hookspec
def mig_step_progress(step: StepEvent | None, done: int, total: int | None, what: str) -> None:
    """Observe progress inside a long step (rows copied by a batch, ...).

    **Called by:** long-running operations such as a batch move-and-copy, at
    intervals while they work.

    :param step: the current :class:`mig.runtime.events.StepEvent`, or ``None``.
    :param done: units done so far.
    :param total: units in all, or ``None`` when unknown.
    :param what: what is being counted, e.g. ``"rows of accounts"``.

    **Return:** ``None`` (an event: the return value is ignored).
    """


@hookspec
def mig_revision_written(script: Script) -> None:
    """Observe a migration script that ``revision`` or ``merge`` just wrote.

    **Called by:** ``mig.command.revision`` and ``mig.command.merge``, after the
    file is written and before post-write hooks run.

    :param script: the :class:`mig.revision.script.Script` that was written.

    **Return:** ``None`` (an event: the return value is ignored).
    """


@hookspec(firstresult=True)
def mig_autogenerate(migration_context: MigrationContext, metadata: MetaData | Sequence[MetaData],
                     config: Config) -> Sequence[Operation] | None:
    """Compare the models with the database and propose the operations that reconcile them.

    **Called by:** ``mig.command.revision(autogenerate=True)`` and
    ``mig.command.check``, inside an online run, once per database.

    :param migration_context: the live :class:`mig.runtime.MigrationContext`.
    :param metadata: the ``target_metadata`` (a ``MetaData`` or a sequence of them).
    :param config: the :class:`mig.config.Config` of the run.

    **Return:** a sequence of :mod:`mig.ops` operations for the upgrade (empty
    when the database matches the models), or ``None`` for "no opinion"; when
    no plugin answers, the command fails naming mig-autogen.
    """


@hookspec(firstresult=True)
def mig_autogen_render_operations(operations: Sequence[Operation], config: Config,
                                  databases: Sequence[tuple[str | None, Any, Sequence[Operation]]],
                                  revision_args: Mapping[str, Any],
                                  ) -> Mapping[str, Any] | Sequence[Mapping[str, Any]] | None:
    """Render the operations autogenerate proposed as the text of new migration scripts.

    Named for mig-autogen, which implements it; core calls it, so core owns
    the specification. The implementation also applies env.py's and plugins'
    ``process_revision_directives``, which may rewrite, split or empty the draft.

    **Called by:** ``mig.command.revision(autogenerate=True)``, once, after
    ``mig_autogenerate`` answered for every database and before any script is
    written from its template.

    :param operations: the operations ``mig_autogenerate`` returned for every
        database of the run, in order (empty when the models match).
    :param config: the :class:`mig.config.Config` of the run.
    :param databases: one ``(engine_name, migration_context, operations)``
        per database compared, in order; ``engine_name`` is the
        ``run_migrations(engine_name=...)`` keyword of a multi-database
        env.py, ``None`` for a single database.
    :param revision_args: the arguments of ``mig revision``: ``message``,
        ``head``, ``splice``, ``branch_label``, ``version_path``, ``rev_id``,
        ``depends_on``.

    **Return:** for one script, a mapping of template variables for
    ``script.py.mako``: ``upgrades`` and ``downgrades`` (the bodies of
    ``upgrade()`` and ``downgrade()``, indented by the template; in a
    multi-database template ``NAME_upgrades`` / ``NAME_downgrades``) and
    ``imports`` (extra import lines); a missing key keeps the template's
    default (``pass``, no imports). A key named like a ``revision_args`` entry
    overrides that argument for the script. A sequence of such mappings
    writes one script each (an empty sequence writes none). ``None`` means
    "no opinion": the next implementation is asked, and when none answers
    the script gets the defaults.
    """
