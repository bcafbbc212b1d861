"""mig_sqlite_batch plugin module (registered through the `mig` entry-point group)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mig import hookimpl
from mig.specs import BatchStrategySpec, DialectSpec


@hookimpl
def mig_register_batch_strategies() -> Iterable[BatchStrategySpec]:
    """The move-and-copy batch strategy: SQLite's default, and ``recreate="always"`` everywhere."""
    return [BatchStrategySpec("move-and-copy", "mig_sqlite_batch.batch:MoveAndCopy",
                              dialects=frozenset({"sqlite"}),
                              description="create the new table, copy the rows, drop, rename, "
                                          "recreate indexes")]


@hookimpl
def mig_register_dialects() -> Iterable[DialectSpec]:
    """SQLite: native add/rename/drop column and rename table; the rest through batch."""
    return [DialectSpec("sqlite", "mig_sqlite_batch.impl:SqliteImpl",
                        description="SQLite (plain ALTERs; batch_alter_table for the rest)")]


# -- autogenerate (mig-autogen; optional: the hooks exist only when it is installed) --------


@hookimpl(optionalhook=True)
def mig_autogen_dialect_rules(dialect_name: str) -> Any:
    """The comparison rules of this database (:mod:`mig_sqlite_batch.autogen`)."""
    if dialect_name == "sqlite":
        from mig_sqlite_batch.autogen import SqliteRules

        return SqliteRules()
    return None
