"""How mig connects to the database and runs the migrations of this project.

mig runs this file for every command that needs a database. It reads its
settings from the project's configuration (``mig.toml`` or ``[tool.mig]``):
``url`` (or the ``MIG_URL`` environment variable) and ``target_metadata``
("package.module:attribute", used by autogenerate and ``mig check``).
Most projects never need to edit it.
"""

from __future__ import annotations

from sqlalchemy import create_engine, pool

from mig import context
from mig.errors import ConfigError

config = context.config

# The models' MetaData, from ``target_metadata = "myapp.models:Base.metadata"``
# in the configuration (``None`` when the key is not set).
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


def run_migrations_online() -> None:
    """Run the migrations against the database, in a connection of our own."""
    connection = config.attributes.get("connection")
    if connection is not None:  # a program handed us its own connection
        context.configure(connection=connection, target_metadata=target_metadata,
                          # SQLite alters tables by copying them: draft batch blocks
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        return

    engine = create_engine(database_url(), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata,
                              # SQLite alters tables by copying them: draft batch blocks
                              render_as_batch=connection.dialect.name == "sqlite")
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
