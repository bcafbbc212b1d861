"""product categories

Revision ID: 2c7d41e8a902
Revises: 1f3a9c2e0b01
Create Date: 2026-01-12 14:03:10.554012

"""
from alembic import op
import sqlalchemy as sa


revision = "2c7d41e8a902"
down_revision = "1f3a9c2e0b01"
branch_labels = ("catalog",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.add_column(sa.Column("category_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_product_category_id"), ["category_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_product_category_id_category"), "category",
                                    ["category_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("product", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_product_category_id_category"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_product_category_id"))
        batch_op.drop_column("category_id")
    op.drop_table("category")
