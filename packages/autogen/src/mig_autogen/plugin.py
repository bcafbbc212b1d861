"""mig-autogen's plugin module: comparators and renderers arrive here with the autogenerate work."""

from __future__ import annotations
