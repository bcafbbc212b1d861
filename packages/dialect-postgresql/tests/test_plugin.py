"""mig-postgresql as a plugin: registration, cheap import, the third-party operation path, subclassing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import sqlalchemy as sa

from mig import op, plugins
from mig.ddl import capabilities as cap
from mig.testing.project import MigrationRunner
from mig_postgresql.impl import PostgresqlImpl


def test_dialect_registered_by_the_distribution() -> None:
    reg = plugins.dialects()["postgresql"]
    assert reg.distribution == "mig-postgresql"
    spec = reg.item
    assert spec.load() is PostgresqlImpl
    assert spec.capabilities == cap.ALL - {cap.BATCH}


def test_operations_registered_by_the_distribution() -> None:
    registered = plugins.operations()
    for name in ("create_enum_type", "drop_enum_type", "add_enum_value", "rename_enum_value",
                 "create_exclude_constraint"):
        assert registered[name].distribution == "mig-postgresql"
        assert set(registered[name].item.implementations) == {"postgresql"}


def test_plugin_module_is_cheap_to_import() -> None:
    code = ("import sys, mig_postgresql.plugin as p; list(p.mig_register_dialects()); "
            "list(p.mig_register_operations()); print(sorted(m for m in sys.modules "
            "if m.split('.')[0] in ('sqlalchemy', 'psycopg')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class CockroachImpl(PostgresqlImpl):
    """What a new dialect built on PostgreSQL starts as."""

    name = "cockroachdb"


def test_subclass_uses_postgresql_operation_implementations(mig_postgresql_database, tmp_path, pg, name) -> None:
    e, t = name("e"), name("t")
    runner = MigrationRunner(tmp_path / "p", mig_postgresql_database, configure_options={"impl_class": CockroachImpl})
    seen: list[str] = []

    def upgrade() -> None:
        seen.append(type(op.get_context().impl).__name__)
        op.create_enum_type(e, ["a", "b"])
        op.create_table(t, sa.Column("id", sa.Integer, primary_key=True), sa.Column("v", sa.Enum(name=e)))

    runner.run(upgrade)
    assert seen == ["CockroachImpl"]
    assert pg.enum_labels(e) == ["a", "b"]


MIG_PLUGINS = '''
"""A project-local plugin adding op.set_fillfactor, implemented for PostgreSQL only."""
from dataclasses import dataclass
from typing import ClassVar

from mig import hookimpl
from mig.ops import Operation
from mig.specs import OperationSpec


@dataclass(frozen=True, eq=False)
class SetFillfactorOp(Operation):
    op_name: ClassVar[str] = "set_fillfactor"
    table_name: str
    fillfactor: int


def run_postgresql(impl, operation):
    quote = impl.dialect.identifier_preparer.quote
    impl.execute(f"ALTER TABLE {quote(operation.table_name)} SET (fillfactor = {int(operation.fillfactor)})")


@hookimpl
def mig_register_operations():
    return [OperationSpec("set_fillfactor", SetFillfactorOp, implementations={"postgresql": run_postgresql})]
'''


def test_third_party_operation_through_a_local_plugin(runner, pg, name) -> None:
    (runner.location / "mig_plugins.py").write_text(textwrap.dedent(MIG_PLUGINS), encoding="utf-8")
    t = name("t")

    def upgrade() -> None:
        op.create_table(t, sa.Column("id", sa.Integer, primary_key=True))
        op.set_fillfactor(t, 70)

    runner.run(upgrade)
    assert pg.scalar("SELECT reloptions FROM pg_class WHERE relname = :t", t=t) == ["fillfactor=70"]
    # the local plugin belongs to the run only
    assert "set_fillfactor" not in plugins.operations()
