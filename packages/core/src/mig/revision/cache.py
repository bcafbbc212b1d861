"""A cache of what each script's source declares, one file per version location.

Keyed by each file's path relative to the location, its ``st_mtime_ns`` and
its size, so an edited, replaced or removed script is read again. The cache
file lives in the location's ``__pycache__`` folder (``mig-revisions.cache``);
a missing, stale, corrupt or unwritable cache is ignored, never an error.
Set ``MIG_NO_CACHE=1`` to neither read nor write it.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path
from typing import Any

from mig.revision.parse import ScriptSource

CACHE_DIR = "__pycache__"
CACHE_NAME = "mig-revisions.cache"
_MAGIC = ("mig-revisions", 2, sys.version_info[:2])

Entry = tuple[int, int, tuple[Any, ...]]


def cache_enabled() -> bool:
    return os.environ.get("MIG_NO_CACHE", "") in ("", "0")


class LocationCache:
    """The cached parse results of one version location."""

    def __init__(self, location: Path) -> None:
        self.location = location
        self.file = location / CACHE_DIR / CACHE_NAME
        self.enabled = cache_enabled()
        self._old: dict[str, Entry] = {}
        self._new: dict[str, Entry] = {}
        self._dirty = False
        #: The graph built from exactly these files passed validation last time.
        self.was_validated = False
        if self.enabled:
            self._old, self.was_validated = self._read()

    def _read(self) -> tuple[dict[str, Entry], bool]:
        try:
            data = self.file.read_bytes()
        except OSError:
            return {}, False
        try:
            magic, entries, validated = marshal.loads(data)
            if magic != _MAGIC or not isinstance(entries, dict):
                return {}, False
            if not all(type(e) is tuple and len(e) == 3 for e in entries.values()):
                return {}, False
        except Exception:  # corrupt or from another Python: start over
            _debug("ignoring unreadable revision cache %s", self.file)
            return {}, False
        return entries, validated is True

    @property
    def unchanged(self) -> bool:
        """Every file was a cache hit and none disappeared: the same inputs as last time."""
        return self.enabled and not self._dirty and len(self._new) == len(self._old)

    def get(self, relpath: str, mtime_ns: int, size: int) -> tuple[Any, ...] | None:
        """The cached :meth:`ScriptSource.to_tuple` of a file, if its stat still matches."""
        entry = self._old.get(relpath)
        if entry is not None and entry[0] == mtime_ns and entry[1] == size:
            data = entry[2]
            if type(data) is tuple and len(data) == 6:
                self._new[relpath] = entry
                return data
        return None

    def lookup(self, files: list[tuple[str, int, int]]) -> list[tuple[Any, ...] | None]:
        """:meth:`get` for many files at once: ``(relpath, mtime_ns, size)`` each, in order."""
        old = self._old
        new = self._new
        found: list[tuple[Any, ...] | None] = []
        append = found.append
        for relpath, mtime_ns, size in files:
            entry = old.get(relpath)
            if entry is not None and entry[0] == mtime_ns and entry[1] == size:
                data = entry[2]
                if type(data) is tuple and len(data) == 6:
                    new[relpath] = entry
                    append(data)
                    continue
            append(None)
        return found

    def put(self, relpath: str, mtime_ns: int, size: int, source: ScriptSource) -> None:
        self._new[relpath] = (mtime_ns, size, source.to_tuple())
        self._dirty = True

    def save(self, validated: bool = False) -> None:
        """Write the cache if anything changed (entries for vanished files are dropped).

        ``validated`` records that the graph built from these files is sound,
        so that an unchanged set of files can skip the cycle check next time.
        """
        if not self.enabled:
            return
        if self.unchanged and validated == self.was_validated:
            return
        try:
            self.file.parent.mkdir(exist_ok=True)
            tmp = self.file.with_name(f"{CACHE_NAME}.{os.getpid()}.tmp")
            tmp.write_bytes(marshal.dumps((_MAGIC, self._new, validated)))
            os.replace(tmp, self.file)
        except OSError as exc:
            _debug("cannot write revision cache %s: %s", self.file, exc)


def _debug(message: str, *args: object) -> None:
    import logging

    logging.getLogger("mig.revision").debug(message, *args)
