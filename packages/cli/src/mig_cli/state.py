"""What the global options of one ``mig`` run decided, shared by every command."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import logging

    from mig.config import Config
    from mig_cli.terminal import TerminalStatus


@dataclass
class CliState:
    """Global options (``-c``, ``-x``, ``--traceback``, ``-q``) and the lazily loaded config."""

    config_path: str | None = None
    x_arguments: list[str] = field(default_factory=list)
    traceback: bool = False
    quiet: bool = False
    _config: Config | None = None
    _status: TerminalStatus | None = None
    _log_handler: logging.Handler | None = None
    _plugins: list[str] = field(default_factory=list)

    #: The state of the run in progress (read by the error reporter).
    current: ClassVar[CliState | None] = None

    # -- configuration ---------------------------------------------------------

    def config(self, cmd_opts: Any = None) -> Config:
        """The run's configuration, loaded on first use; an error when there is none."""
        if self._config is None:
            from pathlib import Path

            from mig.config import Config
            from mig.errors import ConfigError

            config = Config.load(self.config_path, x_arguments=self.x_arguments)
            if config.config_file is None:
                raise ConfigError(
                    f"no configuration found in {Path.cwd()}: there is no mig.toml and no "
                    f"[tool.mig] table in pyproject.toml; run `mig init migrations` to create one, "
                    f"or pass -c PATH"
                )
            self._config = config
        if cmd_opts is not None:
            self._config.cmd_opts = CommandOptions(cmd_opts)
        return self._config

    # -- terminal output ---------------------------------------------------------

    @property
    def status(self) -> TerminalStatus:
        if self._status is None:
            from mig_cli.terminal import TerminalStatus

            self._status = TerminalStatus(sys.stderr, enabled=not self.quiet and _isatty(sys.stderr))
        return self._status

    def setup_logging(self) -> None:
        """Send ``mig.*`` log records to stderr (INFO, or WARNING with ``-q``), as Alembic does."""
        import logging

        from mig_cli.terminal import StatusAwareHandler

        handler = StatusAwareHandler(self)
        handler.setFormatter(logging.Formatter("%(levelname)-5.5s [%(name)s] %(message)s"))
        logger = logging.getLogger("mig")
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING if self.quiet else logging.INFO)
        self._log_handler = handler

    def show_progress(self) -> None:
        """Register the step reporter for this run: a line per step, and a progress line on a terminal."""
        if self.quiet:
            return
        from mig import plugins
        from mig_cli.progress import ProgressReporter, TerminalProgressReporter

        cls = TerminalProgressReporter if self.status.enabled else ProgressReporter
        self._plugins.append(plugins.register(cls(self.status), name="cli-progress",
                                              distribution="mig-cli"))

    def close(self) -> None:
        """Undo what the run set up (matters when several runs share a process, as in tests)."""
        if self._status is not None:
            self._status.stop_ticking()
            self._status.clear()
        if self._plugins:
            from mig import plugins

            for name in self._plugins:
                plugins.unregister(name)
            self._plugins.clear()
        if self._log_handler is not None:
            import logging

            logging.getLogger("mig").removeHandler(self._log_handler)
            self._log_handler = None


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class CommandOptions(dict[str, object]):
    """The command's options (``config.cmd_opts``): a dict, readable as attributes too.

    env.py code written for Alembic reads ``config.cmd_opts.autogenerate``
    (an ``argparse.Namespace`` there); mig's own code uses ``.get(...)``.
    """

    def __getattr__(self, name: str) -> object:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(f"the command has no option {name!r}") from None
