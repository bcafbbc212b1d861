"""mig_cli plugin module (registered through the ``mig`` entry-point group).

It adds the ``mig_cli_*`` hook specifications and registers the command
line's own commands through ``mig_cli_register_commands``, exactly as a
third-party plugin adds its own. Cheap to import: no click, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mig import hookimpl
from mig_cli.specs import CommandSpec

_C = "mig_cli.commands"

#: The built-in commands: (name, "module:attribute", one line of help).
BUILTIN_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("init", f"{_C}.setup:init", "Create a migrations folder from a template (and a mig.toml)."),
    ("list-templates", f"{_C}.setup:list_templates", "List the templates `mig init -t` accepts."),
    ("revision", f"{_C}.graph:revision", "Create a new revision script."),
    ("merge", f"{_C}.graph:merge", "Create a revision that merges several heads into one."),
    ("upgrade", f"{_C}.run:upgrade", "Upgrade the database to a later revision."),
    ("downgrade", f"{_C}.run:downgrade", "Revert the database to an earlier revision."),
    ("stamp", f"{_C}.run:stamp", "Set the version table without running migrations."),
    ("ensure-version", f"{_C}.run:ensure_version", "Create the version table if it does not exist."),
    ("current", f"{_C}.run:current", "Show the revision(s) the database is at."),
    ("check", f"{_C}.run:check", "Fail if the models have changes no revision covers."),
    ("verify", f"{_C}.verify:verify", "List applied migrations whose file changed or vanished."),
    ("history", f"{_C}.graph:history", "List revisions in order, newest first."),
    ("heads", f"{_C}.graph:heads", "Show the head revision(s) of the scripts."),
    ("branches", f"{_C}.graph:branches", "Show the branch points of the revision graph."),
    ("show", f"{_C}.graph:show", "Show one revision in full."),
    ("edit", f"{_C}.graph:edit", "Open a revision script in $EDITOR."),
    ("adopt", f"{_C}.adopt:adopt", "Turn an Alembic project into a mig project (mig.toml, imports)."),
    ("plugins", f"{_C}.setup:plugins", "List the loaded plugins, their distributions and status."),
)


@hookimpl
def mig_addhooks(pluginmanager: Any) -> None:
    from mig_cli import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


@hookimpl
def mig_cli_register_commands() -> Iterable[CommandSpec]:
    return [CommandSpec(name, ref, text) for name, ref, text in BUILTIN_COMMANDS]
