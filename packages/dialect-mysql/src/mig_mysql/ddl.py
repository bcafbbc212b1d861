"""MySQL/MariaDB ALTER constructs: SQLAlchemy DDL elements usable on their own.

Each class is an :class:`~sqlalchemy.schema.ExecutableDDLElement`, so any
SQLAlchemy program can ``connection.execute(MySQLModifyColumn(...))`` or
``str(construct.compile(dialect=...))`` it. Literals and verbatim SQL go
through the compiler, so ``%`` is doubled exactly when the driver's
paramstyle needs it (and not in offline ``--sql`` output).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import DefaultClause
from sqlalchemy.sql.elements import ClauseElement, TextClause
from sqlalchemy.sql.type_api import TypeEngine

from mig.ddl.constructs import AlterTable, format_table_name


class RawSQL(str):
    """SQL text copied verbatim from the database (a reflected default, type or expression)."""

    __slots__ = ()


@dataclass(frozen=True)
class ColumnSpec:
    """Everything ``MODIFY``/``CHANGE`` restate about a column.

    Either ``type_`` (a SQLAlchemy type, compiled by the dialect) or
    ``raw_type`` (the live ``COLUMN_TYPE``, e.g. ``int(10) unsigned``, with
    ``charset``/``collation`` kept exactly) is set. ``default`` is ``None``
    for no default, a ``str`` for a literal, a SQLAlchemy expression, or
    :class:`RawSQL`. ``generated`` is ``(expression, "VIRTUAL"|"STORED")``.
    """

    nullable: bool
    type_: TypeEngine[Any] | None = None
    raw_type: str | None = None
    charset: str | None = None
    collation: str | None = None
    default: Any = None
    autoincrement: bool = False
    comment: str | None = None
    on_update: str | None = None
    generated: tuple[str, str] | None = None


# -- the elements ------------------------------------------------------------


class MySQLModifyColumn(AlterTable):
    """``ALTER TABLE t MODIFY c <definition>``: restate a column under its own name."""

    def __init__(self, table_name: str, column_name: str, spec: ColumnSpec, *,
                 schema: str | None = None) -> None:
        super().__init__(table_name, schema)
        self.column_name = column_name
        self.spec = spec


class MySQLChangeColumn(AlterTable):
    """``ALTER TABLE t CHANGE COLUMN old new <definition>``: rename and restate a column."""

    def __init__(self, table_name: str, column_name: str, new_column_name: str, spec: ColumnSpec,
                 *, schema: str | None = None) -> None:
        super().__init__(table_name, schema)
        self.column_name = column_name
        self.new_column_name = new_column_name
        self.spec = spec


class MySQLAlterColumnDefault(AlterTable):
    """``ALTER TABLE t ALTER COLUMN c SET DEFAULT x`` or ``... DROP DEFAULT`` (``default=None``)."""

    def __init__(self, table_name: str, column_name: str, default: Any, *,
                 schema: str | None = None) -> None:
        super().__init__(table_name, schema)
        self.column_name = column_name
        self.default = default


class MySQLDropConstraint(AlterTable):
    """``ALTER TABLE t DROP <FOREIGN KEY name | INDEX name | PRIMARY KEY | CHECK name | CONSTRAINT name>``.

    ``kind`` is ``"FOREIGN KEY"``, ``"INDEX"``, ``"PRIMARY KEY"``, ``"CHECK"``
    (MySQL 8.0.16-8.0.18) or ``"CONSTRAINT"`` (checks on MariaDB and MySQL
    8.0.19+); ``if_exists`` renders MariaDB's ``IF EXISTS``.
    """

    def __init__(self, table_name: str, name: str | None, kind: str, *, schema: str | None = None,
                 if_exists: bool = False) -> None:
        super().__init__(table_name, schema)
        self.name = name
        self.kind = kind
        self.if_exists = if_exists


class MySQLDropIndex(AlterTable):
    """``DROP INDEX [IF EXISTS] name ON t`` (``IF EXISTS`` is MariaDB's)."""

    def __init__(self, index_name: str, table_name: str, *, schema: str | None = None,
                 if_exists: bool = False) -> None:
        super().__init__(table_name, schema)
        self.index_name = index_name
        self.if_exists = if_exists


class MySQLRenameTable(AlterTable):
    """``RENAME TABLE s.old TO s.new``: the new name stays in the same schema (database)."""

    def __init__(self, table_name: str, new_table_name: str, *, schema: str | None = None) -> None:
        super().__init__(table_name, schema)
        self.new_table_name = new_table_name


class MySQLTableComment(AlterTable):
    """``ALTER TABLE t COMMENT 'text'`` (an empty comment removes it)."""

    def __init__(self, table_name: str, comment: str | None, *, schema: str | None = None) -> None:
        super().__init__(table_name, schema)
        self.comment = comment


# -- rendering ----------------------------------------------------------------


def _literal(compiler: Any, value: str) -> str:
    return str(compiler.sql_compiler.render_literal_value(value, String()))


def render_default(compiler: Any, default: Any, *, parenthesize_expressions: bool = True) -> str:
    """The SQL of a server default: a quoted literal, verbatim text, or ``(expression)``."""
    if isinstance(default, DefaultClause):
        default = default.arg
    if isinstance(default, RawSQL):
        return str(compiler.sql_compiler.post_process_text(str(default)))
    if isinstance(default, str):
        return _literal(compiler, default)
    if isinstance(default, TextClause):
        return str(compiler.sql_compiler.process(default, literal_binds=True))
    if isinstance(default, ClauseElement):
        sql = str(compiler.sql_compiler.process(default, literal_binds=True))
        return f"({sql})" if parenthesize_expressions else sql
    if isinstance(default, bool):
        return "1" if default else "0"
    if isinstance(default, (int, float)):
        return repr(default)
    raise TypeError(f"cannot render server default {default!r} for MySQL")


def render_column_spec(compiler: Any, spec: ColumnSpec) -> str:
    """The column definition after the name: type, generation, NULL, DEFAULT, ON UPDATE, AUTO_INCREMENT, COMMENT."""
    if spec.raw_type is not None:
        parts = [str(compiler.sql_compiler.post_process_text(spec.raw_type))]
        if spec.charset:
            parts.append(f"CHARACTER SET {spec.charset}")
        if spec.collation:
            parts.append(f"COLLATE {spec.collation}")
    elif spec.type_ is not None:
        parts = [str(compiler.dialect.type_compiler_instance.process(spec.type_))]
    else:
        raise TypeError("ColumnSpec needs type_ or raw_type")
    if spec.generated is not None:
        expression, kind = spec.generated
        parts.append(f"GENERATED ALWAYS AS ({compiler.sql_compiler.post_process_text(expression)}) {kind}")
    else:
        parts.append("NULL" if spec.nullable else "NOT NULL")
        if spec.default is not None:
            parts.append(f"DEFAULT {render_default(compiler, spec.default)}")
        if spec.on_update:
            parts.append(f"ON UPDATE {compiler.sql_compiler.post_process_text(spec.on_update)}")
        if spec.autoincrement:
            parts.append("AUTO_INCREMENT")
    if spec.comment:
        parts.append(f"COMMENT {_literal(compiler, spec.comment)}")
    return " ".join(parts)


@compiles(MySQLModifyColumn)
def _modify(element: MySQLModifyColumn, compiler: Any, **kw: Any) -> str:
    return (f"ALTER TABLE {format_table_name(compiler, element.table_name, element.schema)} "
            f"MODIFY {compiler.preparer.quote(element.column_name)} "
            f"{render_column_spec(compiler, element.spec)}")


@compiles(MySQLChangeColumn)
def _change(element: MySQLChangeColumn, compiler: Any, **kw: Any) -> str:
    prep = compiler.preparer
    return (f"ALTER TABLE {format_table_name(compiler, element.table_name, element.schema)} "
            f"CHANGE COLUMN {prep.quote(element.column_name)} {prep.quote(element.new_column_name)} "
            f"{render_column_spec(compiler, element.spec)}")


@compiles(MySQLAlterColumnDefault)
def _alter_default(element: MySQLAlterColumnDefault, compiler: Any, **kw: Any) -> str:
    head = (f"ALTER TABLE {format_table_name(compiler, element.table_name, element.schema)} "
            f"ALTER COLUMN {compiler.preparer.quote(element.column_name)}")
    if element.default is None:
        return f"{head} DROP DEFAULT"
    return f"{head} SET DEFAULT {render_default(compiler, element.default)}"


@compiles(MySQLDropConstraint)
def _drop_constraint(element: MySQLDropConstraint, compiler: Any, **kw: Any) -> str:
    sql = f"ALTER TABLE {format_table_name(compiler, element.table_name, element.schema)} DROP {element.kind}"
    if element.kind == "PRIMARY KEY":
        return sql
    if element.if_exists:
        sql += " IF EXISTS"
    return f"{sql} {compiler.preparer.quote(element.name)}"


@compiles(MySQLDropIndex)
def _drop_index(element: MySQLDropIndex, compiler: Any, **kw: Any) -> str:
    exists = "IF EXISTS " if element.if_exists else ""
    return (f"DROP INDEX {exists}{compiler.preparer.quote(element.index_name)} "
            f"ON {format_table_name(compiler, element.table_name, element.schema)}")


@compiles(MySQLRenameTable)
def _rename_table(element: MySQLRenameTable, compiler: Any, **kw: Any) -> str:
    return (f"RENAME TABLE {format_table_name(compiler, element.table_name, element.schema)} "
            f"TO {format_table_name(compiler, element.new_table_name, element.schema)}")


@compiles(MySQLTableComment)
def _table_comment(element: MySQLTableComment, compiler: Any, **kw: Any) -> str:
    return (f"ALTER TABLE {format_table_name(compiler, element.table_name, element.schema)} "
            f"COMMENT {_literal(compiler, element.comment or '')}")


__all__ = [
    "ColumnSpec", "MySQLAlterColumnDefault", "MySQLChangeColumn", "MySQLDropConstraint",
    "MySQLDropIndex", "MySQLModifyColumn", "MySQLRenameTable",
    "MySQLTableComment", "RawSQL", "render_column_spec", "render_default",
]
