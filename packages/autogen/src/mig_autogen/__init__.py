"""mig_autogen: compare SQLAlchemy models with a database and draft migration scripts.

``compare_metadata`` and ``produce_migrations`` are imported on first use, so
importing this package stays cheap (no SQLAlchemy).
"""

from __future__ import annotations

from typing import Any

__all__ = ["compare_metadata", "produce_migrations"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from mig_autogen import api

        return getattr(api, name)
    raise AttributeError(f"module 'mig_autogen' has no attribute {name!r}")
