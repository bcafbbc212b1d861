"""``mig.operations.callsite`` under every other CPython it claims (3.12 to 3.14) found on this machine.

The rule reads bytecode, whose layout changes between minor versions (3.12
dropped ``LOAD_METHOD`` for a flag on ``LOAD_ATTR``), and the suite itself
runs on one interpreter. The module needs nothing but the standard library,
so each other interpreter runs it from its file with a small program that
checks the same cases as ``test_create_table_result.py``. Versions that are
not installed are skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mig.operations import callsite

CHECK = r'''
import importlib.util, sys
spec = importlib.util.spec_from_file_location("callsite", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
result_discarded = module.result_discarded
seen = []


class Holder:
    def __getattr__(self, name):
        return 0

    def call(self, *args):
        seen.append(result_discarded(1, "call"))
        return 1


def plain(holder):
    holder.call()
    holder.call(1,
                2)
    kept = holder.call()
    print(holder.call(), end="")
    [holder.call()]
    if holder.call():
        pass
    any(map(holder.call, [1, 2]))
    return kept


plain(Holder())
assert seen == [True, True, False, False, False, False, False], seen  # any() stops at the first 1
del seen[:]
padding = "\n".join(f"    _ = holder.attr_{n}" for n in range(300))
namespace = {}
exec(compile(f"def padded(holder):\n{padding}\n    holder.call()\n    kept = holder.call()\n"
             "    any(map(holder.call, [1]))\n", "<padded>", "exec"), namespace)
namespace["padded"](Holder())
assert namespace["padded"].__code__.co_names.index("call") > 255
assert seen == [True, False, False], seen
print("ok", sys.version_info[:2])
'''


def _interpreter(version: str) -> str | None:
    """``pythonX.Y`` on PATH, else in pyenv's versions (whose shims obey the local pin)."""
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [shutil.which(f"python{version}"),
                  *sorted(str(p) for p in root.glob(f"{version}.*/bin/python{version}"))]
    for python in candidates:
        if python is None:
            continue
        probe = subprocess.run([python, "-c", "import sys; print(sys.version_info[:2])"],
                               capture_output=True, text=True)
        if probe.returncode == 0:  # a pyenv shim for a version not selected here fails
            return python
    return None


@pytest.mark.parametrize("version", ["3.12", "3.13", "3.14"])
def test_callsite_rule_holds_on_other_interpreters(version: str) -> None:
    python = _interpreter(version)
    if python is None:
        pytest.skip(f"python{version} is not installed here")
    out = subprocess.run([python, "-c", CHECK, callsite.__file__], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith(f"({version.replace('.', ', ')})")
