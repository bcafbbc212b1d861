"""``mig adopt``: turn an Alembic project into a mig project.

:func:`plan_adopt` reads ``alembic.ini`` (and ``[tool.alembic]`` in
``pyproject.toml``), works out the ``mig.toml`` that keeps the version table
Alembic uses (so the database it manages is adopted as it is) and the
rewritten ``env.py``, ``script.py.mako`` and scripts of every version
location (``alembic`` imports and names become ``mig``), and lists what mig
cannot run, with ``file:line`` and what to do. It changes nothing;
:func:`apply_adopt` writes the plan, each file atomically.

Imports and names are found with :mod:`ast` and :mod:`tokenize`, so a string
or a comment that mentions ``alembic`` is left alone.
"""

from __future__ import annotations

import ast
import configparser
import difflib
import io
import json
import os
import re
import sys
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mig.errors import CommandError, ConfigError
from mig.locations import is_package_resource, package_resource

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

ALEMBIC_VERSION_TABLE = "alembic_version"

#: ``from alembic import NAME`` that mig answers under the same name.
SUPPORTED_NAMES = frozenset({"op", "context", "__version__"})
#: ``alembic.X`` modules that mig has as ``mig.X``.
SUPPORTED_MODULES = {"alembic.op": "mig.op", "alembic.context": "mig.context",
                     "alembic.operations": "mig.operations", "alembic.operations.ops": "mig.ops",
                     "alembic.script": "mig.revision", "alembic.runtime.migration": "mig.runtime.migration",
                     "alembic.migration": "mig.runtime.migration"}
#: The names mig has in those modules where it has only some of Alembic's.
SUPPORTED_MODULE_NAMES = {
    "alembic.operations": frozenset({"Operations", "BatchOperations", "MigrateOperation", "ops"}),
    "alembic.operations.ops": frozenset({"MigrateOperation"}),
    "alembic.script": frozenset({"ScriptDirectory", "Script"}),
    "alembic.runtime.migration": frozenset({"MigrationContext"}),
    "alembic.migration": frozenset({"MigrationContext"}),
}

#: What to do instead of an Alembic module mig does not have.
INTERNALS_ADVICE = {
    "ddl": "mig's dialects are plugins (mig.ddl.DialectImpl); port the code to a mig dialect or remove it",
    "autogenerate": "autogenerate is the mig-autogen plugin; remove the import or port it to its hooks",
    "runtime": "use mig.context (env.py API) or mig.runtime; check the names you use",
    "script": "use mig.revision (ScriptDirectory, Script) or the `mig heads`/`mig history` commands",
    "operations": "use `from mig import op`; a project's own operations use mig.operations (Operations."
                  "register_operation, implementation_for, MigrateOperation) or mig_register_operations",
    "config": "mig reads mig.toml; use context.config (mig.config.Config) instead",
    "command": "use mig.command (upgrade, downgrade, current ... take a mig.config.Config)",
    "util": "alembic.util has no mig counterpart; copy what you need into the project",
    "testing": "use mig.testing (a pytest plugin and a dialect conformance suite)",
    "migration": "use mig.runtime.migration or context.get_context()",
    "environment": "use mig.context",
}

#: ``context.configure`` keywords mig runs with.
RUNTIME_KEYWORDS = frozenset({
    "connection", "url", "dialect_name", "dialect_opts", "transactional_ddl",
    "transaction_per_migration", "output_buffer", "starting_rev", "tag", "target_metadata",
    "literal_binds", "version_table", "version_table_schema", "on_version_apply",
    "allow_generic_dialect", "as_sql",
})
#: ``context.configure`` keywords kept for the autogenerate plugin.
AUTOGENERATE_KEYWORDS = frozenset({
    "compare_type", "compare_server_default", "include_object", "include_name", "include_schemas",
    "render_as_batch", "render_item", "process_revision_directives", "user_module_prefix",
    "sqlalchemy_module_prefix", "alembic_module_prefix", "upgrade_token", "downgrade_token",
    "template_args", "include_symbol",
})

#: ``[alembic]`` keys and the ``[mig]`` key each becomes (None: handled on its own).
INI_KEYS: dict[str, str | None] = {
    "script_location": "script_location", "sqlalchemy.url": "url", "file_template": "file_template",
    "truncate_slug_length": "truncate_slug_length", "timezone": "timezone",
    "revision_environment": "revision_environment", "output_encoding": "output_encoding",
    "recursive_version_locations": "recursive_version_locations",
    "version_locations": None, "prepend_sys_path": None, "path_separator": None,
    "version_path_separator": None, "sourceless": None,
}
_BOOL = ("revision_environment", "recursive_version_locations")
_LOGGING_SECTION = re.compile(r"^(loggers|handlers|formatters|logger_.+|handler_.+|formatter_.+)$")
_HOOK_KEYS = ("type", "entrypoint", "executable", "module", "options", "cwd")


@dataclass(frozen=True)
class Finding:
    """Something mig cannot run as it is: where, what, and what to do."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass(frozen=True)
class FileChange:
    """One file ``adopt`` writes: its text before (``None``: a new file) and after."""

    path: Path
    old: str | None
    new: str

    def diff(self, relative_to: Path | None = None) -> str:
        name = _shown(self.path, relative_to)
        old = [] if self.old is None else self.old.splitlines(keepends=True)
        lines = difflib.unified_diff(old, self.new.splitlines(keepends=True),
                                     "/dev/null" if self.old is None else f"a/{name}", f"b/{name}")
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                       for line in lines)


@dataclass
class AdoptPlan:
    """What ``mig adopt`` would do; nothing is written until :func:`apply_adopt`."""

    source: Path
    config_file: Path
    options: dict[str, Any]
    changes: list[FileChange] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)

    @property
    def config_unchanged(self) -> bool:
        return any(c.path == self.config_file and c.old == c.new for c in self.changes)

    @property
    def pending(self) -> list[FileChange]:
        """The changes that would alter a file."""
        return [c for c in self.changes if c.old != c.new]


def _shown(path: Path, base: Path | None) -> str:
    if base is not None:
        try:
            return path.relative_to(base).as_posix()
        except ValueError:
            pass
    return path.as_posix()


# -- reading the Alembic configuration ------------------------------------------------------


def _split(value: str, separator: str | None) -> list[str]:
    """Split a path list as Alembic's ``path_separator`` / ``version_path_separator`` says."""
    if separator is None:  # the legacy rule: spaces and commas
        parts = re.split(r"[,\s]+", value)
    elif separator == "os":
        parts = value.split(os.pathsep)
    elif separator == "space":
        parts = value.split(" ")
    elif separator == "newline":
        parts = value.splitlines()
    else:
        parts = value.split(separator)
    return [p.strip() for p in parts if p.strip()]


def _read_ini(file: Path) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    parser = configparser.ConfigParser(defaults={"here": str(file.parent.resolve())})
    try:
        parser.read(file, encoding="utf-8")
    except configparser.Error as exc:
        raise CommandError(f"{file}: cannot read it as an ini file ({exc}); fix it first") from exc
    sections: dict[str, dict[str, str]] = {}
    for name in parser.sections():
        try:
            sections[name] = {k: v for k, v in parser.items(name) if k != "here"}
        except configparser.InterpolationError as exc:
            if name == "alembic":
                raise CommandError(f"{file}: section [{name}]: {exc}; fix it first") from exc
            # read as written: logging's fileConfig reads its sections raw (Alembic's template
            # writes ``format = %(levelname)-5.5s ...``), and other sections are the project's
            sections[name] = {k: v for k, v in parser.items(name, raw=True) if k != "here"}
    main = sections.pop("alembic", None)
    if main is None:
        raise CommandError(f"{file} has no [alembic] section; is it an Alembic configuration?")
    return main, sections


def _find_source(directory: Path, source: Path | None) -> tuple[Path, dict[str, Any], dict[str, dict[str, str]]]:
    """The Alembic configuration: ``(file, main options, other ini sections)``."""
    ini = directory / "alembic.ini"
    pyproject = directory / "pyproject.toml"
    if source is not None:
        source = source if source.is_absolute() else directory / source
        if not source.is_file():
            raise CommandError(f"{source} does not exist; pass the Alembic configuration file with --from")
        if source.name == "pyproject.toml":
            pyproject, ini = source, source.parent / "alembic.ini"
        else:
            ini, pyproject = source, source.parent / "pyproject.toml"
    options: dict[str, Any] = {}
    sections: dict[str, dict[str, str]] = {}
    found: Path | None = None
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, OSError) as exc:
            raise CommandError(f"{pyproject}: cannot read it ({exc})") from exc
        table = data.get("tool", {}).get("alembic")
        if isinstance(table, dict):
            here = str(pyproject.parent.resolve())
            options = {k: _here(v, here) for k, v in table.items()}
            found = pyproject
    if ini.is_file():
        main, sections = _read_ini(ini)
        for key, value in main.items():
            options.setdefault(key, value)
        found = found or ini
    if found is None:
        raise CommandError(f"no Alembic configuration in {directory}: there is no alembic.ini and no "
                           f"[tool.alembic] in pyproject.toml; run mig adopt in the project's folder "
                           f"or pass --from PATH")
    return found, options, sections


def _here(value: Any, here: str) -> Any:
    if isinstance(value, str):
        return value.replace("%(here)s", here)
    if isinstance(value, list):
        return [_here(v, here) for v in value]
    if isinstance(value, dict):
        return {k: _here(v, here) for k, v in value.items()}
    return value


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "1", "yes", "on")


def _paths(value: Any, separator: str | None) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else _split(str(value), separator)


def _relative(path: str, cwd: Path, base: Path) -> str:
    """A path as Alembic reads it (relative to the current folder) as mig.toml names it (relative to ``base``)."""
    absolute = Path(path) if Path(path).is_absolute() else cwd / path
    absolute = Path(os.path.normpath(absolute))
    try:
        return absolute.relative_to(base.resolve()).as_posix() or "."
    except ValueError:
        return absolute.as_posix()


def _url(url: str, cwd: Path, base: Path) -> str:
    from mig.config import sqlite_file

    file = sqlite_file(url)
    if file is None:
        return url
    prefix = url[:url.index(":///") + 4]
    rest = url[len(prefix) + len(str(file)):] if url[len(prefix):].startswith(str(file)) else ""
    return f"{prefix}{_relative(str(file), cwd, base)}{rest}"


def _hooks(raw: Any, source: Path, findings: list[Finding]) -> dict[str, dict[str, Any]]:
    """Alembic's post-write hooks (ini section or pyproject list) as mig's ``post_write_hooks`` tables."""
    hooks: dict[str, dict[str, Any]] = {}
    if isinstance(raw, list):  # [[tool.alembic.post_write_hooks]]
        for entry in raw:
            if isinstance(entry, dict) and entry.get("name"):
                hooks[str(entry["name"])] = {k: v for k, v in entry.items() if k != "name"}
    elif isinstance(raw, dict):  # [post_write_hooks] hooks = a, b / a.type = ...
        names = _split(raw.get("hooks", ""), ",") if "," in raw.get("hooks", "") else _split(raw.get("hooks", ""), None)
        for name in names:
            hooks[name] = {key.split(".", 1)[1]: value for key, value in raw.items()
                           if key.startswith(name + ".")}
    result: dict[str, dict[str, Any]] = {}
    for name, spec in hooks.items():
        kept = {k: spec[k] for k in _HOOK_KEYS if k in spec}
        for key in spec:
            if key not in _HOOK_KEYS:
                findings.append(Finding(source, 0, f"post-write hook {name!r}: option {key!r} is not "
                                                   f"supported by mig and is left out"))
        if kept.get("type") not in ("exec", "console_scripts", "module"):
            findings.append(Finding(source, 0, f"post-write hook {name!r}: type {kept.get('type')!r} is "
                                               f"not one mig runs (exec, console_scripts, module); fix "
                                               f"[mig.post_write_hooks.{name}] in mig.toml"))
        result[name] = kept
    return result


def _mig_options(source: Path, alembic: dict[str, Any], sections: dict[str, dict[str, str]],
                 cwd: Path, base: Path, findings: list[Finding], notes: list[Finding]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    separator = alembic.get("path_separator") or alembic.get("version_path_separator")
    sys_path_separator = alembic.get("path_separator")
    for key, value in alembic.items():
        if key == "post_write_hooks":
            continue
        target = INI_KEYS.get(key, "env")
        if target is None:
            continue
        if target == "env":
            options.setdefault("env", {})[key] = value
            notes.append(Finding(source, 0, f"{key} is not an Alembic setting; it goes to [mig.env], "
                                            f"where config.get_main_option({key!r}) still finds it"))
            continue
        if key == "script_location":
            if not is_package_resource(str(value)):  # a package resource is found the same way by mig
                value = _relative(str(value), cwd, base)
        elif key == "sqlalchemy.url":
            value = _url(str(value), cwd, base)
        elif key == "truncate_slug_length":
            value = int(value)
        elif key in _BOOL:
            value = _as_bool(value)
        options[target] = value
    if "version_locations" in alembic:
        options["version_locations"] = [p if is_package_resource(p) else _relative(p, cwd, base)
                                        for p in _paths(alembic["version_locations"], separator)]
    if "prepend_sys_path" in alembic:
        options["prepend_sys_path"] = [_relative(p, cwd, base)
                                       for p in _paths(alembic["prepend_sys_path"], sys_path_separator)]
    if _as_bool(alembic.get("sourceless", False)):
        findings.append(Finding(source, 0, "sourceless = true: mig runs migration scripts from their .py "
                                           "source only; keep the .py files (the key is left out)"))
    raw_hooks = alembic.get("post_write_hooks", sections.pop("post_write_hooks", None))
    if raw_hooks:
        hooks = _hooks(raw_hooks, source, findings)
        if hooks:
            options["post_write_hooks"] = hooks
    logging = sorted(name for name in sections if _LOGGING_SECTION.match(name))
    if logging:
        notes.append(Finding(source, 0, "the logging sections (" + ", ".join(f"[{n}]" for n in logging)
                             + ") are not carried over: mig logs to stderr itself and "
                             "config.config_file_name is None, so an env.py that calls fileConfig "
                             "only when it is set skips it"))
    for name, values in sections.items():
        if name not in logging:
            options.setdefault("sections", {})[name] = values
            notes.append(Finding(source, 0, f"section [{name}] goes to [mig.sections.{name}] "
                                            f"(config.get_section({name!r}) reads it)"))
    return options


# -- writing mig.toml ------------------------------------------------------------------------


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def render_toml(options: Mapping[str, Any]) -> str:
    """``options`` as a ``mig.toml`` (``[mig]`` and its sub-tables)."""
    lines = ["# mig configuration, written by `mig adopt` from the Alembic configuration.",
             "# See docs/config.md; relative paths are relative to this file.", "[mig]"]
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in options.items():
        if isinstance(value, Mapping):
            for name, sub in value.items():
                if isinstance(sub, Mapping):
                    tables.append((f"mig.{_toml_key(key)}.{_toml_key(name)}", sub))
                else:
                    tables.insert(0, (f"mig.{_toml_key(key)}", value))
                    break
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for header, table in tables:
        lines += ["", f"[{header}]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


# -- rewriting Python files -------------------------------------------------------------------


@dataclass
class _Edit:
    line: int  # 1-based
    col: int  # characters
    length: int
    text: str


def _char_col(lines: list[str], line: int, byte_col: int) -> int:
    return len(lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))


def rewrite_python(path: Path, text: str) -> tuple[str, list[Finding], list[ast.Call]]:
    """``text`` with its ``alembic`` imports and names made ``mig``; what cannot be rewritten; its calls.

    Supported: ``from alembic import op, context, __version__`` (``as`` names too),
    ``import alembic`` (``alembic.op`` ... become ``mig.op``), ``import alembic as X``,
    ``import alembic.op`` / ``alembic.context``, ``from alembic.op import ...``.
    """
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as exc:
        return text, [Finding(path, exc.lineno or 0, f"invalid Python ({exc.msg}); fix it and run "
                                                     f"mig adopt again")], []
    lines = text.splitlines(keepends=True)
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    edits: list[_Edit] = []
    findings: list[Finding] = []
    module_names: set[str] = set()  # names bound to the alembic module itself

    def name_tokens(node: ast.stmt) -> list[tokenize.TokenInfo]:
        start = (node.lineno, _char_col(lines, node.lineno, node.col_offset))
        end_line = node.end_lineno or node.lineno
        end = (end_line, _char_col(lines, end_line, node.end_col_offset or 0))
        return [t for t in tokens if t.type == tokenize.NAME and start <= t.start and t.end <= end]

    def internal(node: ast.stmt, module: str) -> None:
        part = module.split(".")[1] if "." in module else ""
        advice = INTERNALS_ADVICE.get(part, "mig has no counterpart; port or remove the code")
        findings.append(Finding(path, node.lineno, f"imports {module} (Alembic internals): {advice}"))

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                node.module == "alembic" or node.module.startswith("alembic.")):
            if node.module == "alembic":
                unsupported = [a.name for a in node.names if a.name not in SUPPORTED_NAMES]
                if unsupported:
                    for name in unsupported:
                        internal(node, f"alembic.{name}")
                    continue
                new_module = "mig"
            elif node.module in SUPPORTED_MODULES:
                allowed = SUPPORTED_MODULE_NAMES.get(node.module)
                missing = [a.name for a in node.names if allowed is not None and a.name not in allowed]
                if missing:
                    for name in missing:
                        internal(node, f"{node.module}.{name}")
                    continue
                new_module = SUPPORTED_MODULES[node.module]
            else:
                internal(node, node.module)
                continue
            names = name_tokens(node)
            # from  alembic . op  import ...: the tokens between `from` and `import`
            first = next(i for i, t in enumerate(names) if t.string == "from")
            last = next(i for i, t in enumerate(names) if t.string == "import")
            span = names[first + 1:last]
            start, end = span[0].start, span[-1].end
            if start[0] != end[0]:
                findings.append(Finding(path, node.lineno, "an import spread over lines; rewrite it by hand"))
                continue
            edits.append(_Edit(start[0], start[1], end[1] - start[1], new_module))
        elif isinstance(node, ast.Import):
            alembic_tokens = iter([t for t in name_tokens(node) if t.string == "alembic"])
            for alias in node.names:
                if alias.name != "alembic" and not alias.name.startswith("alembic."):
                    continue
                token = next(alembic_tokens)
                if alias.name not in ("alembic", *SUPPORTED_MODULES):
                    internal(node, alias.name)
                    continue
                if alias.name != "alembic" and SUPPORTED_MODULES[alias.name] != "mig" + alias.name[len("alembic"):]:
                    findings.append(Finding(path, node.lineno, f"`import {alias.name}`: mig has it as "
                                            f"{SUPPORTED_MODULES[alias.name]}; write `from {alias.name} import "
                                            f"...` (adopt rewrites that) or import "
                                            f"{SUPPORTED_MODULES[alias.name]}"))
                    continue
                edits.append(_Edit(token.start[0], token.start[1], len("alembic"), "mig"))
                if alias.asname is None:
                    module_names.add("alembic")
                elif alias.name == "alembic":
                    module_names.add(alias.asname)
    used: set[tuple[int, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in module_names:
            base = node.value
            used.add((base.lineno, base.col_offset))
            if node.attr not in SUPPORTED_NAMES:
                advice = INTERNALS_ADVICE.get(node.attr, "port or remove the code")
                findings.append(Finding(path, node.lineno, f"uses {base.id}.{node.attr}, which mig does "
                                                           f"not have: {advice}"))
                continue
            if base.id == "alembic":
                edits.append(_Edit(base.lineno, _char_col(lines, base.lineno, base.col_offset),
                                   len("alembic"), "mig"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Name) and node.id in module_names and isinstance(node.ctx, ast.Load)
                and (node.lineno, node.col_offset) not in used):
            findings.append(Finding(path, node.lineno, f"uses the module {node.id} itself; check that "
                                                       f"mig (which it now names) does what it needs"))
            if node.id == "alembic":
                edits.append(_Edit(node.lineno, _char_col(lines, node.lineno, node.col_offset), len("alembic"), "mig"))
    new_lines = list(lines)
    for edit in sorted(edits, key=lambda e: (e.line, e.col), reverse=True):
        line = new_lines[edit.line - 1]
        new_lines[edit.line - 1] = line[:edit.col] + edit.text + line[edit.col + edit.length:]
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    return "".join(new_lines), findings, calls


_MAKO_IMPORT = re.compile(r"^(\s*(?:from|import)\s+)alembic(?=[\s.])", re.MULTILINE)


def rewrite_template(text: str) -> str:
    """``script.py.mako`` with ``from alembic import op`` (and ``import alembic``) made ``mig``."""
    return _MAKO_IMPORT.sub(r"\1mig", text)


def _configure_calls(path: Path, calls: Iterable[ast.Call], findings: list[Finding],
                     notes: list[Finding]) -> dict[str, str]:
    """Scan ``context.configure(...)`` calls: the version table they name, and keywords mig lacks."""
    found: dict[str, str] = {}
    for call in calls:
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name != "configure":
            continue
        for kw in call.keywords:
            if kw.arg is None:
                notes.append(Finding(path, call.lineno, "configure(**...) passes keywords adopt cannot "
                                                        "see; check they name no other version_table"))
                continue
            if kw.arg in ("version_table", "version_table_schema"):
                if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                    found[kw.arg] = kw.value.value
                elif isinstance(kw.value, ast.Constant) and kw.value.value is None:
                    continue
                else:
                    notes.append(Finding(path, call.lineno, f"{kw.arg}= is computed at run time (dynamic); "
                                         f"mig.toml keeps {ALEMBIC_VERSION_TABLE if kw.arg == 'version_table' else 'none'}, "
                                         f"and env.py's value wins when it runs; set {kw.arg} in mig.toml "
                                         f"if every run uses the same one"))
            elif kw.arg not in RUNTIME_KEYWORDS and kw.arg not in AUTOGENERATE_KEYWORDS:
                findings.append(Finding(path, call.lineno, f"configure({kw.arg}=...) is an option mig "
                                                          f"does not have and ignores; remove it or "
                                                          f"check docs/differences.md"))
    return found


# -- the plan ------------------------------------------------------------------------------------


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from exc


def _local_imports(env_py: Path, folders: list[Path]) -> list[Path]:
    """The project's own modules env.py imports (found in ``prepend_sys_path`` or env.py's folder):
    they may define operations with ``alembic.operations`` and are rewritten with the scripts."""
    try:
        tree = ast.parse(env_py.read_text(encoding="utf-8"), filename=str(env_py))
    except (OSError, SyntaxError):
        return []
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    found: list[Path] = []
    for name in dict.fromkeys(names):
        relative = Path(*name.split("."))
        for folder in folders:
            for candidate in (folder / relative.with_suffix(".py"), folder / relative / "__init__.py"):
                if candidate.is_file() and candidate != env_py and candidate not in found:
                    found.append(candidate)
    return found


def _folder(value: str, base: Path, search: list[str], key: str) -> Path:
    """A folder of the new configuration: relative to the ``mig.toml``, or a package resource."""
    if is_package_resource(value):
        try:
            return package_resource(value, search, key)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
    path = Path(value)
    return path if path.is_absolute() else base / path


def plan_adopt(directory: str | os.PathLike[str] | None = None, source: str | os.PathLike[str] | None = None,
               config_path: str | os.PathLike[str] | None = None) -> AdoptPlan:
    """Work out what ``mig adopt`` does in ``directory`` (default: the current folder); write nothing.

    :param source: the Alembic configuration (``alembic.ini`` or a ``pyproject.toml``).
    :param config_path: the ``mig.toml`` to write (default: ``mig.toml`` in ``directory``).
    :raises CommandError: no Alembic configuration, or a ``mig.toml`` that differs from the one
        adopt would write (nothing is overwritten).
    """
    cwd = Path(directory) if directory is not None else Path.cwd()
    cwd = cwd.resolve()
    file, alembic, sections = _find_source(cwd, Path(source) if source is not None else None)
    target = Path(config_path) if config_path is not None else cwd / "mig.toml"
    target = target if target.is_absolute() else cwd / target
    base = target.parent
    findings: list[Finding] = []
    notes: list[Finding] = []
    options = _mig_options(file, alembic, sections, cwd, base, findings, notes)
    if "script_location" not in options:
        raise CommandError(f"{file} sets no script_location; add it (Alembic needs it too)")
    project_paths = [base / p for p in options.get("prepend_sys_path", [])]
    search = [str(p) for p in project_paths] + sys.path
    location = _folder(str(options["script_location"]), base, search, "script_location")
    locations = [_folder(p, base, search, "version_locations")
                 for p in options.get("version_locations", [])] or [location / "versions"]

    changes: list[FileChange] = []
    version: dict[str, str] = {}
    env_py = location / "env.py"
    if not env_py.is_file():
        raise CommandError(f"{env_py} does not exist; check script_location in {file}")
    python_files = [env_py, *_local_imports(env_py, [*project_paths, env_py.parent])]
    recursive = bool(options.get("recursive_version_locations"))
    for folder in locations:
        if folder.is_dir():
            python_files += sorted(folder.rglob("*.py") if recursive else folder.glob("*.py"))
        else:
            findings.append(Finding(folder, 0, "version location does not exist; create it or fix "
                                               "version_locations"))
    for path in python_files:
        old = _read(path)
        new, found, calls = rewrite_python(path, old)
        findings += found
        if path == env_py:
            version = _configure_calls(path, calls, findings, notes)
        changes.append(FileChange(path, old, new))
    mako = location / "script.py.mako"
    if mako.is_file():
        old = _read(mako)
        changes.append(FileChange(mako, old, rewrite_template(old)))

    options["version_table"] = version.get("version_table", ALEMBIC_VERSION_TABLE)
    if "version_table_schema" in version:
        options["version_table_schema"] = version["version_table_schema"]
    first: tuple[str, ...] = ("script_location", "url", "version_table", "version_table_schema")
    ordered: dict[str, Any] = {k: options[k] for k in first if k in options}
    ordered.update({k: v for k, v in options.items() if k not in ordered})
    text = render_toml(ordered)
    existing = target.read_text(encoding="utf-8") if target.is_file() else None
    if existing is not None and existing != text:
        raise CommandError(f"{target} already exists and differs from what mig adopt would write; "
                           f"move it away (or pass -c with another file) and run mig adopt again")
    from mig.config import check_keys

    check_keys(ordered, str(target))
    changes.insert(0, FileChange(target, existing, text))
    return AdoptPlan(source=file, config_file=target, options=ordered, changes=changes,
                     findings=findings, notes=notes)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def apply_adopt(plan: AdoptPlan) -> list[Path]:
    """Write every changed file of ``plan`` (each atomically); return the paths written.

    Every file is checked first: one changed since the plan was made stops it before anything is written.
    """
    for change in plan.pending:
        now = change.path.read_text(encoding="utf-8") if change.path.exists() else None
        if now != change.old:
            raise CommandError(f"{change.path} changed while mig adopt was running; run it again")
    written = []
    for change in plan.pending:
        write_atomically(change.path, change.new)
        written.append(change.path)
    return written


__all__ = ["AdoptPlan", "FileChange", "Finding", "apply_adopt", "plan_adopt", "render_toml",
           "rewrite_python", "rewrite_template", "write_atomically"]
