"""Reading scripts from source, the revision cache, and importing a script to run it."""

from __future__ import annotations

import os

import pytest

from mig.errors import ScriptError
from mig.revision import ScriptDirectory

CACHE = ("__pycache__", "mig-revisions.cache")


def test_plain_and_annotated_assignments(project):
    project.add("aaaa", None, annotated=False)
    (project.versions / "b.py").write_text(
        "from typing import Sequence, Union\n"
        "revision: str = 'bbbb'\n"
        "down_revision: Union[str, Sequence[str], None] = 'aaaa'\n"
        "branch_labels: Union[str, Sequence[str], None] = ['lbl']\n"
        "depends_on: Union[str, Sequence[str], None] = None\n")
    (project.versions / "c.py").write_text(
        "revision = 'cccc'\ndown_revision = ['bbbb']\n")
    rmap = project.sd().revision_map
    assert rmap.script("bbbb").down_revision == "aaaa"
    assert rmap.script("bbbb").declared_branch_labels == ("lbl",)
    assert rmap.script("cccc").down_revision == "bbbb"  # a one-element list is one parent
    assert rmap.heads == ("cccc",)


def test_computed_identifiers_are_read_by_importing(project):
    project.add("aaaa", None)
    (project.versions / "b.py").write_text(
        "PARENT = 'aa' + 'aa'\nrevision = 'bbbb'\ndown_revision = PARENT\n")
    assert project.sd().revision_map.script("bbbb").down_revision == "aaaa"


def test_reading_the_graph_does_not_run_scripts(project, tmp_path):
    marker = tmp_path / "ran"
    project.add("aaaa", None, body=f"\nopen({str(marker)!r}, 'w').write('x')\n")
    sd = project.sd()
    assert sd.get_heads() == ["aaaa"]
    assert not marker.exists()
    module = sd.load_module(sd.get_revision("aaaa"))
    assert marker.exists()
    assert callable(module.upgrade) and module.revision == "aaaa"
    assert sd.load_module(sd.get_revision("aaaa")) is module  # imported once


def test_two_scripts_with_the_same_file_name_load_as_different_modules(project):
    other = project.root / "other"
    project.options["version_locations"] = ["migrations/versions", "other"]
    project.add("aaaa", None, name="same.py")
    project.add("bbbb", "aaaa", folder=other, name="same.py")
    sd = project.sd()
    first = sd.load_module(sd.get_revision("aaaa"))
    second = sd.load_module(sd.get_revision("bbbb"))
    assert first.revision == "aaaa" and second.revision == "bbbb"


def test_a_script_that_fails_on_import(project):
    path = project.add("aaaa", None, body="\nraise RuntimeError('boom')\n")
    sd = project.sd()
    with pytest.raises(ScriptError) as info:
        sd.load_module(sd.get_revision("aaaa"))
    assert str(path) in str(info.value) and "boom" in str(info.value)


def test_cache_is_written_and_used(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    assert project.sd().get_heads() == ["bbbb"]
    cache = project.versions.joinpath(*CACHE)
    assert cache.is_file()
    written = cache.stat().st_mtime_ns
    assert project.sd().get_heads() == ["bbbb"]
    assert cache.stat().st_mtime_ns == written  # nothing changed: not rewritten


def test_cache_sees_an_edit(project):
    project.add("aaaa", None)
    path = project.add("bbbb", "aaaa")
    project.add("cccc", "aaaa")
    assert project.sd().get_heads() == ["bbbb", "cccc"]
    # edit bbbb into a merge of ... no: make cccc follow bbbb, same file size, new mtime
    path_c = project.versions / "cccc_script.py"
    text = path_c.read_text().replace("down_revision = 'aaaa'", "down_revision = 'bbbb'")
    stat = path_c.stat()
    path_c.write_text(text)
    os.utime(path_c, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert project.sd().get_heads() == ["cccc"]
    # an edit that changes the size
    path.write_text(path.read_text().replace("revision bbbb", "revision bbbb, now longer"))
    assert project.sd().get_revision("bbbb").message == "revision bbbb, now longer"
    # a removed script disappears
    path_c.unlink()
    assert project.sd().get_heads() == ["bbbb"]


def test_corrupt_cache_is_ignored(project):
    project.add("aaaa", None)
    project.sd().get_heads()
    cache = project.versions.joinpath(*CACHE)
    cache.write_bytes(b"\x00garbage")
    assert project.sd().get_heads() == ["aaaa"]
    import marshal

    cache.write_bytes(marshal.dumps((("mig-revisions", 1, (3, 11)), {"aaaa_script.py": "x"})))
    assert project.sd().get_heads() == ["aaaa"]


def test_cache_can_be_turned_off(project, monkeypatch):
    monkeypatch.setenv("MIG_NO_CACHE", "1")
    project.add("aaaa", None)
    assert project.sd().get_heads() == ["aaaa"]
    assert not project.versions.joinpath(*CACHE).exists()


def test_invalid_python_is_not_cached_as_valid(project):
    project.add("aaaa", None)
    bad = project.versions / "bad.py"
    bad.write_text("revision = 'bbbb'\ndown_revision = 'aaaa'\nx = (\n")
    for _ in range(2):
        with pytest.raises(ScriptError, match="line 3"):
            project.sd().revision_map
    bad.write_text("revision = 'bbbb'\ndown_revision = 'aaaa'\nx = ()\n")
    assert project.sd().get_heads() == ["bbbb"]


def test_directory_without_config(tmp_path):
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "a.py").write_text("revision = 'aaaa'\ndown_revision = None\n")
    sd = ScriptDirectory(tmp_path, [versions])
    assert sd.get_bases() == ["aaaa"] and sd.get_heads() == ["aaaa"]


def test_a_cycle_made_by_an_edit_is_found_after_cached_runs(project):
    from mig.errors import GraphError

    first = project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    for _ in range(2):  # the second run reuses the validated cache
        assert [s.revision for s in project.sd().revision_map] == ["aaaa", "bbbb"]
    first.write_text(first.read_text().replace("down_revision = None", "down_revision = 'bbbb'"))
    for _ in range(2):  # and the failure is not remembered as valid
        with pytest.raises(GraphError, match="cycle"):
            project.sd().revision_map
