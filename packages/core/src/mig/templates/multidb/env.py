"""How mig migrates several databases, each with its own version table.

The databases are the tables under ``[mig.databases]`` in the configuration
(``url`` and optional ``target_metadata`` each), migrated in that order.
``MIG_URL_<NAME>`` overrides a database's url. Each revision's
``upgrade(engine_name)`` is called once per database.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from sqlalchemy import create_engine, pool

from mig import context
from mig.errors import ConfigError

config = context.config


def _databases() -> dict[str, dict[str, Any]]:
    databases = config.get("databases") or {}
    if not isinstance(databases, dict) or not databases:
        raise ConfigError(
            "the multidb environment needs at least one [mig.databases.NAME] table with a url"
        )
    found: dict[str, dict[str, Any]] = {}
    for name, section in databases.items():
        url = os.environ.get(f"MIG_URL_{name.upper()}") or (section or {}).get("url")
        if not url:
            raise ConfigError(f"[mig.databases.{name}] has no url; add url = \"...\" or set MIG_URL_{name.upper()}")
        found[name] = {"url": url, "target_metadata": _metadata((section or {}).get("target_metadata"))}
    return found


def _metadata(ref: str | None) -> Any:
    if not ref:
        return None
    import importlib

    module_name, _, attr = ref.partition(":")
    root = str(config.root)
    if root not in sys.path:
        sys.path.insert(0, root)
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def run_migrations_offline() -> None:
    """``--sql``: the SQL of every database in turn, each headed by a comment line."""
    out = config.output_buffer or sys.stdout
    for name, db in _databases().items():
        out.write(f"-- database: {name}\n")
        context.configure(
            url=db["url"],
            target_metadata=db["target_metadata"],
            literal_binds=True,
            upgrade_token=f"{name}_upgrades",
            downgrade_token=f"{name}_downgrades",
        )
        with context.begin_transaction():
            context.run_migrations(engine_name=name)


def run_migrations_online() -> None:
    """Each database in its own connection and transaction, one after the other."""
    for name, db in _databases().items():
        engine = create_engine(db["url"], poolclass=pool.NullPool)
        try:
            with engine.connect() as connection:
                context.configure(
                    connection=connection,
                    target_metadata=db["target_metadata"],
                    render_as_batch=connection.dialect.name == "sqlite",
                    upgrade_token=f"{name}_upgrades",
                    downgrade_token=f"{name}_downgrades",
                )
                with context.begin_transaction():
                    context.run_migrations(engine_name=name)
        finally:
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
