"""prices are positive

Revision ID: 4a0c63d2e804
Revises: 3e9b52f1c703
Create Date: 2026-01-20 10:00:31.870125

"""
from alembic import op
import sqlalchemy as sa


revision = "4a0c63d2e804"
down_revision = "3e9b52f1c703"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("product") as batch_op:
            batch_op.create_check_constraint("price_positive", "price > 0")
    else:
        op.create_check_constraint("price_positive", "product", "price > 0")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("product") as batch_op:
            batch_op.drop_constraint("price_positive", type_="check")
    else:
        op.drop_constraint("price_positive", "product", type_="check")
