"""Running proposed operations on a real database, through mig's own executor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa


def apply(engine: sa.Engine, operations: Sequence[Any]) -> None:
    """Carry out ``operations`` (rename hints are comments: skipped) in one transaction."""
    from mig.operations import Operations
    from mig.runtime.migration import MigrationContext

    with engine.begin() as conn:
        ops = Operations(MigrationContext.configure(connection=conn))
        for op in operations:
            if not getattr(op, "is_hint", False):
                ops.invoke(op)


def rows(engine: sa.Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]
