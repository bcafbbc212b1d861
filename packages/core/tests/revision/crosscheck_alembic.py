"""Compare mig's planner with Alembic's on random graphs (a tool, not part of the test suite).

    uv run python packages/core/tests/revision/crosscheck_alembic.py [SEEDS]

For each random graph (branches, merges of heads, cross-branch depends_on)
and random database states, plans upgrade / downgrade / stamp to random
targets (ids, heads, head, base, +N, -N, REV+N, REV-N) with both tools and
compares the revisions touched and the final version rows. Alembic's rows
come from its own HeadMaintainer with the database calls replaced. Prints
every difference; the known, intended ones are listed in docs/revisions.md
("Differs from Alembic"). Uses Alembic internals, so it may need updating
for other Alembic versions.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

from alembic.runtime.migration import HeadMaintainer
from alembic.script import ScriptDirectory as AlembicDirectory

from mig.revision import ScriptDirectory


class Rows(HeadMaintainer):
    def __init__(self, heads):  # no database: keep the rows in memory
        self.heads = set(heads)

    def _insert_version(self, version):
        self.heads.add(version)

    def _delete_version(self, version):
        self.heads.remove(version)

    def _update_version(self, from_, to_):
        self.heads.remove(from_)
        self.heads.add(to_)


def make_graph(versions: Path, rnd: random.Random) -> None:
    revs: list[str] = []
    children: set[str] = set()
    for i in range(rnd.randint(3, 9)):
        rev = f"r{i:02d}x"
        heads = [r for r in revs if r not in children]
        x = rnd.random()
        down: str | tuple[str, ...] | None = None
        if revs and x < 0.55:
            down = rnd.choice(heads)
        elif revs and x < 0.75:
            down = rnd.choice(revs)
        elif len(heads) >= 2 and x < 0.95:
            down = tuple(sorted(rnd.sample(heads, rnd.choice([2, min(3, len(heads))]))))
        children.update((down,) if isinstance(down, str) else (down or ()))
        deps = rnd.choice(revs) if revs and rnd.random() < 0.2 else None
        revs.append(rev)
        (versions / f"{rev}.py").write_text(
            f"revision = {rev!r}\ndown_revision = {down!r}\ndepends_on = {deps!r}\n"
            f"def upgrade():\n    pass\n\ndef downgrade():\n    pass\n")


def alembic_rows(steps, current):
    rows = Rows(current)
    for step in steps:
        rows.update_to_step(step)
    return sorted(rows.heads)


def main(seeds: int) -> None:
    compared = differences = 0
    for seed in range(seeds):
        rnd = random.Random(seed)
        with tempfile.TemporaryDirectory() as tmp:
            versions = Path(tmp) / "versions"
            versions.mkdir()
            make_graph(versions, rnd)
            try:
                alembic = AlembicDirectory(tmp, version_locations=[str(versions)])
                alembic.revision_map.heads
            except Exception:
                continue
            mig = ScriptDirectory(tmp, [versions])
            rmap = mig.revision_map
            ids = [s.revision for s in rmap]
            for _ in range(6):
                current = sorted(rmap.heads_of(rmap.ancestors(rnd.sample(ids, rnd.randint(0, min(3, len(ids)))))))
                target = rnd.choice([*ids, "heads", "head", "base", "+1", "+2", "-1", "-2",
                                     rnd.choice(ids) + rnd.choice(["+1", "-1", "+2", "-2"])])
                for kind in ("upgrade", "downgrade", "stamp"):
                    try:
                        if kind == "upgrade":
                            a_steps = list(alembic._upgrade_revs(target, current))
                        elif kind == "downgrade":
                            a_steps = list(alembic._downgrade_revs(target, current))
                        else:
                            a_steps = list(alembic._stamp_revs(target, current))
                        a_result = (sorted((getattr(s, "revision", None) and s.revision.revision) or "" for s in a_steps),
                                    alembic_rows(a_steps, current))
                    except Exception as exc:
                        a_result = ("error", type(exc).__name__)
                    try:
                        if kind == "upgrade":
                            m_steps = mig.plan_upgrade(current, target)
                        elif kind == "downgrade":
                            m_steps = mig.plan_downgrade(current, target)
                        else:
                            m_steps = mig.plan_stamp(current, [target])
                        m_result = (sorted(s.revision or "" for s in m_steps),
                                    sorted(m_steps[-1].heads_after) if m_steps else sorted(current))
                    except Exception as exc:
                        m_result = ("error", type(exc).__name__)
                    if kind == "stamp" and a_result[0] != "error" and m_result[0] != "error":
                        a_result, m_result = a_result[1:], m_result[1:]  # stamps: the rows only
                    compared += 1
                    same = a_result == m_result or (a_result[0] == "error" and m_result[0] == "error")
                    if not same:
                        differences += 1
                        print(f"seed {seed} {kind} {target} from {current}:\n  alembic {a_result}\n  mig     {m_result}")
    print(f"compared {compared} plans, {differences} differ")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
