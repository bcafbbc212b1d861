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
    """

    dialect_name: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    imports: set[str] = field(default_factory=set)
