"""The graph's shape and its validation, from Alembic's documented behaviour."""

from __future__ import annotations

import pytest

from mig.errors import GraphError, MigError, ScriptError


def test_linear(project):
    project.add("a1a1", None)
    project.add("b2b2", "a1a1")
    project.add("c3c3", "b2b2")
    rmap = project.sd().revision_map
    assert rmap.heads == ("c3c3",)
    assert rmap.bases == ("a1a1",)
    assert [s.revision for s in rmap] == ["a1a1", "b2b2", "c3c3"]
    b = rmap.script("b2b2")
    assert b.down_revisions == ("a1a1",)
    assert b.nextrev == frozenset({"c3c3"})
    assert not b.is_head and not b.is_base and not b.is_branch_point and not b.is_merge_point
    assert rmap.script("a1a1").is_base and rmap.script("c3c3").is_head


def test_diamond(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    project.add("cccc", "aaaa")
    project.add("dddd", ["bbbb", "cccc"])
    rmap = project.sd().revision_map
    assert rmap.heads == ("dddd",)
    assert rmap.script("aaaa").is_branch_point
    d = rmap.script("dddd")
    assert d.is_merge_point and d.down_revision == ("bbbb", "cccc")
    order = [s.revision for s in rmap]
    assert order.index("aaaa") < order.index("bbbb") < order.index("dddd")
    assert order.index("cccc") < order.index("dddd")


def test_branch_from_the_middle(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    project.add("cccc", "bbbb")
    project.add("dddd", "bbbb")
    rmap = project.sd().revision_map
    assert rmap.heads == ("cccc", "dddd")
    assert rmap.script("bbbb").is_branch_point
    assert rmap.script("bbbb").nextrev == {"cccc", "dddd"}


def test_several_roots(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    project.add("xxxx", None)
    project.add("yyyy", "xxxx")
    rmap = project.sd().revision_map
    assert rmap.bases == ("aaaa", "xxxx")
    assert rmap.heads == ("bbbb", "yyyy")


def test_merge_of_three_heads(project):
    project.add("aaaa", None)
    for rev in ("bbbb", "cccc", "dddd"):
        project.add(rev, "aaaa")
    project.add("mmmm", ["bbbb", "cccc", "dddd"])
    rmap = project.sd().revision_map
    assert rmap.heads == ("mmmm",)
    assert rmap.script("mmmm").down_revisions == ("bbbb", "cccc", "dddd")
    assert len(rmap.script("aaaa").nextrev) == 3


def test_dependencies_across_branches(project):
    project.add("aaaa", None, labels="core")
    project.add("bbbb", "aaaa")
    project.add("xxxx", None, labels="net")
    project.add("yyyy", "xxxx", depends="bbbb")
    project.add("zzzz", "yyyy", depends="core")  # a label resolves to its revision
    rmap = project.sd().revision_map
    y = rmap.script("yyyy")
    assert y.dependencies == ("bbbb",)
    assert y.parents == ("xxxx", "bbbb")
    assert rmap.script("zzzz").dependencies == ("aaaa",)
    # dependents do not stop a revision from being a head (Alembic's `heads`) ...
    assert rmap.heads == ("bbbb", "zzzz")
    # ... but they do for `heads --resolve-dependencies`
    assert rmap.real_heads == ("zzzz",)
    assert rmap.script("bbbb").dependents == {"yyyy"}
    order = [s.revision for s in rmap]
    assert order.index("bbbb") < order.index("yyyy")


def test_branch_labels_are_inherited_along_the_branch(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")  # branch point
    project.add("cccc", "bbbb")
    project.add("dddd", "cccc", labels="left")
    project.add("eeee", "dddd")
    project.add("xxxx", "bbbb", labels=["right", "other"])
    rmap = project.sd().revision_map
    labels = {s.revision: s.branch_labels for s in rmap}
    assert labels["eeee"] == {"left"}
    assert labels["dddd"] == {"left"}
    assert labels["cccc"] == {"left"}  # back down to the branch point ...
    assert labels["bbbb"] == set()  # ... which is not part of either branch
    assert labels["aaaa"] == set()
    assert labels["xxxx"] == {"right", "other"}
    assert rmap.script("dddd").declared_branch_labels == ("left",)
    assert rmap.branch_labels == {"left": "dddd", "right": "xxxx", "other": "xxxx"}


def test_label_on_a_root_covers_its_descendants(project):
    project.add("aaaa", None, labels="main")
    project.add("bbbb", "aaaa")
    project.add("cccc", "bbbb")
    rmap = project.sd().revision_map
    assert all("main" in s.branch_labels for s in rmap)


def test_docstring_message_and_create_date(project):
    project.add("aaaa", None, message="create account table")
    script = project.sd().revision_map.script("aaaa")
    assert script.message == "create account table"
    assert script.create_date is not None and script.create_date.year == 2024
    assert script.create_date.microsecond == 123456
    assert "Revision ID: aaaa" in script.longdoc
    assert script.doc == "create account table"


def test_several_version_locations(project):
    other = project.root / "more_versions"
    project.options["version_locations"] = ["migrations/versions", "more_versions"]
    project.add("aaaa", None)
    project.add("bbbb", "aaaa", folder=other)
    rmap = project.sd().revision_map
    assert rmap.heads == ("bbbb",)
    assert rmap.script("bbbb").location == other


def test_recursive_version_locations(project):
    project.options["recursive_version_locations"] = True
    project.add("aaaa", None)
    project.add("bbbb", "aaaa", folder=project.versions / "2024" / "05")
    assert project.sd().revision_map.heads == ("bbbb",)
    project.options["recursive_version_locations"] = False
    assert project.sd().revision_map.heads == ("aaaa",)


def test_non_scripts_are_ignored(project):
    project.add("aaaa", None)
    (project.versions / "__init__.py").write_text("x = 1\n")
    (project.versions / ".#aaaa_script.py").write_text("garbage(")
    (project.versions / "notes.txt").write_text("not a script")
    assert project.sd().revision_map.heads == ("aaaa",)


# -- broken graphs ------------------------------------------------------------------


def _error(project, kind=MigError):
    with pytest.raises(kind) as info:
        project.sd().revision_map
    return str(info.value)


def test_cycle_names_the_files(project):
    project.add("aaaa", "cccc")
    project.add("bbbb", "aaaa")
    project.add("cccc", "bbbb")
    project.add("dddd", None)
    message = _error(project, GraphError)
    assert "cycle" in message
    for rev in ("aaaa", "bbbb", "cccc"):
        assert f"{rev}_script.py" in message
    assert "dddd" not in message


def test_cycle_through_depends_on(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa", depends="cccc")
    project.add("cccc", "bbbb")
    message = _error(project, GraphError)
    assert "cycle" in message and "bbbb_script.py" in message and "cccc_script.py" in message


def test_missing_down_revision(project):
    project.add("aaaa", None)
    path = project.add("bbbb", "zzzz")
    message = _error(project, GraphError)
    assert "'zzzz'" in message and str(path) in message and "names no revision" in message


def test_missing_dependency(project):
    project.add("aaaa", None)
    path = project.add("bbbb", "aaaa", depends="nolabel")
    message = _error(project, GraphError)
    assert "'nolabel'" in message and str(path) in message


def test_duplicate_revision_names_both_files(project):
    first = project.add("aaaa", None, name="one.py")
    second = project.add("aaaa", None, name="two.py")
    message = _error(project, GraphError)
    assert str(first) in message and str(second) in message


def test_label_used_twice_names_both_files(project):
    first = project.add("aaaa", None, labels="shared")
    second = project.add("bbbb", None, labels="shared")
    message = _error(project, GraphError)
    assert "'shared'" in message and str(first) in message and str(second) in message


def test_label_that_is_a_revision_id(project):
    project.add("aaaa", None)
    project.add("bbbb", None, labels="aaaa")
    assert "aaaa" in _error(project, GraphError)


def test_script_without_revision(project):
    path = project.versions / "orphan.py"
    path.write_text('"""no identifiers"""\ndown_revision = None\n')
    message = _error(project, ScriptError)
    assert str(path) in message and "revision" in message


def test_invalid_python_names_file_and_line(project):
    project.add("aaaa", None)
    path = project.versions / "broken.py"
    path.write_text("revision = 'bbbb'\ndown_revision = 'aaaa'\n\ndef upgrade(:\n    pass\n")
    message = _error(project, ScriptError)
    assert f"{path}, line 4" in message and "not valid Python" in message


def test_wrong_type_of_down_revision(project):
    path = project.versions / "odd.py"
    path.write_text("revision = 'aaaa'\ndown_revision = 5\n")
    # not a literal string/tuple: mig imports the script to read it, then rejects the type
    message = _error(project, ScriptError)
    assert str(path) in message and "down_revision" in message


def test_missing_version_location(project):
    project.options["version_locations"] = ["nowhere"]
    message = _error(project)
    assert "nowhere" in message and "does not exist" in message
