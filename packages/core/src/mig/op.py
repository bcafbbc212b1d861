"""``op``: the operations of the migration that is running.

``from mig import op`` in a migration script, then ``op.add_column(...)``.
Every attribute is looked up on the current run's
:class:`mig.operations.Operations`; outside a run this fails with
:class:`mig.errors.NoContextError`.
"""

from typing import Any

from mig.runtime.state import current_operations


def __getattr__(name: str) -> Any:
    # Introspection (``__wrapped__``, pluggy's ``mig_impl`` marker lookup when env.py is
    # registered as a plugin) must see a plain missing attribute, not NoContextError.
    if name.startswith(("_", "mig_")):
        raise AttributeError(f"module 'mig.op' has no attribute {name!r}")
    return getattr(current_operations(name), name)
