"""Planning: which revisions ``upgrade``, ``downgrade`` and ``stamp`` touch, in what order.

The version table holds one row per *applied head*: an applied revision on
which no other applied revision builds (through ``down_revision`` or
``depends_on``). Every step below keeps that true, which gives Alembic's
answers: applying a revision replaces the rows of its parents with its own
row (one parent: an update; several: a merge; none applied yet: a new row,
as for a base or a new branch); removing a revision brings back the rows of
those parents nothing else applied still builds on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from mig.errors import CommandError, MultipleHeadsError, RangeNotAncestorError, ResolutionError
from mig.revision.graph import RevisionMap, parse_relative
from mig.revision.script import Script

Direction = Literal["upgrade", "downgrade"]


@dataclass(frozen=True)
class Step:
    """One unit of work: run one script (or only change version rows, for ``stamp``)."""

    script: Script | None  # None for a pure stamp change
    direction: Direction
    heads_before: frozenset[str]  # version rows before this step
    heads_after: frozenset[str]  # version rows after this step

    @property
    def revision(self) -> str | None:
        return self.script.revision if self.script is not None else None

    @property
    def is_upgrade(self) -> bool:
        return self.direction == "upgrade"

    @property
    def rows_removed(self) -> frozenset[str]:
        return self.heads_before - self.heads_after

    @property
    def rows_added(self) -> frozenset[str]:
        return self.heads_after - self.heads_before

    def __repr__(self) -> str:
        return (f"Step({self.direction} {self.revision or '<stamp>'}: "
                f"{sorted(self.heads_before)} -> {sorted(self.heads_after)})")


def _current(rmap: RevisionMap, current: Iterable[str]) -> frozenset[str]:
    rows = frozenset(c for c in current if c)
    for row in sorted(rows):
        if row not in rmap:
            raise ResolutionError(
                f"the database is at revision {row!r}, which no script declares; restore the "
                f"script, or `mig stamp` the database to a revision that exists")
    return rows


def _upgrade_targets(rmap: RevisionMap, rows: frozenset[str], target: str) -> tuple[str, ...]:
    rel = parse_relative(target)
    if rel is not None and rel.symbol is None and rel.steps < 0:
        raise CommandError(f"upgrade {target}: a negative relative revision is for downgrade; "
                           f"use `mig downgrade {target}`")
    return rmap.resolve(target, rows)


def plan_upgrade(rmap: RevisionMap, current: Iterable[str], target: str) -> list[Step]:
    """Steps that apply ``target`` and everything it needs, parents first."""
    rows = _current(rmap, current)
    targets = _upgrade_targets(rmap, rows, target)
    applied = rmap.ancestors(rows)
    needed = rmap.ancestors(targets) - applied
    # A target that is already applied needs nothing (as in Alembic): an empty plan.
    steps: list[Step] = []
    for rev in rmap.sort(needed, up=True):
        script = rmap.script(rev)
        after = rows.difference(script.parents).union((rev,))
        steps.append(Step(script, "upgrade", rows, after))
        rows = after
    return steps


def plan_downgrade(rmap: RevisionMap, current: Iterable[str], target: str) -> list[Step]:
    """Steps that remove everything applied above ``target``, children first."""
    rows = _current(rmap, current)
    applied = rmap.ancestors(rows)
    text = target.strip()
    rel = parse_relative(text)
    if rel is not None and rel.steps > 0 and rel.symbol is None:
        raise CommandError(f"downgrade {target}: a positive relative revision is for upgrade; "
                           f"use `mig upgrade {target}` or a negative number")
    if "@" in text and text.partition("@")[2] == "base":
        label = text.partition("@")[0]
        members = rmap.label_members(label)
        remove = rmap.descendants(members & applied) & applied
    elif rel is not None and rel.steps < 0 and rel.symbol is None:
        # `-N` / `LABEL@-N`: steps back along the branch of the row walked from; revisions of
        # other branches stay, even when they sit above the target (as in Alembic)
        start, end = rmap.relative_walk(rel, rows)
        assert start is not None
        if end is None:
            branch = rmap.ancestors([start], dependencies=False)
        else:
            lineage = (rmap.ancestors([start], dependencies=False)
                       | rmap.descendants([start], dependencies=False))
            branch = (rmap.descendants([end], dependencies=False) - {end}) & lineage
        remove = rmap.descendants(branch & applied) & applied
    else:
        targets = rmap.resolve(text, rows)
        missing = [t for t in targets if t not in applied]
        if missing:
            raise RangeNotAncestorError(
                f"downgrade {target}: {', '.join(missing)} is not applied (the current "
                f"version rows are {', '.join(sorted(rows)) or 'empty'}); downgrade only goes back "
                f"along a branch — use `mig upgrade` to go forward")
        if targets:
            # What sits above the target along down_revision goes, and whatever depends on that.
            above = rmap.descendants(targets, dependencies=False) - set(targets)
            remove = rmap.descendants(above & applied) & applied
            on_branches = rmap.ancestors(rows, dependencies=False)
            if not remove and not set(targets) <= on_branches:
                raise RangeNotAncestorError(
                    f"downgrade {target}: it is applied only as a dependency (depends_on) of "
                    f"{', '.join(sorted(rows))}, not below them on a branch; downgrade the "
                    f"revisions that depend on it instead")
        else:
            remove = set(applied)
    steps: list[Step] = []
    remaining = set(applied)
    for rev in rmap.sort(remove, up=False):
        script = rmap.script(rev)
        remaining.discard(rev)
        after = set(rows - {rev})
        for parent in script.parents:
            if parent in remaining and remaining.isdisjoint(rmap.script(parent)._children):
                after.add(parent)
        steps.append(Step(script, "downgrade", rows, frozenset(after)))
        rows = frozenset(after)
    return steps


def plan_stamp(rmap: RevisionMap, current: Iterable[str], targets: Sequence[str],
               purge: bool = False) -> list[Step]:
    """Version-row changes (``script=None``) that make the table say ``targets``.

    Each target replaces the rows on its own line of descent (its ancestors
    and descendants); rows of unrelated branches stay. ``stamp heads`` keeps
    every branch's head. ``purge`` first empties the table.
    """
    rows = frozenset() if purge else _current(rmap, current)
    steps: list[Step] = []
    if purge and current:
        before = frozenset(c for c in current if c)
        if before:
            steps.append(Step(None, "downgrade", before, frozenset()))
    if not targets:
        targets = ("base",)
    for target in targets:
        text = target.strip()
        rel = parse_relative(text)
        if rel is not None and text not in rmap:
            raise CommandError(f"stamp {target}: stamp takes revisions, not relative steps; "
                               f"name the revision (see `mig history`)")
        if "@" in text and text.partition("@")[2] == "base":
            members = rmap.label_members(text.partition("@")[0])
            related = {r for r in rows if r in rmap.descendants(members)}
            after = frozenset(rows - related)
            if after != rows:
                steps.append(Step(None, "downgrade", rows, after))
                rows = after
            continue
        revs = rmap.resolve(text, rows)
        if not revs:  # base
            if rows:
                steps.append(Step(None, "downgrade", rows, frozenset()))
                rows = frozenset()
            continue
        for rev in revs:
            if rev in rows:
                continue
            below = rmap.ancestors([rev])
            above = rmap.descendants([rev])
            related = {r for r in rows if r in below or r in above}
            direction: Direction = "downgrade" if related and related <= above else "upgrade"
            after = frozenset((rows - related) | {rev})
            steps.append(Step(None, direction, rows, after))
            rows = after
    return steps


def plan_range(rmap: RevisionMap, lower: str | None, upper: str) -> list[Step]:
    """Upgrade steps from ``lower`` (``None``/``base`` for empty) to ``upper``, for ``--sql``."""
    current: tuple[str, ...] = ()
    if lower not in (None, "", "base"):
        assert lower is not None
        current = rmap.resolve(lower)
        if len(current) > 1 and lower.strip() == "heads":
            raise MultipleHeadsError("a range cannot start at `heads`; name one revision")
    return plan_upgrade(rmap, current, upper)
