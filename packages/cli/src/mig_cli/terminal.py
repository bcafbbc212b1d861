"""The terminal's status line and the log handler that respects it.

Kept apart from :mod:`mig_cli.progress` (the step reporters, which are
plugin objects) so that setting up logging for a run needs no plugin
machinery.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from mig_cli.state import CliState


class TerminalStatus:
    """One line at the bottom of a terminal, rewritten in place (a no-op when disabled)."""

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.text = ""

    def show(self, text: str) -> None:
        if not self.enabled:
            return
        self.text = text
        self.stream.write("\r\x1b[2K" + text)
        self.stream.flush()

    def clear(self) -> None:
        if self.enabled and self.text:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
        self.text = ""

    def write_line(self, line: str) -> None:
        """Write ``line`` above the status line, then draw the status line again."""
        text = self.text
        self.clear()
        self.stream.write(line + "\n")
        self.stream.flush()
        if text:
            self.show(text)


class StatusAwareHandler(logging.Handler):
    """Writes ``mig.*`` log records to stderr without breaking the progress line."""

    def __init__(self, state: CliState) -> None:
        super().__init__()
        self.state = state

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            status = self.state._status
            if status is not None and status.enabled:
                status.write_line(line)
            else:
                sys.stderr.write(line + "\n")
                sys.stderr.flush()
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)
