"""From the operations of ``mig revision --autogenerate`` to the template arguments of each script.

The draft is a list of :class:`~mig_autogen.directives.MigrationScript`;
env.py's ``process_revision_directives`` callable and then the
``mig_autogen_process_revision_directives`` hook may rewrite, split or empty
it before it is rendered.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mig import plugins
from mig_autogen.api import downgrade_of
from mig_autogen.directives import MigrationScript
from mig_autogen.render.context import RenderContext
from mig_autogen.render.core import indent, render_body

#: MigrationScript fields a script's template arguments carry back to ``mig revision``.
_ARGS = ("message", "rev_id", "head", "splice", "branch_label", "version_path", "depends_on")


def directives_for(databases: Sequence[tuple[str | None, Any, Sequence[Any]]],
                   revision_args: Mapping[str, Any]) -> list[MigrationScript]:
    """The draft before any hook: one script holding every database's operations."""
    script = MigrationScript(**{k: revision_args[k] for k in _ARGS if k in revision_args})
    for engine_name, _, ops in databases:
        up = list(ops)
        down = downgrade_of(up)
        script.upgrade_ops.extend(up)
        script.downgrade_ops[:0] = down
        if engine_name is not None:
            script.database_ops[engine_name] = (up, down)
    return [script]


def process(context: Any, revision_args: Mapping[str, Any], directives: list[MigrationScript]) -> None:
    """env.py's ``process_revision_directives``, then the plugins' (they change ``directives`` in place)."""
    head = revision_args.get("head") or "head"
    revision = (head,) if isinstance(head, str) else tuple(head)
    opts = getattr(context, "opts", {}) or {}
    callable_ = opts.get("process_revision_directives")
    if callable_ is not None:
        callable_(context, revision, directives)
    plugins.notify("mig_autogen_process_revision_directives", context=context, revision=revision,
                   directives=directives)


def _render_context(context: Any) -> RenderContext:
    opts = dict(getattr(context, "opts", {}) or {})
    dialect = getattr(getattr(context, "dialect", None) or getattr(getattr(context, "connection", None),
                                                                   "dialect", None), "name", None)
    return RenderContext(dialect_name=dialect, options=opts)


def render_script(script: MigrationScript, context: Any,
                  contexts: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The template arguments of one script: bodies, imports and the revision arguments it sets.

    ``contexts`` maps each database's ``engine_name`` to its migration context,
    whose ``upgrade_token`` / ``downgrade_token`` (default ``NAME_upgrades`` /
    ``NAME_downgrades``) name the template slots.
    """
    ctx = _render_context(context)
    imports = set(script.imports)
    args: dict[str, Any] = {}
    if script.database_ops:
        for name, (up, down) in script.database_ops.items():
            db_ctx = _render_context((contexts or {}).get(name, context))
            opts = db_ctx.options
            args[str(opts.get("upgrade_token") or f"{name}_upgrades")] = indent(render_body(up, db_ctx))
            args[str(opts.get("downgrade_token") or f"{name}_downgrades")] = indent(render_body(down, db_ctx))
            imports |= db_ctx.imports
    else:
        args["upgrades"] = indent(render_body(script.upgrade_ops, ctx))
        args["downgrades"] = indent(render_body(script.downgrade_ops, ctx))
    imports |= ctx.imports
    args["imports"] = "".join(f"{line}\n" for line in sorted(imports))
    for key in _ARGS:
        args[key] = getattr(script, key)
    return args


def render_operations(operations: Sequence[Any], config: Any,
                      databases: Sequence[tuple[str | None, Any, Sequence[Any]]] = (),
                      revision_args: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """``mig_autogen_render_operations``: one mapping of template arguments per script to write."""
    revision_args = dict(revision_args or {})
    if not databases:
        databases = [(None, None, operations)]
    context = databases[-1][1]
    directives = directives_for(databases, revision_args)
    process(context, revision_args, directives)
    contexts = {name: ctx for name, ctx, _ in databases if name is not None}
    return [render_script(script, context, contexts) for script in directives]
