"""How revisions look on a terminal (Alembic's familiar shape) and in ``--json`` (a stable shape).

Text: ``<parents> -> <rev> (<labels>) (head) (branchpoint) (mergepoint), <message>``.
JSON: one object per revision with the keys of :func:`revision_json`; see
docs/cli.md. Colour is added with ``click.style``; ``click.echo`` drops it
when the output is not a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import click

JSON_KEYS = ("revision", "down_revisions", "dependencies", "branch_labels", "message", "path",
             "create_date", "is_head", "is_base", "is_branch_point", "is_merge_point",
             "next_revisions")


def _tuple(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return sorted(str(v) for v in value) if isinstance(value, (set, frozenset)) else [str(v) for v in value]


def _message(script: Any) -> str:
    message = getattr(script, "message", None)
    if message is None:
        message = (getattr(script, "doc", "") or "").strip().split("\n")[0]
    return str(message or "")


def _is_real_head(script: Any) -> bool:
    value = getattr(script, "is_real_head", None)
    return bool(script.is_head if value is None else value)


def marker(text: str, colour: str) -> str:
    return click.style(text, fg=colour)


def format_revision(script: Any, *, parents: bool = False, branches: bool = False, doc: bool = False,
                    head_markers: bool = True, tree_markers: bool = True, current: bool = False,
                    effective_head: bool = False) -> str:
    """One line for ``script``, e.g. ``ae10 -> 27c6 (head), add accounts``."""
    text = click.style(script.revision, bold=True)
    if parents:
        down = ", ".join(_tuple(script.down_revisions)) or "<base>"
        deps = _tuple(getattr(script, "dependencies", ()))
        text = f"{down} ({', '.join(deps)}) -> {text}" if deps else f"{down} -> {text}"
    labels = _tuple(getattr(script, "branch_labels", ()))
    if branches and labels:
        text += " " + marker(f"({', '.join(labels)})", "cyan")
    if head_markers or tree_markers:
        if _is_real_head(script) and not effective_head:
            text += " " + marker("(head)", "green")
        elif effective_head or script.is_head:
            text += " " + marker("(effective head)", "green")
        if current:
            text += " " + marker("(current)", "yellow")
    if tree_markers:
        if script.is_branch_point:
            text += " " + marker("(branchpoint)", "magenta")
        if script.is_merge_point:
            text += " " + marker("(mergepoint)", "magenta")
    if doc:
        text += f", {_message(script)}"
    return text


def format_verbose(script: Any, *, current: bool = False) -> str:
    """The full entry for ``script``: identifiers, relations, file and docstring."""
    head = ""
    if _is_real_head(script):
        head += " " + marker("(head)", "green")
    if script.is_branch_point:
        head += " " + marker("(branchpoint)", "magenta")
    if script.is_merge_point:
        head += " " + marker("(mergepoint)", "magenta")
    if current:
        head += " " + marker("(current)", "yellow")
    lines = [f"Rev: {click.style(script.revision, bold=True)}{head}"]
    down = _tuple(script.down_revisions)
    if script.is_merge_point:
        lines.append(f"Merges: {', '.join(down)}")
    else:
        lines.append(f"Parent: {', '.join(down) or '<base>'}")
    deps = _tuple(getattr(script, "dependencies", ()))
    if deps:
        lines.append(f"Also depends on: {', '.join(deps)}")
    if script.is_branch_point:
        lines.append(f"Branches into: {', '.join(_tuple(script.nextrev))}")
    labels = _tuple(getattr(script, "branch_labels", ()))
    if labels:
        lines.append(f"Branch names: {', '.join(labels)}")
    lines.append(f"Path: {script.path}")
    lines.append("")
    doc = getattr(script, "longdoc", None) or getattr(script, "doc", "") or ""
    for line in str(doc).strip("\n").splitlines():
        lines.append(f"    {line}".rstrip())
    lines.append("")
    return "\n".join(lines)


def revision_json(script: Any) -> dict[str, Any]:
    """The stable ``--json`` shape of one revision (keys: :data:`JSON_KEYS`)."""
    created = getattr(script, "create_date", None)
    return {
        "revision": script.revision,
        "down_revisions": _tuple(script.down_revisions),
        "dependencies": _tuple(getattr(script, "dependencies", ())),
        "branch_labels": _tuple(getattr(script, "branch_labels", ())),
        "message": _message(script),
        "path": str(script.path) if getattr(script, "path", None) is not None else None,
        "create_date": created.isoformat(sep=" ") if created is not None and hasattr(created, "isoformat") else created,
        "is_head": _is_real_head(script),
        "is_base": bool(script.is_base),
        "is_branch_point": bool(script.is_branch_point),
        "is_merge_point": bool(script.is_merge_point),
        "next_revisions": _tuple(getattr(script, "nextrev", ())),
    }


def echo_json(data: Any) -> None:
    import json

    click.echo(json.dumps(data, indent=2, sort_keys=False))


def echo_lines(lines: Iterable[str]) -> None:
    for line in lines:
        click.echo(line)
