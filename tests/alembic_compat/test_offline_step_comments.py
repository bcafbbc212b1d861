"""``--sql`` step comments name the script (its parents and itself), as Alembic's do, on branched graphs too."""

from __future__ import annotations

import re

import pytest

GRAPH = [
    ("aaa", None, None),
    ("bbb222", "aaa", None),
    ("c3ed", "aaa", ("side",)),
    ("mmm", ("c3ed", "bbb222"), None),   # a merge, its parents not in sorted order
    ("nnn", "mmm", None),
]


def _comments(sql: str) -> list[str]:
    """The step comments; an empty side (Alembic writes ``-- Running upgrade  -> aaa`` for base)
    reads ``base``, as mig writes it, like its online lines (docs/differences.md)."""
    found = []
    for line in sql.splitlines():
        match = re.fullmatch(r"-- Running (\w+) (.*)->(.*)", line)
        if match:
            direction, before, after = match.groups()
            found.append(f"-- Running {direction} {before.strip() or 'base'} -> {after.strip() or 'base'}")
    return found


def _write(pair) -> None:
    for rev, down, labels in GRAPH:
        pair.write(rev, down, f'op.execute("SELECT 1 AS up_{rev}")', f'op.execute("SELECT 1 AS down_{rev}")',
                   labels=labels)


@pytest.mark.parametrize("url", ["sqlite:///unused.db", "postgresql://", "mysql+pymysql://"])
def test_upgrade_comments_name_the_script_like_alembic(offline_pair, url) -> None:
    pair = offline_pair(url)
    _write(pair)
    alembic_sql = pair.alembic.sql("base:heads")
    mig_sql = pair.mig.sql("base:heads")
    # The two tools may order independent branches differently; each step's comment is the same.
    assert sorted(_comments(mig_sql)) == sorted(_comments(alembic_sql))
    assert _comments(mig_sql) == [
        "-- Running upgrade base -> aaa",
        "-- Running upgrade aaa -> bbb222",
        "-- Running upgrade aaa -> c3ed",
        "-- Running upgrade c3ed, bbb222 -> mmm",
        "-- Running upgrade mmm -> nnn",
    ]
    # the comment heads its own statements
    assert "-- Running upgrade c3ed, bbb222 -> mmm\n\nSELECT 1 AS up_mmm;" in mig_sql


@pytest.mark.parametrize("url", ["sqlite:///unused.db", "postgresql://"])
def test_downgrade_comments_name_the_script_like_alembic(offline_pair, url) -> None:
    pair = offline_pair(url)
    _write(pair)
    alembic_sql = pair.alembic.sql("nnn:base", downgrade=True)
    mig_sql = pair.mig.sql("nnn:base", downgrade=True)
    assert sorted(_comments(mig_sql)) == sorted(_comments(alembic_sql))
    assert _comments(mig_sql)[:2] == ["-- Running downgrade nnn -> mmm", "-- Running downgrade mmm -> c3ed, bbb222"]
    assert _comments(mig_sql)[-1] == "-- Running downgrade aaa -> base"


def test_a_range_from_one_branch_names_the_merge_by_its_parents(offline_pair) -> None:
    pair = offline_pair("sqlite:///unused.db")
    _write(pair)
    alembic_sql = pair.alembic.sql("c3ed:heads")
    mig_sql = pair.mig.sql("c3ed:heads")
    assert _comments(mig_sql) == _comments(alembic_sql) == [
        "-- Running upgrade aaa -> bbb222",
        "-- Running upgrade c3ed, bbb222 -> mmm",
        "-- Running upgrade mmm -> nnn",
    ]
