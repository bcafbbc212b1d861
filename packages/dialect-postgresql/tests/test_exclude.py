"""EXCLUDE constraints: op.create_exclude_constraint, enforced, dropped by name."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from mig import op


def test_exclude_constraint_created_enforced_dropped(runner, pg, name) -> None:
    t, ex = name("booking"), name("no_overlap")
    runner.run(lambda: op.create_table(t, sa.Column("id", sa.Integer, primary_key=True),
                                       sa.Column("during", postgresql.TSRANGE),
                                       sa.Column("cancelled", sa.Boolean, nullable=False,
                                                 server_default=sa.false())))
    pg.execute(f"INSERT INTO {t} (id, during) VALUES (1, '[2024-01-01 10:00, 2024-01-01 11:00)')")

    runner.run(lambda: op.create_exclude_constraint(ex, t, ("during", "&&"), using="gist",
                                                    where="NOT cancelled"))
    assert pg.scalar("SELECT contype FROM pg_constraint WHERE conname = :n", n=ex) == "x"
    overlapping = f"INSERT INTO {t} (id, during) VALUES (2, '[2024-01-01 10:30, 2024-01-01 12:00)')"
    assert pg.fails(overlapping)
    # rows outside the WHERE clause are not checked
    pg.execute(f"INSERT INTO {t} (id, during, cancelled) VALUES (3, '[2024-01-01 10:30, 2024-01-01 12:00)', true)")

    runner.run(lambda: op.drop_constraint(ex, t))
    assert pg.scalar("SELECT count(*) FROM pg_constraint WHERE conname = :n", n=ex) == 0
    pg.execute(overlapping)


def test_exclude_constraint_with_expression_and_reverse(pg) -> None:
    from mig.ops import DropConstraintOp
    from mig_postgresql.ops import CreateExcludeConstraintOp

    create = CreateExcludeConstraintOp("ex", "t", ((sa.text("tsrange(a, b)"), "&&"),))
    drop = create.reverse()
    assert isinstance(drop, DropConstraintOp) and drop.constraint_name == "ex" and drop.reverse() is create
