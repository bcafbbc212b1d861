"""Hooks owned by the mig command line (``mig_cli_*``).

They are added to mig's plugin manager through the historic ``mig_addhooks``
hook by :mod:`mig_cli.plugin`. Plugins implement them with
``from mig import hookimpl``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from mig import hookspec

if TYPE_CHECKING:
    from mig_cli.specs import CommandSpec


@hookspec
def mig_cli_register_commands() -> Iterable[CommandSpec]:  # type: ignore[empty-body]
    """Declare sub-commands of the ``mig`` command line.

    **Called by:** the ``mig`` command line, once per process, when it lists
    its commands (``mig --help``) or looks up the one to run. The CLI's own
    commands (``upgrade``, ``history`` ...) are registered through this hook
    too, by :mod:`mig_cli.plugin`.

    **Return:** an iterable of :class:`mig_cli.specs.CommandSpec`; a command
    name already registered by another plugin is an error naming both
    distributions. ``None`` or an empty iterable adds nothing.
    """
