"""How mig connects to the database (through an asyncio engine) and runs the migrations.

Settings come from the project's configuration (``mig.toml`` or
``[tool.mig]``): ``url`` with an async driver (or ``MIG_URL``) and
``target_metadata``. The scripts themselves stay synchronous: they run inside
``AsyncConnection.run_sync``.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import pool
from sqlalchemy.engine import Connection

from mig import context
from mig.errors import ConfigError

config = context.config
target_metadata = config.load_target_metadata()


def database_url() -> str:
    """The ``url`` of the configuration (``MIG_URL`` overrides it)."""
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise ConfigError('no database url: set url = "..." in the configuration file, or MIG_URL')
    return url


def run_migrations_offline() -> None:
    """``--sql``: write the migrations as SQL text instead of running them."""
    context.configure(
        url=database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      # SQLite alters tables by copying them: draft batch blocks
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    # Imported here: offline mode (--sql) needs neither the asyncio extension nor greenlet.
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(database_url(), poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # a program handed us a (synchronous) connection
        do_run_migrations(connection)
    else:
        asyncio.run(run_async_migrations())


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
