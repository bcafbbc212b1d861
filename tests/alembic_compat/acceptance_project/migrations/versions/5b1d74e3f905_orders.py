"""orders

Revision ID: 5b1d74e3f905
Revises: 1f3a9c2e0b01
Create Date: 2026-01-14 11:27:53.004417

"""
from alembic import op
import sqlalchemy as sa


revision = "5b1d74e3f905"
down_revision = "1f3a9c2e0b01"
branch_labels = ("billing",)
depends_on = None

order_status = sa.Enum("pending", "paid", "shipped", name="order_status")


def upgrade() -> None:
    orders = op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("status", order_status, server_default="pending", nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("total", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customer.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.bulk_insert(
        sa.table("customer", sa.column("id", sa.Integer), sa.column("name", sa.String),
                 sa.column("email", sa.String)),
        [
            {"id": 1, "name": "Ada", "email": "ada@example.org"},
            {"id": 2, "name": "Grace", "email": "grace@example.org"},
            {"id": 3, "name": "Linus", "email": None},
        ],
    )
    op.bulk_insert(
        orders,
        [
            {"id": 10, "customer_id": 1, "status": "paid", "reference": "0042"},
            {"id": 11, "customer_id": 2, "status": "shipped", "reference": "0043"},
            {"id": 12, "customer_id": 1, "status": "pending", "reference": None},
        ],
    )


def downgrade() -> None:
    op.drop_table("orders")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TYPE order_status")
    op.execute("DELETE FROM customer")
