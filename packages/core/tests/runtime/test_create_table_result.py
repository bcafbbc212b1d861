"""``op.create_table`` builds its ``Table`` only when the calling script keeps the result.

On SQLite (direct DDL) a script that calls ``op.create_table(...)`` as a
statement gets the same ``CREATE TABLE`` without mig building the ``Table``
it would return; a script that keeps the result gets a real ``Table``; and
anything that could see the ``Table`` being built (attach listeners, types
that attach themselves to the table) makes mig build it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig import op
from mig.ddl.direct import attach_listeners
from mig.testing.project import MigrationRunner


def _master(url: str) -> dict[str, str]:
    path = url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return {name: sql for name, sql in conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL")}


def _run(tmp_path: Path, upgrade: Any) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    with MigrationRunner(tmp_path / "project", url) as runner:
        runner.run(upgrade)
    return _master(url)


def test_a_kept_result_is_a_real_table_usable_for_bulk_insert(tmp_path: Path) -> None:
    def upgrade() -> None:
        accounts = op.create_table("accounts", sa.Column("id", sa.Integer, primary_key=True),
                                   sa.Column("name", sa.String(20), nullable=False))
        assert isinstance(accounts, sa.Table)
        assert accounts.c.name.table is accounts
        op.bulk_insert(accounts, [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}])

    master = _run(tmp_path, upgrade)
    assert master["accounts"] == ("CREATE TABLE accounts (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(20) NOT NULL, "
                                  "\n\tPRIMARY KEY (id)\n)")
    with sqlite3.connect(tmp_path / "db.sqlite") as conn:
        assert conn.execute("SELECT id, name FROM accounts ORDER BY id").fetchall() == [(1, "one"), (2, "two")]


def test_a_dropped_result_builds_no_table_and_writes_the_same_statement(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[str] = []
    real_table = sa.Table.__new__

    def counting_new(cls: Any, *args: Any, **kw: Any) -> Any:
        built.append(str(args[0]) if args else "?")
        return real_table(cls, *args, **kw)

    monkeypatch.setattr(sa.Table, "__new__", counting_new)

    def upgrade() -> None:
        op.create_table("plain", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("name", sa.String(20), nullable=False, server_default="x"))

    master = _run(tmp_path, upgrade)
    assert master["plain"] == ("CREATE TABLE plain (\n\tid INTEGER NOT NULL, \n\tname VARCHAR(20) DEFAULT 'x' "
                               "NOT NULL, \n\tPRIMARY KEY (id)\n)")
    assert "plain" not in built


def test_an_attach_listener_makes_mig_build_the_table(tmp_path: Path) -> None:
    attached: list[str] = []

    def listener(column: Any, table: Any) -> None:
        attached.append(f"{table.name}.{column.name}")

    assert not attach_listeners()
    sa.event.listen(sa.Column, "after_parent_attach", listener)
    try:
        assert attach_listeners()

        def upgrade() -> None:
            op.create_table("watched", sa.Column("id", sa.Integer, primary_key=True))

        master = _run(tmp_path, upgrade)
    finally:
        sa.event.remove(sa.Column, "after_parent_attach", listener)
    assert not attach_listeners()
    assert "watched.id" in attached
    assert master["watched"] == "CREATE TABLE watched (\n\tid INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n)"


def test_a_type_that_attaches_itself_is_built_with_its_table(tmp_path: Path) -> None:
    def upgrade() -> None:
        op.create_table("flags", sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("on", sa.Boolean(create_constraint=True, name="ck_flags_on")))

    master = _run(tmp_path, upgrade)
    assert 'CONSTRAINT ck_flags_on CHECK ("on" IN (0, 1))' in master["flags"]


def test_duplicate_column_names_still_raise_sqlalchemys_error(tmp_path: Path) -> None:
    def upgrade() -> None:
        op.create_table("twice", sa.Column("a", sa.Integer), sa.Column("a", sa.Integer))

    with pytest.raises(Exception) as info:
        _run(tmp_path, upgrade)
    assert "DuplicateColumnError" in str(info.value) or "already" in str(info.value)
