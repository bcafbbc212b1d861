"""``BatchStrategy``: the declared contract of a way to carry out ``op.batch_alter_table``.

A plugin registers a strategy with a :class:`mig.specs.BatchStrategySpec`
(``mig_register_batch_strategies``) whose ``impl`` is a subclass of
:class:`BatchStrategy`. :meth:`mig.ddl.impl.DialectImpl.batch_alter_table`
builds one strategy per batch (``strategy_cls(impl)``) and calls
:meth:`BatchStrategy.run`. The override points are declared with
:func:`mig.ddl.contract.override_point`, like those of ``DialectImpl``.

A strategy knows no database: what differs by dialect is a method of the
``DialectImpl`` it is given (the ``batch_*`` override points and
:meth:`~mig.ddl.impl.DialectImpl.type_change_using`), and every statement goes
through ``impl.execute``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from mig.ddl.contract import override_point
from mig.errors import PluginError

if TYPE_CHECKING:
    from mig.ddl.impl import DialectImpl
    from mig.ops import BatchAlterTableOp, Operation
    from mig.specs import BatchStrategySpec

__all__ = ["ATTRIBUTES", "BatchStrategy", "load_strategy"]

#: The public data attributes of the contract (besides the override points).
ATTRIBUTES = frozenset({"name", "impl"})


class BatchStrategy:
    """Carries out ``batch_alter_table`` blocks for one :class:`~mig.ddl.impl.DialectImpl`.

    :param impl: the run's dialect implementation; the strategy sends every
        statement through ``impl.execute`` and asks it what differs by database.

    Class attribute a strategy sets: ``name``, the name it is registered
    under (``"move-and-copy"``). Instance attribute: ``impl``.
    """

    name: ClassVar[str] = ""

    def __init__(self, impl: DialectImpl) -> None:
        self.impl = impl

    @override_point
    def run(self, op: BatchAlterTableOp) -> None:
        """Carry out one batch: every operation inside it, on the table it names, as one change.

        **Called by:** :meth:`mig.ddl.impl.DialectImpl.batch_alter_table` when
        the block of ``with op.batch_alter_table(...)`` ends, for the strategy
        registered for the dialect (or ``"move-and-copy"`` with
        ``recreate="always"``). A strategy must override it.

        :param op: the :class:`mig.ops.BatchAlterTableOp`: the table, the
            operations of the block in order, and the batch's options
            (``recreate``, ``copy_from``, ``table_kwargs`` ...).

        **Return:** ``None``; a failure raises a :class:`mig.errors.MigError`
        saying what was wrong.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement run(op)")

    @override_point
    def is_registered_operation(self, operation: Operation) -> bool:
        """Whether ``operation`` is a plugin's operation registered for batches (``OperationSpec(batch=True)``).

        **Called by:** strategies, to tell the operations they model
        themselves (the built-in ones) from those they hand to the dialect
        with ``impl.run(operation)``. A strategy calls it; it need not
        override it.

        :param operation: one operation of the batch.

        **Return:** ``True`` when a plugin registered the operation's class
        with ``batch=True``; ``False`` otherwise (built-in operations included).
        """
        from mig.ddl.custom import spec_for_operation

        spec = spec_for_operation(type(operation))
        return spec is not None and spec.batch


def load_strategy(spec: BatchStrategySpec) -> type[BatchStrategy]:
    """The strategy class ``spec`` names, checked to be a :class:`BatchStrategy` subclass."""
    cls = spec.load()
    if not (isinstance(cls, type) and issubclass(cls, BatchStrategy)):
        raise PluginError(
            f"batch strategy {spec.name!r} names {cls!r}, which is not a subclass of "
            f"mig.ddl.batch.BatchStrategy; the plugin that registers it must subclass it"
        )
    return cls
