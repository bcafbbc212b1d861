"""Whether the code that called an operation keeps its result.

``op.create_table()`` returns the ``Table`` it created (Alembic's contract:
``t = op.create_table(...); op.bulk_insert(t, rows)``), and building that
``Table`` costs SQLAlchemy more than writing the statement does. Most
scripts call ``op.create_table(...)`` as a statement and throw the result
away; there mig need not build it.

On CPython 3.11 and later the caller's code says so exactly: the call's
instruction is followed (after its inline caches) by ``POP_TOP``, and the
source span of that call (``co_positions``) is the call of the operation
itself, ``<anything>.create_table(...)``, not an outer call such as
``any(map(op.create_table, names))`` whose C code would use the results.
Anything else (an assignment, an argument, a ``return``, another
interpreter or version, a frame or source that cannot be read) counts as
"kept".
"""

from __future__ import annotations

import re
import sys

__all__ = ["result_discarded"]

_CHECKED = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] < (3, 15)

if _CHECKED:
    import dis
    import itertools
    import linecache

    _POP_TOP = dis.opmap["POP_TOP"]
    _CACHE = dis.opmap.get("CACHE", 0)

_CALLS: dict[str, re.Pattern[str]] = {}


def result_discarded(depth: int, name: str) -> bool:
    """Whether the frame ``depth`` levels above the caller calls ``…name(...)`` and drops the result.

    ``result_discarded(1, "create_table")`` inside ``Operations.create_table``
    asks about the script line that called ``op.create_table``. ``False``
    whenever it cannot be known for certain.
    """
    if not _CHECKED:
        return False
    try:
        frame = sys._getframe(depth + 1)
    except ValueError:
        return False
    code = frame.f_code
    raw = code.co_code
    last = frame.f_lasti
    i = last + 2
    end = len(raw)
    while i < end and raw[i] == _CACHE:
        i += 2
    if i >= end or raw[i] != _POP_TOP:
        return False
    try:
        line, _, column, _ = next(itertools.islice(code.co_positions(), last // 2, None))
    except StopIteration:
        return False
    if line is None or column is None:
        return False
    text = linecache.getline(code.co_filename, line, frame.f_globals)
    pattern = _CALLS.get(name)
    if pattern is None:
        pattern = _CALLS[name] = re.compile(rf"[\w.\s]*\b{re.escape(name)}\s*\(")
    return pattern.match(text, column) is not None
