"""Importing a migration script to run it: the lean path of the per-step hot loop.

The script's code object comes from mig's own code cache
(:mod:`mig.runtime.codecache`) when the file is unchanged, else from the
source (compiled once and cached). There is none of the machinery of a full
import (finders, path resolution, spec objects).
"""

from __future__ import annotations

import contextlib
import os
import sys
from importlib.machinery import SourceFileLoader
from types import CodeType, ModuleType
from typing import Any

from mig.errors import ScriptError
from mig.runtime.codecache import CodeCaches


def _code_for(path: str, loader: SourceFileLoader, caches: CodeCaches | None,
              stat: tuple[int, int] | None = None) -> CodeType:
    """The script's code: from mig's cache when it holds this version of the file, else compiled.

    ``stat`` is ``(st_mtime_ns, st_size)`` as seen when the revision graph was
    read (the run executes the scripts it planned with); ``None`` stats the file.
    """
    cache = caches.for_path(path) if caches is not None else None
    if cache is None:  # no mig cache: Python's own (``__pycache__/*.pyc`` where allowed)
        code = loader.get_code(loader.name)
        if code is None:
            raise ScriptError(f"cannot read {path}")
        return code
    if stat is None:
        try:
            st = os.stat(path)
        except OSError as exc:
            raise ScriptError(f"cannot read {path}: {exc.strerror}") from None
        stat = (st.st_mtime_ns, st.st_size)
    code = cache.get(path, *stat)
    if code is None:
        source = _read(path)
        code = compile(source, path, "exec", dont_inherit=True)
        if stat[1] == len(source):
            cache.put(path, stat[0], stat[1], code)
    return code


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise ScriptError(f"cannot read {path}: {exc.strerror}") from None


def load_script_module(script: Any, caches: CodeCaches | None = None) -> ModuleType:
    """Import ``script.path`` as a fresh module named after the revision; cached on the script.

    ``caches`` (one per run) supplies and keeps compiled code; without it the
    source is compiled every time.
    """
    cached = getattr(script, "_mig_module", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return,unused-ignore]
    path = getattr(script, "_file", None) or str(script.path)
    name = f"mig_versions_{script.revision}"
    module = ModuleType(name)
    module.__file__ = path
    loader = module.__loader__ = SourceFileLoader(name, path)
    module.__builtins__ = __builtins__  # type: ignore[attr-defined]
    sys.modules[name] = module
    try:
        exec(_code_for(path, loader, caches, getattr(script, "_stat", None)), module.__dict__)
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        line = f", line {exc.lineno}" if exc.lineno else ""
        raise ScriptError(f"{path}{line}: not valid Python ({exc.msg}); fix the script") from None
    except ScriptError:
        sys.modules.pop(name, None)
        raise
    except Exception as exc:
        sys.modules.pop(name, None)
        raise ScriptError(f"importing {path} failed: {type(exc).__name__}: {exc}") from exc
    with contextlib.suppress(AttributeError):  # a frozen or slotted script object: not cached
        script._mig_module = module
    return module


__all__ = ["load_script_module"]
