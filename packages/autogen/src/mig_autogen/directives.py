"""The draft autogenerate hands to ``process_revision_directives`` before it is rendered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mig.ops import Operation


class OperationList(list["Operation"]):
    """The operations of ``upgrade()`` or ``downgrade()``: a list, with Alembic's ``UpgradeOps`` API too.

    ``ops`` (the list itself) and ``is_empty()`` let the usual Alembic
    ``process_revision_directives`` recipe
    (``if directives[0].upgrade_ops.is_empty(): directives[:] = []``) run unchanged.
    """

    @property
    def ops(self) -> OperationList:
        return self

    @ops.setter
    def ops(self, value: list[Operation]) -> None:
        self[:] = value

    def is_empty(self) -> bool:
        return not self


@dataclass
class MigrationScript:
    """One script to write: its operations and the arguments of ``mig revision``.

    Hooks change it in place: replace ``upgrade_ops`` / ``downgrade_ops``,
    set ``message`` or ``rev_id``; emptying ``upgrade_ops`` does not skip the
    file (empty the directives list for that).

    :param upgrade_ops: the operations of ``upgrade()``, in order.
    :param downgrade_ops: the operations of ``downgrade()``, in order.
    :param message: the ``-m`` message.
    :param rev_id: the revision id to use (``None``: a new random one).
    :param head: the head the script goes on (``--head``).
    :param splice: ``--splice``.
    :param branch_label: ``--branch-label``.
    :param version_path: ``--version-path``.
    :param depends_on: ``--depends-on``.
    :param imports: extra import lines for the script.
    :param database_ops: in a multi-database environment, ``engine_name ->
        (upgrade_ops, downgrade_ops)`` of each database (``upgrade_ops`` and
        ``downgrade_ops`` then hold every database's, in order, for reading).
    """

    upgrade_ops: list[Operation] = field(default_factory=list)
    downgrade_ops: list[Operation] = field(default_factory=list)
    message: str | None = None
    rev_id: str | None = None
    head: str = "head"
    splice: bool = False
    branch_label: str | tuple[str, ...] | None = None
    version_path: str | None = None
    depends_on: str | tuple[str, ...] | None = None
    imports: set[str] = field(default_factory=set)
    database_ops: dict[str, tuple[list[Operation], list[Operation]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.upgrade_ops = OperationList(self.upgrade_ops)
        self.downgrade_ops = OperationList(self.downgrade_ops)

    def __setattr__(self, name: str, value: object) -> None:
        if name in ("upgrade_ops", "downgrade_ops") and not isinstance(value, OperationList):
            value = OperationList(value)  # type: ignore[call-overload]
        object.__setattr__(self, name, value)
