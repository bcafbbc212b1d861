"""The configuration of a run: ``mig.toml``, ``[tool.mig]`` in ``pyproject.toml``, or ``-c PATH``.

Relative paths in the file are relative to the file's folder. ``MIG_URL``
overrides ``url``. The object also answers the handful of ``alembic.config.Config``
methods that ``env.py`` files call (``get_main_option``, ``get_section`` ...),
so an Alembic ``env.py`` runs unchanged.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mig.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

DEFAULT_VERSION_TABLE = "mig_version"
DEFAULT_FILE_TEMPLATE = "%(rev)s_%(slug)s"
CONFIG_SECTION = "mig"

KNOWN_KEYS = frozenset({
    "script_location", "url", "version_table", "version_table_schema", "target_metadata",
    "transaction_per_migration", "file_template", "post_write_hooks", "version_locations",
    "truncate_slug_length", "timezone", "revision_environment", "sourceless",
    "output_encoding", "allow_generic_dialect", "recursive_version_locations",
    "prepend_sys_path", "lock", "lock_timeout",
})

_BOOL_KEYS = ("transaction_per_migration", "revision_environment", "sourceless",
              "allow_generic_dialect", "recursive_version_locations")


@dataclass
class Config:
    """Settings of one run, plus the command-line values ``env.py`` may read."""

    options: dict[str, Any] = field(default_factory=dict)
    config_file: Path | None = None
    x_arguments: list[str] = field(default_factory=list)
    cmd_opts: Any = None
    #: A place for a caller to hand objects to env.py (``config.attributes["connection"]``).
    attributes: dict[str, Any] = field(default_factory=dict)
    #: Where ``--sql`` output goes (defaults to stdout).
    output_buffer: Any = None
    config_ini_section: str = CONFIG_SECTION

    # -- construction ----------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None, *, cwd: str | os.PathLike[str] | None = None,
             x_arguments: Sequence[str] = (), environ: Mapping[str, str] | None = None) -> Config:
        """Find and read the configuration.

        With ``path``, read that ``.toml`` file (table ``[mig]``, or
        ``[tool.mig]`` for a ``pyproject.toml``). Otherwise look in ``cwd``
        for ``mig.toml``, then ``pyproject.toml`` with a ``[tool.mig]`` table.
        """
        env = os.environ if environ is None else environ
        base = Path(cwd) if cwd is not None else Path.cwd()
        file: Path | None
        if path is not None:
            file = Path(path)
            if not file.is_absolute():
                file = base / file
            if not file.is_file():
                raise ConfigError(f"config file {str(file)!r} does not exist; pass an existing .toml file to -c/--config")
            options: dict[str, Any] = _read_table(file, required=True)
        else:
            file, options = _discover(base)
        config = cls(options=dict(options), config_file=file, x_arguments=list(x_arguments))
        config._normalise(env)
        return config

    @classmethod
    def from_options(cls, root: str | os.PathLike[str] | None = None, **options: Any) -> Config:
        """Build a configuration in code (tests, programs embedding mig); paths relative to ``root``."""
        config = cls(options=dict(options))
        config.options.setdefault("_root", str(Path(root) if root else Path.cwd()))
        config._normalise({})
        return config

    def _normalise(self, env: Mapping[str, str]) -> None:
        for key in _BOOL_KEYS:
            if key in self.options:
                self.options[key] = _as_bool(key, self.options[key])
        if env.get("MIG_URL"):
            self.options["url"] = env["MIG_URL"]

    # -- typed accessors -----------------------------------------------------

    @property
    def root(self) -> Path:
        """The folder relative paths are resolved against."""
        if self.config_file is not None:
            return self.config_file.parent
        return Path(self.options.get("_root") or Path.cwd())

    def resolve(self, value: str | os.PathLike[str]) -> Path:
        path = Path(value)
        return path if path.is_absolute() else (self.root / path)

    @property
    def script_location(self) -> Path:
        value = self.options.get("script_location")
        if not value:
            where = f" in {self.config_file}" if self.config_file else ""
            raise ConfigError(f"script_location is not set{where}; run `mig init migrations` or add script_location = \"migrations\"")
        return self.resolve(str(value))

    @property
    def version_locations(self) -> list[Path]:
        """Folders holding revision scripts: ``version_locations`` or ``<script_location>/versions``."""
        value = self.options.get("version_locations")
        if not value:
            return [self.script_location / "versions"]
        if isinstance(value, str):
            parts = value.replace(",", " ").split()
        else:
            parts = [str(v) for v in value]
        return [self.resolve(p) for p in parts]

    @property
    def url(self) -> str | None:
        value = self.options.get("url")
        return str(value) if value else None

    @property
    def version_table(self) -> str:
        return str(self.options.get("version_table") or DEFAULT_VERSION_TABLE)

    @property
    def version_table_schema(self) -> str | None:
        value = self.options.get("version_table_schema")
        return str(value) if value else None

    @property
    def target_metadata(self) -> str | None:
        value = self.options.get("target_metadata")
        return str(value) if value else None

    @property
    def transaction_per_migration(self) -> bool:
        return bool(self.options.get("transaction_per_migration", False))

    @property
    def file_template(self) -> str:
        return str(self.options.get("file_template") or DEFAULT_FILE_TEMPLATE)

    @property
    def truncate_slug_length(self) -> int:
        return int(self.options.get("truncate_slug_length", 40))

    @property
    def post_write_hooks(self) -> dict[str, Any]:
        value = self.options.get("post_write_hooks") or {}
        if not isinstance(value, dict):
            raise ConfigError("post_write_hooks must be a table, e.g. [mig.post_write_hooks.ruff]")
        return value

    @property
    def allow_generic_dialect(self) -> bool:
        return bool(self.options.get("allow_generic_dialect", False))

    def get(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

    def load_target_metadata(self) -> Any:
        """Import ``target_metadata = "module.path:attribute"`` with the config folder on ``sys.path``."""
        ref = self.target_metadata
        if ref is None:
            return None
        module_name, sep, attr = ref.partition(":")
        if not sep or not module_name or not attr:
            raise ConfigError(f"target_metadata = {ref!r} must look like \"package.module:attribute\"")
        import importlib

        root = str(self.root)
        if root not in sys.path:
            sys.path.insert(0, root)
        try:
            obj: Any = importlib.import_module(module_name)
        except ImportError as exc:
            raise ConfigError(f"target_metadata: cannot import {module_name!r} ({exc}); check the module path relative to {root}") from exc
        for part in attr.split("."):
            try:
                obj = getattr(obj, part)
            except AttributeError:
                raise ConfigError(f"target_metadata: module {module_name!r} has no attribute {attr!r}") from None
        return obj

    # -- Alembic compatibility (for env.py files written for Alembic) --------------

    @property
    def config_file_name(self) -> str | None:
        """Always ``None``: mig's TOML file holds no logging configuration for ``fileConfig``."""
        return None

    def get_main_option(self, name: str, default: str | None = None) -> str | None:
        if name == "sqlalchemy.url":
            return self.url if self.url is not None else default
        value = self.options.get(name)
        return default if value is None else str(value)

    def set_main_option(self, name: str, value: str) -> None:
        self.options["url" if name == "sqlalchemy.url" else name] = value

    def get_section(self, name: str, default: dict[str, str] | None = None) -> dict[str, str] | None:
        if name != self.config_ini_section:
            value = self.options.get(name)
            return dict(value) if isinstance(value, dict) else default
        section = {k: str(v) for k, v in self.options.items()
                   if not k.startswith("_") and not isinstance(v, (dict, list))}
        if self.url:
            section["sqlalchemy.url"] = self.url
        return section

    def get_section_option(self, section: str, name: str, default: str | None = None) -> str | None:
        values = self.get_section(section) or {}
        return values.get(name, default)

    def get_x_arguments(self, as_dictionary: bool = False) -> list[str] | dict[str, str]:
        if not as_dictionary:
            return list(self.x_arguments)
        result: dict[str, str] = {}
        for item in self.x_arguments:
            key, _, value = item.partition("=")
            result[key] = value
        return result


def _as_bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "yes", "on"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "0", "no", "off", ""):
        return False
    raise ConfigError(f"{key} must be true or false, not {value!r}")


def _read_toml(file: Path) -> dict[str, Any]:
    try:
        with file.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML ({exc}); fix the file") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read config file {file}: {exc.strerror}") from exc


def _read_table(file: Path, *, required: bool) -> dict[str, Any]:
    data = _read_toml(file)
    if file.name == "pyproject.toml":
        table = data.get("tool", {}).get("mig")
        where = "[tool.mig]"
    else:
        table = data.get("mig")
        if table is None:
            table = data.get("tool", {}).get("mig")
        where = "[mig]"
    if table is None:
        if required:
            raise ConfigError(f"{file} has no {where} table; add one with at least script_location")
        return {}
    if not isinstance(table, dict):
        raise ConfigError(f"{file}: {where} must be a table")
    return dict(table)


def _discover(base: Path) -> tuple[Path | None, dict[str, Any]]:
    candidate = base / "mig.toml"
    if candidate.is_file():
        return candidate, _read_table(candidate, required=True)
    pyproject = base / "pyproject.toml"
    if pyproject.is_file():
        table = _read_table(pyproject, required=False)
        if table:
            return pyproject, table
    return None, {}


def find_config_file(base: Path) -> Path | None:
    """The configuration file ``Config.load`` would read in ``base``, if any."""
    return _discover(base)[0]
