"""The batch strategy's contract is declared: ``BatchStrategy``'s public methods are override points with
complete docstrings, a registered strategy must subclass it, and what the move-and-copy asks a dialect
is declared on ``DialectImpl``."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from mig import hookimpl, plugins
from mig.ddl.batch import ATTRIBUTES, BatchStrategy, load_strategy
from mig.ddl.contract import contract_problems, override_points
from mig.ddl.impl import DialectImpl
from mig.errors import PluginError
from mig.ops import AddColumnOp, AlterColumnOp, BatchAlterTableOp
from mig.specs import BatchStrategySpec


def test_batch_strategy_declares_every_public_method_with_a_complete_docstring() -> None:
    assert contract_problems(BatchStrategy, ATTRIBUTES) == []
    assert set(override_points(BatchStrategy)) == {"run", "is_registered_operation"}


def test_what_the_move_and_copy_asks_a_dialect_is_declared_on_dialect_impl() -> None:
    assert {"type_change_using", "batch_names_to_free", "batch_new_table", "batch_copy_statement",
            "batch_after_copy"} <= set(override_points(DialectImpl))


class NotAStrategy:
    def __init__(self, impl: DialectImpl) -> None:
        self.impl = impl

    def run(self, op: BatchAlterTableOp) -> None:
        self.impl.execute("-- never")


class Plugin:
    @hookimpl
    def mig_register_batch_strategies(self) -> list[BatchStrategySpec]:
        return [BatchStrategySpec("test-not-a-strategy", NotAStrategy, dialects=frozenset({"default"}))]


def test_a_registered_strategy_that_is_not_a_batch_strategy_is_a_clear_error() -> None:
    spec = BatchStrategySpec("test-not-a-strategy", NotAStrategy)
    with pytest.raises(PluginError) as info:
        load_strategy(spec)
    assert str(info.value) == (
        f"batch strategy 'test-not-a-strategy' names {NotAStrategy!r}, which is not a subclass of "
        "mig.ddl.batch.BatchStrategy; the plugin that registers it must subclass it")
    plugin = Plugin()
    plugins.register(plugin, name="test-not-a-strategy")
    out = io.StringIO()
    try:
        impl = DialectImpl(postgresql.dialect(), None, as_sql=True, output=out)
        with pytest.raises(PluginError, match=r"not a subclass of mig\.ddl\.batch\.BatchStrategy"):
            impl.run(BatchAlterTableOp("t", operations=(AddColumnOp("t", sa.Column("x", sa.Integer)),)))
    finally:
        plugins.unregister(plugin)
    assert out.getvalue() == ""


def test_the_generic_dialect_names_no_using_expression() -> None:
    out = io.StringIO()
    impl = DialectImpl(postgresql.dialect(), None, as_sql=True, output=out)
    op = AlterColumnOp("t", "n", type_=sa.Integer(), kw={"postgresql_using": "n::integer"})
    assert impl.type_change_using(op) is None
    impl.run(op)
    assert out.getvalue() == "ALTER TABLE t ALTER COLUMN n TYPE INTEGER;\n\n"
