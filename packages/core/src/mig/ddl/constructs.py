"""ALTER TABLE constructs built on SQLAlchemy's DDL element classes.

SQLAlchemy's DDL layer covers CREATE/DROP TABLE, indexes, constraints and
comments, but not ALTER TABLE on columns. These constructs fill the gap. They
are ordinary :class:`sqlalchemy.schema.ExecutableDDLElement` objects, so any
SQLAlchemy program can execute them (``connection.execute(RenameTable("a",
"b"))``) or compile them (``str(construct.compile(dialect=...))``) without the
rest of mig.

Each construct compiles to portable SQL by default; a dialect overrides one
with ``@compiles(Construct, "dialectname")`` (mig's dialect plugins do).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import ExecutableDDLElement
from sqlalchemy.sql.compiler import DDLCompiler, IdentifierPreparer
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.types import TypeEngine

__all__ = [
    "AddColumn", "AlterColumn", "AlterTable", "ColumnComment", "ColumnDefault", "ColumnName",
    "ColumnNullable", "ColumnType", "DropColumn", "RenameTable", "format_server_default",
    "format_table_name", "inline_constraint", "quoted_name",
]


class AlterTable(ExecutableDDLElement):
    """Base of every ``ALTER TABLE <name> ...`` construct."""

    inherit_cache = False

    def __init__(self, table_name: str, schema: str | None = None) -> None:
        self.table_name = table_name
        self.schema = schema


class RenameTable(AlterTable):
    """``ALTER TABLE old RENAME TO new``."""

    def __init__(self, old_table_name: str, new_table_name: str, schema: str | None = None) -> None:
        super().__init__(old_table_name, schema)
        self.new_table_name = new_table_name


class AddColumn(AlterTable):
    """``ALTER TABLE t ADD COLUMN <column specification> [PRIMARY KEY] [<constraints>]``.

    ``inline_primary_key`` writes ``PRIMARY KEY``; ``constraints`` are written
    in the column's definition: a ``CheckConstraint`` as ``[CONSTRAINT name]
    CHECK (...)``, a ``ForeignKeyConstraint`` as ``[CONSTRAINT name]
    REFERENCES t (c) [ON DELETE ...]``.
    """

    def __init__(self, table_name: str, column: Column[Any], schema: str | None = None,
                 if_not_exists: bool = False, *, inline_primary_key: bool = False,
                 constraints: Sequence[Any] = ()) -> None:
        super().__init__(table_name, schema)
        self.column = column
        self.if_not_exists = if_not_exists
        self.inline_primary_key = inline_primary_key
        self.constraints = tuple(constraints)


class DropColumn(AlterTable):
    """``ALTER TABLE t DROP COLUMN c``."""

    def __init__(self, table_name: str, column_name: str, schema: str | None = None,
                 if_exists: bool = False) -> None:
        super().__init__(table_name, schema)
        self.column_name = column_name
        self.if_exists = if_exists


class AlterColumn(AlterTable):
    """Base of ``ALTER TABLE t ALTER COLUMN c ...`` constructs.

    ``existing_*`` describe the column as it is; dialects that restate the
    whole column (MySQL) read them.
    """

    def __init__(self, table_name: str, column_name: str, schema: str | None = None, *,
                 existing_type: TypeEngine[Any] | None = None, existing_nullable: bool | None = None,
                 existing_server_default: Any = None, existing_comment: str | None = None) -> None:
        super().__init__(table_name, schema)
        self.column_name = column_name
        self.existing_type = existing_type
        self.existing_nullable = existing_nullable
        self.existing_server_default = existing_server_default
        self.existing_comment = existing_comment


class ColumnNullable(AlterColumn):
    """``ALTER COLUMN c SET NOT NULL`` / ``DROP NOT NULL``."""

    def __init__(self, table_name: str, column_name: str, nullable: bool, schema: str | None = None,
                 **kw: Any) -> None:
        super().__init__(table_name, column_name, schema, **kw)
        self.nullable = nullable


class ColumnType(AlterColumn):
    """``ALTER COLUMN c TYPE <type>``; ``using`` adds ``USING <expr>`` where the dialect has it."""

    def __init__(self, table_name: str, column_name: str, type_: TypeEngine[Any],
                 schema: str | None = None, using: Any = None, **kw: Any) -> None:
        super().__init__(table_name, column_name, schema, **kw)
        from sqlalchemy.types import to_instance

        self.type_ = to_instance(type_)
        self.using = using


class ColumnDefault(AlterColumn):
    """``ALTER COLUMN c SET DEFAULT <expr>`` or, with ``None``, ``DROP DEFAULT``."""

    def __init__(self, table_name: str, column_name: str, default: Any, schema: str | None = None,
                 **kw: Any) -> None:
        super().__init__(table_name, column_name, schema, **kw)
        self.default = default


class ColumnName(AlterColumn):
    """``ALTER TABLE t RENAME COLUMN old TO new``."""

    def __init__(self, table_name: str, column_name: str, new_column_name: str,
                 schema: str | None = None, **kw: Any) -> None:
        super().__init__(table_name, column_name, schema, **kw)
        self.new_column_name = new_column_name


class ColumnComment(AlterColumn):
    """``COMMENT ON COLUMN t.c IS '...'`` (``None`` removes the comment)."""

    def __init__(self, table_name: str, column_name: str, comment: str | None,
                 schema: str | None = None, **kw: Any) -> None:
        super().__init__(table_name, column_name, schema, **kw)
        self.comment = comment


# -- helpers a dialect's own @compiles functions can reuse -------------------------------


def quoted_name(preparer: IdentifierPreparer, name: str, schema: str | None) -> str:
    """``schema.name`` (a table, type or sequence), each part quoted as the dialect requires."""
    quoted = preparer.quote(name)
    return f"{preparer.quote_schema(schema)}.{quoted}" if schema else quoted


def format_table_name(compiler: DDLCompiler, name: str, schema: str | None) -> str:
    """``schema.name`` of a table, quoted by the compiler's dialect."""
    return quoted_name(compiler.preparer, name, schema)


def format_column_name(compiler: DDLCompiler, name: str) -> str:
    return compiler.preparer.quote(name)


def format_type(compiler: DDLCompiler, type_: TypeEngine[Any]) -> str:
    return compiler.dialect.type_compiler_instance.process(type_)


def format_server_default(compiler: DDLCompiler, default: Any) -> str:
    """A server default (string, ``text()``, expression or ``DefaultClause``) as SQL."""
    from sqlalchemy.schema import DefaultClause

    if isinstance(default, DefaultClause):
        default = default.arg
    if isinstance(default, str):
        return compiler.sql_compiler.render_literal_value(default, _STRING)
    if isinstance(default, TextClause):
        return default.text
    return str(compiler.sql_compiler.process(default, literal_binds=True))


def _alter(compiler: DDLCompiler, element: AlterTable) -> str:
    return f"ALTER TABLE {format_table_name(compiler, element.table_name, element.schema)}"


def _string_type() -> TypeEngine[Any]:
    from sqlalchemy import String

    return String()


_STRING = _string_type()


# -- portable compilation ---------------------------------------------------------------


@compiles(RenameTable)
def _rename_table(element: RenameTable, compiler: DDLCompiler, **kw: Any) -> str:
    return f"{_alter(compiler, element)} RENAME TO {format_table_name(compiler, element.new_table_name, None)}"


@compiles(AddColumn)
def _add_column(element: AddColumn, compiler: DDLCompiler, **kw: Any) -> str:
    spec = compiler.get_column_specification(element.column)
    exists = "IF NOT EXISTS " if element.if_not_exists else ""
    if element.inline_primary_key:
        spec += " PRIMARY KEY"
    for constraint in element.constraints:
        spec += " " + inline_constraint(compiler, constraint)
    return f"{_alter(compiler, element)} ADD COLUMN {exists}{spec}"


def inline_constraint(compiler: DDLCompiler, constraint: Any) -> str:
    """A constraint as part of a column's definition: ``CHECK (...)`` or ``REFERENCES t (c) ...``,
    each after ``CONSTRAINT name`` when it has a name."""
    from sqlalchemy import ForeignKeyConstraint

    if not isinstance(constraint, ForeignKeyConstraint):
        return str(compiler.process(constraint))
    preparer = compiler.preparer
    text = ""
    if constraint.name is not None:
        name = preparer.format_constraint(constraint)
        if name is not None:
            text = f"CONSTRAINT {name} "
    elements = list(constraint.elements)
    remote = elements[0].column.table
    columns = ", ".join(preparer.quote(element.column.name) for element in elements)
    text += (f"REFERENCES {compiler.define_constraint_remote_table(constraint, remote, preparer)} "
             f"({columns})")
    text += compiler.define_constraint_match(constraint)
    text += compiler.define_constraint_cascades(constraint)
    text += compiler.define_constraint_deferrability(constraint)
    return text


@compiles(DropColumn)
def _drop_column(element: DropColumn, compiler: DDLCompiler, **kw: Any) -> str:
    exists = "IF EXISTS " if element.if_exists else ""
    return f"{_alter(compiler, element)} DROP COLUMN {exists}{format_column_name(compiler, element.column_name)}"


@compiles(ColumnNullable)
def _column_nullable(element: ColumnNullable, compiler: DDLCompiler, **kw: Any) -> str:
    action = "DROP NOT NULL" if element.nullable else "SET NOT NULL"
    return f"{_alter(compiler, element)} ALTER COLUMN {format_column_name(compiler, element.column_name)} {action}"


@compiles(ColumnType)
def _column_type(element: ColumnType, compiler: DDLCompiler, **kw: Any) -> str:
    sql = (f"{_alter(compiler, element)} ALTER COLUMN {format_column_name(compiler, element.column_name)} "
           f"TYPE {format_type(compiler, element.type_)}")
    if element.using is not None:
        using = element.using.text if isinstance(element.using, TextClause) else str(element.using)
        sql += f" USING {using}"
    return sql


@compiles(ColumnDefault)
def _column_default(element: ColumnDefault, compiler: DDLCompiler, **kw: Any) -> str:
    column = format_column_name(compiler, element.column_name)
    if element.default is None:
        return f"{_alter(compiler, element)} ALTER COLUMN {column} DROP DEFAULT"
    return f"{_alter(compiler, element)} ALTER COLUMN {column} SET DEFAULT {format_server_default(compiler, element.default)}"


@compiles(ColumnName)
def _column_name(element: ColumnName, compiler: DDLCompiler, **kw: Any) -> str:
    return (f"{_alter(compiler, element)} RENAME COLUMN {format_column_name(compiler, element.column_name)} "
            f"TO {format_column_name(compiler, element.new_column_name)}")


@compiles(ColumnComment)
def _column_comment(element: ColumnComment, compiler: DDLCompiler, **kw: Any) -> str:
    target = (f"{format_table_name(compiler, element.table_name, element.schema)}."
              f"{format_column_name(compiler, element.column_name)}")
    if element.comment is None:
        return f"COMMENT ON COLUMN {target} IS NULL"
    literal = compiler.sql_compiler.render_literal_value(element.comment, _STRING)
    return f"COMMENT ON COLUMN {target} IS {literal}"
