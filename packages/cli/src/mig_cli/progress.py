"""The progress line shown on a terminal while migrations run (revision n of N, elapsed).

:class:`ProgressReporter` is a plugin object the CLI registers for the run; it
implements ``mig_before_step``, ``mig_after_step`` and ``mig_step_progress``.
Log records go through :class:`~mig_cli.terminal.StatusAwareHandler`, which
clears the line first so that the two never mix.
"""

from __future__ import annotations

import time
from typing import Any

from mig import hookimpl
from mig_cli.terminal import StatusAwareHandler, TerminalStatus

__all__ = ["ProgressReporter", "StatusAwareHandler", "TerminalProgressReporter", "TerminalStatus"]


def _field(step: Any, name: str, default: Any = None) -> Any:
    return getattr(step, name, default)


class ProgressReporter:
    """Plugin object: one line per finished step on stderr (``Ran upgrade base -> ae10 (0.02s)``),
    and on a terminal a progress line ``upgrade ae10 (2 of 5), 1.3s elapsed`` while a step runs."""

    def __init__(self, status: TerminalStatus) -> None:
        self.status = status
        self.started = time.monotonic()
        self.current = ""

    def _line(self, step: Any, extra: str = "") -> str:
        index = _field(step, "index")
        total = _field(step, "total")
        position = ""
        if isinstance(index, int) and isinstance(total, int) and total:
            # StepEvent.index counts from 0.
            position = f" ({index + 1} of {total})"
        elapsed = time.monotonic() - self.started
        direction = _field(step, "direction", "") or ""
        revision = _field(step, "revision", "") or ""
        return f"{direction} {revision}{position}{extra}, {elapsed:.1f}s elapsed".strip()

    @hookimpl
    def mig_before_step(self, step: Any) -> None:
        self.current = self._line(step)
        self.status.show(self.current)

    @hookimpl
    def mig_after_step(self, step: Any) -> None:
        elapsed = _field(step, "elapsed")
        took = f" ({elapsed:.2f}s)" if isinstance(elapsed, float) else ""
        direction = _field(step, "direction", "") or ""
        if _field(step, "path"):
            # As Alembic says it: the script's parents and the script, whatever other rows exist.
            parents = ", ".join(_field(step, "down_revisions", ()) or ()) or "base"
            revision = _field(step, "revision", "") or ""
            moved = f"{parents} -> {revision}" if direction == "upgrade" else f"{revision} -> {parents}"
            line = f"Ran {direction} {moved}"
        else:  # a stamp: the version rows before and after
            before = ", ".join(sorted(_field(step, "heads_before", ()) or ())) or "base"
            after = ", ".join(sorted(_field(step, "heads_after", ()) or ())) or "base"
            line = f"Stamped {before} -> {after}"
        self.status.clear()
        self.status.write_line(f"{line}{took}")


class TerminalProgressReporter(ProgressReporter):
    """On a terminal, also shows progress inside a long step (rows copied by a batch ...).

    A separate class so that, off a terminal, no ``mig_step_progress``
    implementation is registered and long operations need not count for it.
    While a step runs, the line is redrawn every :attr:`interval` seconds so
    that its elapsed time moves (a daemon thread, stopped at the step's end).
    """

    #: seconds between redraws of the progress line during a step
    interval = 1.0

    def __init__(self, status: TerminalStatus) -> None:
        super().__init__(status)
        self._extra = ""

    @hookimpl
    def mig_before_step(self, step: Any) -> None:
        self._extra = ""
        super().mig_before_step(step)
        self.status.tick(lambda: self._line(step, self._extra), self.interval)

    @hookimpl
    def mig_after_step(self, step: Any) -> None:
        self.status.stop_ticking()
        super().mig_after_step(step)

    @hookimpl
    def mig_step_progress(self, step: Any, done: int, total: int | None, what: str) -> None:
        amount = f"{done} of {total}" if total else f"{done}"
        if step is not None:
            self._extra = f": {amount} {what}"
            self.status.show(self._line(step, self._extra))
        else:
            self.status.show(f"{amount} {what}")
