"""The Python API behind every ``mig`` command; each function returns data the CLI formats.

Graph-only commands live in :mod:`mig.command.graph`, commands that run
against a database in :mod:`mig.command.run`, environment set-up (``init``,
``list_templates``) in :mod:`mig.command.setup`. Imports are lazy so that
importing ``mig.command`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    # graph-only
    "revision": "graph", "merge": "graph", "heads": "graph", "branches": "graph",
    "history": "graph", "show": "graph", "edit": "graph",
    # against a database
    "upgrade": "run", "downgrade": "run", "stamp": "run", "current": "run",
    "ensure_version": "run", "check": "run", "differences": "run",
    # environment set-up
    "init": "setup", "list_templates": "setup",
    # turning an Alembic project into a mig project
    "plan_adopt": "adopt", "apply_adopt": "adopt",
    # comparing the applied migrations with their files
    "verify": "integrity",
    # what upgrade/downgrade/stamp would do (--plan)
    "plan_upgrade": "plan", "plan_downgrade": "plan", "plan_stamp": "plan",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'mig.command' has no attribute {name!r}")
    return getattr(importlib.import_module(f"mig.command.{module}"), name)
