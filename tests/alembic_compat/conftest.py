"""Side by side with Alembic: the same scripts run by Alembic and by mig.

A :class:`SideBySide` writes every script twice, once into an Alembic project
(``from alembic import op``) and once into a mig project (``from mig import
op``), both with Alembic's generic ``env.py`` (its import changed, nothing
else), each migrating a database of its own. Tests then compare what the two
databases end up with (reflected schema, rows) and the ``--sql`` output.
"""

from __future__ import annotations

import contextlib
import io
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig.testing import servers

ENV_PY = '''\
from logging.config import fileConfig

from sqlalchemy import engine_from_config
from sqlalchemy import pool

from {tool} import context

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
        dialect_opts={{"paramstyle": "named"}},
    )

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {{}}),
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
"""{rev}"""
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from {tool} import op

revision = {rev!r}
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = None


def upgrade():
{upgrade}


def downgrade():
{downgrade}
'''

#: The tools' own tables (version tables, mig's log table), left out of the comparisons.
VERSION_TABLES = frozenset({"alembic_version", "mig_version", "mig_log"})


class Tool:
    """One of the two projects: its folder, its database and its commands."""

    def __init__(self, name: str, root: Path, url: str) -> None:
        self.name = name
        self.root = root
        self.url = url
        self.location = root / "migrations"
        (self.location / "versions").mkdir(parents=True)
        (self.location / "env.py").write_text(ENV_PY.format(tool=name))

    def write(self, rev: str, down: Any, upgrade: str, downgrade: str, labels: Any) -> None:
        body = {key: textwrap.indent(textwrap.dedent(text).strip() or "pass", "    ")
                for key, text in (("upgrade", upgrade), ("downgrade", downgrade))}
        (self.location / "versions" / f"{rev}_step.py").write_text(
            SCRIPT.format(tool=self.name, rev=rev, down=down, labels=labels, **body))

    def _config(self, output: io.StringIO | None) -> Any:
        if self.name == "alembic":
            from alembic.config import Config as AlembicConfig

            config = AlembicConfig(output_buffer=output) if output is not None else AlembicConfig()
            config.set_main_option("script_location", str(self.location))
            config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
            return config
        from mig.config import Config

        config = Config.from_options(self.root, script_location=str(self.location), url=self.url)
        if output is not None:
            config.output_buffer = output
        return config

    def _command(self) -> Any:
        if self.name == "alembic":
            from alembic import command as alembic_command

            return alembic_command
        from mig import command

        return command

    def upgrade(self, target: str = "heads") -> None:
        self._command().upgrade(self._config(None), target)

    def downgrade(self, target: str = "base") -> None:
        self._command().downgrade(self._config(None), target)

    def sql(self, revision_range: str, *, downgrade: bool = False) -> str:
        out = io.StringIO()
        fn = self._command().downgrade if downgrade else self._command().upgrade
        fn(self._config(out), revision_range, sql=True)
        return out.getvalue()

    def statements(self, revision_range: str, *, downgrade: bool = False) -> list[str]:
        """The statements of the ``--sql`` output (see :func:`statements`)."""
        return statements(self.sql(revision_range, downgrade=downgrade))

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.url, poolclass=sa.pool.NullPool)

    def schema(self) -> dict[str, Any]:
        engine = self.engine()
        try:
            with engine.connect() as conn:
                return snapshot(conn)
        finally:
            engine.dispose()

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        engine = self.engine()
        try:
            with engine.connect() as conn:
                return [tuple(r) for r in conn.exec_driver_sql(sql)]
        finally:
            engine.dispose()


def snapshot(conn: sa.Connection) -> dict[str, Any]:
    """Everything reflection tells about the tables (version tables left out), and enum types."""
    insp = sa.inspect(conn)
    found: dict[str, Any] = {}
    for name in sorted(set(insp.get_table_names()) - VERSION_TABLES):
        found[name] = {
            "columns": [(c["name"], str(c["type"]), c["nullable"], c.get("default"),
                         str(c.get("computed") or ""), str(c.get("identity") or ""))
                        for c in insp.get_columns(name)],
            "pk": (insp.get_pk_constraint(name)["constrained_columns"]),
            "fks": sorted((f["name"] or "", tuple(f["constrained_columns"]), f["referred_table"],
                           tuple(f["referred_columns"])) for f in insp.get_foreign_keys(name)),
            "uniques": sorted((u["name"] or "", tuple(u["column_names"]))
                              for u in insp.get_unique_constraints(name)),
            "checks": sorted((c["name"] or "", c["sqltext"]) for c in insp.get_check_constraints(name)),
            "indexes": sorted((i["name"] or "", tuple(i["column_names"]), bool(i["unique"]))
                              for i in insp.get_indexes(name)),
        }
    if conn.dialect.name == "postgresql":
        found["<enums>"] = sorted((e["name"], tuple(e["labels"])) for e in insp.get_enums())  # type: ignore[attr-defined]
    return found


def _without_sequences(schema: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, table in schema.items():
        if isinstance(table, dict):
            table = dict(table, columns=[
                (c[0], c[1], c[2], "nextval(...)" if str(c[3]).startswith("nextval(") else c[3], *c[4:])
                for c in table["columns"]])
        out[name] = table
    return out


class SideBySide:
    """The same scripts in an Alembic project and a mig project, each on its own database."""

    def __init__(self, root: Path, alembic_url: str, mig_url: str) -> None:
        self.alembic = Tool("alembic", root / "alembic", alembic_url)
        self.mig = Tool("mig", root / "mig", mig_url)

    @property
    def tools(self) -> tuple[Tool, Tool]:
        return (self.alembic, self.mig)

    def write(self, rev: str, down: Any, upgrade: str = "pass", downgrade: str = "pass",
              labels: Any = None) -> None:
        for tool in self.tools:
            tool.write(rev, down, upgrade, downgrade, labels)

    def upgrade(self, target: str = "heads") -> None:
        for tool in self.tools:
            tool.upgrade(target)

    def downgrade(self, target: str = "base") -> None:
        for tool in self.tools:
            tool.downgrade(target)

    def assert_same_schema(self, *, serial_sequences: bool = True) -> dict[str, Any]:
        """The two databases' schemas are equal; returns mig's.

        ``serial_sequences=False`` leaves out the names of the sequences behind PostgreSQL serial
        columns: after a move-and-copy Alembic's draw from ``_alembic_tmp_<table>_<col>_seq``,
        mig's keep the table's own sequence (docs/batch.md).
        """
        alembic_schema, mig_schema = self.alembic.schema(), self.mig.schema()
        if not serial_sequences:
            alembic_schema, mig_schema = _without_sequences(alembic_schema), _without_sequences(mig_schema)
        assert mig_schema == alembic_schema
        return mig_schema

    def assert_same_rows(self, sql: str) -> list[tuple[Any, ...]]:
        alembic_rows, mig_rows = self.alembic.rows(sql), self.mig.rows(sql)
        assert mig_rows == alembic_rows
        return mig_rows


@contextlib.contextmanager
def _two_databases(server_url: str) -> Iterator[tuple[str, str]]:
    with servers.temporary_database(server_url, "mig_sbs") as first, \
            servers.temporary_database(server_url, "mig_sbs") as second:
        yield first, second


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                        pytest.param("mysql", marks=pytest.mark.mysql)])
def side_by_side(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SideBySide]:
    """Alembic and mig side by side on SQLite, PostgreSQL and MariaDB (fresh databases each)."""
    kind = request.param
    if kind == "sqlite":
        yield SideBySide(tmp_path, f"sqlite:///{tmp_path / 'alembic.db'}", f"sqlite:///{tmp_path / 'mig.db'}")
        return
    server = request.getfixturevalue(f"mig_{kind}_url")
    with _two_databases(server) as (alembic_url, mig_url):
        yield SideBySide(tmp_path, alembic_url, mig_url)


@pytest.fixture
def offline_pair(tmp_path: Path) -> Callable[[str], SideBySide]:
    """``offline_pair(url)``: Alembic and mig side by side for ``--sql`` only (nothing is connected)."""
    def make(url: str) -> SideBySide:
        return SideBySide(tmp_path, url, url)
    return make


def statements(sql: str) -> list[str]:
    """The statements of ``--sql`` output without the version and log tables', the step comments and
    ``BEGIN``/``COMMIT``; trailing blanks at line ends removed (Alembic leaves them in DDL)."""
    found = []
    for chunk in sql.split(";\n"):
        text = "\n".join(line.rstrip() for line in chunk.strip().splitlines()
                         if not line.startswith("-- ")).strip()
        if not text or text in ("BEGIN", "COMMIT") or "alembic_version" in text or "mig_version" in text \
                or "mig_log" in text:
            continue
        found.append(text)
    return found


@pytest.fixture
def postgresql_side_by_side(mig_postgresql_url: str, tmp_path: Path) -> Iterator[SideBySide]:
    """Alembic and mig side by side on PostgreSQL only."""
    with _two_databases(mig_postgresql_url) as (alembic_url, mig_url):
        yield SideBySide(tmp_path, alembic_url, mig_url)


@pytest.fixture(params=[pytest.param("postgresql", marks=pytest.mark.postgresql),
                        pytest.param("mysql", marks=pytest.mark.mysql)])
def server_side_by_side(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SideBySide]:
    """Alembic and mig side by side on PostgreSQL and MariaDB (fresh databases each)."""
    server = request.getfixturevalue(f"mig_{request.param}_url")
    with _two_databases(server) as (alembic_url, mig_url):
        yield SideBySide(tmp_path, alembic_url, mig_url)
