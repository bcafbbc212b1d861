"""mig's dialect conformance suite, run against the real PostgreSQL server."""

from __future__ import annotations

from mig.testing.suite import *  # noqa: F403
