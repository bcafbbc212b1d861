"""The shop's env.py: Alembic's generic template with the usual project touches."""
from logging.config import fileConfig

import sqlalchemy as sa
from sqlalchemy import engine_from_config, pool

from alembic import context

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
target_metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

assert config.get_main_option("shop.schema_owner") == "shop"

# -x url=... points a run at another database; -x per_migration=1 commits each migration
xargs = context.get_x_argument(as_dictionary=True)


def run_migrations_offline() -> None:
    url = xargs.get("url") or config.get_main_option("sqlalchemy.url")
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        version_table="alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    section = config.get_section(config.config_ini_section, {})
    if "url" in xargs:
        section["sqlalchemy.url"] = xargs["url"]
    connectable = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
    # -x own_transaction=1: env.py begins the transaction itself, as some projects do
    opened = connectable.begin() if xargs.get("own_transaction") == "1" else connectable.connect()
    with opened as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            version_table="alembic_version",
            compare_type=True,
            render_as_batch=True,
            transaction_per_migration=xargs.get("per_migration") == "1",
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
