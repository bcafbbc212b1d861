"""mig's dialect conformance suite (``mig.testing.suite``) against the real MariaDB/MySQL server.

The suite gets a fresh database of its own (``mig_conformance_url``); its
second schema is created and dropped by the suite.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mig.testing.suite import *  # noqa: F403

pytestmark = pytest.mark.mysql


@pytest.fixture(scope="module")
def mig_conformance_url(mysql_url: str) -> Iterator[str]:
    """A database of this module's own (see conftest's ``mysql_url``), dropped afterwards."""
    yield mysql_url
