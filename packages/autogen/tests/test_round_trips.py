"""For each kind of change: the upgrade runs and leaves no difference, the downgrade runs and leaves none
against the old models, and the rows of unchanged columns survive both."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from mig_autogen import produce_migrations

from .conftest import ops_of
from .helpers import apply, rows

Build = Callable[[sa.MetaData, bool], None]


def _item(md: sa.MetaData, *extra: Any, **kw: Any) -> sa.Table:
    return sa.Table("item", md, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("label", sa.String(20), nullable=False), *extra, **kw)


def _parent(md: sa.MetaData) -> sa.Table:
    return sa.Table("parent", md, sa.Column("id", sa.Integer, primary_key=True))


CHANGES: dict[str, Build] = {
    "add_drop_column": lambda md, after: _item(md, sa.Column("new" if after else "old", sa.Integer)),
    "type": lambda md, after: _item(md, sa.Column("v", sa.String(40 if after else 20))),
    "nullable": lambda md, after: _item(md, sa.Column("v", sa.Integer, nullable=not after,
                                                      server_default=sa.text("0"))),
    "server_default": lambda md, after: _item(md, sa.Column(
        "v", sa.Integer, server_default=sa.text("2" if after else "1"))),
    "index": lambda md, after: _item(md, sa.Column("v", sa.Integer), sa.Column("w", sa.Integer),
                                     sa.Index("ix_item_v", "w" if after else "v")),
    "unique": lambda md, after: _item(md, sa.Column("v", sa.Integer),
                                      *([sa.UniqueConstraint("v", name="uq_item_v")] if after else [])),
    "foreign_key": lambda md, after: (_parent(md), _item(md, sa.Column(
        "p", sa.Integer, *([sa.ForeignKey("parent.id", name="fk_item_p", ondelete="CASCADE")] if after else [])))),
    "check": lambda md, after: _item(md, sa.Column("v", sa.Integer),
                                     sa.CheckConstraint("v > 0" if after else "v < 100",
                                                        name="ck_new" if after else "ck_old")),
    "comment": lambda md, after: _item(md, sa.Column("v", sa.Integer, comment="after" if after else None),
                                       comment="items" if after else None),
    "tables": lambda md, after: (_item(md), sa.Table(
        "child" if after else "gone", md, sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.ForeignKey("item.id")))),
    "computed": lambda md, after: _item(md, sa.Column("n", sa.Integer), sa.Column(
        "twice", sa.Integer, sa.Computed("n * 3" if after else "n * 2", persisted=True))),
}

#: Changes SQLite makes only by copying the table (mig's batch mode, which drafts use there).
NEEDS_ALTER = {"type", "nullable", "server_default", "unique", "foreign_key", "check", "computed"}


def _md(build: Build, after: bool) -> sa.MetaData:
    md = sa.MetaData()
    build(md, after)
    return md


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_upgrade_and_downgrade_leave_no_difference(engine: sa.Engine, change: str) -> None:
    if engine.dialect.name == "sqlite" and change in NEEDS_ALTER:
        pytest.skip("SQLite changes this by copying the table (batch mode)")
    if change == "comment" and not engine.dialect.supports_comments:
        pytest.skip("SQLite keeps no comments")
    before, after = _md(CHANGES[change], False), _md(CHANGES[change], True)
    before.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO item (id, label) VALUES (1, 'kept')"))
    with engine.connect() as conn:
        script = produce_migrations(conn, after)
    assert script.upgrade_ops, "the change was not detected"
    apply(engine, script.upgrade_ops)
    assert ops_of(engine, after) == []
    assert rows(engine, "SELECT id, label FROM item") == [(1, "kept")]
    apply(engine, script.downgrade_ops)
    assert ops_of(engine, before) == []
    assert rows(engine, "SELECT id, label FROM item") == [(1, "kept")]
