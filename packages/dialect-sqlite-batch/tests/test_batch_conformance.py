"""The dialect conformance suite (``mig.testing.suite``) against SQLite, on a temporary file."""

from __future__ import annotations

from pathlib import Path

import pytest

from mig.testing.suite import *  # noqa: F403


@pytest.fixture(scope="session")
def mig_conformance_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("conformance") / "conformance.db"
    return f"sqlite:///{path}"
