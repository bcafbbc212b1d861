"""the first catalog (data)

Revision ID: 3e9b52f1c703
Revises: 2c7d41e8a902
Create Date: 2026-01-12 16:40:02.101222

"""
from alembic import op
import sqlalchemy as sa


revision = "3e9b52f1c703"
down_revision = "2c7d41e8a902"
branch_labels = None
depends_on = None

category = sa.table("category", sa.column("id", sa.Integer), sa.column("name", sa.String))
product = sa.table(
    "product",
    sa.column("id", sa.Integer),
    sa.column("sku", sa.String),
    sa.column("name", sa.String),
    sa.column("price", sa.Numeric(10, 2)),
    sa.column("state", sa.String),
)


def upgrade() -> None:
    op.bulk_insert(category, [{"id": 1, "name": "Tea"}, {"id": 2, "name": "Coffee"}])
    op.bulk_insert(
        product,
        [
            {"id": 1, "sku": "T-001", "name": "Sencha", "price": 4.50, "state": "active"},
            {"id": 2, "sku": "T-002", "name": "Assam", "price": 3.75, "state": "draft"},
            {"id": 3, "sku": "C-001", "name": "Mocha", "price": 6.20, "state": "active"},
            {"id": 4, "sku": "C-002", "name": "Kona", "price": 12.00, "state": "retired"},
        ],
    )
    op.execute("UPDATE product SET category_id = 1 WHERE sku LIKE 'T-%'")
    op.execute(product.update().where(product.c.sku.like("C-%")).values(name=product.c.name + " beans"))
    op.execute(sa.text("UPDATE product SET category_id = 2 WHERE sku LIKE 'C-%'"))


def downgrade() -> None:
    op.execute("DELETE FROM product")
    op.execute(category.delete())
