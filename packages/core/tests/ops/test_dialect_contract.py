"""The dialect contract is declared: every public method of ``DialectImpl`` is an override point
with a complete docstring, and the three dialects override nothing else."""

from __future__ import annotations

import pytest

from mig.ddl.contract import contract_problems, override_point, override_points
from mig.ddl.impl import ATTRIBUTES, DialectImpl
from mig_mysql.impl import MariaDBImpl, MySQLImpl
from mig_postgresql.impl import PostgresqlImpl
from mig_sqlite_batch.impl import SqliteImpl


def test_dialect_impl_declares_every_public_method_with_a_complete_docstring() -> None:
    assert contract_problems(DialectImpl, ATTRIBUTES) == []


def test_the_contract_names_the_operations_and_the_sink() -> None:
    names = set(override_points(DialectImpl))
    assert {"run", "execute", "render", "require_connection", "on_transaction_begin",
            "create_table", "alter_column", "batch_alter_table", "bulk_insert"} <= names


@pytest.mark.parametrize("impl", [SqliteImpl, PostgresqlImpl, MySQLImpl, MariaDBImpl])
def test_a_first_party_dialect_uses_only_the_contract(impl: type[DialectImpl]) -> None:
    declared = set(override_points(DialectImpl)) | ATTRIBUTES
    for klass in impl.__mro__:
        if klass is DialectImpl or not issubclass(klass, DialectImpl):
            continue
        for name in vars(klass):
            if name.startswith("_"):
                continue
            assert name in declared or name in override_points(klass), (
                f"{klass.__name__}.{name} is neither an override point of DialectImpl nor "
                f"declared by {klass.__name__} with @override_point")


def test_a_public_method_without_a_declaration_or_with_a_thin_docstring_is_reported() -> None:
    class Sloppy(DialectImpl):
        def helper(self) -> None:
            pass

        @override_point
        def probe(self, table: str) -> bool:
            """Whether the table exists."""
            return bool(table)

    problems = contract_problems(Sloppy, ATTRIBUTES)
    assert "Sloppy.helper is public but not declared with @override_point" in problems
    assert "Sloppy.probe: the docstring lacks **Called by:**" in problems
    assert "Sloppy.probe: the docstring lacks **Return:**" in problems
    assert "Sloppy.probe: the docstring does not describe parameter 'table'" in problems


@pytest.mark.parametrize("impl", [SqliteImpl, PostgresqlImpl, MySQLImpl, MariaDBImpl])
def test_a_first_party_dialects_own_override_points_are_documented(impl: type[DialectImpl]) -> None:
    assert contract_problems(impl, ATTRIBUTES) == []


@pytest.mark.parametrize("impl", [SqliteImpl, PostgresqlImpl, MySQLImpl, MariaDBImpl])
def test_capabilities_are_declared_on_the_impl_and_read_by_the_spec(impl: type[DialectImpl]) -> None:
    from mig import plugins

    assert plugins.dialect(impl.name).capabilities == impl.capabilities
