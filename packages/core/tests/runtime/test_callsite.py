"""``mig.operations.callsite``: whether the calling code throws an operation's result away.

The rule reads bytecode, whose layout changes between minor versions (3.12
dropped ``LOAD_METHOD`` for a flag on ``LOAD_ATTR``). The module needs
nothing but the standard library, so one program (``CHECK``) loads it from
its file and checks every case; it runs under this interpreter and under
every other CPython the rule claims (3.12 to 3.14) found on this machine.
Versions that are not installed are skipped; this interpreter never is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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
    bound = holder.call
    bound()                       # thrown away, but not an attribute call: counted as kept
    holder.call()                 # a statement: thrown away
    holder.call(1,
                2)                # a method-style call over two lines: thrown away
    kept = holder.call()          # assigned
    print(holder.call(), end="")  # an argument
    [holder.call()]               # an element of a list that is itself thrown away
    if holder.call():             # a condition
        pass
    any(map(holder.call, [1, 2]))  # called from C code that uses the results (any() stops at 1)
    return kept


plain(Holder())
assert seen == [False, True, True, False, False, False, False, False], seen
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


@pytest.mark.parametrize("version", ["this", "3.12", "3.13", "3.14"])
def test_result_discarded_tells_a_statement_from_every_use(version: str) -> None:
    python = sys.executable if version == "this" else _interpreter(version)
    if python is None:
        pytest.skip(f"python{version} is not installed here")
    out = subprocess.run([python, "-c", CHECK, callsite.__file__], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    expected = sys.version_info[:2] if version == "this" else tuple(map(int, version.split(".")))
    assert out.stdout.strip().endswith(str(expected))


def test_result_discarded_is_false_when_the_frame_is_missing() -> None:
    assert callsite.result_discarded(10_000, "x") is False
