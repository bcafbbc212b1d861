"""mig_sqlite_batch plugin module (registered through the `mig` entry-point group)."""

from __future__ import annotations
