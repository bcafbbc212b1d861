"""``verify`` (the integrity of the applied scripts): which applied migrations changed or vanished since they were applied.

Reads the version table and the log table (never creates either unless
``baseline``), and compares the checksum recorded for each applied revision
with its file (see :mod:`mig.runtime.drift`). With ``baseline``, records the
current files of the applied revisions that are unrecorded or changed as
``baseline`` rows: the way to adopt a database Alembic migrated without
running anything, and to accept an edit after reviewing it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mig.config import Config
    from mig.runtime.drift import Drift
    from mig.runtime.migration import MigrationContext


def verify(config: Config, baseline: bool = False) -> Drift:
    """Compare the applied migrations with their files; with ``baseline``, accept the current files.

    **Return:** a :class:`mig.runtime.drift.Drift` (``ok`` is false when a file
    changed or vanished); for a multi-database environment, every database's
    findings together.
    """
    from mig.command.run import _directory, _require_database, _run
    from mig.runtime import verifying
    from mig.runtime.drift import Drift

    _require_database(config, "mig verify")
    script = _directory(config)
    found: list[Drift] = []

    def plan(heads: Sequence[str], ctx: MigrationContext) -> list[Any]:
        result = verifying.drift(ctx, heads)
        if result is None:
            return []
        if baseline:
            result = _baseline(ctx, heads, result)
        found.append(result)
        return []

    _run(config, script, plan, create_version_table=False)
    if len(found) == 1:
        return found[0]
    return Drift(applied=tuple(r for d in found for r in d.applied),
                 changed=tuple(c for d in found for c in d.changed),
                 vanished=tuple(v for d in found for v in d.vanished),
                 unrecorded=tuple(u for d in found for u in d.unrecorded),
                 has_log=all(d.has_log for d in found),
                 baselined=tuple(b for d in found for b in d.baselined))


def _baseline(ctx: MigrationContext, heads: Sequence[str], result: Drift) -> Drift:
    """Record the current files of the unrecorded and changed revisions (creating the log table)."""
    from mig.runtime import verifying

    rmap = verifying.revision_map(ctx)
    wanted = list(result.unrecorded) + [c.revision for c in result.changed]
    with ctx.begin_transaction(_per_migration=True):
        ctx.steplog.create()
        done = ctx.steplog.record_baseline(rmap, wanted)
    return replace(result, unrecorded=(), changed=(), has_log=True, baselined=tuple(done))


__all__ = ["verify"]
