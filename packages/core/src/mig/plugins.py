"""The plugin manager and the typed facade: the only module that touches ``pm.hook``.

Plugins are found in three places, in this order:

1. ``DEFAULT_PLUGINS``: core's own built-ins, registered like any plugin;
2. entry points of group ``mig`` (each distribution's plugin module), loaded
   one by one: one that fails to import is recorded, warned about once, and
   the rest keep working; ``MIG_PLUGINS=name,name`` limits which are loaded
   (``MIG_PLUGINS=`` loads none);
3. local plugins of a run: the project's ``env.py`` and ``mig_plugins.py``.

Everything else in mig (and in plugins) calls the functions here.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from mig import hookspecs
from mig._hookmarkers import PROJECT
from mig.errors import DialectNotFoundError, PluginConflictError, PluginError
from mig.specs import BatchStrategySpec, DialectSpec, OperationSpec, Registered, TemplateSpec

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "mig"
DEFAULT_PLUGINS: tuple[str, ...] = ("mig.builtin",)
CORE_DISTRIBUTION = "mig-core"

#: Which distribution to install for a SQLAlchemy dialect name.
KNOWN_DIALECT_DISTRIBUTIONS = {
    "postgresql": "mig-postgresql",
    "mysql": "mig-mysql",
    "mariadb": "mig-mysql",
    "sqlite": "mig-sqlite-batch",
}


@dataclass(frozen=True)
class PluginInfo:
    """What ``mig plugins`` shows for one plugin."""

    name: str
    distribution: str
    version: str
    status: str  # "loaded", "failed", "disabled"
    error: str = ""


class _State:
    def __init__(self) -> None:
        self.pm: pluggy.PluginManager | None = None
        self.infos: dict[str, PluginInfo] = {}
        self.owner: dict[int, tuple[str, str]] = {}  # id(plugin) -> (name, distribution)
        self.cache: dict[str, Any] = {}
        self.warned: set[str] = set()
        self.lock = threading.RLock()


_state = _State()


def _make_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.hook.mig_addhooks.call_historic(kwargs={"pluginmanager": pm})
    return pm


def get_plugin_manager() -> pluggy.PluginManager:
    """The process-wide manager, with built-ins and entry points loaded on first use."""
    with _state.lock:
        if _state.pm is None:
            pm = _make_manager()
            _state.pm = pm
            for module_name in DEFAULT_PLUGINS:
                from mig import __version__

                register(importlib.import_module(module_name), name=module_name,
                         distribution=CORE_DISTRIBUTION, version=__version__)
            _load_entry_points()
            _check_pending(pm)
        return _state.pm


def _check_pending(pm: pluggy.PluginManager) -> None:
    """Fail on hook implementations no specification knows (a misspelled hook name).

    Run once after every entry point is loaded: a plugin may implement a hook
    (``mig_cli_*``, ``mig_autogen_*``) whose specification another plugin adds
    later through ``mig_addhooks``, whatever order the entry points come in.
    """
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        plugin = exc.plugin
        plugin_name, distribution = _state.owner.get(id(plugin), (pm.get_name(plugin) or "?", "?"))
        if pm.is_registered(plugin):
            pm.unregister(plugin)
        _state.owner.pop(id(plugin), None)
        _state.infos.pop(plugin_name, None)
        _state.cache.clear()
        raise PluginError(f"plugin {plugin_name!r} ({distribution}) is invalid: {exc}") from exc


def reset() -> None:
    """Forget every plugin; the next call loads them afresh (for tests)."""
    with _state.lock:
        _state.pm = None
        _state.infos.clear()
        _state.owner.clear()
        _state.cache.clear()
        _state.warned.clear()


def _allowed_names() -> set[str] | None:
    raw = os.environ.get("MIG_PLUGINS")
    if raw is None:
        return None
    return {part.strip() for part in raw.split(",") if part.strip()}


def _iter_entry_points() -> Iterator[EntryPoint]:
    from importlib.metadata import entry_points

    seen: set[tuple[str, str]] = set()
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        key = (ep.name, ep.value)
        if key in seen:  # the same distribution visible twice on sys.path
            continue
        seen.add(key)
        yield ep


def _dist_of(ep: EntryPoint) -> tuple[str, str]:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return "<unknown>", ""
    return dist.metadata["Name"] or "<unknown>", dist.version or ""


def _load_entry_points() -> None:
    allowed = _allowed_names()
    for ep in _iter_entry_points():
        dist_name, version = _dist_of(ep)
        if allowed is not None and ep.name not in allowed:
            _state.infos[ep.name] = PluginInfo(ep.name, dist_name, version, "disabled")
            continue
        try:
            plugin = ep.load()
        except Exception as exc:
            message = f"{type(exc).__name__}: {exc}"
            _state.infos[ep.name] = PluginInfo(ep.name, dist_name, version, "failed", message)
            _warn_once(
                f"plugin:{ep.name}",
                f"mig plugin {ep.name!r} from {dist_name} failed to load ({message}); "
                f"continuing without it. Reinstall it or set MIG_PLUGINS to skip it.",
            )
            continue
        register(plugin, name=ep.name, distribution=dist_name, version=version, check=False)


def _warn_once(key: str, message: str) -> None:
    if key in _state.warned:
        return
    _state.warned.add(key)
    warnings.warn(message, RuntimeWarning, stacklevel=3)


def register(plugin: object, *, name: str | None = None, distribution: str = "<local>",
             version: str = "", check: bool = True) -> str:
    """Register ``plugin`` (a module or object with ``mig_*`` hook implementations).

    Returns the name it was registered under. Hooks of unknown names fail at
    once with a :class:`PluginError` naming the plugin and hook.
    """
    with _state.lock:
        pm = get_plugin_manager() if _state.pm is None else _state.pm
        plugin_name = name or getattr(plugin, "__name__", None) or repr(plugin)
        if pm.is_registered(plugin) or pm.get_plugin(plugin_name) is not None:
            return plugin_name
        try:
            registered = pm.register(plugin, name=plugin_name)
            assert registered is not None
            if check:  # entry points are checked together, once all are loaded
                pm.check_pending()
        except pluggy.PluginValidationError as exc:
            if pm.is_registered(plugin):
                pm.unregister(plugin)
            raise PluginError(f"plugin {plugin_name!r} ({distribution}) is invalid: {exc}") from exc
        _state.owner[id(plugin)] = (plugin_name, distribution)
        _state.infos[plugin_name] = PluginInfo(plugin_name, distribution, version, "loaded")
        _state.cache.clear()
        return plugin_name


def unregister(name_or_plugin: str | object) -> None:
    """Remove a plugin registered earlier (by name or object)."""
    with _state.lock:
        pm = get_plugin_manager()
        if isinstance(name_or_plugin, str):
            plugin = pm.get_plugin(name_or_plugin)
        else:
            plugin = name_or_plugin
        if plugin is None or not pm.is_registered(plugin):
            return
        plugin_name = pm.get_name(plugin) or ""
        pm.unregister(plugin)
        _state.owner.pop(id(plugin), None)
        _state.infos.pop(plugin_name, None)
        _state.cache.clear()


def register_local_module(path: str, module: ModuleType) -> str:
    """Register a project's ``env.py`` or ``mig_plugins.py`` module as a plugin for the run."""
    return register(module, name=f"local:{path}", distribution="<project>")


def add_hookspecs(module: ModuleType | type) -> None:
    """Add another package's hook specifications (``mig_cli_*``, ``mig_autogen_*``)."""
    pm = get_plugin_manager()
    pm.add_hookspecs(module)
    _state.cache.clear()


def plugin_infos() -> list[PluginInfo]:
    """Every plugin seen: loaded, failed to load, or disabled by ``MIG_PLUGINS``."""
    get_plugin_manager()
    return sorted(_state.infos.values(), key=lambda info: info.name)


def failed_plugins() -> dict[str, PluginInfo]:
    """The plugins that failed to load, by name."""
    get_plugin_manager()
    return {name: info for name, info in _state.infos.items() if info.status == "failed"}


def plugin_modules() -> list[ModuleType]:
    """The module of every registered plugin (the module itself, or the module of its class)."""
    found: list[ModuleType] = []
    for plugin in get_plugin_manager().get_plugins():
        module = plugin if isinstance(plugin, ModuleType) else sys.modules.get(type(plugin).__module__)
        if module is not None and module not in found:
            found.append(module)
    return found


# -- generic callers --------------------------------------------------------


def _hook(hook_name: str) -> Any:
    pm = get_plugin_manager()
    caller = getattr(pm.hook, hook_name, None)
    if caller is None:
        raise PluginError(f"no hook named {hook_name!r}; is the plugin that defines it installed?")
    return caller


def collect(hook_name: str, **kwargs: Any) -> list[Registered]:
    """Call a register hook and attribute every descriptor to its plugin and distribution.

    Descriptors are returned in registration order (built-ins first).
    Cached until the set of plugins changes.
    """
    with _state.lock:
        key = hook_name if not kwargs else f"{hook_name}:{sorted(kwargs.items())!r}"
        if key in _state.cache:
            return list(_state.cache[key])
        caller = _hook(hook_name)
        found: list[Registered] = []
        # pluggy calls the last registered first; we want built-ins first.
        for impl in reversed(caller.get_hookimpls()):
            result = impl.function(**{k: kwargs[k] for k in impl.argnames if k in kwargs})
            if result is None:
                continue
            plugin_name, distribution = _state.owner.get(
                id(impl.plugin), (impl.plugin_name, "<unknown>"))
            for item in result:
                found.append(Registered(item, plugin_name, distribution))
        _state.cache[key] = found
        return list(found)


def collect_named(hook_name: str, **kwargs: Any) -> dict[str, Registered]:
    """Like :func:`collect`, keyed by each descriptor's ``name``; a duplicate name is an error."""
    named: dict[str, Registered] = {}
    for reg in collect(hook_name, **kwargs):
        name = reg.item.name
        if name in named:
            first = named[name]
            raise PluginConflictError(
                f"{type(reg.item).__name__} {name!r} is registered twice: by plugin "
                f"{first.plugin!r} ({first.distribution}) and by plugin {reg.plugin!r} "
                f"({reg.distribution}); uninstall one of them or restrict loading with MIG_PLUGINS"
            )
        named[name] = reg
    return named


def notify(hook_name: str, **kwargs: Any) -> None:
    """Call an event hook; every implementation runs."""
    _hook(hook_name)(**kwargs)


def decide(hook_name: str, **kwargs: Any) -> Any:
    """Call a decide (``firstresult``) hook; ``None`` means no plugin had an opinion."""
    return _hook(hook_name)(**kwargs)


def has_implementations(hook_name: str) -> bool:
    caller = getattr(get_plugin_manager().hook, hook_name, None)
    return bool(caller and caller.get_hookimpls())


# -- typed facade -----------------------------------------------------------


def dialects() -> dict[str, Registered]:
    """Registered dialects by SQLAlchemy dialect name."""
    return collect_named("mig_register_dialects")


def dialect(name: str) -> DialectSpec:
    """The dialect for SQLAlchemy dialect ``name``, or an error naming the plugin to install."""
    found = dialects().get(name)
    if found is not None:
        spec: DialectSpec = found.item
        return spec
    distribution = KNOWN_DIALECT_DISTRIBUTIONS.get(name)
    for info in failed_plugins().values():
        if distribution and info.distribution == distribution:
            raise DialectNotFoundError(
                f"no mig dialect for {name!r}: plugin {info.name!r} from {distribution} "
                f"failed to load ({info.error}); reinstall it: pip install --force-reinstall {distribution}"
            )
    if distribution:
        raise DialectNotFoundError(f"no mig dialect for {name!r}: pip install {distribution}")
    raise DialectNotFoundError(
        f"no mig dialect for {name!r}: install a plugin that supports it, or set "
        f"allow_generic_dialect = true to use mig's generic SQL"
    )


def operations() -> dict[str, Registered]:
    """Registered operations by ``op.<name>``."""
    return collect_named("mig_register_operations")


def batch_strategies() -> dict[str, Registered]:
    """Registered batch strategies by name."""
    return collect_named("mig_register_batch_strategies")


def batch_strategy_for(dialect_name: str) -> BatchStrategySpec | None:
    """The batch strategy that declares itself the default for ``dialect_name``, if any."""
    for reg in batch_strategies().values():
        if dialect_name in reg.item.dialects:
            spec: BatchStrategySpec = reg.item
            return spec
    return None


def templates() -> dict[str, Registered]:
    """Registered ``mig init`` templates by name."""
    return collect_named("mig_register_templates")


def configure(config: Any) -> None:
    notify("mig_configure", config=config)


def before_step(step: Any) -> None:
    notify("mig_before_step", step=step)


def after_step(step: Any) -> None:
    notify("mig_after_step", step=step)


def step_progress(step: Any, done: int, total: int | None, what: str) -> None:
    notify("mig_step_progress", step=step, done=done, total=total, what=what)


def revision_written(script: Any) -> None:
    notify("mig_revision_written", script=script)


def hookspec_modules() -> Iterable[ModuleType]:
    """The modules holding hook specifications currently known (core's and added ones)."""
    seen = {hookspecs}
    pm = get_plugin_manager()
    for caller in pm.hook.__dict__.values():
        spec = getattr(caller, "spec", None)
        if spec is not None:
            namespace = spec.namespace
            module = sys.modules.get(getattr(namespace, "__module__", ""), None)
            if isinstance(namespace, ModuleType):
                seen.add(namespace)
            elif module is not None:
                seen.add(module)
    return sorted(seen, key=lambda m: m.__name__)


__all__ = [
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "BatchStrategySpec",
    "DialectSpec",
    "OperationSpec",
    "PluginInfo",
    "TemplateSpec",
    "add_hookspecs",
    "batch_strategies",
    "collect",
    "collect_named",
    "configure",
    "decide",
    "dialect",
    "dialects",
    "get_plugin_manager",
    "notify",
    "operations",
    "plugin_infos",
    "register",
    "register_local_module",
    "reset",
    "templates",
    "unregister",
]
