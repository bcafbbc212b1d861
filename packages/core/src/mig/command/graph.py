"""Graph-only commands: they read or write scripts and never touch a database.

Each returns data (``Script`` objects, a ``Path``); the CLI formats it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mig.errors import CommandError
from mig.revision.directory import ScriptDirectory
from mig.revision.script import Script

if TYPE_CHECKING:
    from mig.config import Config

#: The decide hook that turns autogenerate's operations into script text (spec: mig.hookspecs;
#: implemented by mig-autogen).
RENDER_HOOK = "mig_autogen_render_operations"


def _directory(config: Config) -> ScriptDirectory:
    return ScriptDirectory.from_config(config)


def _after_write(config: Config, script: Script) -> None:
    from mig import plugins
    from mig.revision.write import run_post_write_hooks

    plugins.revision_written(script)
    hooks = config.post_write_hooks
    if hooks:
        run_post_write_hooks(hooks, script.path, cwd=config.root)


#: ``mig revision`` arguments a rendered script may override (``process_revision_directives``).
_REVISION_ARGS = ("message", "head", "splice", "branch_label", "version_path", "rev_id", "depends_on")


def _autogen_args(config: Config, sd: ScriptDirectory, sql: bool,
                  revision_args: dict[str, Any]) -> list[dict[str, Any]]:
    """Run env.py online, ask ``mig_autogenerate`` for operations, render them for the template.

    The comparison is the ``mig_autogenerate`` hook (see :mod:`mig.autogen_seam`);
    turning operations into ``upgrades`` / ``downgrades`` / ``imports`` text is
    the ``mig_autogen_render_operations`` decide hook (both specified by core in
    :mod:`mig.hookspecs`, implemented by mig-autogen). Returns the template
    arguments of each script to write (none when the draft was emptied).
    """
    from mig import plugins
    from mig.autogen_seam import require_autogenerate

    require_autogenerate("revision --autogenerate")
    if sql:
        raise CommandError("--autogenerate compares with a live database; it cannot run with --sql")
    if not plugins.has_implementations(RENDER_HOOK):
        raise CommandError(
            f"autogenerate found a comparison plugin but none renders scripts ({RENDER_HOOK}); "
            f"install or upgrade mig-autogen: pip install -U mig-autogen")
    head = revision_args["head"]
    expected = set(sd.revision_map.resolve(head)) if head != "base" else set()
    found: list[tuple[str | None, Any, Sequence[Any]]] = []

    def plan(heads: Sequence[str], ctx: Any) -> list[Any]:
        engine_name = getattr(ctx, "run_arguments", {}).get("engine_name")
        where = f"database {engine_name!r}" if engine_name else "the database"
        if set(heads) != expected:
            raise CommandError(
                f"{where} is not up to date (it is at {', '.join(sorted(heads)) or 'base'}, "
                f"the new revision builds on {', '.join(sorted(expected)) or 'base'}); run "
                f"`mig upgrade` first")
        metadata = ctx.opts.get("target_metadata") if hasattr(ctx, "opts") else None
        if metadata is None:
            metadata = config.load_target_metadata()
        found.append((engine_name, ctx, plugins.autogenerate(ctx, metadata, config) or ()))
        return []

    from mig.runtime.environment import run_env

    rendered: Any = None

    def render() -> None:  # inside the run: the project's local plugins may render their operations
        nonlocal rendered
        operations = [op for _, _, result in found for op in result]
        rendered = plugins.render_operations(operations, config, databases=found, revision_args=revision_args)

    config.apply_prepend_sys_path()
    run_env(config, plan, script=sd, create_version_table=False, after=render)
    if rendered is None:
        return [{}]
    if isinstance(rendered, Mapping):
        return [dict(rendered)]
    return [dict(one) for one in rendered]


def _run_environment(config: Config, sd: ScriptDirectory, sql: bool) -> None:
    """``revision_environment = true``: run env.py for ``mig revision`` (it runs no migration)."""
    from mig.runtime.environment import run_env

    def plan(heads: Sequence[str], ctx: Any) -> list[Any]:
        return []

    config.apply_prepend_sys_path()
    run_env(config, plan, script=sd, as_sql=sql, create_version_table=False)


def revision(config: Config, message: str | None = None, autogenerate: bool = False,
             sql: bool = False, head: str = "head", splice: bool = False,
             branch_label: str | Sequence[str] | None = None, version_path: str | None = None,
             rev_id: str | None = None, depends_on: str | Sequence[str] | None = None,
             ) -> Script | list[Script]:
    """Write a new revision script (``mig revision``) and return it.

    With ``autogenerate``, env.py runs online, the ``mig_autogenerate`` hook
    compares models and database and ``mig_autogen_render_operations`` renders
    the result (both from mig-autogen); without the plugin it is an error
    saying what to install.
    """
    sd = _directory(config)
    if autogenerate:
        args = {"message": message, "head": head, "splice": splice, "branch_label": branch_label,
                "version_path": version_path, "rev_id": rev_id, "depends_on": depends_on}
        scripts: list[Script] = []
        for template_args in _autogen_args(config, sd, sql, args):
            chosen = {**args, **{k: template_args.pop(k) for k in _REVISION_ARGS if k in template_args}}
            script = sd.generate_revision(
                chosen["message"], head=chosen["head"], splice=chosen["splice"],
                branch_labels=chosen["branch_label"], version_path=chosen["version_path"],
                rev_id=chosen["rev_id"], depends_on=chosen["depends_on"], template_args=template_args)
            _after_write(config, script)
            scripts.append(script)
        return scripts[0] if len(scripts) == 1 else scripts
    if config.revision_environment:
        _run_environment(config, sd, sql)
    script = sd.generate_revision(
        message, head=head, splice=splice, branch_labels=branch_label,
        version_path=version_path, rev_id=rev_id, depends_on=depends_on)
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
