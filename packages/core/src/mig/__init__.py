"""mig: database migrations for SQLAlchemy.

Scripts use ``from mig import op`` and ``from mig import context``; plugins
use ``from mig import hookimpl``. Importing ``mig`` itself stays cheap: it
does not import SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mig._hookmarkers import hookimpl, hookspec

__version__ = "0.1.0"

if TYPE_CHECKING:
    from types import ModuleType

    op: ModuleType
    context: ModuleType

__all__ = ["__version__", "context", "hookimpl", "hookspec", "op"]


def __getattr__(name: str) -> Any:
    if name in ("op", "context"):
        import importlib

        return importlib.import_module(f"mig.{name}")
    raise AttributeError(f"module 'mig' has no attribute {name!r}")
