"""Alembic's identifier grammar."""

from __future__ import annotations

import pytest

from mig.errors import (
    AmbiguousRevisionError,
    MultipleHeadsError,
    RangeNotAncestorError,
    ResolutionError,
)


@pytest.fixture
def branched(project):
    """aaaa1111 -> bbbb2222 -> cccc3333 -> dddd4444  (cccc3333 declares "left")
                           \\-> eeee5555 -> ffff6666  (eeee5555 declares "right")"""
    project.add("aaaa1111", None)
    project.add("bbbb2222", "aaaa1111")
    project.add("cccc3333", "bbbb2222", labels="left")
    project.add("dddd4444", "cccc3333")
    project.add("eeee5555", "bbbb2222", labels="right")
    project.add("ffff6666", "eeee5555")
    return project.sd().revision_map


def test_full_ids_prefixes_and_labels(branched):
    assert branched.resolve("cccc3333") == ("cccc3333",)
    assert branched.resolve("cccc") == ("cccc3333",)
    assert branched.resolve("c") == ("cccc3333",)
    assert branched.resolve("left") == ("cccc3333",)  # a bare label: the revision declaring it
    assert branched.lookup("right").revision == "eeee5555"


def test_ambiguous_prefix_lists_the_candidates(project):
    project.add("abcd0001", None)
    project.add("abcd0002", "abcd0001")
    rmap = project.sd().revision_map
    with pytest.raises(AmbiguousRevisionError) as info:
        rmap.resolve("abcd")
    assert "abcd0001" in str(info.value) and "abcd0002" in str(info.value)


def test_unknown_identifier(branched):
    with pytest.raises(ResolutionError, match="no revision or branch label 'zzzz'"):
        branched.resolve("zzzz")


def test_base_head_heads(branched, project):
    assert branched.resolve("base") == ()
    assert branched.resolve("heads") == ("dddd4444", "ffff6666")
    with pytest.raises(MultipleHeadsError) as info:
        branched.resolve("head")
    assert "dddd4444" in str(info.value) and "ffff6666" in str(info.value)


def test_head_of_a_linear_graph(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    assert project.sd().revision_map.resolve("head") == ("bbbb",)
    assert project.sd().get_current_head() == "bbbb"


def test_label_at_head_and_rev_at_head(branched):
    assert branched.resolve("left@head") == ("dddd4444",)
    assert branched.resolve("right@head") == ("ffff6666",)
    assert branched.resolve("eeee@head") == ("ffff6666",)
    assert branched.resolve("cccc3333@head") == ("dddd4444",)
    with pytest.raises(MultipleHeadsError):
        branched.resolve("bbbb2222@head")  # two heads above the branch point
    assert branched.resolve("bbbb2222@heads") == ("dddd4444", "ffff6666")
    assert branched.resolve("left@dddd") == ("dddd4444",)
    with pytest.raises(ResolutionError, match="not on branch 'left'"):
        branched.resolve("left@ffff")
    with pytest.raises(ResolutionError):
        branched.resolve("nolabel@head")


def test_relative_to_a_revision(branched):
    assert branched.resolve("aaaa1111+1") == ("bbbb2222",)
    assert branched.resolve("cccc3333+1") == ("dddd4444",)
    assert branched.resolve("dddd4444-2") == ("bbbb2222",)
    assert branched.resolve("dddd4444-4") == ()  # exactly down to base
    with pytest.raises(ResolutionError, match="below base"):
        branched.resolve("dddd4444-5")
    with pytest.raises(ResolutionError, match="past a head"):
        branched.resolve("dddd4444+1")
    with pytest.raises(MultipleHeadsError, match="branch point"):
        branched.resolve("aaaa1111+2")  # bbbb2222 has two next revisions
    assert branched.resolve("right@aaaa1111+2") == ("eeee5555",)
    assert branched.resolve("left@bbbb2222+2") == ("dddd4444",)


def test_relative_to_head(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    project.add("cccc", "bbbb")
    rmap = project.sd().revision_map
    assert rmap.resolve("head-1") == ("bbbb",)
    assert rmap.resolve("head-3") == ()


def test_relative_to_current_from_each_kind_of_start(branched):
    # from base (nothing applied)
    assert branched.resolve("+1", current=()) == ("aaaa1111",)
    assert branched.resolve("+2", current=()) == ("bbbb2222",)
    with pytest.raises(MultipleHeadsError, match="branch point"):
        branched.resolve("+3", current=())
    assert branched.resolve("left@+3", current=()) == ("cccc3333",)
    # from a revision in the trunk
    assert branched.resolve("+1", current=["aaaa1111"]) == ("bbbb2222",)
    assert branched.resolve("-1", current=["bbbb2222"]) == ("aaaa1111",)
    assert branched.resolve("-2", current=["bbbb2222"]) == ()
    with pytest.raises(ResolutionError, match="below base"):
        branched.resolve("-3", current=["bbbb2222"])
    with pytest.raises(ResolutionError, match="below base"):
        branched.resolve("-1", current=[])
    # from a branch point: going up is ambiguous without a label
    with pytest.raises(MultipleHeadsError) as info:
        branched.resolve("+1", current=["bbbb2222"])
    assert "LABEL@+1" in str(info.value)
    assert branched.resolve("right@+1", current=["bbbb2222"]) == ("eeee5555",)
    # from a head
    with pytest.raises(ResolutionError, match="past a head"):
        branched.resolve("+1", current=["dddd4444"])
    assert branched.resolve("-1", current=["dddd4444"]) == ("cccc3333",)


def test_relative_with_several_rows(branched):
    rows = ["dddd4444", "eeee5555"]
    with pytest.raises(MultipleHeadsError) as info:
        branched.resolve("-1", current=rows)
    message = str(info.value)
    assert "dddd4444" in message and "eeee5555" in message
    assert "dddd4444-1" in message and "LABEL@-1" in message
    with pytest.raises(MultipleHeadsError):
        branched.resolve("+1", current=rows)
    assert branched.resolve("left@-1", current=rows) == ("cccc3333",)
    assert branched.resolve("right@+1", current=rows) == ("ffff6666",)
    # the row of a branch that is not applied yet: start where the label's branch begins
    assert branched.resolve("right@+1", current=["dddd4444"]) == ("eeee5555",)


def test_relative_down_from_a_merge_is_ambiguous(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    project.add("cccc", "aaaa")
    project.add("dddd", ["bbbb", "cccc"])
    rmap = project.sd().revision_map
    with pytest.raises(MultipleHeadsError, match="merge point"):
        rmap.resolve("-1", current=["dddd"])


def test_history_ranges(branched, project):
    sd = project.sd()
    whole = [s.revision for s in sd.walk_range(None)]
    assert set(whole) == {s.revision for s in branched}
    assert whole.index("dddd4444") < whole.index("cccc3333") < whole.index("bbbb2222")
    assert [s.revision for s in sd.walk_range("cccc3333:dddd4444")] == ["dddd4444", "cccc3333"]
    assert [s.revision for s in sd.walk_range("eeee:")] == ["ffff6666", "eeee5555"]
    assert [s.revision for s in sd.walk_range(":bbbb")] == ["bbbb2222", "aaaa1111"]
    assert [s.revision for s in sd.walk_range("-1:left@head", current=["cccc3333"])] == [
        "dddd4444", "cccc3333", "bbbb2222"]
    with pytest.raises(RangeNotAncestorError):
        sd.walk_range("dddd4444:cccc3333")
    with pytest.raises(RangeNotAncestorError):
        sd.walk_range("ffff6666:dddd4444")


def test_history_range_with_current(branched, project):
    sd = project.sd()
    assert [s.revision for s in sd.walk_range("current:", current=["eeee5555"])] == [
        "ffff6666", "eeee5555"]
    assert [s.revision for s in sd.walk_range(":current", current=["bbbb2222"])] == [
        "bbbb2222", "aaaa1111"]
