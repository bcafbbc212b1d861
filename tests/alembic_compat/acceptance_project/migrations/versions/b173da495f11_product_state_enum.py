"""product state becomes an enum

Revision ID: b173da495f11
Revises: a062c9384e10
Create Date: 2026-02-17 15:44:38.008311

"""
from alembic import op
import sqlalchemy as sa


revision = "b173da495f11"
down_revision = "a062c9384e10"
branch_labels = None
depends_on = None

product_state = sa.Enum("draft", "active", "retired", name="product_state")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE TYPE product_state AS ENUM ('draft', 'active', 'retired')")
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.alter_column(
            "state",
            existing_type=sa.String(length=20),
            type_=product_state,
            existing_nullable=True,
            existing_server_default=None,
            postgresql_using="state::product_state",
        )


def downgrade() -> None:
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.alter_column(
            "state",
            existing_type=product_state,
            type_=sa.String(length=20),
            existing_nullable=True,
            existing_server_default=None,
            postgresql_using="state::text",
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TYPE product_state")
