"""A small helper to lay out migration environments with scripts in tmp_path."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from mig.config import Config
from mig.revision import ScriptDirectory

TEMPLATE = '''"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from typing import Sequence, Union

from mig import op
import sqlalchemy as sa
${imports if imports else ""}

# revision identifiers, used by mig.
revision: str = ${repr(up_revision)}
down_revision: Union[str, Sequence[str], None] = ${repr(down_revision)}
branch_labels: Union[str, Sequence[str], None] = ${repr(branch_labels)}
depends_on: Union[str, Sequence[str], None] = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''


class Project:
    """A migration environment under ``root``: ``migrations/`` with ``versions/``."""

    def __init__(self, root: Path, **options: object) -> None:
        self.root = root
        self.location = root / "migrations"
        self.versions = self.location / "versions"
        self.versions.mkdir(parents=True)
        (self.location / "script.py.mako").write_text(TEMPLATE)
        self.options = {"script_location": "migrations", **options}

    @property
    def config(self) -> Config:
        return Config.from_options(root=self.root, **self.options)

    def sd(self) -> ScriptDirectory:
        return ScriptDirectory.from_config(self.config)

    def add(self, rev: str, down: str | Sequence[str] | None = None, *,
            labels: str | Sequence[str] | None = None, depends: str | Sequence[str] | None = None,
            message: str | None = None, folder: Path | None = None, name: str | None = None,
            annotated: bool = True, body: str = "") -> Path:
        folder = folder or self.versions
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (name or f"{rev}_script.py")
        ann = ": str" if annotated else ""
        down_value = tuple(down) if isinstance(down, list) else down
        path.write_text(
            f'"""{message or "revision " + rev}\n\nRevision ID: {rev}\n'
            f'Create Date: 2024-05-06 07:08:09.123456\n\n"""\n'
            f"from mig import op\n\n"
            f"revision{ann} = {rev!r}\n"
            f"down_revision = {down_value!r}\n"
            f"branch_labels = {labels!r}\n"
            f"depends_on = {depends!r}\n\n"
            f"def upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n{body}"
        )
        return path


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project(tmp_path)
