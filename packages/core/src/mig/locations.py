"""Where a configured folder is: a path, or a package resource (``myapp:migrations``) as Alembic allows.

``script_location = "myapp:migrations"`` names the ``migrations`` folder
inside the package ``myapp`` (installed, or importable from
``prepend_sys_path``). The package is found without being imported (its
``__init__`` may import the whole application); only a package that the
path-based finder cannot see (an editable install served by an import hook)
is found through ``importlib.util.find_spec``, which imports its parents.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from mig.errors import ConfigError

#: ``package.sub:resource/path`` (a Windows drive, ``C:\\...`` or ``C:/...``, is a path)
_RESOURCE = re.compile(r"^(?P<package>[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*):(?P<resource>[^:]*)$")


def is_package_resource(value: str) -> bool:
    """Whether ``value`` names a package resource rather than a folder."""
    match = _RESOURCE.match(value)
    if match is None or Path(value).is_absolute():
        return False
    drive = len(match["package"]) == 1 and match["resource"][:1] in ("/", "\\")
    return not drive


def package_resource(value: str, search: Sequence[str], key: str = "script_location") -> Path:
    """The folder ``value`` (``package:resource``) names, looking for the package in ``search`` first.

    :raises ConfigError: the package cannot be found.
    """
    match = _RESOURCE.match(value)
    assert match is not None, value
    package, resource = match["package"], match["resource"].strip("/\\")
    folders = _package_folders(package, search)
    if not folders:
        raise ConfigError(f"{key} = {value!r} names the package {package!r}, which Python cannot find; "
                          f"install it, add its parent folder to prepend_sys_path, or give a folder")
    candidates = [Path(folder) / resource if resource else Path(folder) for folder in folders]
    for candidate in candidates:
        if candidate.exists():
            return candidate
    return candidates[0]


def _package_folders(package: str, search: Sequence[str]) -> list[str]:
    from importlib.machinery import PathFinder

    locations: list[str] | None = list(search)
    name = ""
    for part in package.split("."):
        name = f"{name}.{part}" if name else part
        spec = PathFinder.find_spec(name, locations)
        if spec is None or not spec.submodule_search_locations:
            return _imported_package_folders(package)
        locations = list(spec.submodule_search_locations)
    return locations or []


def _imported_package_folders(package: str) -> list[str]:
    """The package's folders through the import system's own finders (import hooks included)."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    return list(spec.submodule_search_locations)


__all__ = ["is_package_resource", "package_resource"]
