"""The one way mig runs a project's Python files: migration scripts, ``env.py``, ``mig_plugins.py``.

Each file becomes a module through importlib's ``SourceFileLoader``, so
Python's own bytecode cache (``__pycache__``) is used as for any import, and
``PYTHONDONTWRITEBYTECODE`` / ``sys.dont_write_bytecode`` mean what they
say. A module's name is derived from the file's resolved path, so one file
is one module name however it is reached.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

from mig.errors import ScriptError

__all__ = ["execute", "load", "module_name", "prepare"]


def module_name(path: Path, kind: str) -> str:
    """The module name for the file at ``path``: ``mig_<kind>_<digest>_<stem>``."""
    digest = hashlib.sha1(os.path.abspath(path).encode()).hexdigest()[:12]
    stem = path.stem.replace("-", "_").replace(".", "_")
    return f"mig_{kind}_{digest}_{stem}"


def prepare(path: Path, kind: str) -> ModuleType:
    """A module for the file at ``path``, not executed yet (see :func:`execute`)."""
    spec = importlib.util.spec_from_file_location(module_name(path, kind), path)
    if spec is None or spec.loader is None:
        raise ScriptError(f"cannot import {path}: not a Python file")
    return importlib.util.module_from_spec(spec)


def execute(module: ModuleType, *, wrap_errors: bool = True, keep: bool = True) -> None:
    """Run the module's file in it, registered in ``sys.modules`` while it runs.

    :param wrap_errors: turn a syntax error or an exception raised at import
        time into a :class:`ScriptError` naming the file (``False`` lets it
        through unchanged: ``env.py`` raises the run's own errors).
    :param keep: leave the module in ``sys.modules`` afterwards (it is
        always removed when executing fails).
    """
    spec = module.__spec__
    assert spec is not None and spec.loader is not None
    name = spec.name
    sys.modules[name] = module
    ok = False
    try:
        spec.loader.exec_module(module)
        ok = True
    except SyntaxError as exc:
        if not wrap_errors:
            raise
        line = f", line {exc.lineno}" if exc.lineno else ""
        raise ScriptError(f"{spec.origin}{line}: not valid Python ({exc.msg}); fix the script") from None
    except Exception as exc:
        if not wrap_errors or isinstance(exc, ScriptError):
            raise
        raise ScriptError(f"importing {spec.origin} failed: {type(exc).__name__}: {exc}") from exc
    finally:
        if not (ok and keep):
            sys.modules.pop(name, None)


def load(path: Path, kind: str) -> ModuleType:
    """Import the file at ``path`` as a fresh module (errors as :class:`ScriptError` naming it)."""
    module = prepare(path, kind)
    execute(module)
    return module
