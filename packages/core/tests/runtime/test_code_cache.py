"""mig's code-object cache for scripts (``versions/__pycache__/mig-code.cache``)."""

from __future__ import annotations

import io
import os
import sys

import pytest

from mig import command

CACHE = "mig-code.cache"


def _fresh_modules() -> None:
    """Forget the script modules of earlier runs in this process (each command run imports again)."""
    for name in [n for n in sys.modules if n.startswith("mig_versions_")]:
        del sys.modules[name]


def _offline(project) -> str:
    project.output = io.StringIO()
    _fresh_modules()
    command.upgrade(project.config, "base:head", sql=True)
    return project.sql_output()


def _cache_file(project):
    return project.location / "versions" / "__pycache__" / CACHE


def test_cache_is_written_and_used(project, monkeypatch):
    monkeypatch.delenv("MIG_NO_CACHE", raising=False)
    project.write("a1", None, 'op.execute("CREATE TABLE one (x INTEGER)")')
    project.write("b2", "a1", 'op.execute("CREATE TABLE two (x INTEGER)")')
    first = _offline(project)
    assert _cache_file(project).is_file()
    # A cached run gives the same output, and compiles nothing.
    calls = []
    real_compile = compile
    monkeypatch.setattr("builtins.compile", lambda *a, **k: calls.append(a[1]) or real_compile(*a, **k))
    assert _offline(project) == first
    assert not [c for c in calls if str(c).endswith("_step.py")]


def test_edited_script_is_compiled_again(project, monkeypatch):
    monkeypatch.delenv("MIG_NO_CACHE", raising=False)
    path = project.write("a1", None, 'op.execute("CREATE TABLE one (x INTEGER)")')
    assert "CREATE TABLE one" in _offline(project)
    st = path.stat()
    path.write_text(path.read_text().replace("CREATE TABLE one", "CREATE TABLE uno"))
    # Same size; make sure the modification time differs even on coarse clocks.
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    out = _offline(project)
    assert "CREATE TABLE uno" in out and "CREATE TABLE one" not in out


@pytest.mark.parametrize("garbage", [b"", b"not marshal data", b"\x00" * 64])
def test_corrupt_cache_is_ignored_and_replaced(project, monkeypatch, garbage):
    monkeypatch.delenv("MIG_NO_CACHE", raising=False)
    project.write("a1", None, 'op.execute("CREATE TABLE one (x INTEGER)")')
    expected = _offline(project)
    _cache_file(project).write_bytes(garbage)
    assert _offline(project) == expected
    assert _cache_file(project).read_bytes() != garbage


def test_no_cache_env_var_writes_nothing(project, monkeypatch):
    monkeypatch.setenv("MIG_NO_CACHE", "1")
    project.write("a1", None, 'op.execute("CREATE TABLE one (x INTEGER)")')
    assert "CREATE TABLE one" in _offline(project)
    assert not _cache_file(project).exists()


def test_online_run_uses_cached_code(project, monkeypatch):
    monkeypatch.delenv("MIG_NO_CACHE", raising=False)
    project.write("a1", None, 'op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))')
    _offline(project)
    assert _cache_file(project).is_file()
    _fresh_modules()
    command.upgrade(project.config, "head")
    assert project.versions() == ["a1"]
    assert project.inspect().tables == ["mig_version", "t"]
