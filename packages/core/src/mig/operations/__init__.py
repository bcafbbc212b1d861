"""``Operations`` (what ``op`` is in a script) and ``BatchOperations`` (``batch_op``).

``MigrateOperation`` and ``ops`` are here for operations a project defines
the way Alembic's operation plugins do (``from mig.operations import
Operations, MigrateOperation``; see :mod:`mig.operations.registration`).
"""

from __future__ import annotations

from mig import ops
from mig.operations.base import Operations
from mig.operations.batch import BatchOperations
from mig.ops import MigrateOperation

__all__ = ["BatchOperations", "MigrateOperation", "Operations", "ops"]
