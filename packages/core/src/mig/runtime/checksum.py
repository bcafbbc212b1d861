"""The checksum of a migration script: sha256 of its normalized source.

Normalizing makes the checksum say whether the *code* changed, not whether
an editor touched the file: line endings (``\\r\\n``, ``\\r``, ``\\n``) are
all one, blanks at the end of a line and blank lines at the end of the file
do not count. Anything else (a changed statement, an added comment, a
changed indentation) gives another checksum.
"""

from __future__ import annotations

import hashlib
import os

#: The length of a checksum (hex sha256), the width of the log table's column.
CHECKSUM_LENGTH = 64


def normalize_source(source: bytes) -> bytes:
    """``source`` with ``\\n`` line ends, no trailing blanks on any line, no blank lines at the end."""
    lines = [line.rstrip() for line in source.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return b"\n".join(lines)


def source_checksum(source: bytes) -> str:
    """The hex sha256 of ``source`` once normalized (:func:`normalize_source`)."""
    return hashlib.sha256(normalize_source(source)).hexdigest()


def file_checksum(path: str | os.PathLike[str]) -> str | None:
    """The checksum of the file at ``path``, or ``None`` when it cannot be read (it vanished)."""
    try:
        with open(path, "rb") as fh:
            return source_checksum(fh.read())
    except OSError:
        return None


__all__ = ["CHECKSUM_LENGTH", "file_checksum", "normalize_source", "source_checksum"]
