"""How the dialect contract is declared: the override points of ``DialectImpl`` and of a batch strategy.

A dialect plugin subclasses :class:`mig.ddl.impl.DialectImpl` and overrides
what its database does differently. What it may override, and what it may
call, is declared here, in one place, the way the hookspecs declare the hooks:

- :func:`override_point` marks a method of ``DialectImpl`` (or of
  :class:`mig.ddl.batch.BatchStrategy`) as part of the contract. Its
  docstring says, in this order: one sentence of purpose, ``**Called by:**``
  (who calls it, and when), each parameter (``:param name:``), and
  ``**Return:**`` (exactly what, and what ``None`` means).
- Every other method is private (its name starts with ``_``); a dialect
  neither overrides nor calls it.

:func:`override_points` lists the declared names of a class; the tests of
mig-core fail when a public method is not declared or its docstring lacks a
part, so the contract and the documentation in ``docs/dialects.md`` cannot
drift apart.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["contract_problems", "override_point", "override_points"]

F = TypeVar("F", bound=Callable[..., Any])

_MARK = "__mig_override_point__"


def override_point(fn: F) -> F:
    """Declare ``fn`` a method that dialect plugins may override or call (see the module docstring)."""
    setattr(fn, _MARK, True)
    return fn


def override_points(cls: type) -> dict[str, Callable[..., Any]]:
    """The methods ``cls`` (and its bases) declare with :func:`override_point`, by name, sorted."""
    found: dict[str, Callable[..., Any]] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            fn: Any = value.fget if isinstance(value, property) else value
            fn = getattr(fn, "__func__", fn)
            if getattr(fn, _MARK, False):
                found[name] = fn
    return dict(sorted(found.items()))


def contract_problems(cls: type, attributes: frozenset[str] = frozenset()) -> list[str]:
    """What is wrong with ``cls``'s declared contract, one line each (empty when it is complete).

    A public method that is not an override point, and an override point
    whose docstring lacks a purpose, ``**Called by:**``, a ``:param:`` for
    each parameter or ``**Return:**``, are problems. ``attributes`` names
    public data attributes that are part of the contract (``name``,
    ``capabilities`` ...).
    """
    import inspect

    problems: list[str] = []
    declared = override_points(cls)
    for name in dir(cls):
        if name.startswith("_") or name in attributes:
            continue
        value = inspect.getattr_static(cls, name)
        fn = value.fget if isinstance(value, property) else getattr(value, "__func__", value)
        if callable(fn) and name not in declared:
            problems.append(f"{cls.__name__}.{name} is public but not declared with @override_point")
    for name, fn in declared.items():
        doc = inspect.getdoc(fn) or ""
        where = f"{cls.__name__}.{name}"
        if not doc.strip() or doc.lstrip().startswith("**"):
            problems.append(f"{where}: the docstring must start with one sentence of purpose")
        for part in ("**Called by:**", "**Return:**"):
            if part not in doc:
                problems.append(f"{where}: the docstring lacks {part}")
        for param in list(inspect.signature(fn).parameters)[1:]:
            if param.startswith("_"):
                continue
            if f":param {param}:" not in doc:
                problems.append(f"{where}: the docstring does not describe parameter {param!r}")
    return problems


def render_reference(cls: type) -> str:
    """The declared override points of ``cls`` as Markdown: a heading and the docstring of each.

    ``docs/dialects.md`` holds this text for ``DialectImpl`` and
    ``BatchStrategy`` between ``<!-- contract:NAME -->`` markers; a test
    compares it with the declarations (``scripts/dialect-docs`` rewrites it).
    """
    import inspect

    parts: list[str] = []
    for name, fn in override_points(cls).items():
        signature = str(inspect.signature(fn)).replace("(self, ", "(").replace("(self)", "()").replace("'", "")
        doc = inspect.getdoc(fn) or ""
        doc = doc.replace("**Called by:**", "\n**Called by:**", 1) if "\n\n**Called by:**" not in doc else doc
        parts.append(f"#### `{name}{signature}`\n\n{doc.strip()}\n")
    return "\n".join(parts)
