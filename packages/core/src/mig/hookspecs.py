"""The hooks of mig's core: the contract every plugin codes against.

Three shapes, never mixed: *register* hooks return descriptors, *decide*
hooks (``firstresult``) return a value or ``None`` for "no opinion", *event*
hooks return ``None``. Each docstring states its purpose, **Called by:**,
each parameter and **Return:**. Plugins implement them with
``from mig import hookimpl``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mig._hookmarkers import hookspec

if TYPE_CHECKING:
    import pluggy

    from mig.specs import BatchStrategySpec, DialectSpec, OperationSpec, TemplateSpec


@hookspec(historic=True)
def mig_addhooks(pluginmanager: pluggy.PluginManager) -> None:
    """Add hook specifications owned by a plugin (``mig_cli_*``, ``mig_autogen_*``).

    **Called by:** the plugin manager, once per plugin as it is registered
    (historic: plugins registered later still receive it).

    :param pluginmanager: the manager; call ``pluginmanager.add_hookspecs(module)``.

    **Return:** ``None``.
    """


@hookspec
def mig_configure(config: Any) -> None:
    """React to the loaded configuration before any command runs.

    **Called by:** ``mig.command`` functions and the CLI, once per run, after
    the configuration file and the project's local plugins are loaded.

    :param config: the :class:`mig.config.Config` of the run; plugins may read
        their own keys from ``config.options``.

    **Return:** ``None``.
    """


@hookspec
def mig_register_dialects() -> Iterable[DialectSpec]:
    """Declare the databases a plugin supports.

    **Called by:** the plugin facade, the first time a dialect is looked up
    (``mig.plugins.dialect(name)``) or listed.

    **Return:** an iterable of :class:`mig.specs.DialectSpec`; a name already
    registered by another plugin is an error naming both distributions.
    """
    raise NotImplementedError


@hookspec
def mig_register_operations() -> Iterable[OperationSpec]:
    """Declare operations offered to scripts as ``op.<name>``.

    **Called by:** the plugin facade, when the first ``op`` proxy of a run is
    built.

    **Return:** an iterable of :class:`mig.specs.OperationSpec`; a name already
    registered by another plugin is an error naming both distributions.
    """
    raise NotImplementedError


@hookspec
def mig_register_batch_strategies() -> Iterable[BatchStrategySpec]:
    """Declare ways of carrying out ``op.batch_alter_table``.

    **Called by:** the plugin facade, the first time a batch block is run.

    **Return:** an iterable of :class:`mig.specs.BatchStrategySpec`.
    """
    raise NotImplementedError


@hookspec
def mig_register_templates() -> Iterable[TemplateSpec]:
    """Declare environment templates for ``mig init -t NAME``.

    **Called by:** ``mig.command.init`` and ``mig.command.list_templates``.

    **Return:** an iterable of :class:`mig.specs.TemplateSpec`.
    """
    raise NotImplementedError


@hookspec
def mig_before_step(step: Any) -> None:
    """Observe a migration step just before it runs.

    **Called by:** the migration runtime, before each revision is applied or
    removed (online and offline).

    :param step: a :class:`mig.runtime.events.StepEvent` with ``revision``,
        ``direction`` (``"upgrade"``/``"downgrade"``), ``index`` and ``total``.

    Registering it changes nothing about how the run executes.

    **Return:** ``None``.
    """


@hookspec
def mig_after_step(step: Any) -> None:
    """Observe a migration step that has just completed.

    **Called by:** the migration runtime, after each revision's script and its
    version-table update have run.

    :param step: a :class:`mig.runtime.events.StepEvent`, as for
        ``mig_before_step``, with ``elapsed`` (seconds) filled in.

    **Return:** ``None``.
    """


@hookspec
def mig_step_progress(step: Any, done: int, total: int | None, what: str) -> None:
    """Observe progress inside a long step (rows copied by a batch, ...).

    **Called by:** long-running operations such as a batch move-and-copy, at
    intervals while they work.

    :param step: the current :class:`mig.runtime.events.StepEvent`, or ``None``.
    :param done: units done so far.
    :param total: units in all, or ``None`` when unknown.
    :param what: what is being counted, e.g. ``"rows of accounts"``.

    **Return:** ``None``.
    """


@hookspec
def mig_revision_written(script: Any) -> None:
    """Observe a migration script that ``revision`` or ``merge`` just wrote.

    **Called by:** ``mig.command.revision`` and ``mig.command.merge``, after the
    file is written and before post-write hooks run.

    :param script: the :class:`mig.revision.script.Script` that was written.

    **Return:** ``None``.
    """


@hookspec(firstresult=True)
def mig_autogenerate(migration_context: Any, metadata: Any, config: Any) -> Any:
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
