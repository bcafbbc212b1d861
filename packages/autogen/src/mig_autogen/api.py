"""The Python API of autogenerate: compare models with a database, or produce a draft's operations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import MetaData
    from sqlalchemy.engine import Connection

    from mig.ops import Operation
    from mig_autogen.directives import MigrationScript

#: ``context.configure`` keywords copied from a ``MigrationContext`` when no keyword overrides them.
_CONTEXT_OPTIONS = ("include_name", "include_object", "compare_type", "compare_server_default",
                    "include_schemas", "version_table", "version_table_schema", "log_table",
                    "detect_renames")


def _context(connection_or_context: Any, options: dict[str, Any]) -> Any:
    from mig.errors import MigError
    from mig_autogen.compare.context import CompareContext

    migration_context = None
    connection = connection_or_context
    if hasattr(connection_or_context, "opts") and hasattr(connection_or_context, "impl"):
        migration_context = connection_or_context
        connection = getattr(migration_context, "connection", None) or getattr(migration_context, "bind", None)
        merged = {k: migration_context.opts[k] for k in _CONTEXT_OPTIONS if k in migration_context.opts}
        merged.update(options)
        options = merged
    if connection is None or not hasattr(connection, "execute") or not hasattr(connection, "dialect"):
        raise MigError("autogenerate compares with a live database: pass a SQLAlchemy Connection or an "
                       "online MigrationContext (not an offline --sql one)")
    return CompareContext(connection, options=options, migration_context=migration_context)


def _metadatas(metadata: MetaData | Sequence[MetaData] | None) -> list[MetaData]:
    from mig.errors import MigError

    if metadata is None:
        raise MigError("autogenerate needs the models: set target_metadata in env.py "
                       "(context.configure(..., target_metadata=Base.metadata))")
    if isinstance(metadata, (list, tuple)):
        return list(metadata)
    return [metadata]  # type: ignore[list-item]


def compare_metadata(connection_or_context: Connection | Any, metadata: MetaData | Sequence[MetaData],
                     **options: Any) -> list[Operation]:
    """The operations that make the database match ``metadata`` (empty when it already does).

    :param connection_or_context: a SQLAlchemy ``Connection`` or an online
        :class:`mig.runtime.MigrationContext` (whose ``configure`` options apply).
    :param metadata: a ``MetaData`` or a sequence of them.
    :param options: ``include_name``, ``include_object``, ``compare_type``,
        ``compare_server_default``, ``include_schemas``, ``version_table``,
        ``version_table_schema``, ``detect_renames`` (see docs/autogenerate.md).
    """
    from mig_autogen.compare.engine import compare

    return compare(_context(connection_or_context, options), _metadatas(metadata))


def downgrade_of(upgrade_ops: Sequence[Operation]) -> list[Operation]:
    """The downgrade of ``upgrade_ops``: each operation reversed, in reverse order."""
    return [op.reverse() for op in reversed(upgrade_ops)]


def produce_migrations(connection_or_context: Connection | Any, metadata: MetaData | Sequence[MetaData],
                       **options: Any) -> MigrationScript:
    """A :class:`mig_autogen.directives.MigrationScript` holding the upgrade and downgrade operations."""
    from mig_autogen.directives import MigrationScript

    upgrade = compare_metadata(connection_or_context, metadata, **options)
    return MigrationScript(upgrade_ops=upgrade, downgrade_ops=downgrade_of(upgrade))
