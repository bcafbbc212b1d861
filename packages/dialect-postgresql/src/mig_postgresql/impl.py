"""``PostgresqlImpl``: mig's operations on PostgreSQL."""

from __future__ import annotations

from typing import ClassVar

from mig.ddl.impl import DialectImpl


class PostgresqlImpl(DialectImpl):
    """Operations on PostgreSQL (>= 10)."""

    name: ClassVar[str] = "postgresql"
    transactional_ddl: ClassVar[bool] = True
