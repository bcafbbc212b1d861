"""Whether the code that called an operation keeps its result.

``op.create_table()`` returns the ``Table`` it created (Alembic's contract:
``t = op.create_table(...); op.bulk_insert(t, rows)``), and building that
``Table`` costs SQLAlchemy more than writing the statement does. Most
scripts call ``op.create_table(...)`` as a statement and throw the result
away; there mig need not build it.

On CPython 3.11 and later the caller's bytecode says so exactly: the call's
instruction is followed (after its inline caches) by ``POP_TOP``, and the
call is the operation's own: an attribute load of its name starts where the
call starts (``co_positions``), as in ``op.create_table(...)``, unlike
``any(map(op.create_table, names))``, where C code would use the results.
Anything else (an assignment, an argument, a ``return``, another
interpreter or version, a frame that cannot be read) counts as "kept".
"""

from __future__ import annotations

import sys

__all__ = ["result_discarded"]

_CHECKED = sys.implementation.name == "cpython" and (3, 11) <= sys.version_info[:2] < (3, 15)

#: 3.12+: LOAD_ATTR's oparg is namei << 1 (the low bit asks for a method).
_ATTR_SHIFT = 1 if sys.version_info >= (3, 12) else 0
# Opcodes, read from ``opcode`` on first use (not at import: runs that never ask pay nothing).
_POP_TOP = _CACHE = _EXTENDED_ARG = _LOAD_METHOD = _LOAD_ATTR = -1


def _load_opcodes() -> None:
    global _POP_TOP, _CACHE, _EXTENDED_ARG, _LOAD_METHOD, _LOAD_ATTR
    import opcode

    _CACHE = opcode.opmap.get("CACHE", 0)
    _EXTENDED_ARG = opcode.opmap["EXTENDED_ARG"]
    _LOAD_METHOD = opcode.opmap.get("LOAD_METHOD", -1)  # a real instruction in 3.11 only
    if _LOAD_METHOD > 255:  # 3.12+: a pseudo-instruction of the compiler, never in co_code
        _LOAD_METHOD = -1
    _LOAD_ATTR = opcode.opmap["LOAD_ATTR"]
    _POP_TOP = opcode.opmap["POP_TOP"]


def result_discarded(depth: int, name: str) -> bool:
    """Whether the frame ``depth`` levels above the caller calls ``<obj>.<name>(...)`` and drops the result.

    ``result_discarded(1, "create_table")`` inside ``Operations.create_table``
    asks about the script line that called ``op.create_table``. ``False``
    whenever it cannot be known for certain.
    """
    if not _CHECKED:
        return False
    if _POP_TOP < 0:
        _load_opcodes()
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
    return _calls_attribute(code, last, name)


def _calls_attribute(code: object, call: int, name: str) -> bool:
    """Whether an attribute load of ``name`` before offset ``call`` starts where that call starts."""
    raw: bytes = code.co_code  # type: ignore[attr-defined]
    names: tuple[str, ...] = code.co_names  # type: ignore[attr-defined]
    if name not in names:
        return False
    index = names.index(name)  # co_names holds each name once
    if (index << _ATTR_SHIFT | _ATTR_SHIFT) > 255:  # the argument would need EXTENDED_ARG
        return _calls_attribute_scan(code, call, name)
    # The loads of ``name``: found by byte search (C speed); an even offset is an instruction
    # (code units are two bytes) and no EXTENDED_ARG before it means the argument is exactly this.
    loads: list[int] = []
    for opcode_ in (_LOAD_METHOD, _LOAD_ATTR):
        if opcode_ < 0:
            continue
        args = (index,) if opcode_ == _LOAD_METHOD or not _ATTR_SHIFT else (index << 1, index << 1 | 1)
        for arg in args:
            pattern = bytes((opcode_, arg))
            at = raw.find(pattern, 0, call)
            while at != -1:
                if at % 2 == 0 and (at == 0 or raw[at - 2] != _EXTENDED_ARG):
                    loads.append(at)
                at = raw.find(pattern, at + 1, call)
    if not loads:
        return False
    positions = list(code.co_positions())  # type: ignore[attr-defined]
    start = positions[call // 2]
    if start[0] is None:
        return False
    return any(positions[at // 2][0] == start[0] and positions[at // 2][2] == start[2] for at in loads)


def _calls_attribute_scan(code: object, call: int, name: str) -> bool:
    """:func:`_calls_attribute` instruction by instruction (a name index that needs EXTENDED_ARG)."""
    raw: bytes = code.co_code  # type: ignore[attr-defined]
    names: tuple[str, ...] = code.co_names  # type: ignore[attr-defined]
    loads: list[tuple[int | None, int | None]] = []  # where each load of ``name`` starts
    ext = 0
    positions = code.co_positions()  # type: ignore[attr-defined]
    for offset, pos in zip(range(0, call + 2, 2), positions, strict=False):
        if offset == call:
            return (pos[0], pos[2]) in loads if pos[0] is not None else False
        op = raw[offset]
        if op == _EXTENDED_ARG:
            ext = (ext | raw[offset + 1]) << 8
            continue
        oparg, ext = ext | raw[offset + 1], 0
        if op in (_LOAD_METHOD, _LOAD_ATTR):
            index = oparg >> _ATTR_SHIFT if op == _LOAD_ATTR else oparg
            if index < len(names) and names[index] == name:
                loads.append((pos[0], pos[2]))
    return False
