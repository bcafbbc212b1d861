"""SQLite batch (issue 15): what the move-and-copy does and does not do, side by side with Alembic."""

from __future__ import annotations

import pytest

CREATE = """
    op.create_table("product", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("code", sa.String(20)), sa.Column("price", sa.Integer))
    op.execute("INSERT INTO product (id, code, price) VALUES (1, '42', 5), (2, '7', 6)")
"""


@pytest.fixture
def sqlite_pair(tmp_path):
    from tests.alembic_compat.conftest import SideBySide

    root = tmp_path / "online"
    return SideBySide(root, f"sqlite:///{tmp_path / 'alembic.db'}", f"sqlite:///{tmp_path / 'mig.db'}")


def _sqlite_master(tool):
    return tool.rows("SELECT type, name, sql FROM sqlite_master WHERE tbl_name NOT LIKE '%_version' "
                     "AND tbl_name != 'mig_log' ORDER BY type, name")


def test_table_args_alone_do_not_force_a_copy_under_auto(sqlite_pair, offline_pair) -> None:
    batch = """
        with op.batch_alter_table("product", table_kwargs={"sqlite_autoincrement": True},
                                  table_args=(sa.CheckConstraint("price > 0", name="ck_p"),)) as batch_op:
            batch_op.add_column(sa.Column("note", sa.String(10)))
    """
    sqlite_pair.write("a1", None, CREATE)
    sqlite_pair.write("b2", "a1", batch)
    sqlite_pair.upgrade()
    schema = sqlite_pair.assert_same_schema()
    assert schema["product"]["checks"] == []
    assert _sqlite_master(sqlite_pair.mig) == _sqlite_master(sqlite_pair.alembic)
    pair = offline_pair("sqlite:///unused.db")
    pair.write("a1", None, CREATE)
    pair.write("b2", "a1", batch)  # no copy_from: a native ADD COLUMN needs none
    assert pair.mig.statements("a1:b2") == pair.alembic.statements("a1:b2") == [
        "ALTER TABLE product ADD COLUMN note VARCHAR(10)"]


@pytest.mark.parametrize("recreate", ["auto", "always", "never"])
def test_empty_batch_does_nothing_even_offline_and_on_a_missing_table(offline_pair, sqlite_pair,
                                                                      recreate) -> None:
    batch = f"""
        with op.batch_alter_table("missing", recreate={recreate!r}) as batch_op:
            pass
    """
    pair = offline_pair("sqlite:///unused.db")
    pair.write("a1", None, batch)
    assert pair.mig.statements("a1") == []
    sqlite_pair.write("a1", None, batch)
    sqlite_pair.mig.upgrade()
    assert sqlite_pair.mig.schema() == {}


def test_batch_without_net_change_does_not_copy(sqlite_pair) -> None:
    sqlite_pair.write("a1", None, CREATE + """
    op.execute("CREATE VIEW cheap AS SELECT id FROM product WHERE price < 6")
""")
    sqlite_pair.write("b2", "a1", """
        with op.batch_alter_table("product") as batch_op:
            batch_op.alter_column("price", nullable=True)
            batch_op.create_unique_constraint("uq_code", ["code"])
            batch_op.drop_constraint("uq_code", type_="unique")
    """)
    sqlite_pair.mig.upgrade("a1")
    before = _sqlite_master(sqlite_pair.mig)
    sqlite_pair.mig.upgrade()
    assert _sqlite_master(sqlite_pair.mig) == before  # no copy: the table's SQL is untouched
    assert sqlite_pair.mig.rows("SELECT id, code, price FROM product ORDER BY id") == [
        (1, "42", 5), (2, "7", 6)]


def test_user_constraint_objects_are_copied_not_reparented(sqlite_pair) -> None:
    sqlite_pair.write("a1", None, """
    op.create_table("maker", sa.Column("id", sa.Integer, primary_key=True))
""" + CREATE)
    sqlite_pair.write("b2", "a1", """
        with op.batch_alter_table("product", recreate="always",
                                  table_args=(sa.CheckConstraint("price >= 0", name="ck_nonneg"),
                                              sa.UniqueConstraint("code", name="uq_code"),
                                              sa.ForeignKeyConstraint(["maker_id"], ["maker.id"],
                                                                      name="fk_maker"))) as batch_op:
            batch_op.add_column(sa.Column("maker_id", sa.Integer))
            batch_op.add_column(sa.Column("maker2_id", sa.Integer))
            batch_op.create_foreign_key("fk_maker2", "maker", ["maker2_id"], ["id"])
            batch_op.create_check_constraint("ck_price", sa.column("price") < 100)
    """)
    sqlite_pair.upgrade()
    schema = sqlite_pair.assert_same_schema()
    assert [c[0] for c in schema["product"]["checks"]] == ["ck_nonneg", "ck_price"]
    assert schema["product"]["fks"] == [("fk_maker", ("maker_id",), "maker", ("id",)),
                                        ("fk_maker2", ("maker2_id",), "maker", ("id",))]
    assert schema["product"]["uniques"] == [("uq_code", ("code",))]
    sqlite_pair.assert_same_rows("SELECT * FROM product ORDER BY id")


def test_type_change_copies_with_cast_like_alembic(sqlite_pair, offline_pair) -> None:
    batch = """
        copy_from = sa.Table("product", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                             sa.Column("code", sa.String(20)), sa.Column("price", sa.Integer))
        with op.batch_alter_table("product", copy_from=copy_from) as batch_op:
            batch_op.alter_column("code", type_=sa.Integer)
            batch_op.alter_column("price", type_=sa.BigInteger)
    """
    sqlite_pair.write("a1", None, CREATE)
    sqlite_pair.write("b2", "a1", batch)
    sqlite_pair.upgrade()
    sqlite_pair.assert_same_schema()
    rows = sqlite_pair.assert_same_rows("SELECT id, code, typeof(code), price FROM product ORDER BY id")
    assert rows == [(1, 42, "integer", 5), (2, 7, "integer", 6)]
    pair = offline_pair("sqlite:///unused.db")
    pair.write("a1", None, CREATE)
    pair.write("b2", "a1", batch)
    mig_inserts = [s for s in pair.mig.statements("a1:b2") if s.startswith("INSERT")]
    alembic_inserts = [s for s in pair.alembic.statements("a1:b2") if s.startswith("INSERT")]
    assert "CAST(code AS INTEGER)" in mig_inserts[0]
    assert "CAST(price" not in mig_inserts[0]  # same affinity: copied as it is, like Alembic
    # the same statement but for the temporary name and Alembic's table-qualified select list
    assert mig_inserts[0].replace("_mig_tmp_", "_alembic_tmp_") == alembic_inserts[0].replace("product.", "")


def test_computed_columns_survive_a_copy(sqlite_pair) -> None:
    sqlite_pair.write("a1", None, """
    op.create_table("line", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("qty", sa.Integer), sa.Column("price", sa.Integer),
                    sa.Column("total", sa.Integer, sa.Computed("qty * price")),
                    sa.Column("label", sa.String(20), sa.Computed("'q' || qty", persisted=True)))
    op.execute("INSERT INTO line (id, qty, price) VALUES (1, 2, 3)")
""")
    sqlite_pair.write("b2", "a1", """
        with op.batch_alter_table("line", recreate="always") as batch_op:
            batch_op.alter_column("price", nullable=False)
            batch_op.add_column(sa.Column("note", sa.String(10)))
    """)
    # Alembic fails here ("cannot INSERT into generated column"): mig alone, against the first state
    sqlite_pair.mig.upgrade("a1")
    before = sqlite_pair.mig.schema()
    sqlite_pair.mig.upgrade()
    after = sqlite_pair.mig.schema()
    assert [c for c in after["line"]["columns"] if c[0] != "note"] == [
        ("price", "INTEGER", False, None, "", "") if c[0] == "price" else c for c in before["line"]["columns"]]
    computed = {c[0]: c[4] for c in after["line"]["columns"]}
    assert computed["total"] and computed["label"]
    assert sqlite_pair.mig.rows("SELECT id, qty, price, total, label FROM line") == [(1, 2, 3, 6, "q2")]
    master = dict((n, s) for _, n, s in _sqlite_master(sqlite_pair.mig))
    assert "GENERATED ALWAYS AS (qty * price)" in master["line"]
    assert "GENERATED ALWAYS AS ('q' || qty) STORED" in master["line"]


def test_computed_columns_survive_an_offline_copy(offline_pair) -> None:
    pair = offline_pair("sqlite:///unused.db")
    pair.write("a1", None, """
        copy_from = sa.Table("line", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                             sa.Column("qty", sa.Integer),
                             sa.Column("total", sa.Integer, sa.Computed("qty * 2")))
        with op.batch_alter_table("line", copy_from=copy_from, recreate="always") as batch_op:
            batch_op.alter_column("qty", nullable=False)
    """)
    found = pair.mig.statements("a1")
    assert "total INTEGER GENERATED ALWAYS AS (qty * 2)" in found[0]
    assert found[1] == "INSERT INTO _mig_tmp_line (id, qty) SELECT id, qty\nFROM line"


@pytest.mark.parametrize("placement", ["insert_before='price'", "insert_after='id'"])
def test_add_column_insert_before_after_orders_the_new_table(sqlite_pair, placement) -> None:
    sqlite_pair.write("a1", None, CREATE)
    sqlite_pair.write("b2", "a1", f"""
        with op.batch_alter_table("product", recreate="always") as batch_op:
            batch_op.add_column(sa.Column("note", sa.String(10)), {placement})
    """)
    sqlite_pair.upgrade()
    schema = sqlite_pair.assert_same_schema()
    expected = {"insert_before='price'": ["id", "code", "note", "price"],
                "insert_after='id'": ["id", "note", "code", "price"]}[placement]
    assert [c[0] for c in schema["product"]["columns"]] == expected
    sqlite_pair.assert_same_rows("SELECT id, code, price, note FROM product ORDER BY id")


def test_add_column_insert_after_under_auto_is_not_ignored(sqlite_pair) -> None:
    # Alembic refuses ("Can't specify insert_before or insert_after when using ALTER"); mig copies
    sqlite_pair.write("a1", None, CREATE)
    sqlite_pair.write("b2", "a1", """
        with op.batch_alter_table("product") as batch_op:
            batch_op.add_column(sa.Column("note", sa.String(10)), insert_after="id")
    """)
    sqlite_pair.mig.upgrade()
    assert [c[0] for c in sqlite_pair.mig.schema()["product"]["columns"]] == ["id", "note", "code", "price"]
    assert sqlite_pair.mig.rows("SELECT id, note, code, price FROM product ORDER BY id") == [
        (1, None, "42", 5), (2, None, "7", 6)]


def test_alter_column_insert_before_under_auto_moves_the_column(sqlite_pair) -> None:
    sqlite_pair.write("a1", None, CREATE)
    sqlite_pair.write("b2", "a1", """
        with op.batch_alter_table("product") as batch_op:
            batch_op.alter_column("price", insert_before="code")
    """)
    sqlite_pair.mig.upgrade()
    assert [c[0] for c in sqlite_pair.mig.schema()["product"]["columns"]] == ["id", "price", "code"]
    assert sqlite_pair.mig.rows("SELECT id, price, code FROM product ORDER BY id") == [
        (1, 5, "42"), (2, 6, "7")]


def test_table_args_objects_can_be_used_in_two_batches(sqlite_pair) -> None:
    sqlite_pair.write("a1", None, CREATE)
    sqlite_pair.write("b2", "a1", """
        args = (sa.CheckConstraint("price >= 0", name="ck_nonneg"), sa.UniqueConstraint("code", name="uq_code"))
        with op.batch_alter_table("product", recreate="always", table_args=args) as batch_op:
            batch_op.alter_column("price", nullable=False)
        with op.batch_alter_table("product", recreate="always", table_args=args[:1]) as batch_op:
            batch_op.drop_constraint("uq_code", type_="unique")
            batch_op.drop_constraint("ck_nonneg", type_="check")
        assert all(getattr(c, "parent", None) is None for c in args)
    """)
    sqlite_pair.mig.upgrade()
    schema = sqlite_pair.mig.schema()
    assert [c[0] for c in schema["product"]["checks"]] == ["ck_nonneg"]  # table_args come back
    assert schema["product"]["uniques"] == []


def test_add_column_insert_after_under_never_is_refused(sqlite_pair) -> None:
    from mig.errors import MigError

    sqlite_pair.write("a1", None, CREATE)
    sqlite_pair.write("b2", "a1", """
        with op.batch_alter_table("product", recreate="never") as batch_op:
            batch_op.add_column(sa.Column("note", sa.String(10)), insert_after="id")
    """)
    sqlite_pair.mig.upgrade("a1")
    with pytest.raises(MigError, match="insert_before/insert_after"):
        sqlite_pair.mig.upgrade()
    assert [c[0] for c in sqlite_pair.mig.schema()["product"]["columns"]] == ["id", "code", "price"]


def test_primary_key_created_in_batch_keeps_declared_nullability(sqlite_pair) -> None:
    sqlite_pair.write("a1", None, """
    op.create_table("tag", sa.Column("a", sa.Integer, nullable=True), sa.Column("b", sa.String(5)))
    op.execute("INSERT INTO tag (a, b) VALUES (1, 'x')")
""")
    sqlite_pair.write("b2", "a1", """
        with op.batch_alter_table("tag") as batch_op:
            batch_op.create_primary_key("pk_tag", ["a", "b"])
    """)
    sqlite_pair.upgrade()
    schema = sqlite_pair.assert_same_schema()
    assert schema["tag"]["pk"] == ["a", "b"]
    assert _sqlite_master(sqlite_pair.mig) == [
        (t, n, s.replace("_mig_tmp_", "_alembic_tmp_") if s else s) for t, n, s in _sqlite_master(sqlite_pair.alembic)]
    sqlite_pair.assert_same_rows("SELECT a, b FROM tag")


NAMING = {"ck": "ck_%(table_name)s_%(constraint_name)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}


def _with_target_metadata(pair) -> None:
    for tool in pair.tools:
        env = tool.location / "env.py"
        env.write_text(env.read_text().replace(
            "target_metadata = None",
            f"import sqlalchemy as sa\ntarget_metadata = sa.MetaData(naming_convention={NAMING!r})"))


@pytest.mark.parametrize("recreate", ["auto", "always"])
def test_target_metadata_naming_convention_names_what_the_batch_creates(sqlite_pair, recreate) -> None:
    _with_target_metadata(sqlite_pair)
    sqlite_pair.write("a1", None, """
    op.create_table("maker", sa.Column("id", sa.Integer, primary_key=True))
""" + CREATE + """
    op.create_index("ix_code", "product", ["code"])
""")
    sqlite_pair.write("b2", "a1", f"""
        with op.batch_alter_table("product", recreate={recreate!r}) as batch_op:
            batch_op.add_column(sa.Column("maker_id", sa.Integer))
            batch_op.create_check_constraint("price_positive", sa.column("price") > 0)
            batch_op.create_unique_constraint(None, ["code"])
            batch_op.create_foreign_key(None, "maker", ["maker_id"], ["id"])
            batch_op.create_check_constraint(op.f("ck_final"), sa.column("price") < 1000)
    """)
    sqlite_pair.write("c3", "b2", """
        with op.batch_alter_table("product") as batch_op:
            batch_op.alter_column("code", nullable=False)
    """)
    sqlite_pair.write("d4", "c3", """
        with op.batch_alter_table("product") as batch_op:
            batch_op.drop_constraint("price_positive", type_="check")
    """)
    sqlite_pair.upgrade("c3")
    schema = sqlite_pair.assert_same_schema()
    assert sorted(c[0] for c in schema["product"]["checks"]) == ["ck_final", "ck_product_price_positive"]
    assert schema["product"]["uniques"] == [("uq_product_code", ("code",))]
    assert schema["product"]["fks"] == [("fk_product_maker_id_maker", ("maker_id",), "maker", ("id",))]
    assert ("ix_code", ("code",), False) in schema["product"]["indexes"]
    sqlite_pair.upgrade()
    schema = sqlite_pair.assert_same_schema()
    assert [c[0] for c in schema["product"]["checks"]] == ["ck_final"]
    assert schema["product"]["uniques"] == [("uq_product_code", ("code",))]
    sqlite_pair.assert_same_rows("SELECT * FROM product ORDER BY id")


def test_batch_naming_convention_names_what_the_batch_creates(sqlite_pair) -> None:
    sqlite_pair.write("a1", None, CREATE)
    sqlite_pair.write("b2", "a1", f"""
        with op.batch_alter_table("product", naming_convention={NAMING!r}) as batch_op:
            batch_op.create_check_constraint("price_positive", sa.column("price") > 0)
    """)
    sqlite_pair.write("c3", "b2", f"""
        with op.batch_alter_table("product", naming_convention={NAMING!r}) as batch_op:
            batch_op.drop_constraint("price_positive", type_="check")
    """)
    sqlite_pair.mig.upgrade("b2")
    assert [c[0] for c in sqlite_pair.mig.schema()["product"]["checks"]] == ["ck_product_price_positive"]
    sqlite_pair.mig.upgrade()
    assert sqlite_pair.mig.schema()["product"]["checks"] == []


def test_dialect_prefixed_options_are_ignored_in_the_sqlite_copy(offline_pair, sqlite_pair) -> None:
    batch = """
        copy_from = sa.Table("product", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                             sa.Column("code", sa.String(20)), sa.Column("price", sa.Integer),
                             mysql_engine="InnoDB", postgresql_with_oids=False)
        with op.batch_alter_table("product", copy_from=copy_from, recreate="always",
                                  table_kwargs={"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4",
                                                "postgresql_partition_by": "RANGE (id)"}) as batch_op:
            batch_op.alter_column("code", type_=sa.Integer, postgresql_using="code::integer")
            batch_op.create_unique_constraint("uq_price", ["price"], postgresql_nulls_not_distinct=True)
            batch_op.create_index("ix_code", ["code"], postgresql_using="hash", mysql_length=5,
                                  postgresql_include=["price"])
    """
    pair = offline_pair("sqlite:///unused.db")
    pair.write("a1", None, CREATE)
    pair.write("b2", "a1", batch)
    found = pair.mig.statements("a1:b2")
    text = "\n".join(found)
    for word in ("ENGINE", "CHARSET", "PARTITION", "::", "USING", "NULLS", "INCLUDE", "hash", "InnoDB"):
        assert word not in text
    insert = next(s for s in found if s.startswith("INSERT"))
    assert insert == ("INSERT INTO _mig_tmp_product (id, code, price) SELECT id, CAST(code AS INTEGER) "
                      "AS code, price\nFROM product")
    assert "CREATE INDEX ix_code ON product (code)" in found
    sqlite_pair.write("a1", None, CREATE)
    sqlite_pair.write("b2", "a1", batch)
    sqlite_pair.upgrade()
    schema = sqlite_pair.assert_same_schema()
    assert schema["product"]["uniques"] == [("uq_price", ("price",))]
    assert sqlite_pair.assert_same_rows("SELECT id, code, price FROM product ORDER BY id") == [
        (1, 42, 5), (2, 7, 6)]


def test_constraint_on_a_column_renamed_in_the_same_block_is_kept(sqlite_pair) -> None:
    """Alembic's copy leaves the unique constraint out silently; mig creates it (docs/differences.md)."""
    sqlite_pair.write("a1", None, CREATE)
    sqlite_pair.write("b2", "a1", """
        with op.batch_alter_table("product") as batch_op:
            batch_op.alter_column("code", new_column_name="sku", existing_type=sa.String(20))
            batch_op.create_unique_constraint("uq_product_sku", ["sku"])
    """)
    sqlite_pair.upgrade()
    assert sqlite_pair.alembic.schema()["product"]["uniques"] == []
    assert sqlite_pair.mig.schema()["product"]["uniques"] == [("uq_product_sku", ("sku",))]
    sqlite_pair.assert_same_rows("SELECT id, sku, price FROM product ORDER BY id")
