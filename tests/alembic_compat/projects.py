"""A whole Alembic project on disk, run as is by Alembic and, after ``mig adopt``, by mig.

:class:`ProjectPair` copies a project folder (``alembic.ini`` with
``sqlalchemy.url = ...``, ``env.py``, ``versions/``) twice: the Alembic copy is
run by ``alembic.config.main`` (its command line, in this process), the mig
copy is adopted with ``mig adopt --yes`` and run by the ``mig`` command line
(:class:`tests.cli.conftest.Mig`). Each copy's ``alembic.ini`` names its own
database; ``-x url=...`` (read by the project's ``env.py``) points a run at
another one.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ..cli.conftest import Mig, Result
from .conftest import snapshot, statements

#: mig's own bookkeeping next to the version table (``mig verify``'s log): not the project's schema
LOG_TABLE = "mig_log"

URL_LINE = re.compile(r"^sqlalchemy\.url = .*$", re.M)


def copy_project(source: Path, dest: Path, url: str) -> Path:
    """``source`` copied to ``dest`` with ``sqlalchemy.url`` in its ``alembic.ini`` set to ``url``."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    ini = dest / "alembic.ini"
    escaped = url.replace("%", "%%")
    ini.write_text(URL_LINE.sub(lambda _m: f"sqlalchemy.url = {escaped}", ini.read_text(), count=1))
    return dest


class AlembicProject:
    """The Alembic copy: ``run("upgrade", "head")`` is ``alembic upgrade head`` in its folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def run(self, *args: str) -> str:
        """Alembic's command line; returns what it printed to stdout (``--sql`` output included)."""
        from alembic.config import CommandLine, Config

        out = io.StringIO()
        cli = CommandLine(prog="alembic")
        options = cli.parser.parse_args(["-c", str(self.root / "alembic.ini"), *args])
        saved = os.getcwd()
        try:
            os.chdir(self.root)
            toml, ini = cli._inis_from_config(options)
            config = Config(file_=ini, toml_file=toml, ini_section=options.name, cmd_opts=options,
                            stdout=out, output_buffer=out)
            cli.run_cmd(config, options)
        finally:
            os.chdir(saved)
        return out.getvalue()


class ProjectPair:
    """One project, an Alembic copy on ``alembic_url`` and an adopted mig copy on ``mig_url``."""

    def __init__(self, source: Path, root: Path, alembic_url: str, mig_url: str) -> None:
        self.alembic_url, self.mig_url = alembic_url, mig_url
        self.alembic = AlembicProject(copy_project(source, root / "alembic", alembic_url))
        mig_root = copy_project(source, root / "mig", mig_url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MIG_")}
        env["PYTHONWARNINGS"] = "ignore"
        self.mig = Mig(mig_root, env)

    def adopt(self) -> Result:
        result = self.mig("adopt", "--yes", ok=True)
        return result

    def run_mig(self, *args: str) -> Result:
        """``mig ARGS`` in the mig copy; fails the test on a non-zero exit status."""
        return self.mig(*args, ok=True)

    def schema(self, url: str) -> dict[str, Any]:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                found = snapshot(conn)
        finally:
            engine.dispose()
        found.pop(LOG_TABLE, None)
        return found

    def rows(self, url: str, *queries: str) -> list[list[tuple[Any, ...]]]:
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                return [[tuple(r) for r in conn.exec_driver_sql(q)] for q in queries]
        finally:
            engine.dispose()


STEP_COMMENT = re.compile(r"^-- Running (?:upgrade|downgrade) (.*?) -> (\S+)$", re.M)

#: Spellings of one statement that differ between the tools and mean the same: PostgreSQL's
#: ``RENAME a TO b`` is ``RENAME COLUMN a TO b``; a rename alone on MySQL/MariaDB is mig's
#: ``RENAME COLUMN`` where Alembic restates the column with ``CHANGE`` (docs/differences.md).
SAME_STATEMENT = (
    (re.compile(r"^(ALTER TABLE \S+) RENAME (?!COLUMN |TO )(\S+) TO (\S+)$"), r"\1 RENAME COLUMN \2 TO \3"),
    (re.compile(r"^(ALTER TABLE \S+) CHANGE (\S+) (\S+) .*$"), r"\1 RENAME COLUMN \2 TO \3"),
)


def _normalised(statement: str) -> str:
    text = " ".join(statement.split())
    for pattern, replacement in SAME_STATEMENT:
        text = pattern.sub(replacement, text)
    return text


def sql_steps(sql: str) -> list[tuple[str, list[str]]]:
    """The steps of ``--sql`` output in order: ``("<down> -> <rev>", [statements])``.

    Statements as :func:`conftest.statements` gives them (no version-table statements), whitespace
    collapsed, mig's log table left out; a root's ``-- Running upgrade  -> aaa`` (Alembic) and
    ``-- Running upgrade base -> aaa`` (mig) both read ``base -> aaa`` (docs/differences.md).
    """
    parts = STEP_COMMENT.split(sql)
    found = []
    for i in range(1, len(parts), 3):
        down, rev, body = parts[i].strip() or "base", parts[i + 1], parts[i + 2]
        found.append((f"{down} -> {rev}", [_normalised(s) for s in statements(body) if LOG_TABLE not in s]))
    return found
