"""The dialect conformance suite: one behavioural test per ``DialectImpl`` method and option.

A dialect package runs it against its real database::

    # tests/test_conformance.py of the dialect package
    import pytest
    from mig.testing.suite import *  # noqa: F403

    @pytest.fixture(scope="session")
    def mig_conformance_url():
        return "postgresql+psycopg://.../a_database_the_suite_may_fill"

``mig_conformance_url`` is required (define it in the test module or a
``conftest.py``). Optional fixtures: ``mig_conformance_capabilities`` (the
flags to assume; default: the registered ``DialectSpec``'s) and
``mig_conformance_schema`` (an existing second schema to use; default: the
suite creates and drops one).

Every test runs its operations through real migrations (a throw-away
project, ``env.py``, ``mig.command.upgrade``) and checks the outcome by
reflection and by the rows that survive. Where the dialect's ``DialectSpec``
lacks a capability flag (:mod:`mig.ddl.capabilities`), the test asserts
that the operation fails with :class:`mig.errors.NotSupportedError` instead.
See ``docs/conformance.md``.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig import op
from mig.ddl import capabilities as cap
from mig.errors import MigrationFailedError
from mig.testing.conformance import Conformance, dispose_engines
from mig.testing.project import MigrationRunner

__all__ = [
    "TestBatch", "TestBulkInsert", "TestColumns", "TestComments", "TestConstraints", "TestExecute",
    "TestIndexes", "TestOffline", "TestSchemas", "TestTables", "TestTransactions", "conformance",
    "mig_conformance_engines",
]


def _optional(request: pytest.FixtureRequest, name: str) -> Any:
    try:
        return request.getfixturevalue(name)
    except pytest.FixtureLookupError:
        return None


@pytest.fixture
def conformance(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Conformance]:
    """The database under test, its capabilities, a fresh project and unique names; cleans up."""
    url = request.getfixturevalue("mig_conformance_url")
    c = Conformance(url, tmp_path, capabilities=_optional(request, "mig_conformance_capabilities"),
                    schema=_optional(request, "mig_conformance_schema"))
    try:
        yield c
    finally:
        c.cleanup()


@pytest.fixture(scope="module", autouse=True)
def mig_conformance_engines() -> Iterator[None]:
    """Dispose of the suite's engines (one per database URL) when the module's tests are done."""
    yield
    dispose_engines()


def _simple_table(c: Conformance, suffix: str = "t", *, rows: int = 2, schema: str | None = None) -> str:
    """Create ``<prefix><suffix>(id integer pk, name varchar(50))`` with ``rows`` rows; returns its name."""
    name = c.name(suffix)

    def upgrade() -> None:
        op.create_table(name, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                        sa.Column("name", sa.String(50)), schema=schema)

    c.run(upgrade)
    if rows:
        c.insert(name, *({"id": i, "name": f"n{i}"} for i in range(1, rows + 1)), schema=schema)
    return name


# -- tables ----------------------------------------------------------------------------


class TestTables:
    """create_table, drop_table, rename_table (with IF [NOT] EXISTS)."""

    def test_create_table(self, conformance: Conformance) -> None:
        c = conformance
        name = c.name("t")

        def upgrade() -> None:
            op.create_table(
                name,
                sa.Column("id", sa.Integer, primary_key=True),
                sa.Column("code", sa.String(20), nullable=False),
                sa.Column("note", sa.Text),
                sa.Column("qty", sa.Integer, nullable=False, server_default="7"),
            )

        c.run(upgrade)
        cols = c.columns(name)
        assert list(cols) == ["id", "code", "note", "qty"]
        assert cols["code"]["nullable"] is False and cols["note"]["nullable"] is True
        assert isinstance(cols["code"]["type"], sa.String) and cols["code"]["type"].length == 20
        assert "7" in str(cols["qty"]["default"])
        assert c.inspect().get_pk_constraint(name)["constrained_columns"] == ["id"]
        c.insert(name, {"id": 1, "code": "a"})
        assert c.rows(name, ["id", "code", "note", "qty"]) == [(1, "a", None, 7)]

    def test_create_table_with_named_constraints_and_index(self, conformance: Conformance) -> None:
        c = conformance
        parent = _simple_table(c, "parent", rows=1)
        name = c.name("t")
        uq, ck, fk, ix = c.name("uq"), c.name("ck"), c.name("fk"), c.name("ix")

        def upgrade() -> None:
            op.create_table(
                name,
                sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                sa.Column("code", sa.String(10)),
                sa.Column("qty", sa.Integer),
                sa.Column("parent_id", sa.Integer),
                sa.UniqueConstraint("code", name=uq),
                sa.CheckConstraint("qty >= 0", name=ck),
                sa.ForeignKeyConstraint(["parent_id"], [f"{parent}.id"], name=fk),
                sa.Index(ix, "qty"),
            )

        c.run(upgrade)
        insp = c.inspect()
        assert [i["name"] for i in insp.get_indexes(name) if i["name"] == ix] == [ix]
        assert [f["referred_table"] for f in insp.get_foreign_keys(name)] == [parent]
        c.insert(name, {"id": 1, "code": "a", "qty": 1, "parent_id": 1})
        assert c.insert_fails(name, {"id": 2, "code": "a", "qty": 1, "parent_id": 1})
        if c.has(cap.CHECK_CONSTRAINTS):
            assert c.insert_fails(name, {"id": 3, "code": "c", "qty": -1, "parent_id": 1})

    def test_create_table_if_not_exists(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=1)

        def upgrade() -> None:
            op.create_table(name, sa.Column("other", sa.Integer), if_not_exists=True)

        if not c.has(cap.IF_EXISTS):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert list(c.columns(name)) == ["id", "name"]
        assert c.rows(name, ["id", "name"]) == [(1, "n1")]

    def test_drop_table(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c)
        c.run(lambda: op.drop_table(name))
        assert not c.has_table(name)

    def test_drop_table_if_exists(self, conformance: Conformance) -> None:
        c = conformance
        missing = c.name("missing")

        def upgrade() -> None:
            op.drop_table(missing, if_exists=True)

        if not c.has(cap.IF_EXISTS):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert not c.has_table(missing)

    def test_rename_table_keeps_rows(self, conformance: Conformance) -> None:
        c = conformance
        old = _simple_table(c)
        new = c.name("renamed")
        c.run(lambda: op.rename_table(old, new))
        assert not c.has_table(old)
        assert c.rows(new, ["id", "name"]) == [(1, "n1"), (2, "n2")]

    def test_upgrade_then_downgrade_to_base(self, conformance: Conformance) -> None:
        c = conformance
        name = c.name("t")
        c.runner.add(lambda: op.create_table(name, sa.Column("id", sa.Integer, primary_key=True)),
                     lambda: op.drop_table(name))
        c.runner.upgrade("head")
        assert c.has_table(name) and c.runner.heads() == ("0001",)
        c.runner.downgrade("base")
        assert not c.has_table(name)
        assert c.runner.heads() == ()


# -- columns ---------------------------------------------------------------------------


class TestColumns:
    """add_column, drop_column and every alter_column change."""

    def test_add_column_with_server_default_fills_rows(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c)

        def upgrade() -> None:
            op.add_column(name, sa.Column("flag", sa.Integer, nullable=False, server_default="5"))
            op.add_column(name, sa.Column("note", sa.String(30)))

        c.run(upgrade)
        cols = c.columns(name)
        assert list(cols) == ["id", "name", "flag", "note"]
        assert cols["flag"]["nullable"] is False
        assert c.rows(name, ["id", "flag", "note"]) == [(1, 5, None), (2, 5, None)]

    def test_add_column_if_not_exists(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=1)

        def upgrade() -> None:
            op.add_column(name, sa.Column("name", sa.String(50)), if_not_exists=True)
            op.add_column(name, sa.Column("extra", sa.Integer), if_not_exists=True)

        if not c.has(cap.IF_EXISTS):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert list(c.columns(name)) == ["id", "name", "extra"]

    def test_drop_column_keeps_other_data(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c)

        def upgrade() -> None:
            op.drop_column(name, "name")

        if not c.has(cap.DROP_COLUMN):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert list(c.columns(name)) == ["id"]
        assert c.rows(name, ["id"]) == [(1,), (2,)]

    def test_drop_column_if_exists(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=0)

        def upgrade() -> None:
            op.drop_column(name, "nope", if_exists=True)

        if not (c.has(cap.IF_EXISTS) and c.has(cap.DROP_COLUMN)):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert list(c.columns(name)) == ["id", "name"]

    def test_rename_column_keeps_data(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c)

        def upgrade() -> None:
            op.alter_column(name, "name", new_column_name="label", existing_type=sa.String(50))

        if not c.has(cap.RENAME_COLUMN):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert list(c.columns(name)) == ["id", "label"]
        assert c.rows(name, ["id", "label"]) == [(1, "n1"), (2, "n2")]

    def test_alter_type_empty_table(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=0)

        def upgrade() -> None:
            op.alter_column(name, "name", type_=sa.String(200), existing_type=sa.String(50))

        if not c.has(cap.ALTER_COLUMN_TYPE):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert c.columns(name)["name"]["type"].length == 200

    def test_alter_type_with_data(self, conformance: Conformance) -> None:
        c = conformance
        name = c.name("t")
        c.run(lambda: op.create_table(
            name, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("n", sa.Integer), sa.Column("s", sa.String(10))))
        c.insert(name, {"id": 1, "n": 2_000_000_000, "s": "abcdefghij"}, {"id": 2, "n": None, "s": None})

        def upgrade() -> None:
            op.alter_column(name, "n", type_=sa.BigInteger, existing_type=sa.Integer)
            op.alter_column(name, "s", type_=sa.String(100), existing_type=sa.String(10))

        if not c.has(cap.ALTER_COLUMN_TYPE):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        cols = c.columns(name)
        assert isinstance(cols["n"]["type"], sa.BigInteger)
        assert cols["s"]["type"].length == 100
        c.insert(name, {"id": 3, "n": 2**40, "s": "x" * 100})
        assert c.rows(name, ["id", "n", "s"]) == [
            (1, 2_000_000_000, "abcdefghij"), (2, None, None), (3, 2**40, "x" * 100)]

    def test_alter_nullable_both_ways(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=1)

        def set_not_null() -> None:
            op.alter_column(name, "name", nullable=False, existing_type=sa.String(50))

        if not c.has(cap.ALTER_COLUMN_NULLABLE):
            c.expect_not_supported(set_not_null)
            return
        c.run(set_not_null)
        assert c.columns(name)["name"]["nullable"] is False
        assert c.insert_fails(name, {"id": 10, "name": None})

        c.run(lambda: op.alter_column(name, "name", nullable=True, existing_type=sa.String(50)))
        assert c.columns(name)["name"]["nullable"] is True
        c.insert(name, {"id": 11, "name": None})
        assert c.rows(name, ["id", "name"]) == [(1, "n1"), (11, None)]

    def test_server_default_set_changed_dropped(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=0)
        existing = sa.String(50)

        def set_default() -> None:
            op.alter_column(name, "name", server_default="first: 1%", existing_type=existing)

        if not c.has(cap.ALTER_COLUMN_DEFAULT):
            c.expect_not_supported(set_default)
            return
        c.run(set_default)
        assert "first: 1%" in str(c.columns(name)["name"]["default"])
        c.insert(name, {"id": 1})

        c.run(lambda: op.alter_column(name, "name", server_default=sa.text("'second'"),
                                      existing_type=existing, existing_server_default="first: 1%"))
        assert "second" in str(c.columns(name)["name"]["default"])
        c.insert(name, {"id": 2})

        c.run(lambda: op.alter_column(name, "name", server_default=None, existing_type=existing,
                                      existing_server_default="second"))
        assert c.columns(name)["name"]["default"] is None
        c.insert(name, {"id": 3})
        assert c.rows(name, ["id", "name"]) == [(1, "first: 1%"), (2, "second"), (3, None)]


# -- comments --------------------------------------------------------------------------


class TestComments:
    """Table and column comments: with the table, set, changed, removed."""

    def test_create_table_with_comments(self, conformance: Conformance) -> None:
        c = conformance
        name = c.name("t")

        def upgrade() -> None:
            op.create_table(name, sa.Column("id", sa.Integer, primary_key=True, comment="the key"),
                            comment="a table")

        c.run(upgrade)
        if not c.has(cap.COMMENTS):
            # As with SQLAlchemy's create_all, the comments of a new table are not written
            # where the database has none (models shared between databases keep working).
            assert list(c.columns(name)) == ["id"]
            return
        assert c.columns(name)["id"]["comment"] == "the key"
        assert c.inspect().get_table_comment(name)["text"] == "a table"

    def test_table_comment_create_change_drop(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=0)

        def upgrade() -> None:
            op.create_table_comment(name, "it's first: 100%")

        if not c.has(cap.COMMENTS):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert c.inspect().get_table_comment(name)["text"] == "it's first: 100%"
        c.run(lambda: op.create_table_comment(name, "second", existing_comment="it's first: 100%"))
        assert c.inspect().get_table_comment(name)["text"] == "second"
        c.run(lambda: op.drop_table_comment(name, existing_comment="second"))
        assert not c.inspect().get_table_comment(name)["text"]

    def test_column_comment_set_change_remove(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=1)
        existing = sa.String(50)

        def upgrade() -> None:
            op.alter_column(name, "name", comment="who's this: 50%", existing_type=existing)

        if not c.has(cap.COMMENTS):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert c.columns(name)["name"]["comment"] == "who's this: 50%"
        c.run(lambda: op.alter_column(name, "name", comment="changed", existing_type=existing,
                                      existing_comment="who's this: 50%"))
        assert c.columns(name)["name"]["comment"] == "changed"
        c.run(lambda: op.alter_column(name, "name", comment=None, existing_type=existing,
                                      existing_comment="changed"))
        assert not c.columns(name)["name"]["comment"]
        # the column itself is unchanged
        assert c.columns(name)["name"]["nullable"] is True
        assert c.rows(name, ["id", "name"]) == [(1, "n1")]


# -- constraints -----------------------------------------------------------------------


class TestConstraints:
    """Every constraint kind created and dropped by name."""

    def test_unique_constraint(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c)
        uq = c.name("uq")

        def upgrade() -> None:
            op.create_unique_constraint(uq, name, ["name"])

        if not c.has(cap.ADD_CONSTRAINT):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert [u["name"] for u in c.inspect().get_unique_constraints(name)] == [uq]
        assert c.insert_fails(name, {"id": 3, "name": "n1"})

        c.run(lambda: op.drop_constraint(uq, name, type_="unique"))
        assert c.inspect().get_unique_constraints(name) == []
        c.insert(name, {"id": 3, "name": "n1"})

    def test_check_constraint(self, conformance: Conformance) -> None:
        c = conformance
        name = c.name("t")
        c.run(lambda: op.create_table(name, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                                      sa.Column("qty", sa.Integer)))
        c.insert(name, {"id": 1, "qty": 5})
        ck = c.name("ck")

        def upgrade() -> None:
            op.create_check_constraint(ck, name, "qty > 0")

        if not (c.has(cap.ADD_CONSTRAINT) and c.has(cap.CHECK_CONSTRAINTS)):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert ck in [k["name"] for k in c.inspect().get_check_constraints(name)]
        assert c.insert_fails(name, {"id": 2, "qty": -1})

        c.run(lambda: op.drop_constraint(ck, name, type_="check"))
        assert ck not in [k["name"] for k in c.inspect().get_check_constraints(name)]
        c.insert(name, {"id": 2, "qty": -1})
        assert c.rows(name, ["id", "qty"]) == [(1, 5), (2, -1)]

    def test_foreign_key(self, conformance: Conformance) -> None:
        c = conformance
        parent = _simple_table(c, "parent")
        child = c.name("child")
        c.run(lambda: op.create_table(child, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                                      sa.Column("parent_id", sa.Integer)))
        c.insert(child, {"id": 1, "parent_id": 1}, {"id": 2, "parent_id": 2})
        fk = c.name("fk")

        def upgrade() -> None:
            op.create_foreign_key(fk, child, parent, ["parent_id"], ["id"], ondelete="CASCADE")

        if not c.has(cap.ADD_CONSTRAINT):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        fks = c.inspect().get_foreign_keys(child)
        assert [(f["name"], f["referred_table"], f["constrained_columns"], f["referred_columns"])
                for f in fks] == [(fk, parent, ["parent_id"], ["id"])]
        assert c.insert_fails(child, {"id": 3, "parent_id": 99})
        c.execute(f"DELETE FROM {parent} WHERE id = 2")
        assert c.rows(child, ["id"]) == [(1,)]  # cascaded

        c.run(lambda: op.drop_constraint(fk, child, type_="foreignkey"))
        assert c.inspect().get_foreign_keys(child) == []
        c.insert(child, {"id": 3, "parent_id": 99})

    def test_primary_key(self, conformance: Conformance) -> None:
        c = conformance
        name = c.name("t")
        c.run(lambda: op.create_table(name, sa.Column("id", sa.Integer, nullable=False),
                                      sa.Column("v", sa.String(10))))
        c.insert(name, {"id": 1, "v": "a"})
        pk = c.name("pk")

        def upgrade() -> None:
            op.create_primary_key(pk, name, ["id"])

        if not c.has(cap.ADD_CONSTRAINT):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert c.inspect().get_pk_constraint(name)["constrained_columns"] == ["id"]
        assert c.insert_fails(name, {"id": 1, "v": "b"})

        c.run(lambda: op.drop_constraint(pk, name, type_="primary"))
        assert c.inspect().get_pk_constraint(name)["constrained_columns"] == []
        c.insert(name, {"id": 1, "v": "b"})
        assert c.rows(name, ["v"]) == [("a",), ("b",)]


# -- indexes ---------------------------------------------------------------------------


class TestIndexes:
    """create_index/drop_index: plain, unique, expressions, dialect options, IF [NOT] EXISTS."""

    def test_create_and_drop_index(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c)
        ix, ux = c.name("ix"), c.name("ux")

        def upgrade() -> None:
            op.create_index(ix, name, ["name", "id"])
            op.create_index(ux, name, ["name"], unique=True)

        c.run(upgrade)
        found = {i["name"]: i for i in c.inspect().get_indexes(name)}
        assert found[ix]["column_names"] == ["name", "id"] and not found[ix]["unique"]
        assert found[ux]["column_names"] == ["name"] and found[ux]["unique"]
        assert c.insert_fails(name, {"id": 3, "name": "n1"})

        def downgrade() -> None:
            op.drop_index(ux, table_name=name)
            op.drop_index(ix, table_name=name)

        c.run(downgrade)
        assert {i["name"] for i in c.inspect().get_indexes(name)} & {ix, ux} == set()
        c.insert(name, {"id": 3, "name": "n1"})

    def test_index_if_not_exists_and_if_exists(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=0)
        ix = c.name("ix")
        c.run(lambda: op.create_index(ix, name, ["name"]))

        def upgrade() -> None:
            op.create_index(ix, name, ["name"], if_not_exists=True)
            op.drop_index(c.name("missing_ix"), table_name=name, if_exists=True)

        if not c.has(cap.IF_EXISTS):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert [i["name"] for i in c.inspect().get_indexes(name)] == [ix]

    def test_expression_index(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=0)
        ix = c.name("lower_ix")
        c.insert(name, {"id": 1, "name": "Alice"})

        def upgrade() -> None:
            op.create_index(ix, name, [sa.text("lower(name)")], unique=True)

        if not c.has(cap.EXPRESSION_INDEXES):
            c.expect_not_supported(upgrade)
            return
        c.run(upgrade)
        assert c.insert_fails(name, {"id": 2, "name": "ALICE"})
        c.run(lambda: op.drop_index(ix, table_name=name))
        c.insert(name, {"id": 2, "name": "ALICE"})

    def test_partial_index_dialect_option(self, conformance: Conformance) -> None:
        c = conformance
        name = c.name("t")
        c.run(lambda: op.create_table(name, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                                      sa.Column("email", sa.String(50)), sa.Column("active", sa.Integer)))
        ix = c.name("active_email")
        option = {f"{c.dialect_name}_where": sa.text("active = 1")}

        def upgrade() -> None:
            op.create_index(ix, name, ["email"], unique=True, **option)

        if not c.has(cap.PARTIAL_INDEXES):
            # The option is not one the dialect knows: a clear error either way.
            with pytest.raises((MigrationFailedError, sa.exc.ArgumentError)):
                c.new_runner().run(upgrade)
            return
        c.run(upgrade)
        c.insert(name, {"id": 1, "email": "a@x", "active": 0}, {"id": 2, "email": "a@x", "active": 0},
                 {"id": 3, "email": "a@x", "active": 1})
        assert c.insert_fails(name, {"id": 4, "email": "a@x", "active": 1})


# -- schemas ---------------------------------------------------------------------------


class TestSchemas:
    """Operations on tables in a schema other than the default, and the version table there."""

    def test_operations_in_other_schema(self, conformance: Conformance) -> None:
        c = conformance
        if not c.has(cap.SCHEMAS):
            c.expect_not_supported(lambda: op.create_table(
                c.name("t"), sa.Column("id", sa.Integer, primary_key=True), schema="mig_no_such_schema"))
            return
        schema = c.other_schema
        parent, child, renamed = c.name("parent"), c.name("child"), c.name("renamed")
        ix = c.name("ix")

        def upgrade() -> None:
            op.create_table(parent, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                            schema=schema)
            op.create_table(child, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                            sa.Column("parent_id", sa.Integer), schema=schema)
            op.add_column(child, sa.Column("note", sa.String(20)), schema=schema)
            op.create_index(ix, child, ["parent_id"], schema=schema)
            if c.has(cap.ADD_CONSTRAINT):
                op.create_foreign_key(c.name("fk"), child, parent, ["parent_id"], ["id"],
                                      source_schema=schema, referent_schema=schema)
            op.rename_table(child, renamed, schema=schema)

        c.run(upgrade)
        insp = c.inspect()
        assert not insp.has_table(parent) and not insp.has_table(renamed)
        assert sorted(insp.get_table_names(schema=schema)) == sorted([parent, renamed])
        assert list(c.columns(renamed, schema)) == ["id", "parent_id", "note"]
        assert [i["name"] for i in insp.get_indexes(renamed, schema=schema)] == [ix]
        if c.has(cap.ADD_CONSTRAINT):
            fks = insp.get_foreign_keys(renamed, schema=schema)
            assert [(f["referred_schema"], f["referred_table"]) for f in fks] == [(schema, parent)]
        c.insert(parent, {"id": 1}, schema=schema)
        c.insert(renamed, {"id": 1, "parent_id": 1, "note": "x"}, schema=schema)

        c.run(lambda: (op.drop_table(renamed, schema=schema), op.drop_table(parent, schema=schema)))
        assert c.inspect().get_table_names(schema=schema) == []

    def test_alter_column_in_other_schema(self, conformance: Conformance) -> None:
        c = conformance
        if not c.has(cap.SCHEMAS):
            return  # covered by test_operations_in_other_schema's error
        schema = c.other_schema
        name = _simple_table(c, schema=schema)

        def upgrade() -> None:
            if c.has(cap.ALTER_COLUMN_TYPE):
                op.alter_column(name, "name", type_=sa.String(80), existing_type=sa.String(50),
                                schema=schema)
            if c.has(cap.ALTER_COLUMN_NULLABLE):
                op.alter_column(name, "name", nullable=False, existing_type=sa.String(80)
                                if c.has(cap.ALTER_COLUMN_TYPE) else sa.String(50), schema=schema)
            if c.has(cap.RENAME_COLUMN):
                op.alter_column(name, "name", new_column_name="label", schema=schema)

        c.run(upgrade)
        cols = c.columns(name, schema)
        column = "label" if c.has(cap.RENAME_COLUMN) else "name"
        assert list(cols) == ["id", column]
        if c.has(cap.ALTER_COLUMN_TYPE):
            assert cols[column]["type"].length == 80
        if c.has(cap.ALTER_COLUMN_NULLABLE):
            assert cols[column]["nullable"] is False
        assert c.rows(name, ["id", column], schema=schema) == [(1, "n1"), (2, "n2")]

    def test_version_table_in_other_schema(self, conformance: Conformance) -> None:
        c = conformance
        if not c.has(cap.SCHEMAS):
            return  # covered by test_operations_in_other_schema's error
        schema = c.other_schema
        runner = c.new_runner(version_table_schema=schema)
        name = c.name("t")
        runner.run(lambda: op.create_table(name, sa.Column("id", sa.Integer, primary_key=True)))
        insp = c.inspect()
        assert insp.has_table(runner.version_table, schema=schema)
        assert not insp.has_table(runner.version_table)
        assert runner.heads() == ("0001",)


# -- bulk_insert -----------------------------------------------------------------------


def _typed_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("big", sa.BigInteger),
        sa.Column("num", sa.Numeric(10, 2)),
        sa.Column("flt", sa.Float),
        sa.Column("s", sa.String(50)),
        sa.Column("txt", sa.Text),
        sa.Column("flag", sa.Boolean),
        sa.Column("d", sa.Date),
        sa.Column("dt", sa.DateTime),
        sa.Column("tm", sa.Time),
        sa.Column("js", sa.JSON),
        sa.Column("bin", sa.LargeBinary),
    ]


_TYPED_ROWS: list[dict[str, Any]] = [
    {"id": 1, "big": 2**40 + 1, "num": decimal.Decimal("1234.56"), "flt": 1.5, "s": "héllo 'quoted' 50%: :x",
     "txt": "line1\nline2 " + "x" * 500, "flag": True, "d": datetime.date(2024, 2, 29),
     "dt": datetime.datetime(2024, 2, 29, 13, 45, 7), "tm": datetime.time(23, 59, 58),
     "js": {"a": [1, 2, None], "b": "c"}, "bin": b"\x00\x01\xfe\xff"},
    {"id": 2, "big": -(2**40), "num": decimal.Decimal("-0.01"), "flt": -0.25, "s": "",
     "txt": "", "flag": False, "d": datetime.date(1999, 12, 31),
     "dt": datetime.datetime(1999, 12, 31, 0, 0, 0), "tm": datetime.time(0, 0, 0),
     "js": [], "bin": b""},
    {"id": 3, "big": None, "num": None, "flt": None, "s": None, "txt": None, "flag": None, "d": None,
     "dt": None, "tm": None, "js": None, "bin": None},
]


class TestBulkInsert:
    """bulk_insert of every common type, NULLs included, online (both ways) and offline."""

    def _check(self, c: Conformance, multiinsert: bool) -> None:
        name = c.name("typed")

        def upgrade() -> None:
            table = op.create_table(name, *_typed_columns())
            op.bulk_insert(table, _TYPED_ROWS, multiinsert=multiinsert)

        c.run(upgrade)
        table = sa.Table(name, sa.MetaData(), *_typed_columns())
        rows = [dict(r._mapping) for r in _select_all(c, table)]
        expected = [dict(r) for r in _TYPED_ROWS]
        expected[2]["js"] = None
        for got, want in zip(rows, expected, strict=True):
            assert got == want

    def test_bulk_insert_common_types(self, conformance: Conformance) -> None:
        self._check(conformance, multiinsert=True)

    def test_bulk_insert_row_by_row(self, conformance: Conformance) -> None:
        self._check(conformance, multiinsert=False)

    def test_bulk_insert_with_lightweight_table(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=0)

        def upgrade() -> None:
            t = sa.table(name, sa.column("id", sa.Integer), sa.column("name", sa.String))
            op.bulk_insert(t, [{"id": 1, "name": "a"}, {"id": 2, "name": None}])

        c.run(upgrade)
        assert c.rows(name, ["id", "name"]) == [(1, "a"), (2, None)]


def _select_all(c: Conformance, table: sa.Table) -> list[Any]:
    with c.engine.connect() as conn:
        return list(conn.execute(sa.select(table).order_by(table.c.id)))


# -- execute, get_bind, inline_literal, batch --------------------------------------------


class TestExecute:
    """op.execute (text and constructs), op.get_bind, op.inline_literal."""

    def test_execute_text_and_constructs(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c)
        t = sa.table(name, sa.column("id", sa.Integer), sa.column("name", sa.String))

        def upgrade() -> None:
            op.execute(f"UPDATE {name} SET name = 'plain' WHERE id = 1")
            op.execute(sa.text(f"UPDATE {name} SET name = 'text' WHERE id = 2"))
            op.execute(t.insert().values(id=3, name=op.inline_literal("it's")))
            op.execute(t.update().where(t.c.id == op.inline_literal(3))
                       .values(name=op.inline_literal("it's updated")))
            op.execute(t.delete().where(t.c.id == 99))

        c.run(upgrade)
        assert c.rows(name, ["id", "name"]) == [(1, "plain"), (2, "text"), (3, "it's updated")]

    def test_get_bind_sees_the_migrations_changes(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=1)
        seen: list[Any] = []

        def upgrade() -> None:
            op.add_column(name, sa.Column("extra", sa.Integer, server_default="3"))
            bind = op.get_bind()
            seen.append(bind.execute(sa.text(f"SELECT extra FROM {name}")).scalar())

        c.run(upgrade)
        assert seen == [3]

    def test_inline_literal_offline(self, conformance: Conformance) -> None:
        c = conformance
        name = c.name("t")

        def upgrade() -> None:
            t = sa.table(name, sa.column("id", sa.Integer), sa.column("name", sa.String))
            op.execute(t.update().where(t.c.id == op.inline_literal(7))
                       .values(name=op.inline_literal("o'k")))

        c.runner.add(upgrade)
        sql = c.runner.sql("base:head")
        assert f"UPDATE {name} SET name='o''k' WHERE {name}.id = 7" in sql.replace("\\'", "''")


class TestBatch:
    """batch_alter_table: the same result whichever way the dialect carries it out."""

    def test_batch_block(self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c)
        ix = c.name("ix")

        def upgrade() -> None:
            with op.batch_alter_table(name) as batch:
                batch.add_column(sa.Column("qty", sa.Integer, nullable=False, server_default="1"))
                batch.create_index(ix, ["qty"])

        c.run(upgrade)
        assert list(c.columns(name)) == ["id", "name", "qty"]
        assert [i["name"] for i in c.inspect().get_indexes(name)] == [ix]
        assert c.rows(name, ["id", "name", "qty"]) == [(1, "n1", 1), (2, "n2", 1)]

    def test_add_column_with_foreign_key(self, conformance: Conformance) -> None:
        c = conformance
        parent = _simple_table(c, "parent")
        child = _simple_table(c, "child", rows=0)

        def upgrade() -> None:
            op.add_column(child, sa.Column("parent_id", sa.Integer,
                                           sa.ForeignKey(f"{parent}.id", name=c.name("fk"))))

        c.run(upgrade)
        assert list(c.columns(child)) == ["id", "name", "parent_id"]
        if c.has(cap.ADD_CONSTRAINT):
            fks = c.inspect().get_foreign_keys(child)
            assert [(f["referred_table"], f["constrained_columns"]) for f in fks] == [(parent, ["parent_id"])]


# -- transactions ----------------------------------------------------------------------


def _failing_run(c: Conformance, **options: Any) -> tuple[MigrationRunner, MigrationFailedError, str, str]:
    """m0 applied; then m1, m2 succeed and m3 fails in one ``upgrade head``."""
    runner = c.new_runner(**options) if options else c.runner
    keep, made = c.name("keep"), c.name("made")

    def m0() -> None:
        op.create_table(keep, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                        sa.Column("v", sa.String(10)))
        op.bulk_insert(sa.table(keep, sa.column("id"), sa.column("v")), [{"id": 1, "v": "before"}])

    runner.run(m0)

    def m1() -> None:
        op.create_table(made, sa.Column("id", sa.Integer, primary_key=True))
        op.execute(f"INSERT INTO {keep} (id, v) VALUES (2, 'm1')")

    def m2() -> None:
        op.add_column(keep, sa.Column("extra", sa.Integer))
        op.execute(f"UPDATE {keep} SET v = 'changed' WHERE id = 1")

    def m3() -> None:
        op.execute(f"INSERT INTO {c.name('no_such_table')} (id) VALUES (1)")

    runner.add(m1)
    m2_rev = runner.add(m2)
    m3_rev = runner.add(m3)
    with pytest.raises(MigrationFailedError) as info:
        runner.upgrade("head")
    return runner, info.value, m2_rev, m3_rev


class TestTransactions:
    """A migration failing in the middle of a run."""

    def test_failing_migration_mid_run(self, conformance: Conformance) -> None:
        c = conformance
        runner, error, m2_rev, m3_rev = _failing_run(c)
        assert m3_rev in str(error) and getattr(error, "revision", m3_rev) == m3_rev
        keep, made = c.name("keep"), c.name("made")
        if c.transactional_ddl:
            # the whole run is one transaction: schema, data and version rows as before
            assert runner.heads() == ("0001",)
            assert not c.has_table(made)
            assert list(c.columns(keep)) == ["id", "v"]
            assert c.rows(keep, ["id", "v"]) == [(1, "before")]
        else:
            # each migration commits with its version row: the table names the last one done
            assert runner.heads() == (m2_rev,)
            assert c.has_table(made)
            assert list(c.columns(keep)) == ["id", "v", "extra"]
            assert c.rows(keep, ["id", "v"]) == [(1, "changed"), (2, "m1")]

    def test_transaction_per_migration_keeps_completed_steps(self, conformance: Conformance) -> None:
        c = conformance
        runner, _error, m2_rev, _m3 = _failing_run(c, transaction_per_migration=True)
        assert runner.heads() == (m2_rev,)
        assert c.has_table(c.name("made"))
        assert c.rows(c.name("keep"), ["id", "v"]) == [(1, "changed"), (2, "m1")]

    def test_failed_operation_inside_migration_rolls_back_that_migration(
            self, conformance: Conformance) -> None:
        c = conformance
        name = _simple_table(c, rows=1)

        def upgrade() -> None:
            op.execute(f"UPDATE {name} SET name = 'x' WHERE id = 1")
            op.add_column(name, sa.Column("name", sa.String(5)))  # duplicate column: fails

        runner = c.runner
        with pytest.raises(MigrationFailedError):
            runner.run(upgrade)
        assert runner.heads() == ("0001",)
        assert list(c.columns(name)) == ["id", "name"]
        if c.transactional_ddl:
            assert c.rows(name, ["id", "name"]) == [(1, "n1")]


# -- offline ---------------------------------------------------------------------------


class TestOffline:
    """``--sql``: the same migrations written as SQL text."""

    def test_upgrade_sql(self, conformance: Conformance) -> None:
        c = conformance
        name = c.name("t")

        def upgrade() -> None:
            op.create_table(name, sa.Column("id", sa.Integer, primary_key=True),
                            sa.Column("v", sa.String(10)))
            op.bulk_insert(sa.table(name, sa.column("id", sa.Integer), sa.column("v", sa.String)),
                           [{"id": 1, "v": "it's"}])

        c.runner.add(upgrade)
        sql = c.runner.sql("base:head")
        assert "CREATE TABLE" in sql and name in sql
        assert "INSERT INTO" in sql and "1" in sql
        assert c.runner.version_table in sql and "'0001'" in sql
        if c.transactional_ddl:
            assert "COMMIT" in sql
        # nothing ran
        assert not c.has_table(name)
        assert not c.has_table(c.runner.version_table)

    def test_every_operation_offline(self, conformance: Conformance) -> None:
        """Each operation the dialect supports writes its SQL with --sql (all ``existing_*`` given)."""
        c = conformance
        t, parent = c.name("t"), c.name("parent")
        string = sa.String(50)
        steps: list[tuple[str, Any]] = [
            ("create_table", lambda: op.create_table(
                t, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", string))),
            ("create_table", lambda: op.create_table(
                parent, sa.Column("id", sa.Integer, primary_key=True))),
            ("add_column", lambda: op.add_column(t, sa.Column("qty", sa.Integer, server_default="1"))),
            ("create_index", lambda: op.create_index(c.name("ix"), t, ["name"])),
            ("drop_index", lambda: op.drop_index(c.name("ix"), table_name=t)),
            ("bulk_insert", lambda: op.bulk_insert(
                sa.table(t, sa.column("id", sa.Integer), sa.column("name", sa.String)),
                [{"id": 1, "name": "a"}])),
            ("execute", lambda: op.execute(f"UPDATE {t} SET name = 'b'")),
        ]
        if c.has(cap.ALTER_COLUMN_TYPE):
            steps.append(("alter type", lambda: op.alter_column(
                t, "name", type_=sa.String(80), existing_type=string, existing_nullable=True,
                existing_server_default=None, existing_comment=None)))
        if c.has(cap.ALTER_COLUMN_NULLABLE):
            steps.append(("alter nullable", lambda: op.alter_column(
                t, "qty", nullable=False, existing_type=sa.Integer(), existing_server_default="1",
                existing_comment=None)))
        if c.has(cap.ALTER_COLUMN_DEFAULT):
            steps.append(("alter default", lambda: op.alter_column(
                t, "qty", server_default="2", existing_type=sa.Integer(), existing_nullable=True,
                existing_server_default="1", existing_comment=None)))
        if c.has(cap.ADD_CONSTRAINT):
            steps += [
                ("unique", lambda: op.create_unique_constraint(c.name("uq"), t, ["name"])),
                ("foreign key", lambda: op.create_foreign_key(c.name("fk"), t, parent, ["qty"], ["id"])),
                ("drop constraint", lambda: op.drop_constraint(c.name("uq"), t, type_="unique")),
            ]
        if c.has(cap.ADD_CONSTRAINT) and c.has(cap.CHECK_CONSTRAINTS):
            steps.append(("check", lambda: op.create_check_constraint(c.name("ck"), t, "qty > 0")))
        if c.has(cap.COMMENTS):
            steps += [
                ("table comment", lambda: op.create_table_comment(t, "c")),
                ("drop table comment", lambda: op.drop_table_comment(t, existing_comment="c")),
            ]
        if c.has(cap.RENAME_COLUMN):
            steps.append(("rename column", lambda: op.alter_column(
                t, "name", new_column_name="label", existing_type=sa.String(80), existing_nullable=True,
                existing_server_default=None, existing_comment=None)))
        if c.has(cap.DROP_COLUMN):
            steps.append(("drop column", lambda: op.drop_column(t, "qty")))
        steps += [
            ("rename table", lambda: op.rename_table(t, c.name("t2"))),
            ("drop table", lambda: op.drop_table(c.name("t2"))),
        ]
        for _what, step in steps:
            c.runner.add(step)
        sql = c.runner.sql("base:head")
        for index, (what, _step) in enumerate(steps):
            rev = f"{index + 1:04d}"
            start = sql.index(f"-> {rev}")
            end = sql.index(f"'{rev}'", start)
            body = sql[start:end]
            assert body.count(";") >= 1, f"{what} ({rev}) wrote no statement:\n{body}"
        assert not c.has_table(t)

    def _replay(self, c: Conformance, script: str) -> None:
        """Run --sql output statement by statement on the driver, as a DBA's client would."""
        with c.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            cursor = driver.cursor()
            try:
                for statement in script.split(";\n\n"):
                    lines = [line for line in statement.splitlines() if not line.startswith("--")]
                    if "".join(lines).strip():
                        cursor.execute("\n".join(lines))
            finally:
                cursor.close()

    def _offline_rows(self, c: Conformance, columns: list[str]) -> None:
        name = c.name("typed")
        keep = ["id", *columns]

        def upgrade() -> None:
            table = op.create_table(name, *(col for col in _typed_columns() if col.name in keep))
            op.bulk_insert(table, [{k: v for k, v in row.items() if k in keep} for row in _TYPED_ROWS])

        c.runner.add(upgrade)
        self._replay(c, c.runner.sql("base:head"))
        assert c.runner.heads() == ("0001",)
        table = sa.Table(name, sa.MetaData(), *(col for col in _typed_columns() if col.name in keep))
        rows = [dict(r._mapping) for r in _select_all(c, table)]
        assert rows == [{k: v for k, v in row.items() if k in keep} for row in _TYPED_ROWS]

    def test_offline_script_replayed_gives_the_rows(self, conformance: Conformance) -> None:
        """--sql output run statement by statement: the same rows as online (scalar types)."""
        self._offline_rows(conformance, ["big", "num", "flt", "s", "txt", "flag", "d", "dt", "tm"])

    def test_offline_json_and_binary_values(self, conformance: Conformance) -> None:
        """--sql output of JSON and binary values (SQLAlchemy renders neither by itself)."""
        self._offline_rows(conformance, ["js", "bin"])
