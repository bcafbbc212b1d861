"""Which applied migrations no longer match their files (what ``mig verify`` reports).

The applied set is what the version rows say (the rows and their
ancestors). Each applied revision's last ``upgrade``/``stamp``/``baseline``
row in the log holds the checksum of the file as it was applied; the file
as it is now either has the same checksum, another one (*changed*), or is
gone (*vanished*). An applied revision with no such row was applied
outside mig (by Alembic, or before the log existed): it is *unrecorded*,
which is not an error; ``mig verify --baseline`` records it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mig.runtime.checksum import file_checksum
from mig.runtime.steplog import APPLYING, LogRow, applied_set, ordered


@dataclass(frozen=True)
class Changed:
    """An applied migration whose file differs from the one that was applied."""

    revision: str
    path: str
    recorded: str
    current: str
    recorded_at: datetime | None
    direction: str


@dataclass(frozen=True)
class Vanished:
    """An applied migration whose file is gone."""

    revision: str
    recorded: str | None
    recorded_at: datetime | None


@dataclass(frozen=True)
class Drift:
    """The comparison of the applied migrations with their files."""

    applied: tuple[str, ...] = ()
    changed: tuple[Changed, ...] = ()
    vanished: tuple[Vanished, ...] = ()
    unrecorded: tuple[str, ...] = ()
    #: whether the database has a log table at all
    has_log: bool = True
    #: revisions recorded as the baseline by this run (``verify --baseline``)
    baselined: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.changed and not self.vanished

    def problems(self) -> list[str]:
        """One line per changed or vanished migration."""
        lines = [f"migration {c.revision} ({shown(c.path)}) changed since it was applied" for c in self.changed]
        lines += [f"migration {v.revision} vanished: the database has it applied but no script declares it"
                  for v in self.vanished]
        return lines


def shown(path: str) -> str:
    """``path`` relative to the working folder when it is inside it."""
    import os

    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


def find_drift(heads: tuple[str, ...], latest: dict[str, LogRow], revision_map: Any, *,
               has_log: bool = True) -> Drift:
    """Compare the applied set of ``heads`` with the last log row of each revision (``latest``)."""
    applied = applied_set(revision_map, heads)
    if any(h not in revision_map for h in heads if h):
        # A row's script is gone, so its ancestors cannot be walked: the log says what else is applied.
        applied.update(rev for rev, row in latest.items() if row.direction in APPLYING)
        known = [r for r in applied if r in revision_map]
        applied.update(revision_map.ancestors(known))
    changed: list[Changed] = []
    vanished: list[Vanished] = []
    unrecorded: list[str] = []
    for rev in ordered(revision_map, applied):
        row = latest.get(rev)
        recorded = row.checksum if row is not None and row.direction in APPLYING else None
        if rev not in revision_map:
            vanished.append(Vanished(rev, recorded, row.applied_at if row is not None else None))
            continue
        script = revision_map.script(rev)
        current = file_checksum(script.path)
        if current is None:
            vanished.append(Vanished(rev, recorded, row.applied_at if row is not None else None))
        elif recorded is None:
            unrecorded.append(rev)
        elif current != recorded:
            assert row is not None
            changed.append(Changed(rev, str(script.path), recorded, current, row.applied_at, row.direction))
    return Drift(applied=tuple(ordered(revision_map, applied)), changed=tuple(changed),
                 vanished=tuple(vanished), unrecorded=tuple(unrecorded), has_log=has_log)


__all__ = ["Changed", "Drift", "Vanished", "find_drift", "shown"]
