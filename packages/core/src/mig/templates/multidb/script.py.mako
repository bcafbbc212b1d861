<%!
def _names(context):
    names = context.get("db_names", None)
    if isinstance(names, str):
        return [n.strip() for n in names.replace(",", " ").split()]
    if names:
        return list(names)
    config = context.get("config", None)
    databases = config.get("databases") if config is not None and hasattr(config, "get") else None
    return list(databases) if isinstance(databases, dict) else []
%>"""${message}

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


def upgrade(engine_name: str) -> None:
    """Upgrade database ``engine_name`` (see [mig.databases] in the configuration)."""
    step = globals().get(f"upgrade_{engine_name}")
    if step is not None:
        step()


def downgrade(engine_name: str) -> None:
    """Downgrade database ``engine_name``."""
    step = globals().get(f"downgrade_{engine_name}")
    if step is not None:
        step()
% for db_name in _names(context):


def upgrade_${db_name}() -> None:
    ${context.get("%s_upgrades" % db_name, "pass")}


def downgrade_${db_name}() -> None:
    ${context.get("%s_downgrades" % db_name, "pass")}
% endfor
