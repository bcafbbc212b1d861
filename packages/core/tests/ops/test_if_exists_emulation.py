"""``IF [NOT] EXISTS`` is emulated once, in core, where a dialect says its database has no such clause."""

from __future__ import annotations

import io
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from mig.ddl.contract import override_point
from mig.errors import NotSupportedError
from mig.operations import Operations
from mig.ops import Operation
from mig.runtime import MigrationContext
from mig_sqlite_batch.impl import SqliteImpl


class NoIndexClause(SqliteImpl):
    """A SQLite whose ``CREATE/DROP INDEX`` had no ``IF [NOT] EXISTS``: core must emulate it."""

    display_name = "OldSQLite"

    @override_point
    def writes_if_exists(self, operation: Operation) -> bool:
        """Whether the clause is written.

        **Called by:** run.

        :param operation: the operation.

        **Return:** no for indexes.
        """
        return type(operation).impl_method not in ("create_index", "drop_index") and \
            super().writes_if_exists(operation)


def _ops(conn: Any, out: Any = None) -> Operations:
    opts: dict[str, Any] = {"impl_class": NoIndexClause}
    if out is not None:
        opts.update(as_sql=True, output_buffer=out)
        return Operations(MigrationContext.configure(dialect=sqlite.dialect(), opts=opts))
    return Operations(MigrationContext.configure(conn, opts=opts))


def test_an_emulated_clause_skips_what_exists_and_runs_the_rest(tmp_path: Any) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'e.db'}")
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute",
                    lambda *args: statements.append(args[2].strip()) if "INDEX" in args[2] else None)
    with engine.begin() as conn:
        op = _ops(conn)
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Integer))
        op.create_index("ix_v", "t", ["v"], if_not_exists=True)
        op.create_index("ix_v", "t", ["v"], if_not_exists=True)   # exists: skipped
        op.drop_index("ix_v", table_name="t", if_exists=True)
        op.drop_index("ix_v", table_name="t", if_exists=True)     # gone: skipped
        op.add_column("t", sa.Column("w", sa.Integer), if_not_exists=True)
        op.add_column("t", sa.Column("w", sa.Integer), if_not_exists=True)  # SQLite's own emulation
    assert statements == ["CREATE INDEX ix_v ON t (v)", "DROP INDEX ix_v"]  # the flag cleared: no clause
    insp = sa.inspect(engine)
    assert insp.get_indexes("t") == []
    assert [c["name"] for c in insp.get_columns("t")] == ["id", "v", "w"]


def test_offline_an_emulated_clause_is_an_error_naming_the_flag() -> None:
    out = io.StringIO()
    op = _ops(None, out)
    with pytest.raises(NotSupportedError) as info:
        op.create_index("ix_v", "t", ["v"], if_not_exists=True)
    assert str(info.value) == ("create_index ix_v on t: OldSQLite has no IF NOT EXISTS here and --sql mode "
                               "cannot check; drop if_not_exists=True or run online")
    op.create_table("t", sa.Column("id", sa.Integer, primary_key=True), if_not_exists=True)
    assert "CREATE TABLE IF NOT EXISTS t" in out.getvalue()
