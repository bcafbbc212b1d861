"""Which renderer writes which operation: the ``mig_autogen_register_renderers`` answers."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from mig import plugins
from mig.errors import MigError


class RenderError(MigError):
    """An operation no renderer knows, or a renderer that failed."""


def resolve(ref: str | Any) -> Any:
    """The object a lazy ``"module:attr"`` reference names (other objects are returned as they are)."""
    if not isinstance(ref, str):
        return ref
    module, _, attr = ref.partition(":")
    try:
        found: Any = importlib.import_module(module)
        for part in attr.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as exc:
        raise RenderError(f"renderer reference {ref!r} cannot be imported ({exc}); fix the plugin "
                          f"that registers it") from None
    return found


def renderers() -> dict[type, Callable[..., str]]:
    """Operation class -> render function, from every plugin (two for one class is an error)."""
    table: dict[type, tuple[Callable[..., str], str]] = {}
    for reg in plugins.collect_named("mig_autogen_register_renderers").values():
        cls = resolve(reg.item.operation)
        if cls in table:
            raise RenderError(f"two renderers for {cls.__name__}: {table[cls][1]} and "
                              f"{reg.item.name!r} ({reg.distribution}); uninstall one of the plugins")
        table[cls] = (resolve(reg.item.render), f"{reg.item.name!r} ({reg.distribution})")
    return {cls: fn for cls, (fn, _) in table.items()}


def renderer_for(table: dict[type, Callable[..., str]], operation: Any) -> Callable[..., str]:
    for cls in type(operation).__mro__:
        if cls in table:
            return table[cls]
    raise RenderError(f"no renderer for {type(operation).__name__} ({operation.describe()}); the plugin "
                      f"that produced it must register one through mig_autogen_register_renderers")
