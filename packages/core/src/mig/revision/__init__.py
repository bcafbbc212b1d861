"""The revision graph and the script directory.

Read scripts without running them (:mod:`mig.revision.parse`), link and
validate them (:class:`RevisionMap`), resolve Alembic's identifier grammar,
plan ``upgrade`` / ``downgrade`` / ``stamp`` (:class:`Step`), and write new
scripts (:mod:`mig.revision.write`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mig.revision.directory import ScriptDirectory
from mig.revision.graph import Relative, RevisionMap, parse_relative, split_range
from mig.revision.script import Script

if TYPE_CHECKING:
    from mig.revision.plan import Step, plan_downgrade, plan_range, plan_stamp, plan_upgrade
    from mig.revision.write import new_rev_id, run_post_write_hooks, slugify

_LAZY = {
    "Step": "plan", "plan_downgrade": "plan", "plan_range": "plan", "plan_stamp": "plan",
    "plan_upgrade": "plan", "new_rev_id": "write", "run_post_write_hooks": "write",
    "slugify": "write",
}


def __getattr__(name: str) -> Any:
    """Planning and writing load on first use, so reading the graph stays cheap."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mig.revision' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"mig.revision.{module}"), name)


__all__ = [
    "Relative",
    "RevisionMap",
    "Script",
    "ScriptDirectory",
    "Step",
    "new_rev_id",
    "parse_relative",
    "plan_downgrade",
    "plan_range",
    "plan_stamp",
    "plan_upgrade",
    "run_post_write_hooks",
    "slugify",
    "split_range",
]
