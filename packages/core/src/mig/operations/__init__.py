"""``Operations`` (what ``op`` is in a script) and ``BatchOperations`` (``batch_op``)."""

from __future__ import annotations

from mig.operations.base import Operations
from mig.operations.batch import BatchOperations

__all__ = ["BatchOperations", "Operations"]
