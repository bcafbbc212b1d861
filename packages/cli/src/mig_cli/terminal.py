"""The terminal's status line and the log handler that respects it.

Kept apart from :mod:`mig_cli.progress` (the step reporters, which are
plugin objects) so that setting up logging for a run needs no plugin
machinery.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from mig_cli.state import CliState


class TerminalStatus:
    """One line at the bottom of a terminal, rewritten in place (a no-op when disabled)."""

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.text = ""
        # the ticker thread draws too: every write to the stream holds this lock
        self._lock = threading.RLock()
        self._ticker: threading.Thread | None = None
        self._stop: threading.Event | None = None

    def show(self, text: str) -> None:
        if not self.enabled:
            return
        with self._lock:
            self.text = text
            self.stream.write("\r\x1b[2K" + text)
            self.stream.flush()

    def clear(self) -> None:
        with self._lock:
            if self.enabled and self.text:
                self.stream.write("\r\x1b[2K")
                self.stream.flush()
            self.text = ""

    def write_line(self, line: str) -> None:
        """Write ``line`` above the status line, then draw the status line again."""
        with self._lock:
            text = self.text
            self.clear()
            self.stream.write(line + "\n")
            self.stream.flush()
            if text:
                self.show(text)

    def tick(self, render: Callable[[], str], interval: float = 1.0) -> None:
        """Redraw the line as ``render()`` every ``interval`` seconds (a daemon thread) until
        :meth:`stop_ticking`; only while a line is shown, and only on a terminal."""
        self.stop_ticking()
        if not self.enabled:
            return
        stop = threading.Event()

        def run() -> None:
            while not stop.wait(interval):
                with self._lock:
                    if stop.is_set():
                        return
                    if self.text:  # cleared (a failure, the step's end): nothing to redraw
                        self.show(render())

        self._stop = stop
        self._ticker = threading.Thread(target=run, name="mig-progress", daemon=True)
        self._ticker.start()

    def stop_ticking(self) -> None:
        """Stop the redraws started by :meth:`tick` (nothing is drawn after this returns)."""
        stop, ticker = self._stop, self._ticker
        self._stop = self._ticker = None
        if stop is not None:
            with self._lock:  # a redraw in progress finishes first
                stop.set()
        if ticker is not None and ticker is not threading.current_thread():
            ticker.join(timeout=1.0)


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
