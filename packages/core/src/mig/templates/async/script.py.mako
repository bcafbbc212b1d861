"""${message}

Revision ID: ${up_revision}
Revises: ${", ".join(down_revision) if isinstance(down_revision, (list, tuple)) else (down_revision or "")}
Create Date: ${create_date}

"""
from __future__ import annotations

import sqlalchemy as sa

from mig import op
${imports if imports else ""}
# revision identifiers, used by mig.
revision = ${repr(up_revision)}
down_revision = ${repr(tuple(down_revision) if isinstance(down_revision, list) else down_revision)}
branch_labels = ${repr(tuple(branch_labels) if isinstance(branch_labels, list) else branch_labels)}
depends_on = ${repr(tuple(depends_on) if isinstance(depends_on, list) else depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
