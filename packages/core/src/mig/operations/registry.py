"""Operations registered by plugins, reached as ``op.<name>`` (and ``batch_op.<name>``)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from mig.specs import OperationSpec, load_object


def _spec(name: str) -> OperationSpec | None:
    from mig import plugins

    reg = plugins.operations().get(name)
    return reg.item if reg is not None else None


def registered_operation(operations: Any, name: str) -> Callable[..., Any] | None:
    """``op.<name>`` for an operation a plugin registered: its factory, or construct-and-invoke."""
    spec = _spec(name)
    if spec is None:
        return None
    if spec.factory is not None:
        factory = load_object(spec.factory)
        return functools.partial(factory, operations)
    op_cls = spec.load_operation()

    def run(*args: Any, **kwargs: Any) -> Any:
        return operations.invoke(op_cls(*args, **kwargs))

    run.__name__ = name
    run.__doc__ = op_cls.__doc__
    return run


def registered_batch_operation(batch: Any, name: str) -> Callable[..., Any] | None:
    """``batch_op.<name>`` for a registered operation marked ``batch=True``; the table is implied."""
    spec = _spec(name)
    if spec is None or not spec.batch:
        return None
    if spec.batch_factory is not None or spec.factory is not None:
        factory = load_object(spec.batch_factory or spec.factory)
        return functools.partial(factory, batch)
    op_cls = spec.load_operation()

    def collect(*args: Any, **kwargs: Any) -> Any:
        if batch.schema is not None:
            kwargs.setdefault("schema", batch.schema)
        return batch.invoke(op_cls(batch.table_name, *args, **kwargs))

    collect.__name__ = name
    return collect
