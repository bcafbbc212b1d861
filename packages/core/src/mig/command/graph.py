"""Graph-only commands: they read or write scripts and never touch a database.

Each returns data (``Script`` objects, a ``Path``); the CLI formats it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mig.errors import CommandError
from mig.revision.directory import ScriptDirectory
from mig.revision.script import Script

if TYPE_CHECKING:
    from mig.config import Config

#: The hook a plugin implements to fill a new script from a comparison (mig-autogen).
AUTOGEN_HOOK = "mig_autogen_revision"


def _directory(config: Config) -> ScriptDirectory:
    return ScriptDirectory.from_config(config)


def _after_write(config: Config, script: Script) -> None:
    from mig import plugins
    from mig.revision.write import run_post_write_hooks

    plugins.revision_written(script)
    hooks = config.post_write_hooks
    if hooks:
        run_post_write_hooks(hooks, script.path, cwd=config.root)


def _autogen_args(config: Config, sd: ScriptDirectory, sql: bool, head: str | Sequence[str],
                  message: str | None) -> dict[str, Any]:
    """Ask the autogenerate plugin for ``upgrades`` / ``downgrades`` / ``imports``."""
    from mig import plugins

    try:
        available = plugins.has_implementations(AUTOGEN_HOOK)
    except Exception:
        available = False
    if not available:
        raise CommandError(
            "autogenerate needs the mig-autogen plugin: pip install mig-autogen "
            "(or write the revision by hand: drop --autogenerate)")
    template_args: dict[str, Any] = {}
    result = plugins.decide(AUTOGEN_HOOK, config=config, script_directory=sd,
                            template_args=template_args, head=head, sql=sql, message=message)
    if result:
        template_args.update(result)
    return template_args


def revision(config: Config, message: str | None = None, autogenerate: bool = False,
             sql: bool = False, head: str = "head", splice: bool = False,
             branch_label: str | Sequence[str] | None = None, version_path: str | None = None,
             rev_id: str | None = None, depends_on: str | Sequence[str] | None = None,
             ) -> Script | list[Script]:
    """Write a new revision script (``mig revision``) and return it.

    With ``autogenerate``, the ``mig_autogen_revision`` hook (mig-autogen)
    fills in the operations; without that plugin it is an error saying what to install.
    """
    sd = _directory(config)
    template_args: dict[str, Any] = {}
    if autogenerate:
        template_args = _autogen_args(config, sd, sql, head, message)
    script = sd.generate_revision(
        message, head=head, splice=splice, branch_labels=branch_label,
        version_path=version_path, rev_id=rev_id, depends_on=depends_on,
        template_args=template_args)
    _after_write(config, script)
    return script


def merge(config: Config, revisions: str | Sequence[str], message: str | None = None,
          branch_label: str | Sequence[str] | None = None, rev_id: str | None = None) -> Script:
    """Write a merge revision whose ``down_revision`` is the given revisions (``mig merge``)."""
    sd = _directory(config)
    idents = [revisions] if isinstance(revisions, str) else list(revisions)
    heads: list[str] = []
    for ident in idents:
        for rev in sd.revision_map.resolve(ident):
            if rev not in heads:
                heads.append(rev)
    if len(heads) < 2:
        raise CommandError(
            f"merge needs at least two revisions; {' '.join(idents)} names "
            f"{', '.join(heads) or 'none'} (the graph has heads: {', '.join(sd.get_heads())})")
    script = sd.generate_revision(message, head=heads, branch_labels=branch_label, rev_id=rev_id)
    _after_write(config, script)
    return script


def heads(config: Config, resolve_dependencies: bool = False) -> list[Script]:
    """The heads of the graph (``mig heads``); with ``resolve_dependencies``, only revisions
    nothing builds on through depends_on either."""
    rmap = _directory(config).revision_map
    revs = rmap.real_heads if resolve_dependencies else rmap.heads
    return [rmap.script(rev) for rev in revs]


def branches(config: Config) -> list[Script]:
    """Branch points: revisions with more than one next revision (``mig branches``)."""
    rmap = _directory(config).revision_map
    return [s for s in rmap if s.is_branch_point]


def history(config: Config, rev_range: str | None = None,
            current: Iterable[str] = ()) -> list[Script]:
    """Scripts newest first, optionally limited to ``LOWER:UPPER`` (``mig history -r``).

    ``current`` (the version rows, if the caller read them) makes relative
    ends such as ``-3:`` usable.
    """
    return _directory(config).walk_range(rev_range, current)


def show(config: Config, rev: str) -> list[Script]:
    """The scripts ``rev`` names: an id, prefix, label, ``head``, ``heads`` ... (``mig show``)."""
    sd = _directory(config)
    scripts = sd.get_revisions(rev)
    if not scripts:
        raise CommandError(f"{rev!r} names no revision (base has no script)")
    return scripts


def edit(config: Config, rev: str) -> Path:
    """The path of the script ``rev`` names (``mig edit`` opens it in an editor)."""
    return _directory(config).get_revision(rev).path
