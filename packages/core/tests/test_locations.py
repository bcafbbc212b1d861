"""Which configured values are package resources (``myapp:migrations``) and which are folders."""

from __future__ import annotations

import pytest

from mig.locations import is_package_resource


@pytest.mark.parametrize(("value", "expected"), [
    ("myapp:migrations", True),
    ("my.app:db/migrations", True),
    ("myapp:", True),
    ("migrations", False),
    ("C:/project/migrations", False),
    ("C:\\project\\migrations", False),
    ("/srv/app:migrations", False),
    ("a:b:c", False),
    ("my-app:migrations", False),
])
def test_package_resource_or_folder(value: str, expected: bool) -> None:
    assert is_package_resource(value) is expected
