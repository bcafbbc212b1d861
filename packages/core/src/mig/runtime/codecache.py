"""mig's own cache of compiled migration scripts, one file per version location.

Python writes no ``.pyc`` files when ``PYTHONDONTWRITEBYTECODE`` is set, so
every run would compile every script it runs again. mig keeps the code
objects of the scripts it ran in ``<location>/__pycache__/mig-code.cache``
(beside the revisions cache), keyed by the script's path, ``st_mtime_ns``
and size, and stamped with the interpreter's bytecode magic number and
optimisation level. A missing, stale, corrupt or unwritable cache is
ignored, never an error; ``MIG_NO_CACHE=1`` neither reads nor writes it.
"""

from __future__ import annotations

import contextlib
import marshal
import os
import sys
from importlib.util import MAGIC_NUMBER
from types import CodeType

from mig.revision.cache import CACHE_DIR, cache_enabled

CODE_CACHE_NAME = "mig-code.cache"
_MAGIC = ("mig-code", 1, MAGIC_NUMBER, sys.flags.optimize)

#: path -> (st_mtime_ns, st_size, marshalled code)
_Entry = tuple[int, int, bytes]


class CodeCache:
    """The cached code objects of the scripts in one folder (read lazily, written once per run)."""

    def __init__(self, folder: str) -> None:
        self.file = os.path.join(folder, CACHE_DIR, CODE_CACHE_NAME)
        self._entries: dict[str, _Entry] | None = None
        self._dirty = False

    def _load(self) -> dict[str, _Entry]:
        entries: dict[str, _Entry] = {}
        try:
            with open(self.file, "rb") as fh:
                data = fh.read()
            magic, found = marshal.loads(data)
            if magic == _MAGIC and type(found) is dict:
                entries = found
        except Exception:  # missing, corrupt, or written by another Python: start over
            entries = {}
        self._entries = entries
        return entries

    def get(self, path: str, mtime_ns: int, size: int) -> CodeType | None:
        """The code object of ``path`` if the cached one was compiled from this very file."""
        entries = self._entries if self._entries is not None else self._load()
        entry = entries.get(path)
        if entry is None or type(entry) is not tuple or len(entry) != 3:
            return None
        if entry[0] != mtime_ns or entry[1] != size:
            return None
        try:
            code = marshal.loads(entry[2])
        except Exception:
            return None
        return code if isinstance(code, CodeType) else None

    def put(self, path: str, mtime_ns: int, size: int, code: CodeType) -> None:
        entries = self._entries if self._entries is not None else self._load()
        entries[path] = (mtime_ns, size, marshal.dumps(code))
        self._dirty = True

    def save(self) -> None:
        """Write the cache if a script was compiled (entries of vanished files are dropped)."""
        if not self._dirty or self._entries is None:
            return
        self._dirty = False
        entries = {p: e for p, e in self._entries.items() if os.path.exists(p)}
        tmp = f"{self.file}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.file), exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.write(marshal.dumps((_MAGIC, entries)))
            os.replace(tmp, self.file)
        except OSError as exc:
            import logging

            logging.getLogger("mig.runtime").debug("cannot write code cache %s: %s", self.file, exc)
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class CodeCaches:
    """The code caches of one run, per folder; :meth:`save` writes those that changed."""

    def __init__(self) -> None:
        self.enabled = cache_enabled()
        self._by_folder: dict[str, CodeCache] = {}

    def for_path(self, path: str) -> CodeCache | None:
        if not self.enabled:
            return None
        folder = os.path.dirname(path)
        cache = self._by_folder.get(folder)
        if cache is None:
            cache = self._by_folder[folder] = CodeCache(folder)
        return cache

    def save(self) -> None:
        for cache in self._by_folder.values():
            cache.save()


__all__ = ["CODE_CACHE_NAME", "CodeCache", "CodeCaches"]
