"""The revision graph and the script directory.

Read scripts without running them (:mod:`mig.revision.parse`), link and
validate them (:class:`RevisionMap`), resolve Alembic's identifier grammar,
plan ``upgrade`` / ``downgrade`` / ``stamp`` (:class:`Step`), and write new
scripts (:mod:`mig.revision.write`).
"""

from __future__ import annotations

from mig.revision.directory import ScriptDirectory
from mig.revision.graph import Relative, RevisionMap, parse_relative, split_range
from mig.revision.plan import Step, plan_downgrade, plan_range, plan_stamp, plan_upgrade
from mig.revision.script import Script
from mig.revision.write import new_rev_id, run_post_write_hooks, slugify

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
