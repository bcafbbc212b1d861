"""The environment and operations of the run in progress (what ``mig.context`` and ``mig.op`` forward to)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mig.errors import NoContextError

if TYPE_CHECKING:
    from mig.operations import Operations
    from mig.runtime.environment import EnvironmentContext

#: Stacks: runs can nest (a program running mig inside a migration is rare but legal).
_environments: list[EnvironmentContext] = []
_operations: list[Operations] = []


def push_environment(env: EnvironmentContext) -> None:
    _environments.append(env)


def _pop(stack: list[Any], item: Any) -> None:
    """Remove ``item``: normally the top of ``stack``, but a run that ended out of order goes too."""
    if stack and stack[-1] is item:
        stack.pop()
    elif item in stack:
        stack.remove(item)


def pop_environment(env: EnvironmentContext) -> None:
    _pop(_environments, env)


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
    _pop(_operations, ops)


def current_operations(name: str) -> Operations:
    if not _operations:
        raise NoContextError(
            f"op.{name}() can only be used inside a migration script run by mig (mig upgrade ...)"
        )
    return _operations[-1]


def has_operations() -> bool:
    return bool(_operations)

