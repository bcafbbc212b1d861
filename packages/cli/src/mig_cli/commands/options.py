"""Argument helpers shared by the built-in commands."""

from __future__ import annotations

from typing import Any

import click

#: Let relative revisions such as `-1` through as arguments, as Alembic users type them.
RELATIVE = {"ignore_unknown_options": True}


def no_options(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Reject an unknown option (``--bogus``, ``-q`` after the command) that ``RELATIVE`` let through;
    only ``-N`` (a relative revision) passes."""
    for item in (value,) if isinstance(value, str) else (value or ()):
        if isinstance(item, str) and item.startswith("-") and not item[1:].isdigit():
            raise click.NoSuchOption(item, ctx=ctx)
    return value
