"""Where core meets autogenerate, which lives in the mig-autogen plugin."""

from __future__ import annotations

from mig import plugins
from mig.errors import CommandError

HOOK = "mig_autogenerate"


def autogenerate_available() -> bool:
    """Whether an installed plugin implements ``mig_autogenerate``."""
    return plugins.has_implementations(HOOK)


def require_autogenerate(what: str) -> None:
    """Fail with a clear message when ``what`` needs autogenerate and no plugin provides it."""
    if autogenerate_available():
        return
    installed = {info.distribution: info for info in plugins.plugin_infos()}
    if "mig-autogen" in installed:
        hint = ("the installed mig-autogen does not implement it (it failed to load or is too old: "
                "see `mig plugins`); install a matching mig-autogen, or write the migration by hand "
                "with `mig revision -m MESSAGE`")
    else:
        hint = "pip install mig-autogen"
    raise CommandError(f"{what} needs autogenerate from the mig-autogen plugin: {hint}")
