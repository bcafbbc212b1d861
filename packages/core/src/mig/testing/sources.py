"""Reading Python sources in tests that check the code itself (the architecture and hookspec tests)."""

from __future__ import annotations

import ast
import gc


def parse_source(source: str, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse`` with the garbage collector paused: on CPython 3.11.7 a finalizer that runs
    during parsing (a connection an earlier test leaked) fails it with "AST constructor recursion
    depth mismatch"."""
    gc.disable()
    try:
        return ast.parse(source, filename)
    finally:
        gc.enable()


__all__ = ["parse_source"]
