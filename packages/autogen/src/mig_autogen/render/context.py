"""What a renderer knows while it writes one draft."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RenderContext:
    """The state of one rendering: options from env.py's ``configure`` and the imports the draft needs.

    :param dialect_name: the database the draft was compared against (``None`` when unknown).
    :param options: ``context.configure`` keywords (``render_as_batch``,
        ``render_item``, ``user_module_prefix``, ``sqlalchemy_module_prefix``,
        ``alembic_module_prefix`` ...).
    :param imports: import lines the draft needs beyond ``op`` and ``sa``;
        renderers (and ``render_item`` hooks) add to it.
    :param batch_table: while the operations of a ``batch_alter_table`` block
        are written, the table's name (renderers then call ``batch_op`` and
        leave the table and schema out); ``None`` outside a block.
    """

    dialect_name: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    imports: set[str] = field(default_factory=set)
    batch_table: str | None = None

    @property
    def op_prefix(self) -> str:
        """``batch_op.`` inside a batch block, else ``op.`` (or ``alembic_module_prefix``)."""
        if self.batch_table is not None:
            return "batch_op."
        return str(self.options.get("alembic_module_prefix") or "op.")

    @property
    def sa_prefix(self) -> str:
        """``sa.`` (or ``sqlalchemy_module_prefix``)."""
        return str(self.options.get("sqlalchemy_module_prefix") or "sa.")
