"""Acceptance: a realistic Alembic project switches with ``mig adopt`` and runs as it did under Alembic.

The project (``acceptance_project/``) has an Alembic-style ``env.py`` (``get_main_option``,
``get_section(config_ini_section)``, ``engine_from_config``, ``get_x_argument``, Alembic's
``configure`` keywords, a naming convention with ``%(constraint_name)s``), two labelled branches
and their merge, a ``depends_on``, batch operations, data migrations (``bulk_insert``,
``execute``), PostgreSQL enum types and ``postgresql_using``, and scripts that branch on
``op.get_bind().dialect.name``. Alembic runs one copy, mig the adopted other, each on a
database of its own; the databases must end up the same, names included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from .conftest import _two_databases
from .projects import ProjectPair, sql_steps

PROJECT = Path(__file__).parent / "acceptance_project"

HEAD = "b173da495f11"
CATALOG_DATA = "3e9b52f1c703"
ORDER_LINES = "6c2e85f40a06"  # billing; depends on CATALOG_DATA

ROWS = (
    "SELECT id, name, email_address, is_active FROM customer ORDER BY id",
    "SELECT id, name FROM category ORDER BY id",
    "SELECT id, sku, name, price, state, category_id FROM product ORDER BY id",
    "SELECT id, customer_id, status, reference, total FROM orders ORDER BY id",
    "SELECT id, order_id, product_id, quantity, unit_price FROM order_line ORDER BY id",
    "SELECT version_num FROM alembic_version",
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql),
                        pytest.param("mysql", marks=pytest.mark.mysql)])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ProjectPair]:
    """The project adopted by mig next to Alembic's copy, on SQLite, PostgreSQL or MariaDB."""
    if request.param == "sqlite":
        pair = ProjectPair(PROJECT, tmp_path, f"sqlite:///{tmp_path / 'alembic.db'}",
                           f"sqlite:///{tmp_path / 'mig.db'}")
        pair.adopt()
        yield pair
        return
    with _two_databases(request.getfixturevalue(f"mig_{request.param}_url")) as (alembic_url, mig_url):
        pair = ProjectPair(PROJECT, tmp_path, alembic_url, mig_url)
        pair.adopt()
        yield pair


def current(text: str) -> set[str]:
    """The revisions ``current`` printed (Alembic's order is a set's; markers left out)."""
    return set(re.findall(r"^([0-9a-f]{12})\b", text, re.M))


def money(value: object) -> str | None:
    """A NUMERIC(10, 2) value as text (SQLite's driver returns a float, the others a Decimal)."""
    return None if value is None else str(Decimal(str(value)).quantize(Decimal("0.01")))


def assert_same(pair: ProjectPair, *, mig_url: str | None = None) -> None:
    mig_url = mig_url or pair.mig_url
    assert pair.schema(mig_url) == pair.schema(pair.alembic_url)
    assert pair.rows(mig_url, *ROWS) == pair.rows(pair.alembic_url, *ROWS)


def test_adopt_rewrites_every_script_and_keeps_alembic_version(pair: ProjectPair) -> None:
    toml = (pair.mig.cwd / "mig.toml").read_text()
    assert 'version_table = "alembic_version"' in toml
    assert 'script_location = "migrations"' in toml
    scripts = sorted((pair.mig.cwd / "migrations/versions").glob("*.py"))
    assert len(scripts) == 11
    for path in [*scripts, pair.mig.cwd / "migrations/env.py"]:
        assert "alembic import" not in path.read_text(), path


def test_both_tools_end_equal_up_down_and_up_again(pair: ProjectPair) -> None:
    pair.alembic.run("upgrade", "head")
    pair.run_mig("upgrade", "head")
    assert_same(pair)
    schema = pair.schema(pair.mig_url)
    assert sorted(t for t in schema if not t.startswith("<")) == [
        "category", "customer", "order_line", "orders", "product"]
    assert ("ck_product_price_positive", ) == tuple(c[0] for c in schema["product"]["checks"]
                                                   if "price" in c[1])
    orders, lines = pair.rows(pair.mig_url, ROWS[3], ROWS[4])
    assert [(o[0], money(o[4])) for o in orders] == [(10, "15.20"), (11, "36.00"), (12, None)]
    assert [money(line[4]) for line in lines] == ["4.50", "6.20", "12.00", "3.75"]

    pair.alembic.run("-x", "per_migration=1", "downgrade", "base")
    pair.run_mig("-x", "per_migration=1", "downgrade", "base")
    assert pair.schema(pair.mig_url) == pair.schema(pair.alembic_url)
    assert [t for t in pair.schema(pair.mig_url) if t != "<enums>"] == []
    assert pair.schema(pair.mig_url).get("<enums>", []) == []

    pair.alembic.run("upgrade", "head")
    pair.run_mig("upgrade", "head")
    assert_same(pair)
    assert current(pair.run_mig("current").stdout) == current(pair.alembic.run("current")) == {HEAD}


def test_env_py_that_begins_the_transaction_itself(pair: ProjectPair) -> None:
    """``with engine.begin() as connection:`` in env.py: the whole run is in env.py's transaction, for
    both tools, on every database (MySQL's per-migration commits included)."""
    pair.alembic.run("-x", "own_transaction=1", "upgrade", "head")
    pair.run_mig("-x", "own_transaction=1", "upgrade", "head")
    assert_same(pair)
    assert current(pair.run_mig("current").stdout) == {HEAD}
    pair.alembic.run("-x", "own_transaction=1", "-x", "per_migration=1", "downgrade", CATALOG_DATA)
    pair.run_mig("-x", "own_transaction=1", "-x", "per_migration=1", "downgrade", CATALOG_DATA)
    assert pair.schema(pair.mig_url) == pair.schema(pair.alembic_url)
    assert pair.rows(pair.mig_url, ROWS[1], ROWS[5]) == pair.rows(pair.alembic_url, ROWS[1], ROWS[5])
    assert current(pair.run_mig("current").stdout) == current(pair.alembic.run("current"))


def test_mig_finishes_what_alembic_started(pair: ProjectPair) -> None:
    """Alembic migrates the mig copy's database halfway (one branch, pulling in a ``depends_on``);
    mig finishes it and ends where Alembic all the way ends."""
    pair.alembic.run("upgrade", "head")
    pair.alembic.run("-x", f"url={pair.mig_url}", "upgrade", ORDER_LINES)
    alembic_current = current(pair.alembic.run("-x", f"url={pair.mig_url}", "current"))
    assert alembic_current == {CATALOG_DATA, ORDER_LINES}
    assert current(pair.run_mig("current").stdout) == alembic_current

    result = pair.run_mig("upgrade", "heads")
    assert f"Ran upgrade {ORDER_LINES} -> 7d3f96051b07" in result.stderr
    assert_same(pair)
    assert current(pair.run_mig("current").stdout) == current(
        pair.alembic.run("-x", f"url={pair.mig_url}", "current")) == {HEAD}


@pytest.mark.parametrize("url", ["postgresql+psycopg://u@h/shop", "mysql+pymysql://u@h/shop"])
def test_offline_sql_of_upgrade_head_is_equivalent(tmp_path: Path, url: str) -> None:
    """The same statements step by step. The steps of the two branches come in another order
    (mig's order between independent branches is deterministic, docs/differences.md), and so do
    the version-table statements that follow from it; each step's own statements are equal."""
    pair = ProjectPair(PROJECT, tmp_path, url, url)
    pair.adopt()
    alembic_steps = sql_steps(pair.alembic.run("upgrade", "head", "--sql"))
    mig_steps = sql_steps(pair.run_mig("upgrade", "head", "--sql").stdout)
    assert len(mig_steps) == 11
    assert dict(mig_steps) == dict(alembic_steps)
    assert sorted(step for step, _ in mig_steps) == sorted(step for step, _ in alembic_steps)
    assert sum(len(found) for _, found in mig_steps) > 25
    # mig's order runs every script after its parents and after what it depends on
    order = [step.split(" -> ")[1] for step, _ in mig_steps]
    assert order.index(CATALOG_DATA) < order.index(ORDER_LINES)
    for step, _ in mig_steps:
        down, rev = step.split(" -> ")
        assert all(order.index(parent) < order.index(rev) for parent in down.split(", ") if parent != "base")


def test_offline_sql_on_sqlite_needs_copy_from_in_both_tools(tmp_path: Path) -> None:
    """Offline, SQLite's move-and-copy cannot read the table: both tools stop at the first batch
    block that must copy (the catalog's foreign key), and mig's message says what to pass."""
    pair = ProjectPair(PROJECT, tmp_path, "sqlite:///shop.db", "sqlite:///shop.db")
    pair.adopt()
    with pytest.raises(SystemExit):  # Alembic's command line: "FAILED: ... copy_from ..."
        pair.alembic.run("upgrade", "head", "--sql")
    result = pair.mig("upgrade", "head", "--sql")
    assert result.returncode == 1
    assert result.stderr.startswith(
        "mig: error: upgrade 2c7d41e8a902 (2c7d41e8a902_categories.py) failed: batch_alter_table('product') "
        "must move and copy the table")
    assert "pass copy_from=sa.Table(...) describing the table as it is now" in result.stderr
