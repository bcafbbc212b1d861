"""Planning upgrade / downgrade / stamp: order, and the version rows after each step."""

from __future__ import annotations

import itertools

import pytest

from mig.errors import CommandError, MultipleHeadsError, RangeNotAncestorError, ResolutionError


def trace(steps):
    """[(direction, revision, sorted rows after)] for compact assertions."""
    return [(s.direction[0], s.revision, sorted(s.heads_after)) for s in steps]


def chained(steps):
    """Each step starts from the rows the previous one left."""
    for before, after in itertools.pairwise(steps):
        assert before.heads_after == after.heads_before
    return True


@pytest.fixture
def linear(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    project.add("cccc", "bbbb")
    return project.sd()


@pytest.fixture
def diamond(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    project.add("cccc", "aaaa")
    project.add("dddd", ["bbbb", "cccc"])
    return project.sd()


@pytest.fixture
def branched(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    project.add("cccc", "bbbb", labels="left")
    project.add("dddd", "cccc")
    project.add("eeee", "bbbb", labels="right")
    project.add("ffff", "eeee")
    return project.sd()


@pytest.fixture
def dependent(project):
    """Two roots; net's yyyy depends on core's bbbb."""
    project.add("aaaa", None, labels="core")
    project.add("bbbb", "aaaa")
    project.add("xxxx", None, labels="net")
    project.add("yyyy", "xxxx", depends="bbbb")
    return project.sd()


def test_linear_upgrade_and_downgrade(linear):
    steps = linear.plan_upgrade([], "head")
    assert trace(steps) == [("u", "aaaa", ["aaaa"]), ("u", "bbbb", ["bbbb"]), ("u", "cccc", ["cccc"])]
    assert steps[0].heads_before == frozenset() and chained(steps)
    assert steps[1].script is not None and steps[1].script.revision == "bbbb"
    down = linear.plan_downgrade(["cccc"], "aaaa")
    assert trace(down) == [("d", "cccc", ["bbbb"]), ("d", "bbbb", ["aaaa"])]
    assert trace(linear.plan_downgrade(["cccc"], "base"))[-1] == ("d", "aaaa", [])


def test_relative_upgrade_and_downgrade(linear):
    assert [s.revision for s in linear.plan_upgrade(["aaaa"], "+1")] == ["bbbb"]
    assert [s.revision for s in linear.plan_upgrade([], "+2")] == ["aaaa", "bbbb"]
    assert [s.revision for s in linear.plan_downgrade(["cccc"], "-2")] == ["cccc", "bbbb"]
    assert [s.revision for s in linear.plan_downgrade(["cccc"], "-3")] == ["cccc", "bbbb", "aaaa"]
    with pytest.raises(ResolutionError, match="below base"):
        linear.plan_downgrade(["cccc"], "-4")
    with pytest.raises(ResolutionError, match="past a head"):
        linear.plan_upgrade(["cccc"], "+1")
    with pytest.raises(CommandError):
        linear.plan_upgrade(["cccc"], "-1")
    with pytest.raises(CommandError):
        linear.plan_downgrade(["aaaa"], "+1")


def test_upgrade_to_an_applied_revision_does_nothing(linear):
    assert linear.plan_upgrade(["cccc"], "aaaa") == []
    assert linear.plan_upgrade(["cccc"], "head") == []


def test_downgrade_to_a_revision_not_applied_is_an_error(linear):
    with pytest.raises(RangeNotAncestorError, match="cccc is not applied"):
        linear.plan_downgrade(["bbbb"], "cccc")


def test_unknown_current_revision(linear):
    with pytest.raises(ResolutionError, match="'zzzz', which no script declares"):
        linear.plan_upgrade(["zzzz"], "head")


def test_diamond(diamond):
    up = diamond.plan_upgrade([], "head")
    assert trace(up) == [
        ("u", "aaaa", ["aaaa"]),
        ("u", "bbbb", ["bbbb"]),
        ("u", "cccc", ["bbbb", "cccc"]),  # a second branch: a new row
        ("u", "dddd", ["dddd"]),  # the merge replaces both rows with one
    ]
    assert chained(up)
    down = diamond.plan_downgrade(["dddd"], "aaaa")
    assert trace(down) == [
        ("d", "dddd", ["bbbb", "cccc"]),  # unmerge: both parents' rows come back
        ("d", "bbbb", ["cccc"]),  # aaaa is still below cccc: no row for it
        ("d", "cccc", ["aaaa"]),
    ]
    # downgrading to one side of the diamond keeps the other side applied
    assert trace(diamond.plan_downgrade(["dddd"], "bbbb")) == [("d", "dddd", ["bbbb", "cccc"])]


def test_branch_from_the_middle(branched):
    up = branched.plan_upgrade([], "heads")
    assert trace(up) == [
        ("u", "aaaa", ["aaaa"]), ("u", "bbbb", ["bbbb"]), ("u", "cccc", ["cccc"]),
        ("u", "dddd", ["dddd"]), ("u", "eeee", ["dddd", "eeee"]), ("u", "ffff", ["dddd", "ffff"]),
    ]
    with pytest.raises(MultipleHeadsError) as info:
        branched.plan_upgrade([], "head")
    assert "dddd" in str(info.value) and "ffff" in str(info.value)
    assert trace(branched.plan_upgrade(["bbbb"], "right@head")) == [
        ("u", "eeee", ["eeee"]), ("u", "ffff", ["ffff"])]
    assert trace(branched.plan_upgrade(["dddd"], "right@+1")) == [("u", "eeee", ["dddd", "eeee"])]
    down = branched.plan_downgrade(["dddd", "ffff"], "bbbb")
    assert trace(down) == [("d", "dddd", ["cccc", "ffff"]), ("d", "cccc", ["ffff"]),
                           ("d", "ffff", ["eeee"]), ("d", "eeee", ["bbbb"])]
    assert chained(down)


def test_downgrade_minus_one_with_several_rows_refuses(branched):
    with pytest.raises(MultipleHeadsError) as info:
        branched.plan_downgrade(["dddd", "ffff"], "-1")
    message = str(info.value)
    assert "dddd" in message and "ffff" in message and "LABEL@-1" in message
    assert trace(branched.plan_downgrade(["dddd", "ffff"], "ffff-1")) == [("d", "ffff", ["dddd", "eeee"])]
    assert trace(branched.plan_downgrade(["dddd", "ffff"], "left@-1")) == [("d", "dddd", ["cccc", "ffff"])]


def test_downgrade_label_base_only_touches_that_branch(branched):
    down = branched.plan_downgrade(["dddd", "ffff"], "right@base")
    assert trace(down) == [("d", "ffff", ["dddd", "eeee"]), ("d", "eeee", ["dddd"])]
    with pytest.raises(ResolutionError, match="no branch label 'nosuch'"):
        branched.plan_downgrade(["dddd", "ffff"], "nosuch@base")


def test_merge_of_three_heads(project):
    project.add("aaaa", None)
    for rev in ("bbbb", "cccc", "dddd"):
        project.add(rev, "aaaa")
    project.add("mmmm", ["bbbb", "cccc", "dddd"])
    sd = project.sd()
    assert trace(sd.plan_upgrade(["bbbb", "cccc", "dddd"], "head")) == [("u", "mmmm", ["mmmm"])]
    assert trace(sd.plan_upgrade(["bbbb"], "mmmm")) == [
        ("u", "cccc", ["bbbb", "cccc"]), ("u", "dddd", ["bbbb", "cccc", "dddd"]),
        ("u", "mmmm", ["mmmm"])]
    # downgrading to one merged parent unmerges; the other parents stay applied
    assert trace(sd.plan_downgrade(["mmmm"], "cccc")) == [("d", "mmmm", ["bbbb", "cccc", "dddd"])]
    assert trace(sd.plan_downgrade(["mmmm"], "aaaa")) == [
        ("d", "mmmm", ["bbbb", "cccc", "dddd"]), ("d", "bbbb", ["cccc", "dddd"]),
        ("d", "cccc", ["dddd"]), ("d", "dddd", ["aaaa"])]


def test_dependencies(dependent):
    up = dependent.plan_upgrade([], "net@head")
    assert trace(up) == [
        ("u", "aaaa", ["aaaa"]), ("u", "bbbb", ["bbbb"]),
        ("u", "xxxx", ["bbbb", "xxxx"]),
        ("u", "yyyy", ["yyyy"]),  # bbbb's row is implied by yyyy now: removed
    ]
    # downgrading the dependency takes the dependent down first
    down = dependent.plan_downgrade(["yyyy"], "aaaa")
    assert trace(down) == [("d", "yyyy", ["bbbb", "xxxx"]), ("d", "bbbb", ["aaaa", "xxxx"])]
    # a branch's base across dependencies
    assert trace(dependent.plan_downgrade(["yyyy"], "core@base")) == [
        ("d", "yyyy", ["bbbb", "xxxx"]), ("d", "bbbb", ["aaaa", "xxxx"]), ("d", "aaaa", ["xxxx"])]
    # upgrading only the branch the dependency lives on
    assert trace(dependent.plan_upgrade(["xxxx"], "core@head")) == [
        ("u", "aaaa", ["aaaa", "xxxx"]), ("u", "bbbb", ["bbbb", "xxxx"])]


def test_dependency_already_past(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    project.add("cccc", "bbbb")
    project.add("xxxx", None)
    project.add("yyyy", "xxxx", depends="bbbb")
    sd = project.sd()
    # cccc's row already implies bbbb: yyyy replaces only xxxx's row
    assert trace(sd.plan_upgrade(["cccc", "xxxx"], "yyyy")) == [("u", "yyyy", ["cccc", "yyyy"])]
    assert trace(sd.plan_downgrade(["cccc", "yyyy"], "xxxx")) == [("d", "yyyy", ["cccc", "xxxx"])]


def test_plans_are_deterministic(project):
    project.add("aaaa", None)
    for rev in ("dddd", "bbbb", "cccc"):
        project.add(rev, "aaaa")
        project.add(rev[0] * 2 + "01", rev)
    sd = project.sd()
    first = [s.revision for s in sd.plan_upgrade([], "heads")]
    assert first == ["aaaa", "bbbb", "bb01", "cccc", "cc01", "dddd", "dd01"]
    assert [s.revision for s in project.sd().plan_upgrade([], "heads")] == first


# -- stamp -------------------------------------------------------------------------


def rows_after(steps, start):
    rows = frozenset(start)
    for step in steps:
        assert step.script is None and step.revision is None
        assert step.heads_before == rows
        rows = step.heads_after
    return sorted(rows)


def test_stamp_heads_keeps_every_branch_head(branched):
    steps = branched.plan_stamp(["dddd", "eeee"], ["heads"])
    assert rows_after(steps, ["dddd", "eeee"]) == ["dddd", "ffff"]


def test_stamp(branched):
    assert rows_after(branched.plan_stamp([], ["cccc"]), []) == ["cccc"]
    steps = branched.plan_stamp(["dddd"], ["bbbb"])
    assert rows_after(steps, ["dddd"]) == ["bbbb"] and steps[0].direction == "downgrade"
    assert rows_after(branched.plan_stamp(["dddd"], ["eeee"]), ["dddd"]) == ["dddd", "eeee"]
    assert rows_after(branched.plan_stamp(["dddd", "ffff"], ["base"]), ["dddd", "ffff"]) == []
    assert rows_after(branched.plan_stamp(["dddd", "ffff"], ["right@base"]), ["dddd", "ffff"]) == ["dddd"]
    assert branched.plan_stamp(["dddd"], ["dddd"]) == []
    assert rows_after(branched.plan_stamp(["dddd"], ["cccc", "ffff"]), ["dddd"]) == ["cccc", "ffff"]


def test_stamp_purge(branched):
    steps = branched.plan_stamp(["dddd", "zzzz_unknown"], ["eeee"], purge=True)
    assert rows_after(steps, ["dddd", "zzzz_unknown"]) == ["eeee"]


def test_offline_range(linear):
    from mig.revision import plan_range

    rmap = linear.revision_map
    assert [s.revision for s in plan_range(rmap, "aaaa", "cccc")] == ["bbbb", "cccc"]
    assert [s.revision for s in plan_range(rmap, None, "bbbb")] == ["aaaa", "bbbb"]


def test_downgrade_keeps_what_only_depends_on_the_target(project):
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    project.add("cccc", "bbbb")
    project.add("xxxx", None)
    project.add("yyyy", "xxxx", depends="bbbb")
    sd = project.sd()
    # yyyy needs bbbb, which stays: only cccc goes; bbbb's row stays implied by yyyy
    assert trace(sd.plan_downgrade(["cccc", "yyyy"], "bbbb")) == [("d", "cccc", ["yyyy"])]
    # bbbb is applied only as yyyy's dependency: nothing is "above" it to remove
    with pytest.raises(RangeNotAncestorError, match="only as a dependency"):
        sd.plan_downgrade(["yyyy"], "bbbb")


def test_relative_downgrade_to_base_stays_on_its_branch(project):
    project.add("aaaa", None)  # another root, which the branch below depends on
    project.add("xxxx", None, depends="aaaa")
    project.add("yyyy", "xxxx")
    sd = project.sd()
    assert trace(sd.plan_downgrade(["yyyy"], "-2")) == [
        ("d", "yyyy", ["xxxx"]), ("d", "xxxx", ["aaaa"])]
    # a revision-relative walk to base, like `base`, takes everything
    assert [s.revision for s in sd.plan_downgrade(["yyyy"], "yyyy-2")] == ["yyyy", "xxxx", "aaaa"]


def test_relative_downgrade_stays_on_the_walked_branch(project):
    """-N walks down the row's branch; revisions applied only as dependencies stay."""
    project.add("aaaa", None)
    project.add("bbbb", "aaaa")
    project.add("cccc", "bbbb", depends="aaaa")
    project.add("dddd", "aaaa", depends="cccc")
    project.add("eeee", "dddd")
    sd = project.sd()
    # eeee -1 -> dddd, -2 -> aaaa; bbbb and cccc are not on that walk: they stay
    assert trace(sd.plan_downgrade(["eeee"], "-2")) == [
        ("d", "eeee", ["dddd"]), ("d", "dddd", ["cccc"])]
    # an absolute target removes everything above it
    assert [s.revision for s in sd.plan_downgrade(["eeee"], "aaaa")] == [
        "eeee", "dddd", "cccc", "bbbb"]


def test_stamp_refuses_relative_identifiers(branched):
    with pytest.raises(CommandError, match="not relative steps"):
        branched.plan_stamp(["dddd"], ["-1"])
