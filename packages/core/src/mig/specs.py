"""Frozen descriptors that plugins register through ``mig_register_*`` hooks.

A descriptor says *what* a plugin offers and where its behaviour lives; the
behaviour itself is a class (a ``DialectImpl`` subclass, a batch strategy ...)
imported only when it is first needed, so that loading every plugin stays
cheap enough for ``mig --help``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


def load_object(ref: str | Any) -> Any:
    """Import ``"package.module:attr.path"``; objects that are not strings pass through."""
    if not isinstance(ref, str):
        return ref
    module_name, _, attr_path = ref.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in filter(None, attr_path.split(".")):
        obj = getattr(obj, part)
    return obj


@dataclass(frozen=True)
class DialectSpec:
    """A dialect: which SQLAlchemy dialect name it serves and which ``DialectImpl`` does the work.

    ``impl`` is the class or a lazy ``"module:Class"`` reference. What the
    dialect can do is declared once, on the impl (``DialectImpl.capabilities``);
    :attr:`capabilities` reads it from there.
    """

    name: str
    impl: str | type
    description: str = ""

    def load(self) -> type:
        return load_object(self.impl)

    @property
    def capabilities(self) -> frozenset[str]:
        """The impl's capability flags (:mod:`mig.ddl.capabilities`); imports the impl."""
        return frozenset(getattr(self.load(), "capabilities", frozenset()))


@dataclass(frozen=True)
class OperationSpec:
    """An operation offered as ``op.<name>``.

    ``operation`` is the IR dataclass (or a ``"module:Class"`` reference).
    ``factory`` builds and runs it from the arguments a script passes:
    ``factory(operations, *args, **kwargs)``; when ``None``, the dataclass is
    constructed from the arguments and invoked.
    ``implementations`` maps a dialect name (or ``"default"``) to a callable
    ``impl_fn(dialect_impl, operation)``; built-in operations leave it empty
    and are carried out by the ``DialectImpl`` method of the operation's name.
    ``batch`` makes the operation available inside ``batch_alter_table`` too
    (``batch_op.<name>(...)``, the table name passed first); ``batch_factory``,
    when given, builds it there instead (``batch_factory(batch_op, *args,
    **kwargs)``). A batch strategy
    does not model such an operation: it carries it out through the dialect
    (``impl.run``) once the table has its new shape; the move-and-copy runs it
    after the copy, against the new table (see ``docs/batch.md``).
    """

    name: str
    operation: str | type
    factory: str | Callable[..., Any] | None = None
    implementations: Mapping[str, str | Callable[..., Any]] = field(default_factory=dict)
    batch: bool = False
    description: str = ""
    batch_factory: str | Callable[..., Any] | None = None

    def load_operation(self) -> type:
        return load_object(self.operation)


@dataclass(frozen=True)
class BatchStrategySpec:
    """A way to carry out ``batch_alter_table`` (``"move-and-copy"`` is SQLite's).

    ``dialects`` lists the dialect names it is the default for; ``impl`` is a
    subclass of :class:`mig.ddl.batch.BatchStrategy` (or a ``"module:Class"``
    reference to one); another class is a :class:`mig.errors.PluginError`
    when a batch first needs it.
    """

    name: str
    impl: str | type
    dialects: frozenset[str] = frozenset()
    description: str = ""

    def load(self) -> type:
        return load_object(self.impl)


@dataclass(frozen=True)
class TemplateSpec:
    """An environment template for ``mig init -t NAME``: a folder copied into the new project."""

    name: str
    path: str
    description: str = ""


@dataclass(frozen=True)
class Registered:
    """A descriptor together with the plugin and distribution that supplied it."""

    item: Any
    plugin: str
    distribution: str
