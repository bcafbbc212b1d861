"""Core's built-in plugin: registered from ``DEFAULT_PLUGINS`` exactly like a third party."""

from __future__ import annotations

from collections.abc import Iterable

from mig._hookmarkers import hookimpl
from mig.specs import OperationSpec, TemplateSpec


@hookimpl
def mig_register_operations() -> Iterable[OperationSpec]:
    from mig.ops import BUILTIN_OPERATIONS

    # Built-in operations are carried out by the DialectImpl method named by
    # each class's ``impl_method``; ``op.<name>`` is that same name.
    return [OperationSpec(name=cls.script_name(), operation=cls, description=(cls.__doc__ or "").split("\n")[0])
            for cls in BUILTIN_OPERATIONS]


@hookimpl
def mig_register_templates() -> Iterable[TemplateSpec]:
    from pathlib import Path

    root = Path(__file__).parent / "templates"
    descriptions = {
        "generic": "One database, online and --sql (the default).",
        "multidb": "Several databases, one version table in each, migrated together.",
        "async": "One database through an asyncio engine (asyncpg, aiosqlite ...).",
    }
    return [TemplateSpec(name, str(root / name), text) for name, text in descriptions.items()
            if (root / name).is_dir()]
