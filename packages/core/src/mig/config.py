"""The configuration of a run: ``mig.toml``, ``[tool.mig]`` in ``pyproject.toml``, or ``-c PATH``.

Relative paths in the file are relative to the file's folder. ``MIG_URL``
overrides ``url``. The object also answers the handful of ``alembic.config.Config``
methods that ``env.py`` files call (``get_main_option``, ``get_section`` ...),
so an Alembic ``env.py`` runs unchanged.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mig.errors import ConfigError
from mig.locations import is_package_resource, package_resource

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

DEFAULT_VERSION_TABLE = "mig_version"
DEFAULT_LOG_TABLE = "mig_log"
VERIFY_MODES = ("warn", "strict", "off")
DEFAULT_FILE_TEMPLATE = "%(rev)s_%(slug)s"
CONFIG_SECTION = "mig"

#: Every key ``[mig]`` accepts. Any other key is an error naming the nearest known one:
#: a misspelt ``version_tabel`` would otherwise replay every migration against a fresh
#: version table.
KNOWN_KEYS = frozenset({
    "script_location", "url", "version_table", "version_table_schema", "target_metadata",
    "transaction_per_migration", "file_template", "post_write_hooks", "version_locations",
    "truncate_slug_length", "timezone", "revision_environment", "sourceless",
    "output_encoding", "allow_generic_dialect", "recursive_version_locations",
    "prepend_sys_path", "databases", "env", "sections",
    "log_table", "verify", "lock", "lock_timeout",
})

#: Keys that mig knows from Alembic (or planned) but cannot honour: the reason and what to do.
REFUSED_KEYS = {
    "sourceless": ("mig loads migration scripts from their .py source only; remove "
                   "`sourceless` (or set it to false) and keep the .py files"),
}

#: Keys of ``[mig.databases.NAME]`` (the multidb template).
DATABASE_KEYS = frozenset({"url", "target_metadata"})

_BOOL_KEYS = ("transaction_per_migration", "revision_environment", "sourceless",
              "allow_generic_dialect", "recursive_version_locations", "lock")

_SQLITE_URL = re.compile(r"^(sqlite(?:\+[A-Za-z0-9_]+)?:///)([^?]*)(\?.*)?$")


def _nearest(key: str, known: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def check_keys(options: Mapping[str, Any], where: str = "[mig]") -> None:
    """Refuse unknown keys (naming the nearest known one) and keys mig cannot honour."""
    for key in options:
        if key.startswith("_"):
            continue
        if key in REFUSED_KEYS:
            value = options[key]
            if key == "sourceless" and value in (False, "false", "False", "0", "no", "off", ""):
                continue
            raise ConfigError(f"{where}: {key}: {REFUSED_KEYS[key]}")
        if key not in KNOWN_KEYS:
            raise ConfigError(
                f"{where}: unknown key {key!r}{_nearest(key, KNOWN_KEYS)} (values for env.py go "
                f"in [mig.env], read with config.get_main_option; see docs/config.md)")
    databases = options.get("databases")
    if databases is not None:
        if not isinstance(databases, Mapping):
            raise ConfigError(f"{where}: databases must be a table of tables, e.g. [mig.databases.main]")
        for name, table in databases.items():
            if not isinstance(table, Mapping):
                raise ConfigError(f"{where}: databases.{name} must be a table with at least url")
            for key in table:
                if key not in DATABASE_KEYS:
                    raise ConfigError(f"{where}: unknown key {key!r} in databases.{name}"
                                      f"{_nearest(key, DATABASE_KEYS)}")
    for table_key in ("env", "sections", "post_write_hooks"):
        value = options.get(table_key)
        if value is not None and not isinstance(value, Mapping):
            raise ConfigError(f"{where}: {table_key} must be a table, e.g. [mig.{table_key}]")


def resolve_sqlite_url(url: str, root: Path) -> str:
    """``url`` with a relative SQLite file path made absolute against ``root``.

    ``sqlite:///app.db`` names ``root/app.db``; absolute paths, ``:memory:``,
    an empty path and ``file:`` URIs (``?uri=true``) are returned unchanged.
    """
    match = _SQLITE_URL.match(url)
    if match is None:
        return url
    prefix, path, query = match.group(1), match.group(2), match.group(3) or ""
    if not path or path == ":memory:" or path.startswith("file:") or "uri=true" in query.lower():
        return url
    if Path(path).is_absolute():
        return url
    return f"{prefix}{(root / path).as_posix()}{query}"


def sqlite_file(url: str | None) -> Path | None:
    """The file an (absolute or relative) SQLite URL names, or ``None`` for any other URL."""
    if not url:
        return None
    match = _SQLITE_URL.match(url)
    if match is None:
        return None
    path, query = match.group(2), match.group(3) or ""
    if not path or path == ":memory:" or path.startswith("file:") or "uri=true" in query.lower():
        return None
    return Path(path)


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
        where = f"{self.config_file}" if self.config_file is not None else "configuration"
        check_keys(self.options, where)
        for key in _BOOL_KEYS:
            if key in self.options:
                self.options[key] = _as_bool(key, self.options[key])
        # Relative SQLite paths in the file are relative to the file, whatever the current folder.
        if isinstance(self.options.get("url"), str):
            self.options["url"] = resolve_sqlite_url(self.options["url"], self.root)
        databases = self.options.get("databases")
        if isinstance(databases, dict):
            self.options["databases"] = {
                name: ({**table, "url": resolve_sqlite_url(table["url"], self.root)}
                       if isinstance(table.get("url"), str) else dict(table))
                for name, table in databases.items()}
        if env.get("MIG_URL"):
            self.options["url"] = env["MIG_URL"]
        _check_verify(self.options)
        encoding = self.options.get("output_encoding")
        if encoding is not None:
            import codecs

            try:
                codecs.lookup(str(encoding))
            except LookupError:
                raise ConfigError(f"output_encoding = {encoding!r} is not an encoding Python "
                                  f"knows; use e.g. \"utf-8\"") from None

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

    def location(self, value: str, key: str) -> Path:
        """A configured folder: a path (relative to the file) or a package resource (``myapp:migrations``)."""
        if is_package_resource(value):
            search = [str(p) for p in self.prepend_sys_path] + sys.path
            return package_resource(value, search, key)
        return self.resolve(value)

    @property
    def script_location(self) -> Path:
        """The migrations folder: a path, or ``package:folder`` inside an importable package."""
        value = self.options.get("script_location")
        if not value:
            where = f" in {self.config_file}" if self.config_file else ""
            raise ConfigError(f"script_location is not set{where}; run `mig init migrations` or add script_location = \"migrations\"")
        return self.location(str(value), "script_location")

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
        return [self.location(p, "version_locations") for p in parts]

    @property
    def url(self) -> str | None:
        value = self.options.get("url")
        return str(value) if value else None

    @property
    def version_table(self) -> str:
        return str(self.options.get("version_table") or DEFAULT_VERSION_TABLE)

    @property
    def log_table(self) -> str:
        """The log table (one row per applied step, with its checksum), beside the version table."""
        return str(self.options.get("log_table") or DEFAULT_LOG_TABLE)

    @property
    def verify_mode(self) -> str:
        """What an upgrade does about applied scripts that changed: "warn", "strict" or "off"."""
        return str(self.options.get("verify") or "warn")

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
    def revision_environment(self) -> bool:
        """Whether ``mig revision`` runs env.py even without ``--autogenerate`` (as Alembic's key)."""
        return bool(self.options.get("revision_environment", False))

    @property
    def output_encoding(self) -> str:
        """The encoding of ``--sql`` output (default utf-8)."""
        return str(self.options.get("output_encoding") or "utf-8")

    @property
    def prepend_sys_path(self) -> list[Path]:
        """Folders put at the front of ``sys.path`` before env.py runs (relative to the file)."""
        value = self.options.get("prepend_sys_path")
        if not value:
            return []
        parts = [str(v) for v in value] if isinstance(value, list) else str(value).split(os.pathsep)
        return [self.resolve(p.strip()) for p in parts if p.strip()]

    def apply_prepend_sys_path(self) -> None:
        """Put :attr:`prepend_sys_path` at the front of ``sys.path`` (once each, in order)."""
        for path in reversed(self.prepend_sys_path):
            text = str(path)
            if text in sys.path:
                sys.path.remove(text)
            sys.path.insert(0, text)

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
        if value is None:
            extra = self.options.get("env")
            if isinstance(extra, dict):
                value = extra.get(name)
        return default if value is None or isinstance(value, (dict, list)) else str(value)

    def set_main_option(self, name: str, value: str) -> None:
        self.options["url" if name == "sqlalchemy.url" else name] = value

    def get_section(self, name: str, default: dict[str, str] | None = None) -> dict[str, str] | None:
        if name != self.config_ini_section:
            sections = self.options.get("sections")
            value = sections.get(name) if isinstance(sections, dict) else None
            if value is None:
                value = self.options.get(name)
            return {k: str(v) for k, v in value.items()} if isinstance(value, dict) else default
        extra = self.options.get("env")
        section = {k: str(v) for k, v in (extra.items() if isinstance(extra, dict) else ())
                   if not isinstance(v, (dict, list))}
        section.update({k: str(v) for k, v in self.options.items()
                        if not k.startswith("_") and not isinstance(v, (dict, list))})
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


def _check_verify(options: Mapping[str, Any]) -> None:
    value = options.get("verify")
    if value is not None and value not in VERIFY_MODES:
        raise ConfigError(f"verify = {value!r} is not a verify mode; use \"warn\" (the default: an "
                          f"upgrade warns about applied scripts that changed), \"strict\" (it refuses "
                          f"to run) or \"off\"")
    table = options.get("log_table")
    if table is not None and (not isinstance(table, str) or not table.strip()):
        raise ConfigError(f"log_table = {table!r} must be a table name, e.g. \"mig_log\"")


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
