"""A throw-away mig project on a SQLite file, with Alembic's generic env.py (``alembic`` -> ``mig``)."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig.config import Config

#: Alembic's generic env.py with its import changed from alembic to mig, nothing else.
ALEMBIC_ENV_PY = '''\
from logging.config import fileConfig

from sqlalchemy import engine_from_config
from sqlalchemy import pool

from mig import context

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = None


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )

    with connectable.connect() as connection:
        context.configure(
            connection=connection, target_metadata=target_metadata
        )

        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

SCRIPT = '''\
"""{message}

Revision ID: {rev}
"""
import sqlalchemy as sa
from mig import op

revision = {rev!r}
down_revision = {down!r}
branch_labels = None
depends_on = {depends!r}


def upgrade():
{upgrade}


def downgrade():
{downgrade}
'''


class Project:
    """A migrations folder, its config and a SQLite database file."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "test.db"
        self.url = f"sqlite:///{self.db}"
        self.location = root / "migrations"
        (self.location / "versions").mkdir(parents=True)
        (self.location / "env.py").write_text(ALEMBIC_ENV_PY)
        self.output = io.StringIO()
        self.options: dict[str, Any] = {}

    @property
    def config(self) -> Config:
        config = Config.from_options(self.root, script_location="migrations", url=self.url, **self.options)
        config.output_buffer = self.output
        return config

    def write(self, rev: str, down: str | tuple[str, ...] | None, upgrade: str = "pass",
              downgrade: str = "pass", message: str = "step", depends: Any = None) -> Path:
        path = self.location / "versions" / f"{rev}_step.py"
        path.write_text(SCRIPT.format(
            rev=rev, down=down, message=message, depends=depends,
            upgrade=textwrap.indent(textwrap.dedent(upgrade).strip() or "pass", "    "),
            downgrade=textwrap.indent(textwrap.dedent(downgrade).strip() or "pass", "    "),
        ))
        return path

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.url, poolclass=sa.pool.NullPool)

    def inspect(self) -> Any:
        engine = self.engine()
        with engine.connect() as conn:
            return _Snapshot(conn)

    def versions(self, table: str = "mig_version") -> list[str]:
        with self.engine().connect() as conn:
            return sorted(r[0] for r in conn.exec_driver_sql(f"SELECT version_num FROM {table}"))

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        with self.engine().connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql)]

    def sql_output(self) -> str:
        return self.output.getvalue()


class _Snapshot:
    """Reflected schema: tables, columns, indexes, constraints (compared with ``==``)."""

    def __init__(self, conn: sa.Connection) -> None:
        insp = sa.inspect(conn)
        self.tables = sorted(insp.get_table_names())
        self.columns = {t: [(c["name"], str(c["type"]), c["nullable"], c.get("default"))
                            for c in insp.get_columns(t)] for t in self.tables}
        self.indexes = {t: sorted((i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                                  for i in insp.get_indexes(t)) for t in self.tables}
        self.foreign_keys = {t: sorted((f["name"] or "", tuple(f["constrained_columns"]), f["referred_table"])
                                       for f in insp.get_foreign_keys(t)) for t in self.tables}
        self.uniques = {t: sorted((u["name"] or "", tuple(u["column_names"]))
                                  for u in insp.get_unique_constraints(t)) for t in self.tables}
        self.checks = {t: sorted((c["name"] or "", c["sqltext"]) for c in insp.get_check_constraints(t))
                       for t in self.tables}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Snapshot) and vars(self) == vars(other)

    def __repr__(self) -> str:
        return f"Snapshot({vars(self)!r})"


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    yield Project(tmp_path)
