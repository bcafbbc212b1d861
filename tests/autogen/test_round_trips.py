"""Round trips through real drafts: autogenerate, render the draft as Python, run it with mig, compare again.

On each database: a draft made against an empty database builds the whole
acceptance model and compares clean; then, for each kind of change, the
draft's upgrade brings the database to the new models and its downgrade back
to the old ones (each compares clean), and the rows of unchanged columns
survive both (a rename keeps its data). SQLite drafts use batch blocks
(``render_as_batch``), as the ``init`` template does there.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig.testing.project import MigrationRunner
from mig_autogen import compare_metadata, produce_migrations
from mig_autogen.render.context import RenderContext
from mig_autogen.render.core import render_python

from .models import OTHER_SCHEMA, build

Build = Callable[[sa.MetaData, bool], Any]


@pytest.fixture
def runner(url: str, tmp_path: Path) -> Iterator[MigrationRunner]:
    with MigrationRunner(tmp_path, url) as found:
        yield found


def _options(engine: sa.Engine, runner: MigrationRunner) -> dict[str, Any]:
    return {"version_table": runner.version_table, "include_schemas": engine.dialect.name == "postgresql"}


def differences(engine: sa.Engine, runner: MigrationRunner, md: sa.MetaData) -> list[str]:
    with engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        return [op.describe() for op in compare_metadata(conn, md, **_options(engine, runner))]


def draft(engine: sa.Engine, runner: MigrationRunner, md: sa.MetaData) -> tuple[str, str]:
    """The rendered upgrade and downgrade bodies of the draft that brings the database to ``md``."""
    with engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        script = produce_migrations(conn, md, **_options(engine, runner))
    assert script.upgrade_ops, "no difference was found"
    bodies = []
    for ops in (script.upgrade_ops, script.downgrade_ops):
        ctx = RenderContext(dialect_name=engine.dialect.name,
                            options={"render_as_batch": engine.dialect.name == "sqlite"})
        code = render_python(ops, context=ctx)
        bodies.append("\n".join([*sorted(ctx.imports), code, "pass"]))
    return bodies[0], bodies[1]


def _rows(engine: sa.Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def _schema(engine: sa.Engine) -> None:
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {OTHER_SCHEMA}"))


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_draft_on_an_empty_database_builds_the_model(engine: sa.Engine, runner: MigrationRunner) -> None:
    _schema(engine)
    md = build(engine.dialect.name)
    upgrade, downgrade = draft(engine, runner, md)
    rev = runner.add(upgrade, downgrade, message="initial")
    # as in a project's env.py: the models' naming convention names the constraints SQLAlchemy makes
    # for an Enum or Boolean (create_constraint=True) in the draft's create_table
    runner.configure_options["target_metadata"] = md
    runner.upgrade()
    assert runner.heads() == (rev,)
    assert differences(engine, runner, md) == []
    runner.downgrade("base")
    assert differences(engine, runner, sa.MetaData()) == []


def _item(md: sa.MetaData, *extra: Any, **kw: Any) -> sa.Table:
    return sa.Table("item", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                    sa.Column("label", sa.String(20), nullable=False), *extra, **kw)


def _parent(md: sa.MetaData) -> sa.Table:
    return sa.Table("parent", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))


def _renamed_column(md: sa.MetaData, after: bool) -> Any:
    return _item(md, sa.Column("title" if after else "name", sa.String(30),
                               info={"renamed_from": "name"} if after else {}))


def _renamed_table(md: sa.MetaData, after: bool) -> Any:
    return sa.Table("item", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                    sa.Column("label", sa.String(20), nullable=False),
                    info={"renamed_from": "old_item"} if after else {}) if after else sa.Table(
        "old_item", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("label", sa.String(20), nullable=False))


CHANGES: dict[str, Build] = {
    "add_drop_table": lambda md, after: (_item(md), *([sa.Table(
        "extra", md, sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.ForeignKey("item.id")))] if after else [])),
    "add_drop_column": lambda md, after: _item(md, *([sa.Column("new", sa.Integer)] if after else [])),
    "type": lambda md, after: _item(md, sa.Column("v", sa.String(40 if after else 20))),
    "type_numeric": lambda md, after: _item(md, sa.Column("v", sa.Numeric(12 if after else 10, 2))),
    "nullable": lambda md, after: _item(md, sa.Column("v", sa.Integer, nullable=not after,
                                                      server_default=sa.text("0"))),
    "server_default": lambda md, after: _item(md, sa.Column(
        "v", sa.String(10), server_default="b" if after else "a")),
    "comment": lambda md, after: _item(md, sa.Column("v", sa.Integer, comment="after" if after else None),
                                       comment="items" if after else None),
    "index": lambda md, after: _item(md, sa.Column("v", sa.Integer),
                                     *([sa.Index("ix_item_v", "v")] if after else [])),
    "unique": lambda md, after: _item(md, sa.Column("v", sa.Integer),
                                      *([sa.UniqueConstraint("v", name="uq_item_v")] if after else [])),
    "foreign_key": lambda md, after: (_parent(md), _item(md, sa.Column(
        "p", sa.Integer, *([sa.ForeignKey("parent.id", name="fk_item_p", ondelete="CASCADE")] if after else [])),
        *([sa.Index("ix_item_p", "p")]))),
    "check": lambda md, after: _item(md, sa.Column("v", sa.Integer),
                                     *([sa.CheckConstraint("v > 0", name="ck_item_v")] if after else [])),
    "rename_column": _renamed_column,
    "rename_table": _renamed_table,
}

#: SQLite keeps no comments.
NO_COMMENTS = {"comment"}


def _md(build: Build, after: bool) -> sa.MetaData:
    md = sa.MetaData()
    build(md, after)
    return md


def _insert(engine: sa.Engine, md: sa.MetaData, change: str) -> tuple[str, list[tuple[Any, ...]]]:
    table = next(t for t in md.tables.values() if t.name in ("item", "old_item"))
    with engine.begin() as conn:
        if "parent" in md.tables:
            conn.execute(md.tables["parent"].insert(), [{"id": 7}])
        values: dict[str, Any] = {"id": 1, "label": "kept"}
        if change == "rename_column":
            values["name"] = "moved"
        if change == "foreign_key":
            values["p"] = 7
        conn.execute(table.insert(), [values])
    if change == "rename_column":
        return "SELECT id, label, {} FROM item", [(1, "kept", "moved")]
    return "SELECT id, label FROM {}", [(1, "kept")]


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_upgrade_and_downgrade_drafts(engine: sa.Engine, runner: MigrationRunner, change: str) -> None:
    if change in NO_COMMENTS and not engine.dialect.supports_comments:
        pytest.skip("SQLite keeps no comments")
    before, after = _md(CHANGES[change], False), _md(CHANGES[change], True)
    before.create_all(engine)
    query, kept = _insert(engine, before, change)
    upgrade, downgrade = draft(engine, runner, after)
    runner.add(upgrade, downgrade, message=change)
    runner.upgrade()
    assert differences(engine, runner, after) == []
    new_query = query.format("title" if change == "rename_column" else "item")
    assert _rows(engine, new_query) == kept
    runner.downgrade("base")
    assert differences(engine, runner, before) == []
    old_query = query.format("name" if change == "rename_column" else
                             "old_item" if change == "rename_table" else "item")
    assert _rows(engine, old_query) == kept


@pytest.mark.postgresql
def test_postgresql_enum_types(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """A new enum type is created before its table and dropped after it; a value is added in place; the
    downgrade of an added value says PostgreSQL cannot remove it."""
    from sqlalchemy.dialects import postgresql as pg

    url = request.getfixturevalue("mig_postgresql_clean_database")
    engine = sa.create_engine(url)

    def model(values: tuple[str, ...], with_table: bool = True) -> sa.MetaData:
        md = sa.MetaData()
        sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("label", sa.String(10)))
        if with_table:
            sa.Table("mooded", md, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("mood", pg.ENUM(*values, name="mood"), server_default=values[0]))
        return md

    try:
        with MigrationRunner(tmp_path, url) as runner:
            plain = model(("sad",), with_table=False)
            plain.create_all(engine)
            with engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO t (id, label) VALUES (1, 'kept')"))
            v1 = model(("sad", "happy"))
            upgrade, downgrade = draft(engine, runner, v1)
            assert upgrade.index("op.create_enum_type('mood', ['sad', 'happy'])") < upgrade.index(
                "op.create_table(\n    'mooded'")
            assert downgrade.index("op.drop_table('mooded'") < downgrade.index("op.drop_enum_type('mood'")
            first = runner.add(upgrade, downgrade, message="enum")
            runner.upgrade()
            assert differences(engine, runner, v1) == []

            v2 = model(("sad", "ok", "happy", "ecstatic"))
            upgrade, downgrade = draft(engine, runner, v2)
            assert "op.add_enum_value('mood', 'ok', after='sad')" in upgrade
            assert "op.add_enum_value('mood', 'ecstatic')" in upgrade
            assert "# PostgreSQL cannot remove the value 'ok' from enum type mood" in downgrade
            runner.add(upgrade, downgrade, message="values")
            runner.upgrade()
            assert differences(engine, runner, v2) == []
            with engine.begin() as conn:
                conn.execute(sa.text("INSERT INTO mooded (id, mood) VALUES (1, 'ok')"))
            runner.downgrade(first)  # the values stay: the old models' comparison says so, in a note
            assert [d.split(":")[0] for d in differences(engine, runner, v1)] == ["enum_values_note mood"]
            runner.downgrade("base")
            assert differences(engine, runner, plain) == []
            assert _rows(engine, "SELECT id, label FROM t") == [(1, "kept")]
    finally:
        engine.dispose()


@pytest.mark.postgresql
def test_postgresql_enum_type_dropped_with_its_last_table(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """A type only a dropped table used is dropped after the table; the downgrade creates it before the table."""
    from sqlalchemy.dialects import postgresql as pg

    url = request.getfixturevalue("mig_postgresql_clean_database")
    engine = sa.create_engine(url)
    before = sa.MetaData()
    sa.Table("keep", before, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("mooded", before, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("mood", pg.ENUM("sad", "ok", name="mood")))
    after = sa.MetaData()
    sa.Table("keep", after, sa.Column("id", sa.Integer, primary_key=True))
    try:
        before.create_all(engine)
        with MigrationRunner(tmp_path, url) as runner:
            upgrade, downgrade = draft(engine, runner, after)
            assert upgrade.index("op.drop_table('mooded')") < upgrade.index(
                "op.drop_enum_type('mood', existing_values=['sad', 'ok'])")
            assert downgrade.index("op.create_enum_type('mood', ['sad', 'ok'])") < downgrade.index("'mooded'")
            runner.add(upgrade, downgrade, message="drop")
            runner.upgrade()
            assert differences(engine, runner, after) == []
            with engine.connect() as conn:
                assert sa.inspect(conn).get_enums() == []  # type: ignore[attr-defined]
            runner.downgrade("base")
            assert differences(engine, runner, before) == []
    finally:
        engine.dispose()
