"""Descriptors plugins return from the ``mig_autogen_register_*`` hooks.

Cheap to import (no SQLAlchemy): a plugin names its function lazily as
``"package.module:function"``; it is imported the first time it runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

#: Where in the comparison a comparator runs.
Level = Literal["schema", "table", "column"]


@dataclass(frozen=True)
class Comparator:
    """One kind of difference autogenerate looks for.

    :param name: unique name, e.g. ``"column_type"`` or ``"postgresql_enums"``.
    :param level: ``"schema"`` (once per schema compared), ``"table"`` (once
        per table present in both the models and the database) or
        ``"column"`` (once per column present in both).
    :param compare: the function, or a lazy ``"module:function"`` reference.
        Its signature depends on ``level`` (see :mod:`mig_autogen.compare`).
    :param dialect: a dialect name when the comparator applies to that
        database only (and to databases whose SQLAlchemy dialect derives from
        it); ``None`` for every database.
    """

    name: str
    level: Level
    compare: str | Callable[..., Any]
    dialect: str | None = None


@dataclass(frozen=True)
class Renderer:
    """How one operation class is written as Python in a draft.

    :param name: unique name, e.g. ``"add_column"``.
    :param operation: the :class:`mig.ops.Operation` subclass, or a lazy
        ``"module:Class"`` reference.
    :param render: ``render(operation, context) -> str`` (the lines of Python,
        unindented), or a lazy reference to it.
    """

    name: str
    operation: str | type
    render: str | Callable[..., Any]
