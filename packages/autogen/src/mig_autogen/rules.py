"""The comparison rules of one database: what counts as "the same" when models meet reflection.

Reflection never gives back exactly what the models declared: PostgreSQL
writes ``'x'::character varying`` for a default of ``'x'``, MySQL reflects
``Boolean`` as ``TINYINT(1)``, SQLite keeps the default's text as written.
A dialect plugin answers these questions by subclassing :class:`DialectRules`
and returning an instance from the ``mig_autogen_dialect_rules`` hook; the
generic rules below serve a database no plugin speaks for.

Each public method is an override point, documented like a hook: purpose,
**Called by:**, each parameter, **Return:**. A method returning ``None``
means "no opinion": the generic comparison decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Column
    from sqlalchemy.engine import Connection, Dialect
    from sqlalchemy.engine.interfaces import ReflectedColumn, ReflectedIndex
    from sqlalchemy.types import TypeEngine

    from mig_autogen.compare.reflected import ReflectedTable


class DialectRules:
    """Generic comparison rules; subclass per database and override what differs."""

    #: SQLAlchemy dialect names these rules serve (informational).
    name: str = "default"

    #: Messages (regular expressions) of SQLAlchemy warnings during reflection that these rules
    #: account for, and which the comparison therefore silences (SQLite's unreflected expression indexes).
    accounted_reflection_warnings: tuple[str, ...] = ()

    #: Whether the database creates an index for a foreign key whose columns have none (MySQL,
    #: MariaDB), and keeps it when the key is dropped. A draft adding such a key to an existing table
    #: then creates that index itself, named like the key, so that its downgrade drops it again.
    indexes_foreign_keys: bool = False

    def type_differs(self, reflected: ReflectedColumn, model: Column[Any], dialect: Dialect,
                     table: ReflectedTable) -> bool | None:
        """Say whether a reflected column type and a model column type differ.

        **Called by:** the ``column_type`` comparator, for each column in both
        the models and the database, before the generic comparison.

        :param reflected: the reflected column, the inspector's dictionary
            (``reflected["type"]`` is what the database reports).
        :param model: the model's column.
        :param dialect: the SQLAlchemy dialect of the connection.
        :param table: the reflected table (its ``options`` hold the table's
            character set on MySQL).

        **Return:** ``True`` (they differ), ``False`` (equivalent), ``None`` (no
        opinion: the generic rule compares type affinity, length, precision,
        scale, timezone and enum values).
        """
        return None

    def normalize_default(self, text: str | None, type_: TypeEngine[Any], dialect: Dialect) -> str | None:
        """Bring a server default's SQL text to a canonical form for comparison.

        **Called by:** the ``server_default`` comparator, once for the reflected
        default and once for the model's (compiled) default of each column.

        :param text: the default's SQL text, ``None`` when there is none.
        :param type_: the type of the column the default belongs to (the
            reflected or the model's).
        :param dialect: the SQLAlchemy dialect of the connection.

        **Return:** the canonical text (``None`` for no default). The generic
        rule strips whitespace and one level of enclosing parentheses.
        """
        if text is None:
            return None
        text = text.strip()
        while text.startswith("(") and text.endswith(")") and _balanced(text[1:-1]):
            text = text[1:-1].strip()
        return text

    def default_differs(self, reflected: str | None, model: str | None,
                        reflected_column: ReflectedColumn, model_column: Column[Any],
                        dialect: Dialect) -> bool | None:
        """Say whether two normalized server defaults differ.

        **Called by:** the ``server_default`` comparator, after both texts went
        through :meth:`normalize_default`.

        :param reflected: the database's default, normalized.
        :param model: the model's default, normalized.
        :param reflected_column: the reflected column (the inspector's dictionary).
        :param model_column: the model's column.
        :param dialect: the SQLAlchemy dialect of the connection.

        **Return:** ``True``/``False``, or ``None`` for no opinion (the texts
        are compared as strings).
        """
        return None

    def reflected_default_is_implicit(self, text: str | None, column: ReflectedColumn,
                                      dialect: Dialect) -> bool:
        """Say whether a reflected default is one the database added itself (a sequence, an identity).

        **Called by:** the ``server_default`` comparator, for a reflected
        default whose model column declares none.

        :param text: the reflected default text.
        :param column: the reflected column (the inspector's dictionary).
        :param dialect: the SQLAlchemy dialect of the connection.

        **Return:** ``True`` to ignore it (e.g. PostgreSQL's ``nextval(...)`` of
        a ``SERIAL``), ``False`` to report it.
        """
        return False

    def index_is_implicit(self, index: ReflectedIndex, table: ReflectedTable, dialect: Dialect) -> bool:
        """Say whether a reflected index exists only because of another object (a key, a unique constraint).

        **Called by:** the ``indexes`` comparator, for each reflected index not
        matched by a model index.

        :param index: the reflected index (the inspector's dictionary).
        :param table: the reflected table it belongs to.
        :param dialect: the SQLAlchemy dialect of the connection.

        **Return:** ``True`` to ignore it (MySQL's index behind a foreign key,
        the index behind a unique constraint), ``False`` to report it.
        """
        return False

    def reflect_extra(self, connection: Connection, schemas: list[str | None]) -> dict[str, Any]:
        """Read objects the generic reflection does not (enum types, sequences) once per run.

        **Called by:** mig-autogen, once per comparison run, after the bulk
        reflection of ``schemas``; the result is ``context.extra`` for the
        comparators.

        :param connection: the live connection.
        :param schemas: the schemas being compared (``None`` is the default schema).

        **Return:** a dict of whatever the dialect's comparators read (empty
        by default).
        """
        return {}


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0
