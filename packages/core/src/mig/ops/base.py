"""The base of the operation IR.

An operation says *what* to change, never how: it holds names and SQLAlchemy
schema objects (columns, types, expressions) but no SQL text and no dialect
knowledge. A ``DialectImpl`` turns it into statements; autogenerate produces
and renders it. Operations are frozen dataclasses compared by identity
(``eq=False``) because the SQLAlchemy objects they hold overload ``==``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, ClassVar

from mig.errors import NotReversibleError


def qualified(name: str, schema: str | None) -> str:
    """``schema.name`` (or ``name``) for descriptions of operations; not quoted, not SQL."""
    return f"{schema}.{name}" if schema else name


@dataclass(frozen=True, eq=False)
class Operation:
    """One change to a schema (or its data).

    ``impl_method`` names the ``DialectImpl`` method that carries the
    operation out; third-party operations registered through
    ``mig_register_operations`` may leave it empty and supply per-dialect
    implementations in their ``OperationSpec`` instead.
    """

    impl_method: ClassVar[str] = ""
    #: The name scripts call it by (``op.<op_name>``); defaults to ``impl_method``.
    op_name: ClassVar[str] = ""

    @classmethod
    def script_name(cls) -> str:
        return cls.op_name or cls.impl_method

    def reverse(self) -> Operation:
        """The operation that undoes this one; raises :class:`NotReversibleError` if there is none."""
        raise NotReversibleError(
            f"{type(self).__name__} cannot be reversed automatically; write the downgrade by hand"
        )

    def to_dict(self) -> dict[str, Any]:
        """The operation's fields by name (for linters, renderers and ``--json`` output)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def describe(self) -> str:
        """A one-line human description, e.g. ``add_column accounts.email``."""
        return type(self).__name__


class MigrateOperation(Operation):
    """The base of an operation written the way Alembic's operation plugins write one.

    A plain class (not a dataclass) whose ``__init__`` sets its attributes,
    offered to scripts with ``@Operations.register_operation("name")`` and
    carried out by the function given to ``@Operations.implementation_for``
    (:mod:`mig.operations.registration`). New code can use a frozen
    dataclass and ``mig_register_operations`` instead (docs/operations.md).
    """

    @property
    def info(self) -> dict[str, Any]:
        """A dictionary for the operation's own notes (Alembic's ``MigrateOperation.info``)."""
        found: dict[str, Any] | None = self.__dict__.get("_info")
        if found is None:
            found = {}
            object.__setattr__(self, "_info", found)
        return found

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if not k.startswith("_")}

