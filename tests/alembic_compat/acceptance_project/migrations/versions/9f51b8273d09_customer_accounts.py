"""customers: active flag, email_address, unique

Revision ID: 9f51b8273d09
Revises: 8e40a7162c08
Create Date: 2026-02-10 13:31:47.900015

"""
from alembic import op
import sqlalchemy as sa


revision = "9f51b8273d09"
down_revision = "8e40a7162c08"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.alter_column("email", new_column_name="email_address",
                              existing_type=sa.String(length=200), existing_nullable=True)
        batch_op.create_index(batch_op.f("ix_customer_is_active"), ["is_active"], unique=False)
    # a block of its own: Alembic's SQLite copy leaves out a constraint on a column renamed in the
    # same block (docs/differences.md)
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_customer_email_address"), ["email_address"])
    op.execute("UPDATE customer SET is_active = false WHERE email_address IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("customer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customer_is_active"))
        batch_op.drop_constraint(batch_op.f("uq_customer_email_address"), type_="unique")
        batch_op.alter_column("email_address", new_column_name="email",
                              existing_type=sa.String(length=200), existing_nullable=True)
        batch_op.drop_column("is_active")
