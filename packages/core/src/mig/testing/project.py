"""A throw-away mig project whose migrations are Python callables.

:class:`MigrationRunner` writes a real project (``env.py`` and one script per
migration in ``versions/``) and runs it through :func:`mig.command.upgrade`
and friends, so a test exercises everything a user's run does: ``env.py``,
the migration context, transactions, the version table and ``op``. The body
of each migration can be a callable (kept in this process and called from
the generated script) or Python source text.

Example::

    runner = MigrationRunner(tmp_path, url)

    def upgrade():
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))

    runner.run(upgrade)          # adds a revision after the current head and upgrades to it
    runner.heads()               # ('0001',)
"""

from __future__ import annotations

import io
import itertools
import textwrap
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["ENV_PY", "MigrationRunner", "invoke"]

#: The ``env.py`` of runner projects: one connection, one ``context.configure``.
ENV_PY = '''\
"""env.py written by mig.testing.project.MigrationRunner."""
import sqlalchemy as sa

from mig import context

config = context.config
options = dict(config.attributes.get("configure_options") or {})

if context.is_offline_mode():
    context.configure(url=config.url, literal_binds=True, **options)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = sa.create_engine(config.url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, **options)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
'''

_SCRIPT = '''\
"""{message}"""
import sqlalchemy as sa

from mig import op
from mig.testing.project import invoke

revision = {revision!r}
down_revision = {down_revision!r}
branch_labels = None
depends_on = None


def upgrade():
{upgrade}


def downgrade():
{downgrade}
'''

#: Callables that generated scripts call, by key.
_CALLABLES: dict[str, Callable[[], Any]] = {}


def invoke(key: str) -> Any:
    """Called by a generated script: run the callable registered under ``key``."""
    return _CALLABLES[key]()


Body = Callable[[], Any] | str | None


class MigrationRunner:
    """A mig project in ``directory`` migrating the database at ``url``.

    :param directory: an empty (or missing) folder for the project.
    :param url: the SQLAlchemy URL of the database.
    :param version_table: defaults to a fresh ``mig_version_<hex>`` so that
        several runners can share one database.
    :param options: further configuration keys (``version_table_schema``,
        ``transaction_per_migration`` ...).
    :param configure_options: keywords ``env.py`` passes to ``context.configure``.
    """

    def __init__(self, directory: str | Path, url: str, *, version_table: str | None = None,
                 configure_options: Mapping[str, Any] | None = None, **options: Any) -> None:
        self.directory = Path(directory)
        self.url = url
        self.version_table = version_table or f"mig_version_{uuid.uuid4().hex[:8]}"
        self.options = dict(options)
        self.configure_options = dict(configure_options or {})
        self.revisions: list[str] = []
        self._counter = itertools.count(1)
        self._keys: list[str] = []
        self.location = self.directory / "migrations"
        (self.location / "versions").mkdir(parents=True, exist_ok=True)
        (self.location / "env.py").write_text(ENV_PY, encoding="utf-8")

    # -- configuration ----------------------------------------------------------------

    def config(self, *, output: Any = None) -> Any:
        """A fresh :class:`mig.config.Config` for one command."""
        from mig.config import Config

        config = Config.from_options(self.directory, script_location=str(self.location), url=self.url,
                                     version_table=self.version_table, **self.options)
        config.attributes["configure_options"] = dict(self.configure_options)
        if output is not None:
            config.output_buffer = output
        return config

    # -- writing migrations -------------------------------------------------------------

    def add(self, upgrade: Body, downgrade: Body = None, *, message: str = "migration",
            revision: str | None = None) -> str:
        """Write one revision after the current head; returns its id (``0001``, ``0002`` ...)."""
        rev = revision or f"{next(self._counter):04d}"
        down = self.revisions[-1] if self.revisions else None
        text = _SCRIPT.format(message=message, revision=rev, down_revision=down,
                              upgrade=self._body(upgrade), downgrade=self._body(downgrade))
        path = self.location / "versions" / f"{rev}_{_slug(message)}.py"
        path.write_text(text, encoding="utf-8")
        self.revisions.append(rev)
        return rev

    def _body(self, body: Body) -> str:
        if body is None:
            return "    pass"
        if isinstance(body, str):
            return textwrap.indent(textwrap.dedent(body).strip() or "pass", "    ")
        key = uuid.uuid4().hex
        _CALLABLES[key] = body
        self._keys.append(key)
        return f"    invoke({key!r})"

    # -- running ------------------------------------------------------------------------

    def upgrade(self, target: str = "head") -> None:
        from mig import command

        command.upgrade(self.config(), target)

    def downgrade(self, target: str = "base") -> None:
        from mig import command

        command.downgrade(self.config(), target)

    def run(self, upgrade: Body, downgrade: Body = None, *, message: str = "migration") -> str:
        """Add one revision and upgrade to it; returns its id."""
        rev = self.add(upgrade, downgrade, message=message)
        self.upgrade("head")
        return rev

    def sql(self, revision_range: str = "base:head", *, downgrade: bool = False) -> str:
        """Offline (``--sql``) output of ``upgrade`` (or ``downgrade``) for ``revision_range``."""
        from mig import command

        out = io.StringIO()
        config = self.config(output=out)
        if downgrade:
            command.downgrade(config, revision_range, sql=True)
        else:
            command.upgrade(config, revision_range, sql=True)
        return out.getvalue()

    def heads(self) -> tuple[str, ...]:
        """The version rows in the database (sorted); ``()`` when the table is missing or empty."""
        import sqlalchemy as sa

        schema = self.options.get("version_table_schema")
        engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                if not sa.inspect(conn).has_table(self.version_table, schema=schema):
                    return ()
                table = sa.table(self.version_table, sa.column("version_num"), schema=schema)
                return tuple(sorted(conn.execute(sa.select(table.c.version_num)).scalars()))
        finally:
            engine.dispose()

    def close(self) -> None:
        """Forget this runner's callables (the files stay until the folder is removed)."""
        for key in self._keys:
            _CALLABLES.pop(key, None)
        self._keys.clear()

    def __enter__(self) -> MigrationRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _slug(message: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in message.lower())[:30] or "migration"
