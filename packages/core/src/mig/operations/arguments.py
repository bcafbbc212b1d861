"""What ``op`` and ``batch_op`` share: turning Alembic-style arguments into IR values.

Both :class:`mig.operations.base.Operations` and
:class:`mig.operations.batch.BatchOperations` build their operations with these,
so neither has to import the other for them.
"""

from __future__ import annotations

from typing import Any

from mig import ops as _ops


def columns(value: Any) -> tuple[Any, ...]:
    """A column list argument as a tuple (one name, or a list/tuple/set of them)."""
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set, frozenset)):
        return (value,)
    return tuple(value)


def alter_column(table_name: str, column_name: str, **kw: Any) -> _ops.AlterColumnOp:
    """An :class:`mig.ops.AlterColumnOp`, its ``type_``/``existing_type`` made type instances."""
    from sqlalchemy.types import to_instance

    for key in ("type_", "existing_type"):
        if kw.get(key) is not None:
            kw[key] = to_instance(kw[key])
    return _ops.AlterColumnOp(table_name, column_name, **kw)


def final_name(name: str) -> Any:
    """``op.f``: a name already converted by the naming convention (``sqlalchemy.sql.elements.conv``)."""
    from sqlalchemy.sql.elements import conv

    return conv(name)


def inline_literal(value: Any, type_: Any = None) -> Any:
    """``op.inline_literal``: a value rendered inline in the SQL, online and offline."""
    from sqlalchemy import literal

    return literal(value, type_, literal_execute=True)


__all__ = ["alter_column", "columns", "final_name", "inline_literal"]
