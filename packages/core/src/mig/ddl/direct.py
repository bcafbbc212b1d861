"""Direct DDL: the text of plain statements written without SQLAlchemy's compiler.

Compiling ``CREATE TABLE`` for a three-column table through SQLAlchemy's DDL
compiler costs about as much as SQLite takes to run it, and a stub table per
``ADD COLUMN`` or ``CREATE INDEX`` about as much again. For the common, plain
shapes of three operations (``create_table``, ``add_column``,
``create_index``) a :class:`DirectDDL` writes the statement itself, with the
dialect's own identifier preparer (quoting, truncation), type compiler (every
type, including ``@compiles`` overrides of types) and literal processor
(string defaults). Its output is byte-for-byte what the dialect's
``DDLCompiler`` produces; the test suite checks that on randomly generated
operations for every dialect that uses one.

Anything not plain goes through SQLAlchemy as before: every method returns
``None`` when it cannot promise identical output (a constraint, foreign key,
index flag, computed or identity column, a dialect option, a server default
that is an expression, a schema, a naming convention, ...). A
:class:`DirectDDL` is only used when the dialect's DDL compiler is exactly
:attr:`DirectDDL.ddl_compiler` and no ``@compiles`` override is registered
for the constructs it stands in for; online only when nothing listens to
SQLAlchemy's execution events (see :attr:`mig.ddl.impl.DialectImpl.direct_ddl`).

A dialect plugin opts in by setting ``direct_ddl`` on its ``DialectImpl`` to a
subclass that names its compiler and overrides :meth:`DirectDDL.column_spec`
where its compiler's ``get_column_specification`` differs from SQLAlchemy's
base one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy.exc import CompileError

if TYPE_CHECKING:
    from sqlalchemy import Column, Table
    from sqlalchemy.engine import Dialect

__all__ = ["DirectDDL", "attach_listeners", "plain_column"]


def _overridden(cls: type, dialect_name: str, own: Any = None) -> bool:
    """Whether ``@compiles`` changed how ``cls`` compiles on ``dialect_name``.

    ``own`` is the ``default`` function that does not count as an override
    (mig's own compilers for its constructs).
    """
    dispatcher = cls.__dict__.get("_compiler_dispatcher")
    if dispatcher is None:
        return False
    specs = dispatcher.specs
    if dialect_name in specs:
        return True
    default = specs.get("default")
    return default is not None and default is not own


def plain_column(column: Any) -> bool:
    """Whether ``column`` is a plain ``Column``: a name, a type, nullability and a plain default.

    Plain means nothing else that changes a column's DDL or adds statements:
    no constraint, foreign key, ``index``/``unique`` flag, computed or
    identity clause, dialect option, or server default other than a string or
    a simple ``text()``.
    """
    if type(column) is not _column_classes()[0]:
        return False
    if (column.system or column.constraints or column.foreign_keys or column.computed is not None
            or column.identity is not None or column.index or column.unique):
        return False
    if "dialect_options" in column.__dict__ and column.dialect_kwargs:
        return False
    default = column.server_default
    return default is None or _plain_default(default) is not None


_TEXT_UNSAFE = re.compile(r"[:\\%]")


_CLASSES: tuple[Any, ...] = ()


def _column_classes() -> tuple[Any, ...]:
    """``(Column, SchemaEventTarget, DefaultClause, TextClause)``, imported once."""
    global _CLASSES
    if not _CLASSES:
        from sqlalchemy import Column
        from sqlalchemy.schema import DefaultClause
        from sqlalchemy.sql.base import SchemaEventTarget
        from sqlalchemy.sql.elements import TextClause

        _CLASSES = (Column, SchemaEventTarget, DefaultClause, TextClause)
    return _CLASSES


def _plain_default(default: Any) -> Any:
    """The ``str`` or ``TextClause`` argument of a plain ``DefaultClause``, else ``None``."""
    _, _, DefaultClause, TextClause = _column_classes()
    if type(default) is not DefaultClause or default.for_update:
        return None
    arg = default.arg
    if isinstance(arg, str):
        return arg
    if type(arg) is TextClause and not arg._bindparams and not _TEXT_UNSAFE.search(arg.text):
        return arg
    return None


class DirectDDL:
    """Writes plain ``CREATE TABLE``/``ADD COLUMN``/``CREATE INDEX`` text for one dialect.

    The base class reproduces SQLAlchemy's base ``DDLCompiler``; subclasses
    set :attr:`ddl_compiler` to the compiler they reproduce and override
    :meth:`column_spec` and the statement methods where it differs.
    """

    #: The ``DDLCompiler`` class whose output this renderer reproduces exactly.
    ddl_compiler: ClassVar[type | None] = None

    def __init__(self, dialect: Dialect) -> None:
        from sqlalchemy.types import String

        self.dialect = dialect
        self.preparer = dialect.identifier_preparer
        self.quote = self.preparer.quote
        self.type_sql = dialect.type_compiler_instance.process
        self.string_literal = String()._cached_literal_processor(dialect)

    @classmethod
    def for_dialect(cls, dialect: Dialect) -> DirectDDL | None:
        """An instance for ``dialect``, or ``None`` when its output could differ from the compiler's."""
        if cls.ddl_compiler is None or dialect.ddl_compiler is not cls.ddl_compiler:
            return None
        from sqlalchemy import Column, Index, PrimaryKeyConstraint
        from sqlalchemy.schema import CreateColumn, CreateIndex, CreateTable, DefaultClause
        from sqlalchemy.sql.elements import TextClause

        from mig.ddl import constructs

        name = dialect.name
        if any(_overridden(c, name) for c in (CreateTable, CreateColumn, CreateIndex, Column, Index,
                                               PrimaryKeyConstraint, DefaultClause, TextClause)):
            return None
        if _overridden(constructs.AddColumn, name, own=constructs._add_column):
            return None
        direct = cls(dialect)
        return direct if direct.string_literal is not None else None

    # -- pieces ------------------------------------------------------------------------

    def default_sql(self, column: Column[Any]) -> str | None:
        """The ``DEFAULT`` value text of ``column`` as the compiler writes it (no parentheses)."""
        default = column.server_default
        if default is None:
            return None
        arg = _plain_default(default)
        if isinstance(arg, str):
            literal = self.string_literal
            assert literal is not None  # for_dialect() gives no renderer without one
            return str(literal(arg))
        return str(arg.text)

    def column_spec(self, column: Column[Any]) -> str | None:
        """``get_column_specification`` of a plain column (base compiler's rules).

        ``None`` for a commented column where the dialect keeps comments (the
        base compiler writes them in separate statements, which only the
        SQLAlchemy path emits).
        """
        if column.comment is not None and self.dialect.supports_comments:
            return None
        spec = f"{self.quote(column.name)} {self.type_sql(column.type, type_expression=column)}"
        default = self.default_sql(column)
        if default is not None:
            spec += " DEFAULT " + default
        if not column.nullable:
            spec += " NOT NULL"
        return spec

    def table_name(self, name: str) -> str:
        return self.quote(name)

    # -- statements --------------------------------------------------------------------

    def create_table(self, table: Table, *, if_not_exists: bool = False) -> str | None:
        """``CREATE TABLE`` for a table of plain columns and an unnamed primary key, else ``None``."""
        from sqlalchemy import Table
        from sqlalchemy.sql.schema import DEFAULT_NAMING_CONVENTION

        if (type(table) is not Table or table.schema is not None or table._prefixes
                or table.indexes or len(table.constraints) != 1):
            return None
        metadata = table.metadata
        if metadata.naming_convention is not DEFAULT_NAMING_CONVENTION \
                and metadata.naming_convention != DEFAULT_NAMING_CONVENTION:
            return None
        pk = table.primary_key
        if (pk.name is not None or not pk._implicit_generated or "dialect_options" in pk.__dict__
                or "dialect_options" in table.__dict__):
            return None  # an explicit PrimaryKeyConstraint decides its own columns and order
        columns = list(table.columns)
        return self._create_table_sql(table.name, columns, if_not_exists)

    def create_table_from_columns(self, name: str, items: Sequence[Any], *,
                                  if_not_exists: bool = False) -> str | None:
        """``CREATE TABLE`` straight from an operation's items, without building a ``Table``.

        For a caller that throws the ``Table`` away; only when building it
        could neither change the statement nor be seen: every item a plain
        ``Column`` not yet on a table, no type that attaches itself to the
        table (``Enum``, ``Boolean``, type decorators), no two columns with one
        name or key, and no listener for SQLAlchemy's attach events.
        """
        Column, SchemaEventTarget, _, _ = _column_classes()
        if not items or not isinstance(name, str):
            return None
        names: set[str] = set()
        keys: set[str] = set()
        for item in items:
            if type(item) is not Column or item.table is not None or isinstance(item.type, SchemaEventTarget):
                return None
            names.add(item.name)
            keys.add(item.key)
        if len(names) != len(items) or len(keys) != len(items) or attach_listeners():
            return None
        return self._create_table_sql(name, list(items), if_not_exists)

    def _create_table_sql(self, name: str, columns: list[Any], if_not_exists: bool) -> str | None:
        if not columns:
            return None
        pk_columns = [c for c in columns if c.primary_key]
        if any(c.autoincrement is True for c in pk_columns):
            return None  # SQLAlchemy validates these (and refuses some) while compiling
        specs = []
        try:
            for column in columns:
                if not plain_column(column) or not isinstance(column.name, str):
                    return None
                spec = self.column_spec(column)
                if spec is None:
                    return None
                specs.append(spec)
        except CompileError:
            return None  # the compiler raises it too, with its own context: let it
        if pk_columns:
            specs.append(self.primary_key_sql(pk_columns))
        exists = "IF NOT EXISTS " if if_not_exists else ""
        body = ", \n\t".join(specs)
        return f"\nCREATE TABLE {exists}{self.table_name(name)} (\n\t{body}\n){self.table_suffix()}\n\n"

    def primary_key_sql(self, columns: Sequence[Column[Any]]) -> str:
        return "PRIMARY KEY (" + ", ".join(self.quote(c.name) for c in columns) + ")"

    def table_suffix(self) -> str:
        """What the compiler's ``post_create_table`` adds for a table without options."""
        return ""

    def add_column(self, table_name: str, column: Column[Any]) -> str | None:
        """``ALTER TABLE t ADD COLUMN <spec>`` for a plain, non-key column, else ``None``."""
        if column.primary_key or not plain_column(column):
            return None
        try:
            spec = self.column_spec(column)
        except CompileError:
            return None  # let the compiler raise it
        if spec is None:
            return None
        return f"ALTER TABLE {self.table_name(table_name)} ADD COLUMN {spec}"

    def create_index(self, name: Any, table_name: str, columns: Sequence[Any], *, unique: bool = False,
                     if_not_exists: bool = False) -> str | None:
        """``CREATE INDEX`` on plain column names with an explicit name, else ``None``."""
        if not isinstance(name, str) or not columns or not all(isinstance(c, str) for c in columns):
            return None
        head = "CREATE UNIQUE INDEX " if unique else "CREATE INDEX "
        exists = "IF NOT EXISTS " if if_not_exists else ""
        index_name = self.preparer.truncate_and_render_index_name(name)
        cols = ", ".join(self.quote(c) for c in columns)
        return f"{head}{exists}{index_name} ON {self.table_name(table_name)} ({cols})"


_ATTACH_LISTS: list[tuple[Any, type]] | None = None


def attach_listeners() -> bool:
    """Whether anything listens to tables, columns or primary keys being attached.

    SQLAlchemy's own naming-convention listener does not count. Read from
    SQLAlchemy's event registry; if that cannot be read, assume listeners.
    """
    global _ATTACH_LISTS
    try:
        from sqlalchemy.sql import naming

        if _ATTACH_LISTS is None:
            from sqlalchemy import Column, PrimaryKeyConstraint, Table

            _ATTACH_LISTS = [(getattr(cls.dispatch, event)._clslevel, cls)
                             for cls in (Table, Column, PrimaryKeyConstraint)
                             for event in ("before_parent_attach", "after_parent_attach")]
        own = getattr(naming, "_constraint_name", None)
        for registry, cls in _ATTACH_LISTS:
            listeners = registry.get(cls)
            if listeners and any(fn is not own for fn in listeners):
                return True
    except Exception:
        return True
    return False
