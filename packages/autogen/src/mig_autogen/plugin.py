"""mig-autogen's plugin module: adds the ``mig_autogen_*`` hooks and registers the built-in comparators and renderers."""

from __future__ import annotations

from typing import Any

from mig import hookimpl


@hookimpl
def mig_addhooks(pluginmanager: Any) -> None:
    from mig_autogen import hookspecs

    pluginmanager.add_hookspecs(hookspecs)
