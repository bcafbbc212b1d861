"""The descriptor plugins return from ``mig_cli_register_commands``.

Importing this module is cheap (no click): plugin modules import it at the
top and name their command lazily as ``"package.module:attribute"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class CommandSpec:
    """A ``mig`` sub-command.

    :param name: the command name, e.g. ``"upgrade"``.
    :param command: a :class:`click.Command` or a lazy ``"module:attribute"``
        reference to one; it is imported only when the command runs (or its
        own ``--help`` is shown).
    :param help: one line for ``mig --help`` (shown without importing the command).
    """

    name: str
    command: str | Any
    help: str = ""
