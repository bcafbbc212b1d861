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

import functools
import importlib
import os
import re
import sys
import threading
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
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

    from sqlalchemy import MetaData

    from mig.config import Config
    from mig.ops.base import Operation
    from mig.revision.script import Script
    from mig.runtime.events import StepEvent
    from mig.runtime.migration import MigrationContext

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
        #: id(view) -> (plugin name, distribution), for the view pluggy holds
        self.owner: dict[int, tuple[str, str]] = {}
        #: id(plugin) -> the view registered for it
        self.views: dict[int, _PluginView] = {}
        self.cache: dict[str, Any] = {}
        self.warned: set[str] = set()
        self.lock = threading.RLock()


_state = _State()

#: Register hooks: ``mig_register_<things>`` and other packages' ``mig_<pkg>_register_<things>``.
_REGISTER_HOOK = re.compile(r"^mig_(?:[a-z0-9]+_)?register_[a-z0-9_]+$")


class _Declarations:
    """What the register-hook implementations declared during one :func:`collect` call."""

    def __init__(self) -> None:
        #: id(descriptor) -> (plugin name, distribution)
        self.owners: dict[int, tuple[str, str]] = {}
        self.keep: list[object] = []  # the descriptors themselves, so that no id is reused

    def add(self, items: list[object], owner: tuple[str, str]) -> None:
        self.keep.extend(items)
        for item in items:
            self.owners.setdefault(id(item), owner)


_declaring: ContextVar[_Declarations | None] = ContextVar("mig_declaring", default=None)


class _PluginView:
    """What the plugin manager holds for a registered plugin: its hook implementations.

    Each attribute is the plugin's own hook implementation (found by pluggy's
    :meth:`~pluggy.PluginManager.parse_hookimpl_opts`), with its options; the
    plain implementations of register hooks are wrapped so that, while
    :func:`collect` runs, every descriptor they return is noted with the plugin
    and distribution that supplied it. Nothing else changes: pluggy calls the
    hook as usual (``tryfirst``/``trylast`` order, ``wrapper``/``hookwrapper``
    implementations around the rest), so :func:`collect` can make one
    ordinary hook call and still attribute each descriptor.
    """

    def __init__(self, plugin: object) -> None:
        self.__mig_plugin__ = plugin


def _view(pm: pluggy.PluginManager, plugin: object, owner: tuple[str, str]) -> _PluginView:
    view = _PluginView(plugin)
    for attr in dir(plugin):
        opts = pm.parse_hookimpl_opts(plugin, attr)
        if opts is None:
            continue
        function = getattr(plugin, attr)
        hook_name = opts.get("specname") or attr
        if _REGISTER_HOOK.match(hook_name) and not (opts.get("wrapper") or opts.get("hookwrapper")):
            function = _noting(function, opts, owner)
        setattr(view, attr, function)
    return view


def _noting(function: Any, opts: Any, owner: tuple[str, str]) -> Any:
    """``function`` (a register hook's implementation), noting what it declares for :func:`collect`."""

    @functools.wraps(function)
    def declare(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        declarations = _declaring.get()
        if result is None or declarations is None:
            return result
        items = list(result)
        declarations.add(items, owner)
        return items

    # functools.wraps copies a plain function's attributes (the hookimpl marker) but not a
    # bound method's; pluggy reads the options from the marker.
    setattr(declare, f"{PROJECT}_impl", opts)
    return declare


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
        _forget(plugin)
        _state.infos.pop(plugin_name, None)
        _state.cache.clear()
        raise PluginError(f"plugin {plugin_name!r} ({distribution}) is invalid: {exc}") from exc


def reset() -> None:
    """Forget every plugin; the next call loads them afresh (for tests)."""
    with _state.lock:
        _state.pm = None
        _state.infos.clear()
        _state.owner.clear()
        _state.views.clear()
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
        if isinstance(plugin, _PluginView):  # what get_plugin_manager().get_plugin() handed out
            plugin = plugin.__mig_plugin__
        plugin_name = name or getattr(plugin, "__name__", None) or repr(plugin)
        if id(plugin) in _state.views or pm.get_plugin(plugin_name) is not None:
            return plugin_name
        owner = (plugin_name, distribution)
        view = _view(pm, plugin, owner)
        try:
            registered = pm.register(view, name=plugin_name)
            assert registered is not None
            if check:  # entry points are checked together, once all are loaded
                pm.check_pending()
        except pluggy.PluginValidationError as exc:
            if pm.is_registered(view):
                pm.unregister(view)
            raise PluginError(f"plugin {plugin_name!r} ({distribution}) is invalid: {exc}") from exc
        _state.views[id(plugin)] = view
        _state.owner[id(view)] = owner
        _state.infos[plugin_name] = PluginInfo(plugin_name, distribution, version, "loaded")
        _state.cache.clear()
        return plugin_name


def _forget(view: object) -> None:
    """Drop what :func:`register` remembered about the plugin behind ``view``."""
    _state.owner.pop(id(view), None)
    if isinstance(view, _PluginView):
        _state.views.pop(id(view.__mig_plugin__), None)


def unregister(name_or_plugin: str | object) -> None:
    """Remove a plugin registered earlier (by name or object)."""
    with _state.lock:
        pm = get_plugin_manager()
        view: object | None
        if isinstance(name_or_plugin, str):
            view = pm.get_plugin(name_or_plugin)
        elif isinstance(name_or_plugin, _PluginView):
            view = name_or_plugin
        else:
            view = _state.views.get(id(name_or_plugin))
        if view is None or not pm.is_registered(view):
            return
        plugin_name = pm.get_name(view) or ""
        pm.unregister(view)
        _forget(view)
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
    for view in get_plugin_manager().get_plugins():
        plugin = view.__mig_plugin__ if isinstance(view, _PluginView) else view
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

    One ordinary pluggy call (``pm.hook.<name>(**kwargs)``): implementations
    run in pluggy's order (the last registered first; ``tryfirst`` and
    ``trylast`` move an implementation to the front or the back) and
    ``wrapper=True`` / ``hookwrapper=True`` implementations run around all of
    them and may add, drop or reorder contributions. Descriptors are returned
    in the order of the hook's result. Each is attributed to the plugin whose
    implementation returned it (noted as it was returned, see
    :class:`_PluginView`); one that a wrapper added is attributed to the
    plugin(s) whose wrapper implementations ran. Cached until the set of
    plugins changes.
    """
    with _state.lock:
        key = hook_name if not kwargs else f"{hook_name}:{sorted(kwargs.items())!r}"
        if key in _state.cache:
            return list(_state.cache[key])
        caller = _hook(hook_name)
        declarations = _Declarations()
        token = _declaring.set(declarations)
        try:
            contributions = caller(**kwargs)
        finally:
            _declaring.reset(token)
        wrappers = [_state.owner.get(id(impl.plugin), (impl.plugin_name, "<unknown>"))
                    for impl in caller.get_hookimpls() if impl.wrapper or impl.hookwrapper]
        added_by = (", ".join(dict.fromkeys(name for name, _ in wrappers)) or "<unknown>",
                    ", ".join(dict.fromkeys(dist for _, dist in wrappers)) or "<unknown>")
        found: list[Registered] = []
        for contribution in contributions or ():
            for item in contribution:
                plugin_name, distribution = declarations.owners.get(id(item), added_by)
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


def configure(config: Config) -> None:
    """``mig_configure``: tell every plugin the run's configuration is loaded."""
    notify("mig_configure", config=config)


def before_step(step: StepEvent) -> None:
    """``mig_before_step``: a migration step is about to run."""
    notify("mig_before_step", step=step)


def after_step(step: StepEvent) -> None:
    """``mig_after_step``: a migration step has completed."""
    notify("mig_after_step", step=step)


def step_progress(step: StepEvent | None, done: int, total: int | None, what: str) -> None:
    """``mig_step_progress``: progress inside a long step."""
    notify("mig_step_progress", step=step, done=done, total=total, what=what)


def revision_written(script: Script) -> None:
    """``mig_revision_written``: ``revision`` or ``merge`` wrote a script."""
    notify("mig_revision_written", script=script)


def autogenerate(migration_context: MigrationContext, metadata: MetaData | Sequence[MetaData],
                 config: Config) -> Sequence[Operation] | None:
    """``mig_autogenerate``: the operations that bring the database to the models (``None``: no plugin)."""
    result: Sequence[Operation] | None = decide(
        "mig_autogenerate", migration_context=migration_context, metadata=metadata, config=config)
    return result


def render_operations(operations: Sequence[Operation], config: Config,
                      databases: Sequence[tuple[str | None, Any, Sequence[Operation]]] = (),
                      revision_args: Mapping[str, Any] | None = None,
                      ) -> Mapping[str, Any] | Sequence[Mapping[str, Any]] | None:
    """``mig_autogen_render_operations``: template variables for new scripts (``None``: no plugin)."""
    result: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = decide(
        "mig_autogen_render_operations", operations=operations, config=config,
        databases=list(databases), revision_args=dict(revision_args or {}))
    return result


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
    "after_step",
    "autogenerate",
    "batch_strategies",
    "batch_strategy_for",
    "before_step",
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
    "render_operations",
    "reset",
    "revision_written",
    "step_progress",
    "templates",
    "unregister",
]
