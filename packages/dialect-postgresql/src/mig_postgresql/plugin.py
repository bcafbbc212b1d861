"""mig_postgresql plugin module (registered through the `mig` entry-point group)."""

from __future__ import annotations
