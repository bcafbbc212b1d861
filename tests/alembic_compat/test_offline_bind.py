"""Offline, ``op.get_bind()`` answers the dialect as Alembic's does, so scripts that branch on it write the same SQL."""

from __future__ import annotations

import pytest

BRANCHING = """
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("SELECT 'pg only'")
    elif bind.engine.name in ("mysql", "mariadb"):
        op.execute("SELECT 'mysql only'")
    else:
        op.execute("SELECT 'other'")
    op.execute(f"SELECT '{bind.engine.dialect.name}'")
"""


@pytest.mark.parametrize("url, expected", [
    ("sqlite:///unused.db", ["SELECT 'other'", "SELECT 'sqlite'"]),
    ("postgresql://", ["SELECT 'pg only'", "SELECT 'postgresql'"]),
    ("mysql+pymysql://", ["SELECT 'mysql only'", "SELECT 'mysql'"]),
])
def test_scripts_branching_on_the_bind_write_what_alembic_writes(offline_pair, url, expected) -> None:
    pair = offline_pair(url)
    pair.write("a1", None, BRANCHING)
    assert pair.mig.statements("a1") == pair.alembic.statements("a1") == expected
