"""A project's own operations written with Alembic's operation plugin API run the same under mig after ``mig adopt``."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import sqlalchemy as sa

from .conftest import Mig
from .test_adopt import ALEMBIC_INI, ENV_PY, SCRIPT_MAKO, alembic, rows

#: Alembic's "operation plugins" recipe: a view created and dropped by operations of the project's own
VIEW_OPS = '''\
"""The project's view operations (imported by env.py)."""
from alembic.operations import BatchOperations, MigrateOperation, Operations


@Operations.register_operation("create_view")
@BatchOperations.register_operation("create_view", "batch_create_view")
class CreateViewOp(MigrateOperation):
    """Create a view."""

    def __init__(self, view_name, select):
        self.view_name = view_name
        self.select = select

    @classmethod
    def create_view(cls, operations, view_name, select):
        return operations.invoke(cls(view_name, select))

    @classmethod
    def batch_create_view(cls, operations, view_name, select):
        return operations.invoke(cls(view_name, select))

    def reverse(self):
        return DropViewOp(self.view_name, self.select)


@Operations.register_operation("drop_view")
class DropViewOp(MigrateOperation):
    def __init__(self, view_name, select=None):
        self.view_name = view_name
        self.select = select

    @classmethod
    def drop_view(cls, operations, view_name, select=None):
        return operations.invoke(cls(view_name, select))

    def reverse(self):
        return CreateViewOp(self.view_name, self.select)


@Operations.implementation_for(CreateViewOp)
def create_view(operations, operation):
    operations.execute(f"CREATE VIEW {operation.view_name} AS {operation.select}")


@Operations.implementation_for(DropViewOp)
def drop_view(operations, operation):
    operations.execute(f"DROP VIEW {operation.view_name}")
'''

SCRIPTS = {
    "a1_accounts.py": '''\
        """accounts and a view of the active ones"""
        import sqlalchemy as sa
        from alembic import op

        revision = "a1"
        down_revision = None
        branch_labels = None
        depends_on = None


        def upgrade():
            op.create_table("accounts", sa.Column("id", sa.Integer, primary_key=True),
                            sa.Column("active", sa.Boolean, nullable=False))
            op.bulk_insert(sa.table("accounts", sa.column("id", sa.Integer), sa.column("active", sa.Boolean)),
                           [{"id": 1, "active": True}, {"id": 2, "active": False}])
            op.create_view("active_accounts", "SELECT id FROM accounts WHERE active")
            with op.batch_alter_table("accounts") as batch_op:
                batch_op.add_column(sa.Column("note", sa.String(20)))
                # carried out at once, before the batch's own operations (as Alembic does)
                batch_op.create_view("accounts_view", "SELECT id FROM accounts")


        def downgrade():
            op.drop_view("accounts_view")
            op.drop_view("active_accounts")
            op.drop_table("accounts")
        ''',
}


def _project(root: Path) -> None:
    (root / "alembic.ini").write_text(ALEMBIC_INI)
    (root / "viewops.py").write_text(VIEW_OPS)
    folder = root / "alembic"
    (folder / "versions").mkdir(parents=True)
    (folder / "env.py").write_text(ENV_PY.replace("import alembic\n", "import alembic\nimport viewops  # noqa: F401\n"))
    (folder / "script.py.mako").write_text(SCRIPT_MAKO)
    for name, text in SCRIPTS.items():
        (folder / "versions" / name).write_text(textwrap.dedent(text))


def _views(db: Path) -> list[str]:
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        return sorted(sa.inspect(engine).get_view_names())
    finally:
        engine.dispose()


def _columns(db: Path) -> list[str]:
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        return [c["name"] for c in sa.inspect(engine).get_columns("accounts")]
    finally:
        engine.dispose()


def _statements(sql: str) -> list[str]:
    """The view and ``ALTER TABLE`` statements of ``--sql`` output, in order."""
    return [" ".join(s.split()) for s in re.findall(r"^((?:CREATE VIEW|DROP VIEW|ALTER TABLE) [^;]*);", sql, re.M)]


def test_operations_of_the_project_run_as_under_alembic(mig: Mig, tmp_path: Path) -> None:
    original = tmp_path / "alembic_copy"
    original.mkdir()
    _project(original)
    _project(mig.cwd)
    alembic(original, "upgrade", "head")

    result = mig("adopt", "--yes", ok=True, real=True)
    # the module env.py imports is the project's: rewritten with the scripts
    assert "Wrote viewops.py" in result.stderr
    assert "from mig.operations import BatchOperations, MigrateOperation, Operations\n" in (
        mig.cwd / "viewops.py").read_text()
    mig("upgrade", "head", ok=True, real=True)
    db, alembic_db = mig.cwd / "app.db", original / "app.db"
    assert _views(db) == _views(alembic_db) == ["accounts_view", "active_accounts"]
    assert _columns(db) == _columns(alembic_db) == ["id", "active", "note"]
    assert rows(db, "SELECT id FROM active_accounts") == rows(alembic_db, "SELECT id FROM active_accounts") == [(1,)]

    # the same statements in a SQL file
    mig_sql = mig("upgrade", "a1", "--sql", ok=True, real=True).stdout
    alembic_sql = alembic(original, "upgrade", "a1", "--sql").stdout
    assert _statements(mig_sql) == _statements(alembic_sql) == [
        "CREATE VIEW active_accounts AS SELECT id FROM accounts WHERE active",
        "CREATE VIEW accounts_view AS SELECT id FROM accounts",
        "ALTER TABLE accounts ADD COLUMN note VARCHAR(20)"]

    mig("downgrade", "base", ok=True, real=True)
    alembic(original, "downgrade", "base")
    assert _views(db) == _views(alembic_db) == []
