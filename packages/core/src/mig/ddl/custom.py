"""Finding the implementation of a third-party operation for a ``DialectImpl`` class.

An :class:`mig.specs.OperationSpec` maps dialect names (or ``"default"``) to
callables ``impl_fn(dialect_impl, operation)``. For an impl class the lookup
order is: its own ``name``, then the ``name`` of each base class in method
resolution order (so ``CockroachImpl(PostgresqlImpl)`` uses a ``"postgresql"``
implementation), then ``"default"``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mig.specs import OperationSpec, load_object

__all__ = ["custom_handler", "spec_for_operation"]


def spec_for_operation(op_type: type) -> OperationSpec | None:
    """The registered :class:`OperationSpec` whose operation class is ``op_type``."""
    from mig import plugins

    for reg in plugins.operations().values():
        spec: OperationSpec = reg.item
        operation = spec.operation
        if operation is op_type or (isinstance(operation, str) and _matches(operation, op_type)):
            return spec
    return None


def _matches(ref: str, op_type: type) -> bool:
    module, _, name = ref.partition(":")
    return module == op_type.__module__ and name == op_type.__qualname__


def custom_handler(op_type: type, impl_cls: type) -> Callable[..., Any] | None:
    """The callable ``fn(impl, operation)`` carrying out ``op_type`` on ``impl_cls``, or ``None``."""
    spec = spec_for_operation(op_type)
    if spec is None or not spec.implementations:
        return None
    implementations = spec.implementations
    names: list[str] = []
    for klass in impl_cls.__mro__:
        name = getattr(klass, "name", None)
        if isinstance(name, str) and name not in names and name != "default":
            names.append(name)
    names.append("default")
    for name in names:
        ref = implementations.get(name)
        if ref is not None:
            fn: Callable[..., Any] = load_object(ref)
            return fn
    return None
