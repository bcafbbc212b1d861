"""order totals from their lines (data)

Revision ID: a062c9384e10
Revises: 9f51b8273d09
Create Date: 2026-02-11 10:05:12.412345

"""
from alembic import op
import sqlalchemy as sa


revision = "a062c9384e10"
down_revision = "9f51b8273d09"
branch_labels = None
depends_on = None

orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("total", sa.Numeric(10, 2)),
                  sa.column("status", sa.String))
order_line = sa.table("order_line", sa.column("order_id", sa.Integer), sa.column("quantity", sa.Integer),
                      sa.column("unit_price", sa.Numeric(10, 2)))


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE orders SET total = sums.total FROM "
            "(SELECT order_id, SUM(quantity * unit_price) AS total FROM order_line GROUP BY order_id) AS sums "
            "WHERE sums.order_id = orders.id"
        )
    else:
        line_total = (
            sa.select(sa.func.sum(order_line.c.quantity * order_line.c.unit_price))
            .where(order_line.c.order_id == orders.c.id)
            .scalar_subquery()
        )
        op.execute(orders.update().values(total=line_total))
    op.execute("UPDATE orders SET total = NULL WHERE status = 'pending'")


def downgrade() -> None:
    op.execute(orders.update().values(total=None))
