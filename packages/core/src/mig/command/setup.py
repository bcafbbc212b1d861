"""Environment set-up: ``mig init`` and ``mig list-templates``.

A template is a folder registered through ``mig_register_templates`` (core's
own live in ``mig/templates/<name>/``). ``init`` copies it into the new
migrations folder, except for ``mig.toml``, which is the template's starting
configuration: written beside the project (with ``{script_location}`` filled
in) only when the project has no configuration yet.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from mig.errors import CommandError

#: Files of a template folder that are not copied into the migrations folder.
CONFIG_TEMPLATE = "mig.toml"
_SKIP = {CONFIG_TEMPLATE, "__pycache__"}

DEFAULT_CONFIG_TEXT = """\
[mig]
script_location = "{script_location}"
url = "sqlite:///mig.db"
"""


@dataclass
class InitResult:
    """What ``init`` did, for the CLI to report."""

    directory: Path
    template: str
    created: list[Path] = field(default_factory=list)
    config_file: Path | None = None
    config_written: bool = False


def list_templates() -> list[tuple[str, str]]:
    """Every registered template as ``(name, one-line description)``, in registration order."""
    from mig import plugins

    return [(name, reg.item.description) for name, reg in plugins.templates().items()]


def init(directory: str | os.PathLike[str], template: str = "generic",
         config_path: str | os.PathLike[str] | None = None, package: bool = False) -> InitResult:
    """Create a migrations folder ``directory`` from ``template``, and a ``mig.toml`` if none exists.

    :param directory: the folder to create (it may exist if it is empty).
    :param template: a name from :func:`list_templates`.
    :param config_path: the configuration file to write; by default ``mig.toml``
        in the current folder. It is never overwritten, and no file is written
        when a ``pyproject.toml`` beside it already has a ``[tool.mig]`` table.
    :param package: also write ``__init__.py`` files, making the folder and its
        ``versions/`` importable packages.
    :raises CommandError: unknown template, or ``directory`` exists and is not empty.
    """
    from mig import plugins

    templates = plugins.templates()
    reg = templates.get(template)
    if reg is None:
        known = ", ".join(sorted(templates)) or "none"
        raise CommandError(f"no template named {template!r}; available: {known} (see `mig list-templates`)")
    source = Path(reg.item.path)
    if not source.is_dir():
        raise CommandError(f"template {template!r} from {reg.distribution} has no folder at {source}")

    target = Path(directory)
    if target.exists():
        if not target.is_dir():
            raise CommandError(f"{str(target)!r} exists and is not a directory; choose another name for the migrations folder")
        if any(target.iterdir()):
            raise CommandError(f"directory {str(target)!r} already exists and is not empty; choose a new folder name or empty it first")

    result = InitResult(directory=target, template=template)
    if not target.exists():
        target.mkdir(parents=True)
        result.created.append(target)
    for entry in sorted(source.iterdir()):
        if entry.name in _SKIP or entry.name.endswith((".pyc", ".pyo")):
            continue
        dest = target / entry.name
        if entry.is_dir():
            shutil.copytree(entry, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copyfile(entry, dest)
        result.created.append(dest)
    versions = target / "versions"
    if not versions.exists():
        versions.mkdir()
        result.created.append(versions)
    if package:
        for folder in (target, versions):
            init_py = folder / "__init__.py"
            if not init_py.exists():
                init_py.write_text("", encoding="utf-8")
                result.created.append(init_py)

    _write_config(result, source, config_path)
    return result


def _write_config(result: InitResult, source: Path, config_path: str | os.PathLike[str] | None) -> None:
    from mig.config import find_config_file

    if config_path is None:
        existing = find_config_file(Path.cwd())
        if existing is not None:
            result.config_file = existing
            return
        file = Path.cwd() / "mig.toml"
    else:
        file = Path(config_path)
    if file.exists():
        result.config_file = file
        return
    template_text = source / CONFIG_TEMPLATE
    text = template_text.read_text(encoding="utf-8") if template_text.is_file() else DEFAULT_CONFIG_TEXT
    location = _relative_location(result.directory, file.parent)
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text.replace("{script_location}", location), encoding="utf-8")
    result.config_file = file
    result.config_written = True


def _relative_location(directory: Path, base: Path) -> str:
    """``directory`` as the config file will name it: relative to ``base`` when inside it."""
    absolute = directory.resolve()
    try:
        return absolute.relative_to(base.resolve()).as_posix()
    except ValueError:
        return absolute.as_posix()
