"""order lines, priced from the catalog

Revision ID: 6c2e85f40a06
Revises: 5b1d74e3f905
Create Date: 2026-01-21 08:45:19.660187

"""
from alembic import op
import sqlalchemy as sa


revision = "6c2e85f40a06"
down_revision = "5b1d74e3f905"
branch_labels = None
depends_on = "3e9b52f1c703"  # the catalog's products must exist


def upgrade() -> None:
    op.create_table(
        "order_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), server_default="1", nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_id", "product_id", name="uq_order_line_order_product"),
    )
    line = sa.table("order_line", sa.column("id", sa.Integer), sa.column("order_id", sa.Integer),
                    sa.column("product_id", sa.Integer), sa.column("quantity", sa.Integer))
    op.bulk_insert(line, [
        {"id": 100, "order_id": 10, "product_id": 1, "quantity": 2},
        {"id": 101, "order_id": 10, "product_id": 3, "quantity": 1},
        {"id": 102, "order_id": 11, "product_id": 4, "quantity": 3},
        {"id": 103, "order_id": 12, "product_id": 2, "quantity": 5},
    ])
    op.execute(
        "UPDATE order_line SET unit_price = "
        "(SELECT product.price FROM product WHERE product.id = order_line.product_id)"
    )


def downgrade() -> None:
    op.drop_table("order_line")
