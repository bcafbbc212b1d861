"""Importing a migration script to run it: the lean path of the per-step hot loop.

Uses the standard source loader (so ``__pycache__`` is read and written as
Python's own import would, honouring ``PYTHONDONTWRITEBYTECODE``) without the
machinery of a full import (finders, path resolution, spec objects).
"""

from __future__ import annotations

import contextlib
import sys
from importlib.machinery import SourceFileLoader
from types import ModuleType
from typing import Any

from mig.errors import ScriptError


def load_script_module(script: Any) -> ModuleType:
    """Import ``script.path`` as a fresh module named after the revision; cached on the script."""
    cached = getattr(script, "_mig_module", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return,unused-ignore]
    path = str(script.path)
    name = f"mig_versions_{script.revision}"
    loader = SourceFileLoader(name, path)
    module = ModuleType(name)
    module.__file__ = path
    module.__loader__ = loader
    module.__builtins__ = __builtins__  # type: ignore[attr-defined]
    sys.modules[name] = module
    try:
        code = loader.get_code(name)
        if code is None:
            raise ScriptError(f"cannot read {path}")
        exec(code, module.__dict__)
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        line = f", line {exc.lineno}" if exc.lineno else ""
        raise ScriptError(f"{path}{line}: not valid Python ({exc.msg}); fix the script") from None
    except Exception as exc:
        sys.modules.pop(name, None)
        raise ScriptError(f"importing {path} failed: {type(exc).__name__}: {exc}") from exc
    with contextlib.suppress(AttributeError):  # a frozen or slotted script object
        script._mig_module = module
    return module


__all__ = ["load_script_module"]
