"""The command index: which plugin supplies each ``mig`` command, remembered between runs.

Knowing the commands means loading every plugin (entry points through
``importlib.metadata``, pluggy, each plugin module), which costs more than
most commands' own work: ``mig heads`` needs only the configuration and the
script headers. The result of that discovery only changes when plugins are
installed, removed or edited, so the CLI keeps it in ``$XDG_CACHE_HOME/mig``
(``~/.cache/mig``): for each command its name, its ``"module:attribute"``
reference, its help line, and the plugin and distribution that registered
it. A later run that finds a fresh entry imports the one command module it
runs and no plugin at all; plugins are then loaded only when the command asks
for something they provide (a dialect, an operation, a hook call).

An entry is fresh while nothing it was computed from changed. Its key covers
the format, mig-cli's version, the interpreter, ``MIG_PLUGINS`` and every
``sys.path`` entry with its modification time (installing or removing a
distribution changes its folder's); the entry also records the file and
modification time of every plugin module that was loaded (editing a plugin
makes it stale). Nothing is stored when the discovery was not clean: a plugin
failed to load, or two plugins registered the same command name (the next
run loads the plugins again and reports it again). A command given as a
:class:`click.Command` object instead of a reference is listed, but running
it loads the plugins as usual. ``MIG_NO_CACHE=1`` turns the index off; any
problem reading or writing it is ignored: the plugins are then loaded as if
there were no index.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mig.specs import Registered

FORMAT = 2


class IndexedCommand:
    """One command as the index remembers it."""

    __slots__ = ("distribution", "help", "name", "plugin", "ref")

    def __init__(self, name: str, ref: str | None, help: str, plugin: str, distribution: str) -> None:
        self.name = name
        #: ``"module:attribute"``, or ``None`` for a command registered as an object.
        self.ref = ref
        self.help = help
        self.plugin = plugin
        self.distribution = distribution


def enabled() -> bool:
    """Whether to use the index: not when asked not to, nor once plugins are loaded in this process.

    In a process that already loaded the plugins (the Python API, tests that
    register plugins by hand) the live registry is the truth and is cheap to ask.
    """
    return os.environ.get("MIG_NO_CACHE", "") in ("", "0") and "mig.plugins" not in sys.modules


def _directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mig"


def _key() -> str:
    from mig_cli import __version__

    parts = [str(FORMAT), __version__, sys.executable, os.environ.get("MIG_PLUGINS", "\0")]
    for entry in sys.path:
        if entry in ("", "."):  # the working directory (python -c, -m): its contents churn
            parts.append(f"{entry}\0{os.getcwd()}")
            continue
        try:
            parts.append(f"{entry}\0{os.stat(entry).st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}\0-")
    return "\n".join(parts)


def _file(key: str) -> Path:
    import zlib

    # The file name only spreads environments over files; the full key inside decides.
    data = key.encode("utf-8", "surrogateescape")
    return _directory() / f"commands-{zlib.crc32(data):08x}{zlib.adler32(data):08x}.marshal"


def load() -> dict[str, IndexedCommand] | None:
    """The indexed commands by name, or ``None`` when there is no fresh entry."""
    import marshal

    key = _key()
    try:
        data = marshal.loads(_file(key).read_bytes())
        if data["key"] != key:
            return None
        for path, mtime in data["files"]:
            if os.stat(path).st_mtime_ns != mtime:
                return None
        commands = {}
        for name, ref, text, plugin, distribution in data["commands"]:
            commands[str(name)] = IndexedCommand(str(name), None if ref is None else str(ref),
                                                 str(text), str(plugin), str(distribution))
        return commands
    except (OSError, EOFError, ValueError, KeyError, TypeError):
        return None


def store(commands: dict[str, Registered]) -> None:
    """Remember ``commands`` (from ``mig_cli_register_commands``) for the current plugin set.

    Best effort, and only for a clean discovery: not when a plugin failed to load.
    """
    import marshal

    from mig import plugins

    if plugins.failed_plugins():
        return
    files = []
    for module in plugins.plugin_modules():
        path = getattr(module, "__file__", None)
        if path:
            try:
                files.append((path, os.stat(path).st_mtime_ns))
            except OSError:
                return
    rows = []
    for name in sorted(commands):
        reg = commands[name]
        ref = reg.item.command if isinstance(reg.item.command, str) else None
        rows.append((name, ref, reg.item.help, reg.plugin, reg.distribution))
    key = _key()
    data: dict[str, Any] = {"key": key, "commands": rows, "files": sorted(set(files))}
    try:
        target = _file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(marshal.dumps(data))
        os.replace(temporary, target)
    except OSError:
        pass
