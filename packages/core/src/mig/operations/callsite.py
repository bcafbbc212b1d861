"""Whether the code that called an operation keeps its result.

``op.create_table()`` returns the ``Table`` it created (Alembic's contract:
``t = op.create_table(...); op.bulk_insert(t, rows)``), and building that
``Table`` costs SQLAlchemy more than writing the statement does. Most
scripts call ``op.create_table(...)`` as a statement and throw the result
away; there mig need not build it. On CPython 3.11 and later the caller's
next instruction says so exactly: a call whose result is thrown away is
followed (after its inline caches) by ``POP_TOP``. Anything else (an
assignment, an argument, a ``return``, another interpreter or version,
a frame that cannot be read) counts as "kept".
"""

from __future__ import annotations

import sys

__all__ = ["result_discarded"]

_CHECKED = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] < (3, 15)

if _CHECKED:
    import dis

    _POP_TOP = dis.opmap["POP_TOP"]
    _CACHE = dis.opmap.get("CACHE", 0)


def result_discarded(depth: int = 1) -> bool:
    """Whether the frame ``depth`` levels above the caller throws away the call it is making.

    ``result_discarded(1)`` inside ``Operations.create_table`` asks about the
    script that called ``op.create_table``. ``False`` whenever it cannot be
    known for certain.
    """
    if not _CHECKED:
        return False
    try:
        frame = sys._getframe(depth + 1)
    except ValueError:
        return False
    code = frame.f_code.co_code
    i = frame.f_lasti + 2
    end = len(code)
    while i < end and code[i] == _CACHE:
        i += 2
    return i < end and code[i] == _POP_TOP
