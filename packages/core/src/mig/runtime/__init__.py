"""Running migrations: the environment (env.py), the migration context, steps, version table, transactions.

Names are imported lazily, so ``from mig.runtime.events import StepEvent`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "EnvironmentContext": "environment", "run_env": "environment",
    "StepEvent": "events",
    "MigrationContext": "migration", "StepInfo": "migration", "describe_exception": "migration",
    "dialect_for": "migration", "impl_class_for": "migration",
    "VersionTable": "version", "version_table": "version",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'mig.runtime' has no attribute {name!r}")
    return getattr(importlib.import_module(f"mig.runtime.{module}"), name)
