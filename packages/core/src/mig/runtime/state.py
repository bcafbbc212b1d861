"""The environment and operations of the run in progress (what ``mig.context`` and ``mig.op`` forward to)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mig.errors import NoContextError

if TYPE_CHECKING:
    from mig.operations import Operations
    from mig.runtime.environment import EnvironmentContext

#: Stacks: runs can nest (a program running mig inside a migration is rare but legal).
_environments: list[EnvironmentContext] = []
_operations: list[Operations] = []


def push_environment(env: EnvironmentContext) -> None:
    _environments.append(env)


def pop_environment(env: EnvironmentContext) -> None:
    if _environments and _environments[-1] is env:
        _environments.pop()
    elif env in _environments:
        _environments.remove(env)


def current_environment(what: str = "context") -> EnvironmentContext:
    if not _environments:
        raise NoContextError(
            f"{what} can only be used inside env.py or a migration script run by mig "
            f"(mig upgrade ...); there is no migration run in progress"
        )
    return _environments[-1]


def push_operations(ops: Operations) -> None:
    _operations.append(ops)


def pop_operations(ops: Operations) -> None:
    if _operations and _operations[-1] is ops:
        _operations.pop()
    elif ops in _operations:
        _operations.remove(ops)


def current_operations(name: str) -> Operations:
    if not _operations:
        raise NoContextError(
            f"op.{name}() can only be used inside a migration script run by mig (mig upgrade ...)"
        )
    return _operations[-1]


def has_operations() -> bool:
    return bool(_operations)

