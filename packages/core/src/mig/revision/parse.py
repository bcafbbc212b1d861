"""Read a migration script's identifiers from its source, without running it.

A script declares ``revision``, ``down_revision``, ``branch_labels`` and
``depends_on`` as module-level assignments (plain or annotated, as Alembic
writes them). :func:`parse_source` finds them with :mod:`ast`. A value that is
not a literal (``down_revision = OTHER``) cannot be read this way; the result
then says ``dynamic`` and the script directory imports the module instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ast
    from datetime import datetime

from mig.errors import ScriptError

#: The module-level names a script declares.
IDENTIFIER_NAMES = ("revision", "down_revision", "branch_labels", "depends_on")

_CREATE_DATE = re.compile(r"^\s*Create Date:\s*(.+?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class ScriptSource:
    """What a script's source declares; plain data, so it can be cached."""

    revision: str | None
    down_revision: str | tuple[str, ...] | None
    branch_labels: tuple[str, ...]
    depends_on: tuple[str, ...]
    doc: str
    #: True when some identifier is not a literal and the module must be imported to know it.
    dynamic: bool = False

    def to_tuple(self) -> tuple[Any, ...]:
        return (self.revision, self.down_revision, self.branch_labels, self.depends_on,
                self.doc, self.dynamic)

    @classmethod
    def from_tuple(cls, data: tuple[Any, ...]) -> ScriptSource:
        revision, down, labels, depends, doc, dynamic = data
        if isinstance(down, list):
            down = tuple(down)
        return cls(revision, down, tuple(labels), tuple(depends), doc, bool(dynamic))


class _Dynamic(Exception):
    pass


def _literal(node: ast.expr) -> Any:
    import ast
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, str)):
        return node.value
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        items = []
        for elt in node.elts:
            if not (isinstance(elt, ast.Constant) and isinstance(elt.value, str)):
                raise _Dynamic
            items.append(elt.value)
        return tuple(items)
    raise _Dynamic


def normalise_down(value: Any, where: str) -> str | tuple[str, ...] | None:
    """``down_revision`` as ``None``, one id, or a tuple of ids (a merge)."""
    if value is None or value == () or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (tuple, list, set, frozenset)) and all(isinstance(v, str) for v in value):
        items = tuple(value)
        return items[0] if len(items) == 1 else items
    raise ScriptError(f"{where}: down_revision must be None, a string or a tuple of strings, "
                      f"not {value!r}")


def normalise_names(value: Any, name: str, where: str) -> tuple[str, ...]:
    """``branch_labels`` / ``depends_on`` as a tuple of strings."""
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (tuple, list, set, frozenset)) and all(isinstance(v, str) for v in value):
        return tuple(sorted(value)) if isinstance(value, (set, frozenset)) else tuple(value)
    raise ScriptError(f"{where}: {name} must be None, a string or a tuple of strings, not {value!r}")


def parse_source(source: str | bytes, path: str) -> ScriptSource:
    """Read the identifiers and docstring of the script at ``path`` from ``source``.

    Raises :class:`ScriptError` naming the file and line when the source is
    not valid Python, and when a value has the wrong type.
    """
    import ast
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        line = f", line {exc.lineno}" if exc.lineno else ""
        raise ScriptError(f"{path}{line}: not valid Python ({exc.msg}); fix the script") from None
    except ValueError as exc:  # e.g. null bytes
        raise ScriptError(f"{path}: not valid Python ({exc}); fix the script") from None
    values: dict[str, Any] = {}
    dynamic = False
    for stmt in tree.body:
        targets: list[ast.expr]
        value: ast.expr | None
        if isinstance(stmt, ast.Assign):
            targets, value = list(stmt.targets), stmt.value
        elif isinstance(stmt, ast.AnnAssign):
            targets, value = [stmt.target], stmt.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in IDENTIFIER_NAMES:
                if value is None:  # `revision: str` without a value
                    continue
                try:
                    values[target.id] = _literal(value)
                    values.pop("_dynamic_" + target.id, None)
                except _Dynamic:
                    values["_dynamic_" + target.id] = True
    dynamic = any(key.startswith("_dynamic_") for key in values)
    doc = ast.get_docstring(tree, clean=False) or ""
    revision = values.get("revision")
    if revision is not None and not isinstance(revision, str):
        raise ScriptError(f"{path}: revision must be a string, not {revision!r}")
    return ScriptSource(
        revision=revision,
        down_revision=normalise_down(values.get("down_revision"), path),
        branch_labels=normalise_names(values.get("branch_labels"), "branch_labels", path),
        depends_on=normalise_names(values.get("depends_on"), "depends_on", path),
        doc=doc.strip(),
        dynamic=dynamic,
    )


def message_of(doc: str) -> str:
    """The first paragraph of a docstring, on one line (what ``history`` shows)."""
    first = re.split(r"\n\s*\n", doc.strip(), maxsplit=1)[0] if doc else ""
    return " ".join(first.split())


def create_date_of(doc: str) -> datetime | None:
    """The ``Create Date:`` line of a docstring, if there is one that parses."""
    from datetime import datetime

    match = _CREATE_DATE.search(doc)
    if not match:
        return None
    text = match.group(1)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d %H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M:%S.%f",
                "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    return None
