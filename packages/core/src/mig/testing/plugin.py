"""Opt-in pytest plugin: ``pytest -p mig.testing.plugin`` makes mig's fixtures available.

The fixtures themselves live in :mod:`mig.testing.fixtures`.
"""

from __future__ import annotations

from mig.testing.fixtures import *  # noqa: F403
from mig.testing.fixtures import __all__  # noqa: F401
