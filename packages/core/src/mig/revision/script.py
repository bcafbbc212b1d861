"""One migration script: its identifiers, its place in the graph, and its file."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from mig.revision.parse import create_date_of, message_of

if TYPE_CHECKING:
    from datetime import datetime
    from types import ModuleType


class Script:
    """A revision in the graph.

    Identity attributes come from the script's source; the graph attributes
    (``dependencies``, ``nextrev``, ``dependents``, inherited
    ``branch_labels``) are filled in by :class:`~mig.revision.graph.RevisionMap`.
    """

    __slots__ = (
        "_children",
        "_downs",
        "_file",
        "_mig_module",
        "_parents",
        "_path",
        "branch_labels",
        "declared_branch_labels",
        "dependencies",
        "dependents",
        "depends_on",
        "down_revision",
        "location",
        "longdoc",
        "nextrev",
        "revision",
    )

    revision: str
    #: ``down_revision`` exactly as the script declares it: ``None``, an id, or a tuple (a merge).
    down_revision: str | tuple[str, ...] | None
    #: The whole docstring, stripped.
    longdoc: str
    #: Labels the script itself declares.
    declared_branch_labels: tuple[str, ...]
    #: ``depends_on`` as declared (ids or branch labels).
    depends_on: tuple[str, ...]
    #: The resolved ids of ``depends_on``.
    dependencies: tuple[str, ...]
    #: Declared plus inherited labels (a label covers its branch, as in Alembic).
    branch_labels: frozenset[str]
    #: Revisions whose ``down_revision`` names this one.
    nextrev: frozenset[str]
    #: Revisions whose ``depends_on`` names this one.
    dependents: frozenset[str]
    #: The version location (folder) the file lives in.
    location: Path | None

    def __init__(self, revision: str, down_revision: str | tuple[str, ...] | None,
                 path: str | os.PathLike[str], doc: str = "",
                 declared_branch_labels: tuple[str, ...] = (), depends_on: tuple[str, ...] = (),
                 location: Path | None = None) -> None:
        self.revision = revision
        self.down_revision = down_revision
        if down_revision is None:
            self._downs: tuple[str, ...] = ()
        elif isinstance(down_revision, str):
            self._downs = (down_revision,)
        else:
            self._downs = tuple(down_revision)
        self._file = os.fspath(path)
        self._path: Path | None = None
        #: The module once the script has been imported (:meth:`load_module`).
        self._mig_module: ModuleType | None = None
        self.longdoc = doc
        self.declared_branch_labels = declared_branch_labels
        self.depends_on = depends_on
        self.dependencies = ()
        self.branch_labels = frozenset()
        self.nextrev = frozenset()
        self.dependents = frozenset()
        self.location = location
        self._parents: tuple[str, ...] = ()
        self._children: tuple[str, ...] = ()

    @property
    def path(self) -> Path:
        """The script's file."""
        if self._path is None:
            self._path = Path(self._file)
        return self._path

    # -- graph shape ---------------------------------------------------------

    @property
    def down_revisions(self) -> tuple[str, ...]:
        """``down_revision`` as a tuple (empty for a base)."""
        return self._downs

    @property
    def parents(self) -> tuple[str, ...]:
        """Everything that must be applied before this revision: down_revisions, then dependencies."""
        return self._parents

    @property
    def is_base(self) -> bool:
        return self.down_revision is None

    @property
    def is_head(self) -> bool:
        """No revision has this one as ``down_revision`` (dependents do not count, as in Alembic)."""
        return not self.nextrev

    @property
    def is_real_head(self) -> bool:
        """No revision builds on this one, through ``down_revision`` or ``depends_on``."""
        return not self.nextrev and not self.dependents

    @property
    def is_branch_point(self) -> bool:
        return len(self.nextrev) > 1

    @property
    def is_merge_point(self) -> bool:
        return len(self._downs) > 1

    # -- documentation -------------------------------------------------------

    @property
    def doc(self) -> str:
        """The first paragraph of the docstring (as Alembic's ``Script.doc``)."""
        return re.split(r"\n\s*\n", self.longdoc, maxsplit=1)[0] if self.longdoc else ""

    @property
    def message(self) -> str:
        """The first paragraph of the docstring, on one line."""
        return message_of(self.longdoc)

    @property
    def create_date(self) -> datetime | None:
        return create_date_of(self.longdoc)

    def load_module(self) -> ModuleType:
        """The script's module: imported on first use, then the same object for the script's life."""
        module = self._mig_module
        if module is None:
            from mig import pyfile

            module = self._mig_module = pyfile.load(self.path, "versions")
        return module

    @property
    def module_name(self) -> str:
        return self.path.stem

    def __repr__(self) -> str:
        return f"Script({self.revision!r}, down_revision={self.down_revision!r}, path={self._file!r})"

    def __str__(self) -> str:
        down = ", ".join(self.down_revisions) or "<base>"
        return f"{down} -> {self.revision}, {self.message}"
