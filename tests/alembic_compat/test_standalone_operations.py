"""Operations outside a run: ``MigrationContext.configure(connection)`` with ``Operations(ctx)`` or
``Operations.context(ctx)``, as application code and test suites use Alembic's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa


def _migrate(tool: str, url: str) -> None:
    if tool == "alembic":
        from alembic import op
        from alembic.migration import MigrationContext
        from alembic.operations import Operations
    else:
        from mig import op  # type: ignore[no-redef]
        from mig.operations import Operations  # type: ignore[assignment]
        from mig.runtime.migration import MigrationContext  # type: ignore[assignment]
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            ctx: Any = MigrationContext.configure(connection)
            operations: Any = Operations(ctx)
            operations.create_table("accounts", sa.Column("id", sa.Integer, primary_key=True),
                                    sa.Column("email", sa.String(80), nullable=False))
            with Operations.context(ctx):
                op.add_column("accounts", sa.Column("phone", sa.String(20)))
                op.create_index("ix_accounts_email", "accounts", ["email"], unique=True)
                op.execute("INSERT INTO accounts (id, email) VALUES (1, 'a@example.org')")
    finally:
        engine.dispose()


def _schema(url: str) -> tuple[list[Any], list[Any], list[Any]]:
    engine = sa.create_engine(url)
    try:
        inspector = sa.inspect(engine)
        columns = [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns("accounts")]
        indexes = [(i["name"], i["column_names"], bool(i["unique"])) for i in inspector.get_indexes("accounts")]
        with engine.connect() as conn:
            rows = [tuple(r) for r in conn.execute(sa.text("SELECT id, email, phone FROM accounts"))]
        return columns, indexes, rows
    finally:
        engine.dispose()


def test_standalone_operations_as_under_alembic(tmp_path: Path) -> None:
    urls = {tool: f"sqlite:///{tmp_path / tool}.db" for tool in ("alembic", "mig")}
    for tool, url in urls.items():
        _migrate(tool, url)
    assert _schema(urls["mig"]) == _schema(urls["alembic"]) == (
        [("id", "INTEGER", False), ("email", "VARCHAR(80)", False), ("phone", "VARCHAR(20)", True)],
        [("ix_accounts_email", ["email"], True)],
        [(1, "a@example.org", None)])


def test_op_outside_the_block_has_no_context(tmp_path: Path) -> None:
    from mig import op
    from mig.errors import NoContextError
    from mig.operations import Operations
    from mig.runtime.migration import MigrationContext

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
        with pytest.raises(NoContextError, match=r"op.drop_table\(\) can only be used inside a migration"):
            op.drop_table("t")
    assert sa.inspect(engine).get_table_names() == ["t"]
    engine.dispose()


@pytest.mark.parametrize(("targets", "final"), [(["main@head", "heads", "62b8", "1a00", "base"], []),
                                               ([["8f51", "7c99"], "5b00"], ["5b00"])])
def test_migration_context_stamp_as_under_alembic(tmp_path: Path, targets: list[Any], final: list[str]) -> None:
    """``MigrationContext.stamp(script_directory, revision)`` outside a run moves the version rows
    as Alembic's does, step after step."""
    from alembic.migration import MigrationContext as AlembicContext
    from alembic.script import ScriptDirectory as AlembicScripts

    from mig.revision import ScriptDirectory
    from mig.runtime.migration import MigrationContext

    from .test_applied_heads import GRAPH, SCRIPT

    versions = tmp_path / "versions"
    versions.mkdir()
    for rev, down, labels, deps in GRAPH:
        (versions / f"{rev}_step.py").write_text(SCRIPT.format(rev=rev, down=down, labels=labels, deps=deps))
    tools: dict[str, Any] = {
        "alembic": (AlembicContext.configure, AlembicScripts(str(tmp_path), version_locations=[str(versions)]), {}),
        "mig": (MigrationContext.configure, ScriptDirectory(tmp_path, version_locations=[versions]),
                {"version_table": "alembic_version"}),
    }
    engines = {tool: sa.create_engine(f"sqlite:///{tmp_path / tool}.db") for tool in tools}
    try:
        for target in targets:
            seen = {}
            for tool, (configure, scripts, opts) in tools.items():
                with engines[tool].begin() as connection:
                    configure(connection, opts=opts).stamp(scripts, target)
                with engines[tool].connect() as connection:
                    seen[tool] = sorted(r[0] for r in connection.execute(sa.text("SELECT version_num FROM alembic_version")))
            assert seen["mig"] == seen["alembic"], target
        assert seen["mig"] == final
    finally:
        for engine in engines.values():
            engine.dispose()
