"""A cache of the command list shown by ``mig --help``, so that help needs no plugin loading.

Listing commands means loading every plugin (entry points, ``importlib.metadata``,
pluggy): most of ``mig --help``'s time. The list only changes when plugins are
installed, removed or edited, so it is cached in ``$XDG_CACHE_HOME/mig``
(``~/.cache/mig``) under a key made of the interpreter, ``MIG_PLUGINS``, every
``sys.path`` entry and its modification time (installing or removing a
distribution changes its folder's). The entry also records the files of every
plugin module that was loaded and their modification times; a changed file
makes the entry stale. ``MIG_NO_CACHE=1`` turns the cache off. Any problem
reading or writing it is ignored: the list is then computed as usual.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

CACHE_FORMAT = 1


def enabled() -> bool:
    """Whether to use the cache: not when asked not to, nor once plugins are loaded in this process."""
    return os.environ.get("MIG_NO_CACHE", "") in ("", "0") and "mig.plugins" not in sys.modules


def _directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mig"


def _key() -> str:
    import hashlib

    from mig_cli import __version__

    parts = [str(CACHE_FORMAT), __version__, sys.executable, os.environ.get("MIG_PLUGINS", "\0")]
    for entry in sys.path:
        if entry in ("", "."):  # the working directory (python -c, -m): its contents churn
            parts.append(f"{entry}\0{os.getcwd()}")
            continue
        try:
            parts.append(f"{entry}\0{os.stat(entry or '.').st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}\0-")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def _file(key: str) -> Path:
    return _directory() / f"commands-{key}.json"


def load() -> list[tuple[str, str]] | None:
    """The cached ``(name, help)`` rows, or ``None`` when there is no fresh entry."""
    import json

    try:
        data = json.loads(_file(_key()).read_text(encoding="utf-8"))
        for path, mtime in data["files"]:
            if os.stat(path).st_mtime_ns != mtime:
                return None
        return [(str(name), str(text)) for name, text in data["commands"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(rows: list[tuple[str, str]]) -> None:
    """Remember ``rows`` for the current plugin set (best effort)."""
    import json

    from mig import plugins

    files = []
    for plugin in plugins.get_plugin_manager().get_plugins():
        module = plugin if hasattr(plugin, "__file__") else sys.modules.get(type(plugin).__module__)
        path = getattr(module, "__file__", None)
        if path:
            try:
                files.append((path, os.stat(path).st_mtime_ns))
            except OSError:
                return
    data: dict[str, Any] = {"commands": rows, "files": sorted(files)}
    try:
        directory = _directory()
        directory.mkdir(parents=True, exist_ok=True)
        target = _file(_key())
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        pass
