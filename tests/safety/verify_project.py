"""Helpers for tests/safety/test_verify.py: a mig project run through the CLI in this process."""

from __future__ import annotations

import contextlib
import io
import os
import textwrap
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Result:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    def __repr__(self) -> str:
        return (f"mig {' '.join(self.args)} -> {self.returncode}\n--- stdout\n{self.stdout}"
                f"--- stderr\n{self.stderr}")


class Project:
    """A mig project (``mig init``'s generic env.py) on one database; runs ``mig`` in this process."""

    def __init__(self, root: Path, url: str, env: dict[str, str]) -> None:
        self.root = root
        self.url = url
        self.env = env
        self.versions = root / "migrations" / "versions"

    def __call__(self, *args: str, ok: bool | None = None) -> Result:
        from mig_cli.main import run

        saved_env, saved_cwd = dict(os.environ), os.getcwd()
        out, err = io.StringIO(), io.StringIO()
        try:
            os.environ.clear()
            os.environ.update(self.env)
            os.chdir(self.root)
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                status = run(list(args))
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
        result = Result(args, status, out.getvalue(), err.getvalue())
        if ok is True:
            assert result.returncode == 0, result
        return result

    def configure(self, extra: str = "") -> None:
        toml = self.root / "mig.toml"
        pristine = self.root / "mig.toml.orig"
        if not pristine.exists():
            pristine.write_text(toml.read_text())
        lines = [line for line in pristine.read_text().splitlines() if not line.startswith("url")]
        lines.insert(lines.index("[mig]") + 1, f"url = {self.url!r}")
        toml.write_text("\n".join(lines) + "\n" + extra)

    def alembic_upgrade(self, target: str) -> None:
        """Alembic's own upgrade on the project's database, from a copy of the scripts importing alembic."""
        from alembic import command as alembic_command
        from alembic.config import Config as AlembicConfig

        folder = self.root.parent / "alembic_project"
        versions = folder / "versions"
        versions.mkdir(parents=True, exist_ok=True)
        (folder / "env.py").write_text(ALEMBIC_ENV)
        for path in self.versions.glob("*.py"):
            (versions / path.name).write_text(path.read_text().replace("from mig import op", "from alembic import op"))
        config = AlembicConfig()
        config.set_main_option("script_location", str(folder))
        config.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        alembic_command.upgrade(config, target)

    def script(self, rev: str, down: str | None, upgrade: str, downgrade: str = "pass",
               tool: str = "mig") -> Path:
        path = self.versions / f"{rev}_step.py"
        path.write_text(SCRIPT.format(
            tool=tool, rev=rev, down=down,
            upgrade=textwrap.indent(textwrap.dedent(upgrade).strip(), "    "),
            downgrade=textwrap.indent(textwrap.dedent(downgrade).strip(), "    ")))
        return path


ALEMBIC_ENV = '''\
from sqlalchemy import engine_from_config, pool
from alembic import context

config = context.config
connectable = engine_from_config(config.get_section(config.config_ini_section, {}),
                                 prefix="sqlalchemy.", poolclass=pool.NullPool)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()
'''

SCRIPT = '''\
"""step {rev}"""
import sqlalchemy as sa
from {tool} import op

revision = {rev!r}
down_revision = {down!r}
branch_labels = None
depends_on = None


def upgrade():
{upgrade}


def downgrade():
{downgrade}
'''


def new_project(tmp_path: Path, url: str, extra: str = "") -> Project:
    """A project made by `mig init` (generic env.py) in ``tmp_path/project``, on ``url``."""
    root = tmp_path / "project"
    root.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MIG_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    project = Project(root, url, env)
    project("-q", "init", "migrations", ok=True)
    project.configure(extra)
    return project

