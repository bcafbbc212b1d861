"""What the database reported about one table: SQLAlchemy's inspector dictionaries, kept as they came.

The comparison reads the database with the inspector's bulk calls
(``get_multi_columns``, ``get_multi_indexes`` ...) and compares the models
with their answers directly; it builds no ``Table`` objects for them (that is
most of what ``MetaData.reflect()`` costs). The dictionaries are SQLAlchemy's
documented ``sqlalchemy.engine.interfaces.Reflected*`` types.

Where a SQLAlchemy object of the database's side is needed (a ``drop_table``
whose downgrade re-creates the table, a dropped column, env.py's
``include_object`` and ``compare_type`` callables, which receive reflected
objects as they do in Alembic), :meth:`CompareContext.schema_item
<mig_autogen.compare.context.CompareContext.schema_item>` has SQLAlchemy
reflect the table and hands out its objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.engine.interfaces import (
        ReflectedCheckConstraint,
        ReflectedColumn,
        ReflectedForeignKeyConstraint,
        ReflectedIndex,
        ReflectedPrimaryKeyConstraint,
        ReflectedUniqueConstraint,
    )


def _no_primary_key() -> ReflectedPrimaryKeyConstraint:
    return {"name": None, "constrained_columns": []}


@dataclass(eq=False)
class ReflectedTable:
    """One table of the database, as the inspector described it.

    :param name: the table's name.
    :param schema: its schema (``None`` for the default schema).
    :param columns: the columns by name, in the table's order
        (``ReflectedColumn`` dictionaries: ``type``, ``nullable``,
        ``default`` (SQL text or ``None``), ``comment``, ``autoincrement``,
        ``computed``, ``identity``, ``dialect_options``).
    :param primary_key: ``{"name": ..., "constrained_columns": [...]}``.
    :param foreign_keys: ``ReflectedForeignKeyConstraint`` dictionaries.
    :param indexes: ``ReflectedIndex`` dictionaries, without the indexes a
        database reports for a unique constraint it also reports (SQLAlchemy's
        ``duplicates_constraint``).
    :param unique_constraints: ``ReflectedUniqueConstraint`` dictionaries,
        without those that are only a unique index (``duplicates_index``).
    :param check_constraints: ``ReflectedCheckConstraint`` dictionaries.
    :param comment: the table's comment.
    :param options: the table's dialect options (``mysql_engine``,
        ``mysql_default charset`` ...).
    """

    name: str
    schema: str | None
    columns: dict[str, ReflectedColumn] = field(default_factory=dict)
    primary_key: ReflectedPrimaryKeyConstraint = field(default_factory=_no_primary_key)
    foreign_keys: list[ReflectedForeignKeyConstraint] = field(default_factory=list)
    indexes: list[ReflectedIndex] = field(default_factory=list)
    unique_constraints: list[ReflectedUniqueConstraint] = field(default_factory=list)
    check_constraints: list[ReflectedCheckConstraint] = field(default_factory=list)
    comment: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def primary_key_columns(self) -> tuple[str, ...]:
        """The primary key's column names, in key order."""
        return tuple(self.primary_key.get("constrained_columns") or ())

    def foreign_key_targets(self, column: str) -> tuple[str, ...]:
        """The tables the foreign keys on ``column`` refer to, sorted."""
        return tuple(sorted(fk["referred_table"] for fk in self.foreign_keys
                            if column in fk["constrained_columns"]))


def column_default(column: ReflectedColumn) -> str | None:
    """A reflected column's server default as SQL text (``None``: none)."""
    default = column.get("default")
    if default is None:
        return None
    return default if isinstance(default, str) else str(getattr(default, "text", default))


def default_clause(column: ReflectedColumn) -> Any:
    """A reflected column's server default as a ``text()`` clause for an operation's ``existing_*`` field."""
    from sqlalchemy import text

    default = column_default(column)
    return None if default is None else text(default)
