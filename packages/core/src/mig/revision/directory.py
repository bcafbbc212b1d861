"""The script directory: finds the scripts of every version location and builds the graph."""

from __future__ import annotations

import os
import types
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mig.errors import CommandError, ConfigError, MigError, RangeNotAncestorError, ScriptError
from mig.revision.cache import LocationCache
from mig.revision.graph import RevisionMap, check_script_source, split_range
from mig.revision.parse import ScriptSource, normalise_down, normalise_names, parse_source
from mig.revision.script import Script

if TYPE_CHECKING:
    from mig.config import Config
    from mig.revision.plan import Step

TEMPLATE_NAME = "script.py.mako"


def _is_script_name(name: str) -> bool:
    return name.endswith(".py") and not name.startswith((".", "__init__"))


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


class ScriptDirectory:
    """The migration environment's scripts: ``script_location`` and its version locations."""

    def __init__(self, dir: str | os.PathLike[str], version_locations: Sequence[str | os.PathLike[str]] | None = None,
                 *, recursive: bool = False, config: Config | None = None,
                 file_template: str = "%(rev)s_%(slug)s", truncate_slug_length: int = 40,
                 timezone: str | None = None) -> None:
        self.dir = Path(dir)
        locations = version_locations if version_locations else [self.dir / "versions"]
        self.version_locations = [Path(p) for p in locations]
        self.recursive = recursive
        self.config = config
        self.file_template = file_template
        self.truncate_slug_length = truncate_slug_length
        self.timezone = timezone
        self._map: RevisionMap | None = None

    @classmethod
    def from_config(cls, config: Config) -> ScriptDirectory:
        return cls(
            config.script_location,
            config.version_locations,
            recursive=bool(config.get("recursive_version_locations", False)),
            config=config,
            file_template=config.file_template,
            truncate_slug_length=config.truncate_slug_length,
            timezone=config.get("timezone"),
        )

    # -- reading -------------------------------------------------------------

    @property
    def versions(self) -> Path:
        """The first version location (where new scripts go by default)."""
        return self.version_locations[0]

    @property
    def template_path(self) -> Path:
        return self.dir / TEMPLATE_NAME

    @property
    def revision_map(self) -> RevisionMap:
        """The validated graph (read on first use)."""
        if self._map is None:
            scripts, caches = self._read_locations()
            # The same files as a graph that passed validation: no need to look for cycles again.
            trusted = bool(caches) and all(c.unchanged and c.was_validated for c in caches)
            try:
                rmap = RevisionMap(scripts, acyclic=trusted)
            except MigError:
                for cache in caches:
                    cache.save(validated=False)
                raise
            for cache in caches:
                cache.save(validated=True)
            self._map = rmap
        return self._map

    def refresh(self) -> RevisionMap:
        """Forget the graph and read the scripts again."""
        self._map = None
        return self.revision_map

    def _files(self, location: Path) -> list[tuple[str, os.DirEntry[str]]]:
        """The script files of ``location`` (and its sub-folders when recursive), by relative path."""
        found: list[tuple[str, os.DirEntry[str]]] = []
        stack = [("", location)]
        recursive = self.recursive
        while stack:
            prefix, folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=_name)
            except FileNotFoundError:
                raise ConfigError(
                    f"version location {folder} does not exist; create it or fix "
                    f"script_location / version_locations") from None
            for entry in entries:
                name = entry.name
                if name.endswith(".py") and _is_script_name(name) and entry.is_file():
                    found.append((prefix + name, entry))
                elif (recursive and entry.is_dir() and name != "__pycache__"
                      and not name.startswith(".")):
                    stack.append((f"{prefix}{name}/", Path(entry.path)))
        return found

    def _read_locations(self) -> tuple[list[Script], list[LocationCache]]:
        scripts: list[Script] = []
        caches: list[LocationCache] = []
        for location in self.version_locations:
            cache = LocationCache(location)
            caches.append(cache)
            files = self._files(location)
            stats = [entry.stat() for _, entry in files]
            cached = cache.lookup([(relpath, st.st_mtime_ns, st.st_size)
                                   for (relpath, _), st in zip(files, stats, strict=True)])
            for (relpath, entry), st, data in zip(files, stats, cached, strict=True):
                if data is None:
                    try:
                        with open(entry.path, "rb") as fh:
                            raw = fh.read()
                    except OSError as exc:
                        raise ScriptError(f"cannot read {entry.path}: {exc.strerror}") from None
                    parsed = parse_source(raw, entry.path)
                    cache.put(relpath, st.st_mtime_ns, st.st_size, parsed)
                    data = parsed.to_tuple()
                revision, down, labels, depends, doc, dynamic = data
                module = None
                if dynamic:
                    source, module = self._source_by_import(Path(entry.path), ScriptSource.from_tuple(data))
                    revision, down, labels, depends = (source.revision, source.down_revision,
                                                       source.branch_labels, source.depends_on)
                if not revision:
                    check_script_source(revision, entry.path)
                script = Script(revision, down, entry.path, doc, labels, depends, location)
                if module is not None:
                    script._mig_module = module
                scripts.append(script)
        return scripts, caches

    def _source_by_import(self, path: Path, source: ScriptSource) -> tuple[ScriptSource, types.ModuleType]:
        from mig import pyfile

        module = pyfile.load(path, "versions")
        where = str(path)
        return ScriptSource(
            revision=getattr(module, "revision", None),
            down_revision=normalise_down(getattr(module, "down_revision", None), where),
            branch_labels=normalise_names(getattr(module, "branch_labels", None), "branch_labels", where),
            depends_on=normalise_names(getattr(module, "depends_on", None), "depends_on", where),
            doc=source.doc,
        ), module

    def load_module(self, script: Script) -> types.ModuleType:
        """Import ``script``'s module (once per script object) so that it can run."""
        return script.load_module()

    # -- questions -------------------------------------------------------------

    def get_revision(self, ident: str, current: Iterable[str] = ()) -> Script:
        """The one script ``ident`` names: an id, a unique prefix, a label, ``head``, ``LABEL@head`` ..."""
        return self.revision_map.resolve_one(ident, current)

    def get_revisions(self, ident: str, current: Iterable[str] = ()) -> list[Script]:
        """Every script ``ident`` names (``heads`` gives several, ``base`` none)."""
        rmap = self.revision_map
        return [rmap.script(rev) for rev in rmap.resolve(ident, current)]

    def get_heads(self) -> list[str]:
        return list(self.revision_map.heads)

    def get_bases(self) -> list[str]:
        return list(self.revision_map.bases)

    def get_current_head(self) -> str | None:
        """The single head (``None`` for an empty graph); several heads are an error."""
        heads = self.revision_map.resolve("head")
        return heads[0] if heads else None

    def get_base(self) -> str | None:
        """The one base (``None`` for an empty graph); several bases are an error (use :meth:`get_bases`)."""
        bases = self.get_bases()
        if len(bases) > 1:
            raise CommandError(f"the script directory has {len(bases)} bases ({', '.join(sorted(bases))}); "
                               f"use get_bases()")
        return bases[0] if bases else None

    # -- Alembic's names for walking and resolving -------------------------------

    def walk_revisions(self, base: str = "base", head: str = "heads") -> Iterator[Script]:
        """Every script from ``head`` down to ``base``, both included, newest first (:meth:`walk`)."""
        return self.walk(head, base)

    def iterate_revisions(self, upper: str, lower: str, *, inclusive: bool = False) -> Iterator[Script]:
        """The scripts from ``upper`` down to ``lower``, newest first; ``lower`` itself only with
        ``inclusive`` (as Alembic's ``iterate_revisions``)."""
        lowers = set() if lower in ("base", "") else set(self.revision_map.resolve(lower))
        for script in self.walk(upper, lower):
            if inclusive or script.revision not in lowers:
                yield script

    def get_all_current(self, revisions: Iterable[str]) -> set[Script]:
        """The heads of what ``revisions`` (version rows) say is applied, dependencies included."""
        rmap = self.revision_map
        return {rmap.script(rev) for rev in rmap.applied_heads(revisions)}

    def as_revision_number(self, ident: str | None) -> str | tuple[str, ...] | None:
        """``heads`` as a tuple of revision ids; ``head``, ``LABEL@head`` as one id; ``base`` as
        ``None``; any other identifier as given (Alembic's answers)."""
        if ident in (None, "", "base"):
            return None
        assert ident is not None
        if ident not in ("head", "heads") and not ident.endswith("@head"):
            return ident
        revs = self.revision_map.resolve(ident)
        if not revs:
            return None
        return tuple(revs) if ident == "heads" else revs[0]

    # -- planning --------------------------------------------------------------

    def plan_upgrade(self, current: Iterable[str], target: str) -> list[Step]:
        from mig.revision import plan as _plan

        return _plan.plan_upgrade(self.revision_map, current, target)

    def plan_downgrade(self, current: Iterable[str], target: str) -> list[Step]:
        from mig.revision import plan as _plan

        return _plan.plan_downgrade(self.revision_map, current, target)

    def plan_stamp(self, current: Iterable[str], targets: Sequence[str], purge: bool = False) -> list[Step]:
        from mig.revision import plan as _plan

        return _plan.plan_stamp(self.revision_map, current, targets, purge)

    def walk(self, upper: str = "heads", lower: str = "base", current: Iterable[str] = ()) -> Iterator[Script]:
        """Scripts from ``upper`` down to ``lower`` (both included), newest first.

        ``current`` (the version rows) serves relative ends (``-2``) and ``current``.
        """
        rmap = self.revision_map
        rows = tuple(current)
        uppers = rows if upper == "current" else rmap.resolve(upper, rows)
        members = rmap.ancestors(uppers)
        if lower not in ("base", ""):
            lowers = rows if lower == "current" else rmap.resolve(lower, rows)
            if lowers:
                above = rmap.descendants(lowers)
                for low in lowers:
                    if low not in members:
                        raise RangeNotAncestorError(
                            f"revision {low} is not an ancestor of {upper} "
                            f"({', '.join(uppers) or 'base'}); swap the two ends of the range")
                members &= above
        for rev in rmap.sort(members, up=False):
            yield rmap.script(rev)

    def walk_range(self, rev_range: str | None, current: Iterable[str] = ()) -> list[Script]:
        """``history -r LOWER:UPPER`` (either side may be empty)."""
        if rev_range is None:
            return list(self.walk("heads", "base", current))
        lower, upper = split_range(rev_range)
        return list(self.walk(upper or "heads", lower or "base", current))

    # -- writing -----------------------------------------------------------------

    def generate_revision(self, message: str | None = None, **kw: Any) -> Script:
        """Write a new script; see :func:`mig.revision.write.generate_revision`."""
        from mig.revision.write import generate_revision

        return generate_revision(self, message, **kw)
