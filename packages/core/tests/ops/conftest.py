from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig.operations import Operations
from mig.runtime import MigrationContext


class Db:
    """A SQLite file and an ``Operations`` bound to a connection on it."""

    def __init__(self, path: Path) -> None:
        self.engine = sa.create_engine(f"sqlite:///{path}", poolclass=sa.pool.NullPool)
        self.conn = self.engine.connect()
        self.ctx = MigrationContext.configure(self.conn)
        self.op = Operations(self.ctx)

    def commit(self) -> None:
        if self.conn.in_transaction():
            self.conn.commit()

    def insp(self) -> Any:
        self.commit()
        return sa.inspect(self.engine)

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.conn.exec_driver_sql(sql)]

    def close(self) -> None:
        self.commit()
        self.conn.close()
        self.engine.dispose()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Db]:
    d = Db(tmp_path / "ops.db")
    yield d
    d.close()
