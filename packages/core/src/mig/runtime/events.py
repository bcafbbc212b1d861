"""What step hooks receive."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class StepEvent:
    """One migration step as seen by ``mig_before_step``/``mig_after_step``/``mig_step_progress``.

    ``elapsed`` (seconds) is filled in after the step; ``path`` is the script's
    file (``None`` for a stamp). ``heads_before``/``heads_after`` are the
    version rows around the step; ``down_revisions`` are the script's parents
    (what an upgrade starts from and a downgrade goes back to).
    """

    revision: str | None
    direction: str
    index: int
    total: int
    path: str | None = None
    elapsed: float | None = None
    as_sql: bool = False
    heads_before: frozenset[str] = frozenset()
    heads_after: frozenset[str] = frozenset()
    down_revisions: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


__all__ = ["StepEvent"]
