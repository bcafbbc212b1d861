"""What every comparator receives: the connection, the dialect's rules, env.py's options and filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mig_autogen.compare import hooks
from mig_autogen.compare.objects import SchemaObjects

if TYPE_CHECKING:
    from sqlalchemy import Column, Table
    from sqlalchemy.engine import Connection, Dialect, Inspector

    from mig_autogen.compare.reflected import ReflectedTable
    from mig_autogen.rules import DialectRules

#: ``context.configure`` keywords the comparison reads, with mig's defaults.
DEFAULT_OPTIONS: Mapping[str, Any] = {
    "include_name": None,
    "include_object": None,
    "compare_type": True,
    "compare_server_default": True,
    "include_schemas": False,
    "version_table": "mig_version",
    "version_table_schema": None,
    "log_table": "mig_log",
    "detect_renames": True,
}


@dataclass
class CompareContext:
    """The state of one comparison run, handed to every comparator as ``ctx``.

    :param connection: the live SQLAlchemy ``Connection``.
    :param options: ``context.configure`` keywords (see :data:`DEFAULT_OPTIONS`):
        ``include_name(name, type_, parent_names)``, ``include_object(object,
        name, type_, reflected, compare_to)``, ``compare_type`` and
        ``compare_server_default`` (a bool or Alembic's callables),
        ``include_schemas``, ``version_table``, ``version_table_schema``,
        ``log_table``, ``detect_renames``.
    :param migration_context: the :class:`mig.runtime.MigrationContext` when
        the run has one (it is the first argument of the ``compare_type`` /
        ``compare_server_default`` callables); ``None`` for a bare connection.
    :param rules: the dialect's :class:`~mig_autogen.rules.DialectRules`,
        asked for once per run through the ``mig_autogen_dialect_rules`` hook.
    :param extra: what ``rules.reflect_extra`` read (enum types, sequences ...).
    :param column_renames: ``{(schema, table): {new_name: old_name}}`` for the
        columns the engine paired by ``info={"renamed_from": ...}``.
    :param table_renames: ``{(schema, new_name): old_name}`` likewise for tables.
    :param objects: the SQLAlchemy objects of reflected tables, built only when
        asked for (:meth:`schema_item`).
    """

    connection: Connection
    options: dict[str, Any] = field(default_factory=dict)
    migration_context: Any = None
    rules: DialectRules = None  # type: ignore[assignment]
    extra: dict[str, Any] = field(default_factory=dict)
    column_renames: dict[tuple[str | None, str], dict[str, str]] = field(default_factory=dict)
    table_renames: dict[tuple[str | None, str], str] = field(default_factory=dict)
    objects: SchemaObjects = field(init=False)
    _inspector: Inspector | None = None
    _include_hook: bool | None = None
    _schema_names: list[str] | None = None
    _dialect_names: tuple[str, ...] | None = None
    _table_names: dict[str | None, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        merged = dict(DEFAULT_OPTIONS)
        merged.update({k: v for k, v in self.options.items() if v is not None or k not in DEFAULT_OPTIONS})
        self.options = merged
        if self.rules is None:
            self.rules = hooks.dialect_rules(self.dialect_names)
        self.objects = SchemaObjects(self.connection)
        if self.has_include_callbacks or any(
                callable(self.options.get(k)) for k in ("compare_type", "compare_server_default")):
            self.objects.bulk = True  # the callables see reflected objects of every table

    # -- the database ------------------------------------------------------

    @property
    def dialect(self) -> Dialect:
        return self.connection.dialect

    @property
    def dialect_name(self) -> str:
        return str(self.connection.dialect.name)

    @property
    def dialect_names(self) -> tuple[str, ...]:
        """The dialect's name, then the names of the SQLAlchemy dialects it derives from (``mariadb``
        -> ``mysql``; a CockroachDB dialect -> ``postgresql``): what dialect rules, comparators with a
        ``dialect`` and ``<name>_<option>`` index options are looked up by, in that order."""
        if self._dialect_names is None:
            names: list[str] = [self.dialect_name]
            for klass in type(self.connection.dialect).__mro__:
                name = klass.__dict__.get("name")
                if isinstance(name, str) and name not in names and name != "default":
                    names.append(name)
            self._dialect_names = tuple(names)
        return self._dialect_names

    @property
    def inspector(self) -> Inspector:
        """One ``Inspector`` for the run (its caches serve every comparator)."""
        if self._inspector is None:
            from sqlalchemy import inspect

            self._inspector = inspect(self.connection)
        return self._inspector

    def schema_names(self) -> list[str]:
        """The database's schemas (read once per run)."""
        if self._schema_names is None:
            self._schema_names = list(self.inspector.get_schema_names())
        return self._schema_names

    def table_names(self, schema: str | None) -> list[str]:
        """The database's table names in ``schema`` (read once per run)."""
        names = self._table_names.get(schema)
        if names is None:
            names = self._table_names[schema] = list(self.inspector.get_table_names(schema=schema))
        return names

    @property
    def default_schema(self) -> str | None:
        return self.inspector.default_schema_name

    # -- filters -------------------------------------------------------------

    def include_name(self, name: str | None, type_: str, parent_names: Mapping[str, Any]) -> bool:
        """env.py's ``include_name`` (applied to names before anything is reflected)."""
        fn: Callable[..., Any] | None = self.options.get("include_name")
        return True if fn is None else bool(fn(name, type_, dict(parent_names)))

    @property
    def has_include_callbacks(self) -> bool:
        """Whether env.py or a plugin decides which objects to compare (``include_object``)."""
        if self._include_hook is None:
            self._include_hook = hooks.has_include_object_hook()
        return self._include_hook or self.options.get("include_object") is not None

    def include(self, obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any,
                table: ReflectedTable | None = None) -> bool:
        """Whether to compare ``obj``: env.py's ``include_object`` (false wins), then the hook.

        ``type_`` is one of ``"table"``, ``"column"``, ``"index"``,
        ``"unique_constraint"``, ``"foreign_key_constraint"``,
        ``"check_constraint"``, ``"primary_key"``, ``"enum"``. The database's
        side (``obj`` when ``reflected``, else ``compare_to``) may be given
        as a :class:`~mig_autogen.compare.reflected.ReflectedTable` or one of
        its dictionaries, with ``table`` the table it belongs to: the
        callables receive SQLAlchemy objects (:meth:`schema_item`).
        """
        if not self.has_include_callbacks:
            return True
        if reflected:
            obj = self.schema_item(type_, table, obj)
        elif compare_to is not None:
            compare_to = self.schema_item(type_, table, compare_to)
        fn: Callable[..., Any] | None = self.options.get("include_object")
        if fn is not None and not fn(obj, name, type_, reflected, compare_to):
            return False
        if self._include_hook:
            return hooks.include_object(obj, name, type_, reflected, compare_to) is not False
        return True

    def schema_item(self, type_: str, table: ReflectedTable | None, item: Any) -> Any:
        """The SQLAlchemy object for a reflected ``item`` of ``table`` (reflected by SQLAlchemy on first use).

        ``item`` may be a :class:`~mig_autogen.compare.reflected.ReflectedTable`
        (``type_`` ``"table"``) or one of its dictionaries; anything else is
        returned unchanged.
        """
        from mig_autogen.compare.reflected import ReflectedTable

        if isinstance(item, ReflectedTable):
            return self.objects.table(item)
        if table is None:
            return item
        return self.objects.item(type_, table, item)

    # -- helpers for comparators ---------------------------------------------

    def callable_context(self) -> Any:
        """The first argument of env.py's ``compare_type`` / ``compare_server_default`` callables."""
        return self.migration_context if self.migration_context is not None else self

    def db_column_name(self, model_table: Table, model_column: Column[Any]) -> str:
        """The name ``model_column`` has in the database now (its old name when it is being renamed)."""
        renames = self.column_renames.get((model_table.schema, model_table.name))
        return renames.get(model_column.name, model_column.name) if renames else model_column.name

    def db_table_name(self, model_table: Table) -> str:
        """The name ``model_table`` has in the database now (its old name when it is being renamed)."""
        return self.table_renames.get((model_table.schema, model_table.name), model_table.name)
