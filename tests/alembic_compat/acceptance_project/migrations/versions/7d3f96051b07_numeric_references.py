"""order references become numbers; an index for open orders

Revision ID: 7d3f96051b07
Revises: 6c2e85f40a06
Create Date: 2026-02-02 17:19:05.337790

"""
from alembic import op
import sqlalchemy as sa


revision = "7d3f96051b07"
down_revision = "6c2e85f40a06"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column(
            "reference",
            existing_type=sa.String(length=20),
            type_=sa.Integer(),
            existing_nullable=True,
            existing_server_default=None,
            postgresql_using="reference::integer",
        )
    op.create_index(
        "ix_orders_open",
        "orders",
        ["status"],
        postgresql_where=sa.text("status <> 'shipped'"),
    )


def downgrade() -> None:
    op.drop_index("ix_orders_open", table_name="orders")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.alter_column(
            "reference",
            existing_type=sa.Integer(),
            type_=sa.String(length=20),
            existing_nullable=True,
            existing_server_default=None,
            postgresql_using="reference::varchar(20)",
        )
