"""merge catalog and billing

Revision ID: 8e40a7162c08
Revises: 4a0c63d2e804, 7d3f96051b07
Create Date: 2026-02-03 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = "8e40a7162c08"
down_revision = ("4a0c63d2e804", "7d3f96051b07")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
