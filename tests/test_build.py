"""`uv build --all-packages` builds the six distributions, each with py.typed and its entry points."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

EXPECTED = {
    "mig_core": ("mig", None),
    "mig_cli": ("mig_cli", "cli = mig_cli.plugin"),
    "mig_postgresql": ("mig_postgresql", "postgresql = mig_postgresql.plugin"),
    "mig_mysql": ("mig_mysql", "mysql = mig_mysql.plugin"),
    "mig_sqlite_batch": ("mig_sqlite_batch", "sqlite-batch = mig_sqlite_batch.plugin"),
    "mig_autogen": ("mig_autogen", "autogen = mig_autogen.plugin"),
}


def test_all_packages_build_six_wheels(tmp_path):
    uv = shutil.which("uv")
    if uv is None:
        pytest.fail("uv is needed to build the workspace", pytrace=False)
    result = subprocess.run([uv, "build", "--all-packages", "--wheel", "--out-dir", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
    assert result.returncode == 0, result.stderr
    wheels = {path.name.split("-")[0]: path for path in tmp_path.glob("*.whl")}
    assert set(wheels) == set(EXPECTED)
    for dist, (package, entry_point) in EXPECTED.items():
        with zipfile.ZipFile(wheels[dist]) as wheel:
            names = wheel.namelist()
            assert f"{package}/py.typed" in names, dist
            entry_points = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
            if entry_point is None:
                assert entry_points is None or "[mig]" not in wheel.read(entry_points).decode()
                continue
            assert entry_points is not None, dist
            text = wheel.read(entry_points).decode()
            assert "[mig]" in text and entry_point in text, text
            metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
            requires = [line for line in wheel.read(metadata).decode().splitlines()
                        if line.startswith("Requires-Dist: mig-core")]
            assert requires and any(">=" in r and "<" in r for r in requires), (dist, requires)
    with zipfile.ZipFile(wheels["mig_core"]) as wheel:
        metadata = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        lines = wheel.read(metadata).decode().splitlines()
    # mig.testing runs under pytest: `pip install "mig-core[testing]"` brings it
    assert "Provides-Extra: testing" in lines
    assert any(line.startswith("Requires-Dist: pytest") and line.replace('"', "'").endswith("extra == 'testing'")
               for line in lines), lines
    assert not any(line.startswith("Requires-Dist: pytest") and "extra" not in line for line in lines)
