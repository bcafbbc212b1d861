"""The verify step of a run: before an upgrade, compare the applied migrations with their files.

``verify = "warn"`` (the default) logs one warning per changed or vanished
script and goes on; ``"strict"`` refuses to run (:class:`VerifyError`);
``"off"`` skips the comparison. A database without a log table has nothing
to compare yet (it is adopted when the run creates the table).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mig.errors import VerifyError

if TYPE_CHECKING:
    from mig.runtime.drift import Drift
    from mig.runtime.migration import MigrationContext

log = logging.getLogger("mig.runtime")

def revision_map(ctx: MigrationContext) -> Any:
    """The revision map of the run's script directory (``None`` for a context made outside a command)."""
    return getattr(ctx.script, "revision_map", None)


def mode(ctx: MigrationContext) -> str:
    value = ctx.opts.get("verify")
    if value is None:
        value = getattr(ctx.config, "verify_mode", None)
    return str(value or "warn")


def drift(ctx: MigrationContext, heads: Sequence[str]) -> Drift | None:
    """The comparison for the database ``ctx`` is connected to (``None`` when it cannot be made)."""
    from mig.runtime.drift import find_drift

    rmap = revision_map(ctx)
    if rmap is None or ctx.as_sql:
        return None
    connection = ctx.impl.require_connection("reading the log table")
    steplog = ctx.steplog
    has_log = steplog.exists(connection)
    return find_drift(tuple(heads), steplog.latest(connection) if has_log else {}, rmap, has_log=has_log)


def before_run(ctx: MigrationContext, heads: Sequence[str], steps: Sequence[Any]) -> None:
    """Warn about (or, strict, refuse) changed and vanished scripts before an upgrade runs."""
    if not any(step.direction == "upgrade" and step.script is not None for step in steps):
        return
    wanted = mode(ctx)
    if wanted == "off" or not heads:
        return
    found = drift(ctx, heads)
    if found is None or not found.has_log or found.ok:
        return
    problems = found.problems()
    if wanted == "strict":
        raise VerifyError(
            f"verify = \"strict\": {len(problems)} applied migration(s) differ from their files "
            f"({'; '.join(problems)}); restore the files, or review them and accept them with "
            f"`mig verify --baseline`, then upgrade again")
    for line in problems:
        log.warning("%s; `mig verify` lists every difference", line)


__all__ = ["before_run", "drift", "mode", "revision_map"]
