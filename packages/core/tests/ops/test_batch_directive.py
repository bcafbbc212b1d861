"""``op.batch_alter_table`` builds one BatchAlterTableOp holding the block's operations."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from mig import hookimpl, ops, plugins
from mig.ddl.batch import BatchStrategy
from mig.ddl.impl import DialectImpl
from mig.operations import Operations
from mig.runtime import MigrationContext
from mig.specs import BatchStrategySpec

SEEN: list[ops.BatchAlterTableOp] = []


class RecordingStrategy(BatchStrategy):
    name = "test-recorder"

    def run(self, op):
        SEEN.append(op)
        self.impl.execute(f"-- recreated {op.table_name} with {len(op.operations)} operations")


class StrategyPlugin:
    @hookimpl
    def mig_register_batch_strategies(self):
        return [BatchStrategySpec("test-recorder", RecordingStrategy, dialects=frozenset({"default"}))]


def _operations(out):
    ctx = MigrationContext(postgresql.dialect(), None,
                           opts={"as_sql": True, "output_buffer": out, "impl_class": DialectImpl})
    return Operations(ctx)


def test_batch_without_strategy_runs_operations_one_by_one():
    out = io.StringIO()
    op = _operations(out)
    with op.batch_alter_table("account", schema="s", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(100)), insert_after="name")
        batch_op.alter_column("name", nullable=False, existing_type=sa.String(50))
        batch_op.create_index("ix_email", ["email"], unique=True)
        batch_op.drop_column("legacy")
        assert out.getvalue() == ""  # nothing runs before the block ends
    assert out.getvalue() == (
        "ALTER TABLE s.account ADD COLUMN email VARCHAR(100);\n\n"
        "ALTER TABLE s.account ALTER COLUMN name SET NOT NULL;\n\n"
        "CREATE UNIQUE INDEX ix_email ON s.account (email);\n\n"
        "ALTER TABLE s.account DROP COLUMN legacy;\n\n")


def test_batch_goes_to_the_strategy_registered_for_the_dialect():
    SEEN.clear()
    plugin = StrategyPlugin()
    plugins.register(plugin, name="test-batch-recorder")
    try:
        out = io.StringIO()
        op = _operations(out)
        with op.batch_alter_table("account", recreate="auto", table_kwargs={"sqlite_autoincrement": True}) as b:
            b.add_column(sa.Column("x", sa.Integer), insert_before="id")
            b.drop_constraint("uq_x", type_="unique")
    finally:
        plugins.unregister(plugin)
    assert out.getvalue() == "-- recreated account with 2 operations;\n\n"
    (batch,) = SEEN
    assert batch.recreate == "auto" and batch.table_kwargs == {"sqlite_autoincrement": True}
    add, drop = batch.operations
    assert isinstance(add, ops.AddColumnOp) and add.table_name == "account" and add.kw == {"insert_before": "id"}
    assert isinstance(drop, ops.DropConstraintOp) and drop.type_ == "unique"


def test_recreate_must_be_known():
    from mig.errors import OperationError

    op = _operations(io.StringIO())
    with pytest.raises(OperationError, match="recreate must be"), op.batch_alter_table("t", recreate="sometimes"):
        pass
