"""The revision graph: validation, ancestry, identifier resolution.

Edges run from a revision to its *parents*: its ``down_revision`` ids, then
its resolved ``depends_on`` ids. Everything that must be applied before a
revision is an ancestor of it through parents.

Deterministic order: wherever several revisions could come next, mig takes
the one that continues the branch it just walked (so a branch's revisions stay
together), and among equals the smallest revision id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from mig.errors import (
    AmbiguousRevisionError,
    GraphError,
    MultipleHeadsError,
    ResolutionError,
    ScriptError,
)
from mig.revision.script import Script

_RELATIVE = re.compile(r"^(?:(?P<label>[^@]+)@)?(?P<symbol>\w+)?(?P<rel>[+-]\d+)$")
_LABEL_RELATIVE = re.compile(r"^(?P<label>[^@]+)@(?P<rel>[+-]\d+)$")


@dataclass(frozen=True)
class Relative:
    """A parsed relative identifier: ``+N``, ``-N``, ``REV+N``, ``LABEL@+N``, ``LABEL@REV-N``."""

    steps: int
    symbol: str | None = None  # None: relative to the current version rows
    label: str | None = None


def parse_relative(ident: str) -> Relative | None:
    """``Relative`` for identifiers of the relative forms, else ``None``."""
    match = _RELATIVE.match(ident.strip())
    if not match:
        return None
    return Relative(int(match.group("rel")), match.group("symbol"), match.group("label"))


def split_range(text: str) -> tuple[str | None, str | None]:
    """``"A:B"`` -> ``("A", "B")``; an empty side is ``None``."""
    if ":" not in text:
        raise ResolutionError(f"{text!r} is not a range; write LOWER:UPPER, e.g. base:head or ae10:")
    lower, _, upper = text.partition(":")
    return (lower.strip() or None, upper.strip() or None)


def _short(ids: Iterable[str]) -> str:
    return ", ".join(sorted(ids))


class RevisionMap:
    """Every script of a project, validated and linked into a graph."""

    def __init__(self, scripts: Iterable[Script], *, acyclic: bool = False) -> None:
        """Link and validate ``scripts``.

        ``acyclic=True`` (the script directory passes it when the files are
        exactly those of a graph that passed validation before) skips the
        cycle check; the order is then computed on first use.
        """
        self._scripts: dict[str, Script] = {}
        for script in scripts:
            other = self._scripts.get(script.revision)
            if other is not None:
                raise GraphError(
                    f"revision {script.revision!r} is declared twice: in {other.path} and in "
                    f"{script.path}; give one of them a new revision id")
            self._scripts[script.revision] = script
        self._labels: dict[str, str] = {}
        self._link()
        self._order: list[str] | None = None
        if not acyclic:
            self._order = self._topological(self._scripts, up=True)
        self._inherit_labels()
        self.heads: tuple[str, ...] = tuple(sorted(r for r, s in self._scripts.items() if s.is_head))
        self.real_heads: tuple[str, ...] = tuple(
            sorted(r for r, s in self._scripts.items() if s.is_real_head))
        self.bases: tuple[str, ...] = tuple(sorted(r for r, s in self._scripts.items() if s.is_base))

    # -- construction --------------------------------------------------------

    def _link(self) -> None:
        scripts = self._scripts
        for script in scripts.values():
            for label in script.declared_branch_labels:
                owner = self._labels.get(label)
                if owner is not None and owner != script.revision:
                    raise GraphError(
                        f"branch label {label!r} is used twice: by {owner} ({scripts[owner].path}) "
                        f"and by {script.revision} ({script.path}); rename one of them")
                if label in scripts and label != script.revision:
                    raise GraphError(
                        f"branch label {label!r} of {script.revision} ({script.path}) is also the "
                        f"id of revision {label} ({scripts[label].path}); choose another label")
                self._labels[label] = script.revision
        nextrev: dict[str, list[str]] = {}
        dependents: dict[str, list[str]] = {}
        for script in scripts.values():
            rev = script.revision
            downs = script.down_revisions
            for down in downs:
                if down not in scripts:
                    raise GraphError(
                        f"revision {rev} ({script.path}) has down_revision {down!r}, "
                        f"which names no revision; fix down_revision or restore the missing script")
                found = nextrev.get(down)
                if found is None:
                    nextrev[down] = [rev]
                else:
                    found.append(rev)
            if not script.depends_on:
                script._parents = downs
                continue
            resolved: list[str] = []
            for dep in script.depends_on:
                target = scripts.get(dep)
                target_rev = target.revision if target is not None else self._labels.get(dep)
                if target_rev is None:
                    raise GraphError(
                        f"revision {rev} ({script.path}) depends_on {dep!r}, which names "
                        f"no revision or branch label; fix depends_on or restore the missing script")
                if target_rev == rev:
                    raise GraphError(f"revision {rev} ({script.path}) depends on itself")
                if target_rev not in resolved:
                    resolved.append(target_rev)
                    dependents.setdefault(target_rev, []).append(rev)
            script.dependencies = tuple(resolved)
            script._parents = downs + tuple(d for d in resolved if d not in downs)
        for rev, children in nextrev.items():
            script = scripts[rev]
            script.nextrev = frozenset(children)
            script._children = tuple(sorted(children)) if len(children) > 1 else tuple(children)
        for rev, children in dependents.items():
            script = scripts[rev]
            script.dependents = frozenset(children)
            script._children = tuple(sorted(script.nextrev | script.dependents))

    def _inherit_labels(self) -> None:
        if not self._labels:
            return
        labels: dict[str, set[str]] = {}
        for label, owner in sorted(self._labels.items()):
            for rev in self._descendants_by_down([owner]):
                labels.setdefault(rev, set()).add(label)
            current = self._scripts[owner]
            while len(current.down_revisions) == 1:
                parent = self._scripts[current.down_revisions[0]]
                if len(parent._children) > 1 or parent.is_merge_point:
                    break
                labels.setdefault(parent.revision, set()).add(label)
                current = parent
        for rev, found in labels.items():
            self._scripts[rev].branch_labels = frozenset(found)

    def _descendants_by_down(self, revs: Iterable[str]) -> set[str]:
        scripts = self._scripts
        return _closure(revs, lambda rev: scripts[rev].nextrev)

    def _children(self, rev: str) -> tuple[str, ...]:
        """Revisions building on ``rev`` (through down_revision or depends_on), sorted."""
        return self._scripts[rev]._children

    def _topological(self, subset: Iterable[str], *, up: bool) -> list[str]:
        """Order ``subset``: parents first (``up``) or children first; see the module doc."""
        members = set(subset)
        scripts = self._scripts
        if up:
            def before(rev: str) -> Iterable[str]:
                return scripts[rev].parents

            def after(rev: str) -> Iterable[str]:
                return self._children(rev)
        else:
            def before(rev: str) -> Iterable[str]:
                return self._children(rev)

            def after(rev: str) -> Iterable[str]:
                return scripts[rev].parents
        if up and len(members) == len(scripts):  # the whole graph: every parent is a member
            waiting = {rev: len(scripts[rev]._parents) for rev in members}
        else:
            waiting = {rev: sum(1 for b in before(rev) if b in members) for rev in members}
        stack = sorted((rev for rev, n in waiting.items() if n == 0), reverse=True)
        order: list[str] = []
        while stack:
            rev = stack.pop()
            order.append(rev)
            ready = []
            for nxt in after(rev):
                if nxt in waiting:
                    waiting[nxt] -= 1
                    if waiting[nxt] == 0:
                        ready.append(nxt)
            if len(ready) > 1:
                ready.sort(reverse=True)
            stack.extend(ready)
        if len(order) != len(members):
            self._raise_cycle(members - set(order))
        return order

    def _raise_cycle(self, stuck: set[str]) -> None:
        scripts = self._scripts
        # Follow parents inside the stuck set until a revision repeats: that is a cycle.
        start = min(stuck)
        path: list[str] = []
        seen: dict[str, int] = {}
        rev = start
        while rev not in seen:
            seen[rev] = len(path)
            path.append(rev)
            rev = next(p for p in sorted(scripts[rev].parents) if p in stuck)
        cycle = path[seen[rev]:]
        shown = " -> ".join(f"{r} ({scripts[r].path})" for r in cycle)
        raise GraphError(f"the revision graph has a cycle: {shown} -> {cycle[0]}; "
                         f"fix down_revision or depends_on in one of these files")

    # -- plain access -----------------------------------------------------------

    def __len__(self) -> int:
        return len(self._scripts)

    def __contains__(self, rev: object) -> bool:
        return rev in self._scripts

    def __iter__(self) -> Iterator[Script]:
        """Every script, parents before children."""
        if self._order is None:
            self._order = self._topological(self._scripts, up=True)
        return (self._scripts[rev] for rev in self._order)

    @property
    def branch_labels(self) -> dict[str, str]:
        """Each declared branch label and the revision that declares it."""
        return dict(self._labels)

    def script(self, rev: str) -> Script:
        """The script with exactly this revision id."""
        try:
            return self._scripts[rev]
        except KeyError:
            raise ResolutionError(f"no revision {rev!r}; run `mig history` to see the revisions") from None

    def sort(self, revs: Iterable[str], *, up: bool = True) -> list[str]:
        """``revs`` in a deterministic topological order (parents first when ``up``)."""
        return self._topological(revs, up=up)

    # -- ancestry --------------------------------------------------------------

    def ancestors(self, revs: Iterable[str], *, dependencies: bool = True) -> set[str]:
        """``revs`` and everything below them (through depends_on too, by default)."""
        scripts = self._scripts
        if dependencies:
            return _closure(revs, lambda rev: scripts[rev].parents)
        return _closure(revs, lambda rev: scripts[rev].down_revisions)

    def descendants(self, revs: Iterable[str], *, dependencies: bool = True) -> set[str]:
        """``revs`` and everything above them (through depends_on too, by default)."""
        if not dependencies:
            return self._descendants_by_down(revs)
        return _closure(revs, self._children)

    def heads_of(self, applied: Iterable[str]) -> frozenset[str]:
        """The version rows for a set of applied revisions: those no other applied one builds on."""
        applied_set = set(applied)
        return frozenset(rev for rev in applied_set
                         if applied_set.isdisjoint(self._children(rev)))

    def applied_heads(self, rows: Iterable[str]) -> list[str]:
        """The heads of what the version rows ``rows`` say is applied: the rows, their
        ancestors through down_revision and depends_on, less every revision that another
        applied one builds on through down_revision (Alembic's current heads). A revision
        applied only because something depends on it, directly or through its ancestors,
        is such a head. Sorted: the rows first, then the others."""
        row_set = set(rows)
        applied = self.ancestors(row_set, dependencies=True)
        heads = self.heads_of_down(applied)
        return [h for h in heads if h in row_set] + [h for h in heads if h not in row_set]

    def shares_lineage(self, rev: str, other: str) -> bool:
        return rev in self.ancestors([other], dependencies=False) or \
            rev in self._descendants_by_down([other])

    # -- identifiers -----------------------------------------------------------

    def lookup(self, name: str) -> Script:
        """A full id, a branch label (its declaring revision) or a unique id prefix."""
        script = self._scripts.get(name)
        if script is not None:
            return script
        owner = self._labels.get(name)
        if owner is not None:
            return self._scripts[owner]
        if not name:
            raise ResolutionError("an empty revision identifier; give an id, a label, head or base")
        matches = sorted(rev for rev in self._scripts if rev.startswith(name))
        if len(matches) == 1:
            return self._scripts[matches[0]]
        if matches:
            shown = ", ".join(f"{m} ({self._scripts[m].path.name})" for m in matches[:10])
            more = f" and {len(matches) - 10} more" if len(matches) > 10 else ""
            raise AmbiguousRevisionError(
                f"revision prefix {name!r} is ambiguous: it matches {shown}{more}; "
                f"type more characters")
        hint = "; a prefix needs to be unique" if len(name) < 4 else ""
        raise ResolutionError(
            f"no revision or branch label {name!r}{hint}; run `mig history` or `mig branches` "
            f"to see what exists")

    def label_heads(self, label: str) -> tuple[str, ...]:
        """Heads of the branch named by ``label`` (a branch label, or a revision: its descendant heads)."""
        if label in self._labels:
            return tuple(sorted(h for h in self.heads if label in self._scripts[h].branch_labels))
        start = self.lookup(label).revision
        above = self._descendants_by_down([start])
        return tuple(sorted(h for h in self.heads if h in above))

    def label_members(self, label: str) -> set[str]:
        """Every revision on the branch named ``label`` (an unknown label is an error)."""
        if label in self._labels:
            return {rev for rev, s in self._scripts.items() if label in s.branch_labels}
        if label in self._scripts:
            return self._descendants_by_down([label])
        raise ResolutionError(f"no branch label {label!r}; run `mig branches` or `mig heads "
                              f"--verbose` to see the labels")

    def lineage(self, label: str) -> set[str]:
        """Revisions sharing a line of descent with ``label`` (a branch label or a revision):
        its declaring revision's ancestors and descendants (through down_revision)."""
        owner = self._labels.get(label)
        if owner is None:
            if label not in self._scripts:
                self.label_members(label)  # raises the unknown-label error
            owner = label
        return self.ancestors([owner], dependencies=False) | self._descendants_by_down([owner])

    def _one_head(self, heads: Sequence[str], what: str, hint: str) -> tuple[str, ...]:
        if len(heads) > 1:
            raise MultipleHeadsError(
                f"{what} has several heads: {_short(heads)}; {hint}")
        return tuple(heads)

    def resolve(self, ident: str | None, current: Iterable[str] = ()) -> tuple[str, ...]:
        """The revisions ``ident`` names (``()`` for ``base``).

        ``current`` (the version rows) is used by relative identifiers without
        a revision (``+1``, ``-2``, ``LABEL@+1``).
        """
        if ident is None:
            return ()
        text = ident.strip()
        if text in ("base", ""):
            return ()
        if text == "heads":
            return self.heads
        if text == "head":
            return self._one_head(self.heads, "the revision graph",
                                  "name one (e.g. LABEL@head), use `heads` for all, or `mig merge heads`")
        if text in self._scripts:
            return (text,)
        if text in self._labels:
            return (self._labels[text],)
        if "@" in text and not _LABEL_RELATIVE.match(text):
            label, _, rest = text.partition("@")
            if rest in ("head", "heads"):
                heads = self.label_heads(label)
                if not heads:
                    raise ResolutionError(f"branch {label!r} has no head")
                if rest == "head":
                    return self._one_head(heads, f"branch {label!r}",
                                          f"name one of them, or use {label}@heads")
                return heads
            if rest == "base":
                self.label_members(label)
                return ()
            rel = parse_relative(rest)
            if rel is not None and rel.symbol is not None:
                return self.resolve_relative(Relative(rel.steps, rel.symbol, label), current)
            script = self.lookup(rest)
            branch = self.label_members(label) if label in self._labels else None
            if branch is not None and script.revision not in branch:
                raise ResolutionError(
                    f"revision {script.revision} is not on branch {label!r}")
            if branch is None:
                base = self.lookup(label).revision
                if not self.shares_lineage(script.revision, base):
                    raise ResolutionError(f"revision {script.revision} is not on the branch of {base}")
            return (script.revision,)
        rel = parse_relative(text)
        if rel is not None:
            return self.resolve_relative(rel, current)
        return (self.lookup(text).revision,)

    def resolve_relative(self, rel: Relative, current: Iterable[str]) -> tuple[str, ...]:
        """Walk ``rel.steps`` up or down from a revision, or from the current rows."""
        return self._as_tuple(self.relative_walk(rel, current)[1])

    def relative_walk(self, rel: Relative, current: Iterable[str]) -> tuple[str | None, str | None]:
        """``(start, end)`` of a relative identifier's walk (``None`` is base)."""
        current_rows = tuple(sorted(set(current)))
        for row in current_rows:
            self.script(row)
        if rel.symbol is not None:
            if rel.symbol == "head":
                heads = self.label_heads(rel.label) if rel.label else self.heads
                start: str | None = self._one_head(
                    heads, f"branch {rel.label!r}" if rel.label else "the revision graph",
                    "name the head, e.g. HEADID-1")[0] if heads else None
            elif rel.symbol == "base":
                start = None
            else:
                start = self.lookup(rel.symbol).revision
            return start, self.walk_steps(start, rel.steps, rel.label, str_rel=rel)
        # relative to the current rows
        starts: list[str | None] = list(current_rows)
        if rel.label is not None:
            members = self.lineage(rel.label)
            # a row another row reaches (Alembic can leave one) is not where a branch stands
            starts = [r for r in self.applied_heads(current_rows) if r in current_rows and r in members]
            if not starts and rel.steps > 0:
                applied = self.ancestors(current_rows, dependencies=True) & members
                starts = list(self.heads_of_down(applied)) if applied else []
            elif not starts:
                # the branch's applied head may be applied only through a depends_on
                starts = [h for h in self.applied_heads(current_rows) if h in members]
        if rel.steps < 0 and not starts:
            raise ResolutionError(
                f"relative revision {self._text(rel)} goes below base: nothing is applied"
                + (f" on branch {rel.label!r}" if rel.label else ""))
        if not starts:
            starts = [None]
        if len(starts) > 1:
            shown = _short(s for s in starts if s)
            if rel.steps < 0:
                raise MultipleHeadsError(
                    f"{self._text(rel)} is ambiguous: the database has several version rows ({shown}); "
                    f"say which branch, e.g. `downgrade {starts[0]}{rel.steps}` (HEAD-N) or "
                    f"`downgrade LABEL@{rel.steps}`")
            raise MultipleHeadsError(
                f"{self._text(rel)} is ambiguous: the database has several version rows ({shown}); "
                f"say which branch, e.g. `upgrade {starts[0]}+{rel.steps}` (REV+N) or "
                f"`upgrade LABEL@+{rel.steps}`")
        return starts[0], self.walk_steps(starts[0], rel.steps, rel.label, str_rel=rel)

    def heads_of_down(self, applied: set[str]) -> list[str]:
        return sorted(r for r in applied if not (self._scripts[r].nextrev & applied))

    @staticmethod
    def _as_tuple(rev: str | None) -> tuple[str, ...]:
        return () if rev is None else (rev,)

    @staticmethod
    def _text(rel: Relative) -> str:
        sign = f"{rel.steps:+d}"
        prefix = f"{rel.label}@" if rel.label else ""
        return f"{prefix}{rel.symbol or ''}{sign}"

    def walk_steps(self, start: str | None, steps: int, label: str | None = None,
                   *, str_rel: Relative | None = None) -> str | None:
        """The revision ``steps`` away from ``start`` (``None`` = base) along down_revision links.

        Going up from a branch point, or down from a merge, is ambiguous unless
        ``label`` picks one way. Walking past a head or below base is an error.
        """
        what = self._text(str_rel) if str_rel else f"{start or 'base'}{steps:+d}"
        rev = start
        for _ in range(abs(steps)):
            if steps > 0:
                options = list(self.bases if rev is None else self._scripts[rev].nextrev)
            else:
                if rev is None:
                    raise ResolutionError(
                        f"relative revision {what} goes below base ({abs(steps)} steps down are "
                        f"not there)")
                options = list(self._scripts[rev].down_revisions)
                if not options:
                    rev = None
                    continue
            if label is not None:
                members = self.lineage(label)
                options = [o for o in options if o in members]
            if not options:
                raise ResolutionError(
                    f"relative revision {what} goes past a head: {rev} has no next revision"
                    + (f" on branch {label!r}" if label else ""))
            if len(options) > 1:
                where = "several bases" if rev is None else (
                    f"{rev} is a branch point" if steps > 0 else f"{rev} is a merge point")
                raise MultipleHeadsError(
                    f"relative revision {what} is ambiguous: {where} ({_short(options)}); "
                    f"name the branch, e.g. LABEL@{steps:+d} or REV{steps:+d}")
            rev = options[0]
        return rev

    def resolve_one(self, ident: str, current: Iterable[str] = ()) -> Script:
        """Exactly one revision (``base`` and several heads are errors)."""
        revs = self.resolve(ident, current)
        if not revs:
            raise ResolutionError(f"{ident!r} names no revision (it is base)")
        if len(revs) > 1:
            raise MultipleHeadsError(f"{ident!r} names several revisions: {_short(revs)}; name one")
        return self._scripts[revs[0]]


def check_script_source(revision: str | None, path: object) -> str:
    if not revision:
        raise ScriptError(f"{path} declares no `revision`; add revision = \"<id>\" at module level "
                          f"(or move the file out of the versions folder)")
    return revision


def _closure(start: Iterable[str], neighbours: Callable[[str], Iterable[str]]) -> set[str]:
    """``start`` and every revision reachable from it through ``neighbours``."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        rev = todo.pop()
        if rev in seen:
            continue
        seen.add(rev)
        todo.extend(neighbours(rev))
    return seen
