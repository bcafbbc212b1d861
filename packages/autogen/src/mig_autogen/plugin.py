"""mig-autogen's plugin module: adds the ``mig_autogen_*`` hooks and registers the built-in comparators and renderers."""

from __future__ import annotations

from typing import Any

from mig import hookimpl


@hookimpl
def mig_addhooks(pluginmanager: Any) -> None:
    from mig_autogen import hookspecs

    pluginmanager.add_hookspecs(hookspecs)


# -- comparison (mig_autogen.compare) ----------------------------------------------


@hookimpl
def mig_autogen_register_comparators() -> Any:
    from mig_autogen.compare.builtin import BUILTIN_COMPARATORS

    return BUILTIN_COMPARATORS


@hookimpl
def mig_autogenerate(migration_context: Any, metadata: Any, config: Any) -> Any:
    from mig_autogen.api import compare_metadata

    return compare_metadata(migration_context, metadata)


# -- rendering (mig_autogen.render, mig_autogen.draft) -------------------------------------


@hookimpl
def mig_autogen_register_renderers() -> Any:
    from mig_autogen.render.builtin import BUILTIN_RENDERERS

    return BUILTIN_RENDERERS


@hookimpl
def mig_autogen_render_operations(operations: Any, config: Any, databases: Any, revision_args: Any) -> Any:
    from mig_autogen.draft import render_operations

    return render_operations(operations, config, databases, revision_args)
