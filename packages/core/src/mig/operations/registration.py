"""Operations registered the way Alembic's operation plugins register them.

An Alembic project defines its own operation as a class and two decorators::

    @Operations.register_operation("create_sequence")
    class CreateSequenceOp(MigrateOperation):
        def __init__(self, sequence_name, schema=None): ...

        @classmethod
        def create_sequence(cls, operations, sequence_name, **kw):
            return operations.invoke(cls(sequence_name, **kw))

    @Operations.implementation_for(CreateSequenceOp)
    def create_sequence(operations, operation):
        operations.execute(f"CREATE SEQUENCE {operation.sequence_name}")

The same code runs under mig (imports from ``mig.operations``): each
``register_operation`` becomes an :class:`mig.specs.OperationSpec` of the
project's local plugin (``op.create_sequence(...)`` calls the class method;
``BatchOperations.register_operation`` offers it as ``batch_op.<name>``), and
each ``implementation_for`` function carries the operation out on every
database, called with the script's ``op`` as ``operations``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from mig import hookimpl
from mig.specs import OperationSpec

#: the plugin name the registrations are made under (``mig plugins`` lists it)
PLUGIN_NAME = "alembic-style-operations"


class _Registrations:
    """The operations registered with the decorators, offered through ``mig_register_operations``."""

    def __init__(self) -> None:
        self.sources: dict[str, dict[bool, Callable[..., Any]]] = {}  # name -> {batch?: class method}
        self.classes: dict[str, type] = {}
        self.implementations: dict[type, Callable[..., Any]] = {}
        self.registered = False

    @hookimpl
    def mig_register_operations(self) -> Iterable[OperationSpec]:
        for name, op_cls in self.classes.items():
            sources = self.sources[name]
            yield OperationSpec(name, op_cls, factory=_factory(name, sources.get(False), "op"),
                                batch_factory=_factory(name, sources.get(True), "batch_op"),
                                implementations=_implementations(self, op_cls), batch=True in sources,
                                description=(op_cls.__doc__ or "").strip().split("\n")[0])

    def changed(self) -> None:
        from mig import plugins

        if self.registered:
            plugins.unregister(PLUGIN_NAME)
        plugins.register(self, name=PLUGIN_NAME, distribution="<project>")
        self.registered = True


_REGISTRATIONS = _Registrations()


def _factory(name: str, source: Callable[..., Any] | None, where: str) -> Callable[..., Any]:
    def build_and_invoke(operations: Any, *args: Any, **kwargs: Any) -> Any:
        if source is None:
            other = "Operations" if where == "batch_op" else "BatchOperations"
            raise AttributeError(f"{where}.{name} is not offered there: it was registered with "
                                 f"{other}.register_operation only")
        return source(operations, *args, **kwargs)

    return build_and_invoke


def _implementations(registrations: _Registrations, op_cls: type) -> dict[str, Callable[..., Any]]:
    fn = registrations.implementations.get(op_cls)
    if fn is None:
        return {}

    def carry_out(impl: Any, operation: Any) -> Any:
        from mig.runtime import state

        return fn(state.current_operations(op_cls.__name__), operation)

    return {"default": carry_out}


def immediate_implementation(op_cls: type) -> Callable[..., Any] | None:
    """The ``implementation_for`` function of an operation class registered this way, or ``None``.

    Inside ``batch_alter_table`` such an operation is carried out at once, with
    ``batch_op`` as ``operations``, as Alembic does; the batch's own operations
    still wait for the end of the block.
    """
    return _REGISTRATIONS.implementations.get(op_cls)


def register_operation(batch: bool, name: str, sourcename: str | None = None) -> Callable[[type], type]:
    """The class decorator behind ``Operations.register_operation`` / ``BatchOperations.register_operation``."""
    def register(op_cls: type) -> type:
        source = getattr(op_cls, sourcename or name, None)
        if not callable(source):
            raise TypeError(f"{op_cls.__name__} has no class method {sourcename or name!r} for "
                            f"register_operation({name!r}); define it as "
                            f"`@classmethod def {sourcename or name}(cls, operations, ...)`")
        known = _REGISTRATIONS.classes.get(name)
        if known is not None and known is not op_cls:
            raise ValueError(f"operation {name!r} is registered already, by {known.__name__}")
        _REGISTRATIONS.classes[name] = op_cls
        _REGISTRATIONS.sources.setdefault(name, {})[batch] = source
        _REGISTRATIONS.changed()
        return op_cls

    return register


def implementation_for(op_cls: type, replace: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The decorator behind ``Operations.implementation_for``: ``fn(operations, operation)`` carries out ``op_cls``.

    A second implementation for the same class is an error unless ``replace``
    is true, as in Alembic. mig's built-in operations (:mod:`mig.ops`) are
    carried out by the dialect (``DialectImpl``) and cannot be given one here.
    """
    from mig import ops

    if getattr(ops, op_cls.__name__, None) is op_cls and op_cls is not ops.MigrateOperation:
        raise TypeError(f"implementation_for({op_cls.__name__}): mig's built-in operations are carried out "
                        f"by the database's dialect plugin, not by an implementation_for function; to change "
                        f"what {op_cls.__name__} does, subclass the dialect's DialectImpl in a plugin "
                        f"(docs/dialects.md) or run extra statements with op.execute in the script")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        known = _REGISTRATIONS.implementations.get(op_cls)
        if known is not None and known is not fn and not replace:
            raise ValueError(f"{op_cls.__name__} has an implementation already ({known.__qualname__}); "
                             f"pass replace=True to implementation_for to replace it")
        _REGISTRATIONS.implementations[op_cls] = fn
        _REGISTRATIONS.changed()
        return fn

    return decorate


__all__ = ["PLUGIN_NAME", "immediate_implementation", "implementation_for", "register_operation"]
