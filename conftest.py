"""Fixtures shared by every test tree of the workspace."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def sqlite_scripts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The scripts mig's SQLite dialect hands to ``executescript`` (deferred statements), in order;
    the real driver still runs them."""
    from mig_sqlite_batch.impl import SqliteImpl

    seen: list[str] = []
    run = SqliteImpl.execute_script

    def recording(self: SqliteImpl, connection: Any, script: str) -> None:
        seen.append(script)
        run(self, connection, script)

    monkeypatch.setattr(SqliteImpl, "execute_script", recording)
    return seen
