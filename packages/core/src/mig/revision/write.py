"""Writing new scripts: revision ids, file names, the Mako template, post-write hooks."""

from __future__ import annotations

import logging
import re
import shlex
import subprocess
import sys
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mig.errors import CommandError, ConfigError, GraphError, MultipleHeadsError
from mig.revision.script import Script

if TYPE_CHECKING:
    from mig.revision.directory import ScriptDirectory

log = logging.getLogger("mig.revision")

_SLUG_WORD = re.compile(r"\w+")
_VALID_REV_ID = re.compile(r"^\w+$")
FILENAME_TOKEN = "REVISION_SCRIPT_FILENAME"


def new_rev_id() -> str:
    """A new revision id: 12 hex characters from a random UUID."""
    return uuid.uuid4().hex[-12:]


def slugify(message: str | None, truncate: int = 40) -> str:
    """The message's words, lower-cased and joined with ``_``, cut at a word boundary."""
    slug = "_".join(_SLUG_WORD.findall(message or "")).lower()
    if truncate and len(slug) > truncate:
        cut = slug[:truncate]
        slug = (cut.rsplit("_", 1)[0] if "_" in cut else cut) + "_"
    return slug


def format_as_comma(value: str | Sequence[str] | None) -> str:
    """What the template's ``comma`` filter prints for ``down_revision`` (as Alembic's does)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return ", ".join(value)


def _scalar_or_tuple(values: Sequence[str]) -> str | tuple[str, ...] | None:
    if not values:
        return None
    return values[0] if len(values) == 1 else tuple(values)


def file_name(template: str, rev: str, message: str | None, create_date: datetime,
              truncate_slug_length: int = 40) -> str:
    """The new script's file name (relative to its version location), ending in ``.py``."""
    tokens = {
        "rev": rev,
        "slug": slugify(message, truncate_slug_length),
        "epoch": int(create_date.timestamp()),
        "year": create_date.year,
        "month": create_date.month,
        "day": create_date.day,
        "hour": create_date.hour,
        "minute": create_date.minute,
        "second": create_date.second,
    }
    try:
        name = template % tokens
    except (KeyError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"file_template {template!r} is invalid ({exc}); use tokens like %(rev)s, %(slug)s, "
            f"%(year)d, %(month).2d, %(day).2d, %(hour).2d, %(minute).2d, %(second).2d, %(epoch)s"
        ) from None
    return name if name.endswith(".py") else name + ".py"


def _now(tz_name: str | None) -> datetime:
    if not tz_name:
        return datetime.now()
    if tz_name.upper() == "UTC":
        return datetime.now(timezone.utc)
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo(tz_name))
    except Exception as exc:
        raise ConfigError(f"timezone {tz_name!r} is not known ({exc}); use an IANA name like "
                          f"Europe/Paris or UTC") from None


def render_template(template: Path, values: Mapping[str, Any]) -> str:
    """Render the environment's Mako ``script.py.mako`` with ``values``."""
    if not template.is_file():
        raise ConfigError(f"{template} does not exist; every migration environment needs a "
                          f"script.py.mako (run `mig init` to create one)")
    from mako.exceptions import text_error_template  # type: ignore[import-untyped]
    from mako.template import Template  # type: ignore[import-untyped]

    try:
        return str(Template(filename=str(template)).render_unicode(**values))
    except Exception as exc:
        detail = text_error_template().render().strip().splitlines()[-1:]
        raise CommandError(f"rendering {template} failed: {type(exc).__name__}: {exc} "
                           f"{' '.join(detail)}").with_traceback(None) from exc


def _resolve_heads(sd: ScriptDirectory, head: str | Sequence[str], splice: bool,
                   branch_labels: Sequence[str]) -> list[str]:
    rmap = sd.revision_map
    idents = [head] if isinstance(head, str) else list(head)
    heads: list[str] = []
    for ident in idents:
        if ident == "head" and len(rmap.heads) > 1:
            raise MultipleHeadsError(
                f"the graph has several heads ({', '.join(rmap.heads)}); say which one the new "
                f"revision builds on (--head REV or --head LABEL@head), or run `mig merge heads`")
        for rev in rmap.resolve(ident):
            if rev in heads:
                raise CommandError(f"revision {rev} is named twice")
            heads.append(rev)
    for rev in heads:
        if not splice and not rmap.script(rev).is_head:
            raise CommandError(
                f"revision {rev} is not a head; pass --splice to start a new branch from it")
    return heads


def _resolve_depends_on(sd: ScriptDirectory, depends_on: Iterable[str]) -> list[str]:
    rmap = sd.revision_map
    resolved: list[str] = []
    for dep in depends_on:
        if dep in rmap.branch_labels:
            resolved.append(dep)  # keep a label as a label, as Alembic does
        else:
            resolved.append(rmap.resolve_one(dep).revision)
    return resolved


def _choose_location(sd: ScriptDirectory, version_path: str | Path | None,
                     heads: Sequence[str]) -> Path:
    if version_path is not None:
        wanted = Path(version_path)
        if not wanted.is_absolute() and sd.config is not None:
            wanted = sd.config.resolve(wanted)
        for location in sd.version_locations:
            if location.resolve() == wanted.resolve():
                return location
        raise CommandError(
            f"--version-path {version_path} is not one of the version locations "
            f"({', '.join(str(p) for p in sd.version_locations)}); add it to version_locations")
    if len(sd.version_locations) == 1:
        return sd.version_locations[0]
    rmap = sd.revision_map
    for rev in heads:
        script = rmap.script(rev)
        if script.location is not None:
            return script.location
    raise CommandError(
        "there are several version locations; say where the new branch goes with --version-path")


def generate_revision(sd: ScriptDirectory, message: str | None, *, head: str | Sequence[str] = "head",
                      splice: bool = False, branch_labels: str | Sequence[str] | None = None,
                      version_path: str | Path | None = None, rev_id: str | None = None,
                      depends_on: str | Sequence[str] | None = None,
                      template_args: Mapping[str, Any] | None = None) -> Script:
    """Write a new revision script and return it (read back from disk)."""
    rmap = sd.revision_map
    labels = [branch_labels] if isinstance(branch_labels, str) else list(branch_labels or ())
    for label in labels:
        if label in rmap.branch_labels:
            owner = rmap.script(rmap.branch_labels[label])
            raise GraphError(f"branch label {label!r} is already used by {owner.revision} "
                             f"({owner.path}); choose another label")
        if label in rmap:
            raise GraphError(f"branch label {label!r} is the id of a revision; choose another label")
    rev = rev_id or new_rev_id()
    if not _VALID_REV_ID.match(rev):
        raise CommandError(f"revision id {rev!r} may only contain letters, digits and _")
    if rev in rmap:
        raise CommandError(f"revision {rev} already exists ({rmap.script(rev).path}); choose "
                           f"another --rev-id")
    heads = _resolve_heads(sd, head, splice, labels)
    deps = [depends_on] if isinstance(depends_on, str) else list(depends_on or ())
    dependencies = _resolve_depends_on(sd, deps)
    location = _choose_location(sd, version_path, heads)
    create_date = _now(sd.timezone)
    name = file_name(sd.file_template, rev, message, create_date, sd.truncate_slug_length)
    path = location / name
    if len(Path(name).parts) > 1 and not sd.recursive:
        raise ConfigError(
            f"file_template {sd.file_template!r} puts scripts in sub-folders ({name}); set "
            f"recursive_version_locations = true so that mig finds them")
    if path.exists():
        raise CommandError(f"{path} already exists; change the message or file_template")
    values: dict[str, Any] = {
        "up_revision": rev,
        "down_revision": _scalar_or_tuple(heads),
        "branch_labels": tuple(labels) if labels else None,
        "depends_on": _scalar_or_tuple(dependencies),
        "create_date": create_date,
        "message": message,
        "comma": format_as_comma,
        "config": sd.config,
        "upgrades": "pass",
        "downgrades": "pass",
        "imports": "",
    }
    values.update(template_args or {})
    text = render_template(sd.template_path, values)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    log.debug("wrote %s", path)
    try:
        script = sd.refresh().script(rev)
    except Exception:
        log.error("the new script %s breaks the revision graph; fix or delete it", path)
        raise
    return script


def run_post_write_hooks(hooks: Mapping[str, Any], path: Path, cwd: Path | None = None) -> None:
    """Run the configured ``post_write_hooks`` on a freshly written script, in order.

    Each hook is a table with ``type`` (``exec``, ``console_scripts`` or
    ``module``), ``executable`` / ``entrypoint`` / ``module``, and
    ``options`` (where ``REVISION_SCRIPT_FILENAME`` is replaced by the path;
    without it the path is appended). A hook that fails is an error naming it.
    """
    for name, spec in hooks.items():
        if name == "hooks":
            continue
        if not isinstance(spec, Mapping):
            raise ConfigError(f"post_write_hooks.{name} must be a table with at least `type`")
        kind = spec.get("type")
        options = spec.get("options", "")
        args = shlex.split(options) if isinstance(options, str) else [str(o) for o in options]
        if any(FILENAME_TOKEN in a for a in args):
            args = [a.replace(FILENAME_TOKEN, str(path)) for a in args]
        else:
            args.append(str(path))
        if kind == "exec":
            executable = spec.get("executable")
            if not executable:
                raise ConfigError(f"post_write_hooks.{name}: type exec needs `executable`")
            cmd = [str(executable), *args]
        elif kind == "console_scripts":
            entrypoint = spec.get("entrypoint")
            if not entrypoint:
                raise ConfigError(f"post_write_hooks.{name}: type console_scripts needs `entrypoint`")
            cmd = [sys.executable, "-c", _console_script_runner(name, str(entrypoint)), *args]
        elif kind == "module":
            module = spec.get("module")
            if not module:
                raise ConfigError(f"post_write_hooks.{name}: type module needs `module`")
            cmd = [sys.executable, "-m", str(module), *args]
        else:
            raise ConfigError(f"post_write_hooks.{name}: unknown type {kind!r}; use exec, "
                              f"console_scripts or module")
        run_cwd = spec.get("cwd") or cwd
        log.info("post_write_hooks.%s: %s", name, " ".join(cmd))
        try:
            result = subprocess.run(cmd, cwd=run_cwd, capture_output=True, text=True)
        except OSError as exc:
            raise CommandError(f"post_write_hooks.{name}: cannot run {cmd[0]}: {exc.strerror}") from None
        if result.returncode != 0:
            output = (result.stderr or result.stdout).strip().splitlines()
            tail = f": {output[-1]}" if output else ""
            raise CommandError(f"post_write_hooks.{name} failed on {path} (exit status "
                               f"{result.returncode}){tail}")


def _console_script_runner(name: str, entrypoint: str) -> str:
    from importlib.metadata import entry_points

    found = [ep for ep in entry_points(group="console_scripts") if ep.name == entrypoint]
    if not found:
        raise ConfigError(f"post_write_hooks.{name}: no console script {entrypoint!r} is installed")
    module, _, attr = found[0].value.partition(":")
    call = attr.strip() or "main"
    return (f"import sys; sys.argv[0] = {entrypoint!r}; import {module} as _m; "
            f"_f = _m\nfor _p in {call!r}.split('.'): _f = getattr(_f, _p)\nsys.exit(_f())")
