"""``Operations.implementation_for`` as Alembic's: one implementation per class unless ``replace=True``;
mig's built-in operations refuse one, with what to do instead."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mig import ops, plugins
from mig.operations import BatchOperations, MigrateOperation, Operations, registration


@pytest.fixture
def registrations() -> Iterator[registration._Registrations]:
    """The module's registrations, restored afterwards (the local plugin unregistered if it was not there)."""
    state = registration._REGISTRATIONS
    saved, was_registered = dict(state.implementations), state.registered
    yield state
    state.implementations.clear()
    state.implementations.update(saved)
    if was_registered:
        state.changed()
    elif state.registered:
        plugins.unregister(registration.PLUGIN_NAME)
        state.registered = False


class GrantOp(MigrateOperation):
    def __init__(self, role: str) -> None:
        self.role = role


def first(operations: Any, operation: GrantOp) -> None:
    pass


def second(operations: Any, operation: GrantOp) -> None:
    pass


def test_a_second_implementation_needs_replace(registrations: registration._Registrations) -> None:
    Operations.implementation_for(GrantOp)(first)
    Operations.implementation_for(GrantOp)(first)  # the same function again is no change
    with pytest.raises(ValueError, match=r"GrantOp has an implementation already \(first\); pass replace=True"):
        Operations.implementation_for(GrantOp)(second)
    assert registrations.implementations[GrantOp] is first
    BatchOperations.implementation_for(GrantOp, replace=True)(second)
    assert registrations.implementations[GrantOp] is second


@pytest.mark.parametrize("op_cls", [ops.CreateTableOp, ops.AddColumnOp])
def test_built_in_operations_refuse_an_implementation(registrations: registration._Registrations,
                                                      op_cls: type) -> None:
    with pytest.raises(TypeError, match=rf"implementation_for\({op_cls.__name__}\): mig's built-in operations "
                                        r"are carried out by the database's dialect plugin.*subclass the "
                                        r"dialect's DialectImpl"):
        Operations.implementation_for(op_cls, replace=True)
    assert op_cls not in registrations.implementations
