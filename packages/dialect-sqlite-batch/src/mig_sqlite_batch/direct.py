"""SQLite's direct DDL: plain statements as SQLAlchemy's SQLite compiler writes them.

See :mod:`mig.ddl.direct`. SQLite's compiler differs from the base one in
two ways that matter for plain columns: a default that is neither quoted nor
parenthesised and contains a non-word character is wrapped in parentheses,
and nothing else follows ``NOT NULL`` (no ``ON CONFLICT`` clause: columns
with SQLite dialect options are not plain).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sqlalchemy.dialects.sqlite.base import SQLiteDDLCompiler

from mig.ddl.direct import DirectDDL

if TYPE_CHECKING:
    from sqlalchemy import Column

_QUOTED_OR_PARENTHESISED = re.compile(r"""^\s*[\'\"\(]""")
_HAS_NON_WORD = re.compile(r".*\W.*")


class SqliteDirectDDL(DirectDDL):
    """Direct DDL for ``SQLiteDDLCompiler``."""

    ddl_compiler = SQLiteDDLCompiler

    def column_spec(self, column: Column[Any]) -> str | None:
        spec = f"{self.quote(column.name)} {self.type_sql(column.type, type_expression=column)}"
        default = self.default_sql(column)
        if default is not None:
            if not _QUOTED_OR_PARENTHESISED.match(default) and _HAS_NON_WORD.match(default):
                spec += f" DEFAULT ({default})"
            else:
                spec += f" DEFAULT {default}"
        if not column.nullable:
            spec += " NOT NULL"
        return spec


__all__ = ["SqliteDirectDDL"]
