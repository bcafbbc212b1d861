"""The pluggy markers for project ``mig``; plugin authors import ``mig.hookimpl``."""

from __future__ import annotations

import pluggy

PROJECT = "mig"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)
