"""env.py's filters, the include-object hook, a third party's comparator, several schemas and metadata."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa

from mig import hookimpl, plugins
from mig.ops import Operation
from mig_autogen import compare_metadata, produce_migrations
from mig_autogen.compare.reflected import ReflectedTable
from mig_autogen.specs import Comparator

from .conftest import described, ops_of


def _db_and_model(engine: sa.Engine) -> sa.MetaData:
    db = sa.MetaData()
    sa.Table("kept", db, sa.Column("id", sa.Integer, primary_key=True), sa.Column("old", sa.Integer))
    sa.Table("legacy", db, sa.Column("id", sa.Integer, primary_key=True))
    db.create_all(engine)
    model = sa.MetaData()
    sa.Table("kept", model, sa.Column("id", sa.Integer, primary_key=True), sa.Column("new", sa.Integer))
    sa.Table("fresh", model, sa.Column("id", sa.Integer, primary_key=True))
    return model


def test_include_name_filters_before_reflection(engine: sa.Engine) -> None:
    model = _db_and_model(engine)
    calls: list[tuple[str | None, str, dict[str, Any]]] = []

    def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
        calls.append((name, type_, parent_names))
        return not (type_ == "table" and name == "legacy") and not (type_ == "column" and name == "old")

    assert described(engine, model, include_name=include_name) == [
        "add_column kept.new", "create_table fresh"]
    assert ("legacy", "table", {"schema_name": None, "table_name": "legacy",
                                "schema_qualified_table_name": "legacy"}) in calls
    assert any(c[:2] == ("old", "column") and c[2]["table_name"] == "kept" for c in calls)


def test_include_object_sees_both_sides(engine: sa.Engine) -> None:
    model = _db_and_model(engine)
    seen: list[tuple[str, str, bool]] = []

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        seen.append((str(name), type_, reflected))
        return name not in ("fresh", "old")

    assert described(engine, model, include_object=include_object) == [
        "drop_table legacy", "add_column kept.new"]
    assert ("legacy", "table", True) in seen and ("fresh", "table", False) in seen
    assert ("old", "column", True) in seen


def test_callables_receive_reflected_sqlalchemy_objects(engine: sa.Engine) -> None:
    """The comparison reads the inspector's dictionaries, but env.py's callables get what Alembic gives them:
    reflected ``Table``, ``Column``, ``Index`` and constraint objects."""
    model = _db_and_model(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE INDEX ix_kept_old ON kept (old)"))
    seen: dict[tuple[str, str, bool], tuple[type, type]] = {}

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        seen[(str(name), type_, reflected)] = (type(obj), type(compare_to))
        return True

    types_seen: list[tuple[type, str, type]] = []

    def compare_type(context: Any, inspected: Any, metadata_column: Any, inspected_type: Any,
                     metadata_type: Any) -> bool | None:
        types_seen.append((type(inspected), inspected.table.name, type(inspected_type)))
        return None

    assert described(engine, model, include_object=include_object, compare_type=compare_type) == [
        "drop_table legacy", "drop_index ix_kept_old", "rename_hint column kept.old -> new?",
        "drop_column kept.old", "add_column kept.new", "rename_hint table legacy -> fresh?", "create_table fresh"]
    assert seen[("legacy", "table", True)] == (sa.Table, type(None))
    assert seen[("ix_kept_old", "index", True)] == (sa.Index, type(None))
    assert seen[("kept", "table", False)] == (sa.Table, sa.Table)  # compare_to: the reflected table
    assert seen[("old", "column", True)] == (sa.Column, type(None))
    assert seen[("id", "column", False)] == (sa.Column, sa.Column)
    assert seen[("fresh", "table", False)] == (sa.Table, type(None))
    assert types_seen and all(t[:2] == (sa.Column, "kept") for t in types_seen)
    assert all(issubclass(t[2], sa.types.TypeEngine) for t in types_seen)


@pytest.mark.parametrize("target", [sa.Table, sa.MetaData], ids=["Table", "MetaData"])
def test_column_reflect_listeners_see_every_column(engine: sa.Engine, target: type) -> None:
    """A ``column_reflect`` listener on ``Table`` or ``MetaData`` (a recipe some Alembic projects use) still
    shapes what is compared."""
    db = sa.MetaData()
    sa.Table("t", db, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.String(30)))
    db.create_all(engine)
    model = sa.MetaData()
    sa.Table("t", model, sa.Column("id", sa.Integer, primary_key=True), sa.Column("code", sa.String(20)))
    assert described(engine, model) == ["alter_column t.code"]

    def as_twenty(inspector: Any, table: sa.Table, column_info: dict[str, Any]) -> None:
        if table.name == "t" and column_info["name"] == "code":
            column_info["type"] = sa.String(20)

    sa.event.listen(target, "column_reflect", as_twenty)
    try:
        assert described(engine, model) == []
    finally:
        sa.event.remove(target, "column_reflect", as_twenty)
    assert described(engine, model) == ["alter_column t.code"]


class _IncludeHook:
    @hookimpl
    def mig_autogen_include_object(self, object: Any, name: str | None, type_: str, reflected: bool,
                                   compare_to: Any) -> bool | None:
        return False if name == "legacy" else None


def test_include_object_hook(engine: sa.Engine) -> None:
    model = _db_and_model(engine)
    name = plugins.register(_IncludeHook(), name="test-include-hook")
    try:
        assert described(engine, model) == ["rename_hint column kept.old -> new?", "drop_column kept.old",
                                            "add_column kept.new", "create_table fresh"]
        # env.py's callable returning False wins over the hook's "no opinion"
        assert "create_table fresh" not in described(
            engine, model, include_object=lambda o, n, t, r, c: n != "fresh")
    finally:
        plugins.unregister(name)
    assert "drop_table legacy" in described(engine, model)


@dataclass(frozen=True, eq=False)
class TagTableOp(Operation):
    """A third party's operation: the models tag a table the database does not know is tagged."""

    table_name: str
    tag: str
    schema: str | None = None

    op_name: ClassVar[str] = "tag_table"

    def reverse(self) -> Operation:
        return TagTableOp(self.table_name, "", self.schema)


def compare_tags(ctx: Any, model_table: sa.Table, db_table: ReflectedTable) -> Iterator[Operation]:
    tag = model_table.info.get("tag")
    if tag and (db_table.comment or "") != f"tag:{tag}":
        yield TagTableOp(model_table.name, tag, model_table.schema)


class _TagPlugin:
    @hookimpl
    def mig_autogen_register_comparators(self) -> list[Comparator]:
        return [Comparator("table_tags", "table", compare_tags)]


def test_third_party_comparator_runs_like_a_builtin(engine: sa.Engine) -> None:
    model = sa.MetaData()
    sa.Table("t", model, sa.Column("id", sa.Integer, primary_key=True), info={"tag": "audit"})
    model.create_all(engine)
    assert ops_of(engine, model) == []
    name = plugins.register(_TagPlugin(), name="test-tag-plugin")
    try:
        ops = ops_of(engine, model)
    finally:
        plugins.unregister(name)
    assert [(type(op), op.table_name, op.tag) for op in ops] == [(TagTableOp, "t", "audit")]


def test_several_metadata_and_produce_migrations(engine: sa.Engine) -> None:
    one, two = sa.MetaData(), sa.MetaData()
    sa.Table("a", one, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("b", two, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a_id", sa.ForeignKey("a.id")))
    with engine.connect() as conn:
        script = produce_migrations(conn, [two, one])
    assert [op.describe() for op in script.upgrade_ops] == ["create_table a", "create_table b"]
    assert [op.describe() for op in script.downgrade_ops] == ["drop_table b", "drop_table a"]
    with engine.connect() as conn:
        with pytest.raises(Exception, match="target_metadata"):
            compare_metadata(conn, None)  # type: ignore[arg-type]


def test_version_and_log_tables_are_not_compared(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE mig_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        conn.execute(sa.text("CREATE TABLE mig_log (id INTEGER NOT NULL)"))
    assert described(engine, sa.MetaData()) == ["drop_table alembic_version"]
    assert described(engine, sa.MetaData(), version_table="alembic_version") == ["drop_table mig_version"]


@pytest.mark.postgresql
def test_include_schemas(pg_engine: sa.Engine) -> None:
    with pg_engine.begin() as conn:
        conn.execute(sa.text("CREATE SCHEMA other"))
        conn.execute(sa.text("CREATE TABLE other.thing (id INTEGER PRIMARY KEY)"))
        conn.execute(sa.text("CREATE TABLE other.stale (id INTEGER PRIMARY KEY)"))
        conn.execute(sa.text("CREATE TABLE here (id INTEGER PRIMARY KEY)"))
    model = sa.MetaData()
    sa.Table("here", model, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    sa.Table("thing", model, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("x", sa.Integer), schema="other")
    assert described(pg_engine, model) == []
    ops = ops_of(pg_engine, model, include_schemas=True)
    assert [(op.describe(), op.schema) for op in ops] == [
        ("drop_table other.stale", "other"), ("add_column other.thing.x", "other")]
    ops = ops_of(pg_engine, model, include_schemas=True,
                 include_name=lambda n, t, p: not (t == "schema" and n == "other"))
    assert ops == []
    sa.Table("fresh", model, sa.Column("id", sa.Integer, primary_key=True), schema="newschema")
    assert [op.describe() for op in ops_of(pg_engine, model, include_schemas=True)] == [
        "drop_table other.stale", "add_column other.thing.x", "create_table newschema.fresh"]
