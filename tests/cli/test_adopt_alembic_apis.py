"""Alembic's script-directory and migration-context classes, as env.py files use them, after ``mig adopt``."""

from __future__ import annotations

import shutil
from pathlib import Path

from .conftest import Mig
from .test_adopt import ENV_PY, SCRIPTS, alembic, write_alembic_project

#: env.py asks the script directory about the graph before it migrates (a common project touch)
GRAPH_REPORT = '''
from alembic.script import ScriptDirectory
from alembic.runtime.migration import MigrationContext

_script = ScriptDirectory.from_config(config)
print("bases:", _script.get_bases(), "heads:", sorted(_script.get_heads()))
print("walk:", [s.revision for s in _script.walk_revisions()])
print("iterate c3..a1:", [s.revision for s in _script.iterate_revisions("c3", "a1")])
print("heads as number:", _script.as_revision_number("heads"))
print("current of a1,b2:", sorted(s.revision for s in _script.get_all_current(["a1", "b2"])))
print("is a context class:", isinstance(MigrationContext, type))
'''


def _graph_lines(output: str) -> list[str]:
    prefixes = ("bases:", "walk:", "iterate", "heads as", "current of", "is a context")
    return [line for line in output.splitlines() if line.startswith(prefixes)]


def test_env_py_using_script_directory_runs_as_under_alembic(mig: Mig, tmp_path: Path) -> None:
    env = ENV_PY.replace("target_metadata = None\n", "target_metadata = None\n" + GRAPH_REPORT)
    write_alembic_project(mig.cwd, SCRIPTS)
    (mig.cwd / "alembic" / "env.py").write_text(env)
    original = tmp_path / "original"
    shutil.copytree(mig.cwd, original)
    theirs = _graph_lines(alembic(original, "upgrade", "head").stdout)

    result = mig("adopt", "--yes", ok=True, real=True)
    env_py = (mig.cwd / "alembic" / "env.py").read_text()
    assert "from mig.revision import ScriptDirectory\n" in env_py, result
    assert "from mig.runtime.migration import MigrationContext\n" in env_py
    mine = _graph_lines(mig("upgrade", "head", ok=True, real=True).stdout)
    assert mine == theirs
    assert len(mine) == 6 and mine[0].startswith("bases: ['a1']")


def test_import_of_a_renamed_module_is_reported(mig: Mig) -> None:
    write_alembic_project(mig.cwd, SCRIPTS)
    env = (mig.cwd / "alembic" / "env.py").read_text()
    (mig.cwd / "alembic" / "env.py").write_text(env.replace("import alembic\n", "import alembic\nimport alembic.script\n"))
    result = mig("adopt", "--dry-run", real=True)
    assert result.returncode == 0, result
    assert ("alembic/env.py:8: `import alembic.script`: mig has it as mig.revision; write `from alembic.script import ...` "
            "(adopt rewrites that) or import mig.revision") in result.stderr
    assert "+import mig.script" not in result.stdout
