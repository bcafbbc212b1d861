"""The "move-and-copy" batch strategy (``op.batch_alter_table``), SQLite's default.

Registered by :mod:`mig_sqlite_batch.plugin` as ``"mig_sqlite_batch.batch:MoveAndCopy"``
and imported only when a batch runs.
"""

from __future__ import annotations

from mig_sqlite_batch.batch.strategy import MoveAndCopy

__all__ = ["MoveAndCopy"]
