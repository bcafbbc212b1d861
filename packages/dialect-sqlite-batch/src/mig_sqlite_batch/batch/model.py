"""The table a batch produces, as plain data: columns, constraints, indexes, options.

A :class:`TableModel` starts as a description of the existing table (see
:mod:`.source`) and each operation inside the batch edits it (see
:mod:`.apply`). Every column remembers which old column fills it, so the
row copy knows what to select. Nothing here talks to a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["primary", "unique", "check", "foreignkey"]


@dataclass
class ColumnSpec:
    """One column of the new table and the old column that fills it (``None``: a new column)."""

    name: str
    type: Any
    nullable: bool = True
    server_default: Any = None          # a DefaultClause / text / str, or None
    comment: str | None = None
    autoincrement: Any = "auto"
    computed: Any = None
    identity: Any = None
    source: str | None = None
    #: Set when the column's type changed (generic dialects CAST on copy).
    type_changed: bool = False
    #: The type the old column had, when the type changed (SQLite CASTs across affinities).
    source_type: Any = None
    #: An explicit SQL expression to fill the column from (the dialect's ``type_change_using``).
    using: str | None = None


@dataclass
class ConstraintSpec:
    """A primary key, unique, check or foreign key constraint of the new table."""

    kind: Kind
    name: str | None
    columns: list[str] = field(default_factory=list)
    sqltext: Any = None                 # check constraints
    ref_table: str | None = None        # foreign keys
    ref_schema: str | None = None
    ref_columns: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)   # onupdate, ondelete, deferrable ...
    kw: dict[str, Any] = field(default_factory=dict)        # dialect options
    #: The name the batch's naming convention gives an unnamed constraint (for drop by name).
    conv_name: str | None = None

    def matches(self, name: str) -> bool:
        return self.name == name or (self.name is None and self.conv_name == name)

    def label(self) -> str:
        return self.name or self.conv_name or f"unnamed {self.kind} on ({', '.join(self.columns)})"


@dataclass
class IndexSpec:
    """An index to recreate after the copy.

    ``sql`` is the index's own ``CREATE INDEX`` text (SQLite keeps it); it is
    reused verbatim while no column it uses was renamed. ``columns`` is
    ``None`` when the index has expressions whose columns are unknown.
    """

    name: str | None
    expressions: list[Any] = field(default_factory=list)   # column names or SQL expressions
    unique: bool = False
    kw: dict[str, Any] = field(default_factory=dict)
    sql: str | None = None
    columns: set[str] | None = None


@dataclass
class TableModel:
    """Everything needed to create the new table and fill it from the old one."""

    name: str
    schema: str | None = None
    columns: list[ColumnSpec] = field(default_factory=list)
    constraints: list[ConstraintSpec] = field(default_factory=list)
    indexes: list[IndexSpec] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    comment: str | None = None
    extra_args: list[Any] = field(default_factory=list)

    # -- lookups ------------------------------------------------------------------------

    def column(self, name: str) -> ColumnSpec | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None

    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def primary_key(self) -> ConstraintSpec | None:
        for cons in self.constraints:
            if cons.kind == "primary":
                return cons
        return None

    def snapshot(self) -> TableModel:
        """A copy whose lists and specs later edits do not touch."""
        from dataclasses import replace

        return TableModel(
            name=self.name, schema=self.schema,
            columns=[replace(c) for c in self.columns],
            constraints=[replace(c, columns=list(c.columns), ref_columns=list(c.ref_columns),
                                 options=dict(c.options), kw=dict(c.kw)) for c in self.constraints],
            indexes=[replace(i, expressions=list(i.expressions), kw=dict(i.kw),
                             columns=set(i.columns) if i.columns is not None else None)
                     for i in self.indexes],
            kwargs=dict(self.kwargs), comment=self.comment, extra_args=list(self.extra_args),
        )

    def copied_columns(self) -> list[ColumnSpec]:
        """Columns filled from the old table, in the new table's order."""
        return [c for c in self.columns
                if (c.source is not None or c.using is not None) and c.computed is None]


_IDENT = r"(?<![\w$])(?:\"{0}\"|`{0}`|\[{0}\]|{0})(?![\w$])"


def mentions(sql: str, name: str) -> bool:
    """Whether SQL text names ``name`` as an identifier (bare or quoted), case-insensitively."""
    return re.search(_IDENT.format(re.escape(name)), sql, re.IGNORECASE) is not None


def rename_identifier(sql: str, old: str, new: str) -> str:
    """SQL text with every mention of identifier ``old`` replaced by ``new`` (quoted as ``old`` was)."""
    def repl(m: re.Match[str]) -> str:
        text = m.group(0)
        if text[0] in "\"`[":
            close = {"\"": "\"", "`": "`", "[": "]"}[text[0]]
            return f"{text[0]}{new}{close}"
        return new
    return re.sub(_IDENT.format(re.escape(old)), repl, sql, flags=re.IGNORECASE)


__all__ = ["ColumnSpec", "ConstraintSpec", "IndexSpec", "Kind", "TableModel", "mentions",
           "rename_identifier"]
