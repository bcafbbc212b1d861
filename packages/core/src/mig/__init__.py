"""mig: database migrations for SQLAlchemy.

Scripts use ``from mig import op`` and ``from mig import context``; plugins
use ``from mig import hookimpl``. Importing ``mig`` itself stays cheap: it
imports neither SQLAlchemy nor pluggy (``hookimpl`` and ``hookspec``, the
pluggy markers, are looked up on first use, like ``op`` and ``context``), so
that commands which need no plugin (``mig heads``) do not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from types import ModuleType

    from mig._hookmarkers import hookimpl, hookspec

    op: ModuleType
    context: ModuleType

__all__ = ["__version__", "context", "hookimpl", "hookspec", "op"]


def __getattr__(name: str) -> Any:
    if name in ("op", "context"):
        import importlib

        return importlib.import_module(f"mig.{name}")
    if name in ("hookimpl", "hookspec"):
        from mig import _hookmarkers

        marker = getattr(_hookmarkers, name)
        globals()[name] = marker
        return marker
    raise AttributeError(f"module 'mig' has no attribute {name!r}")
