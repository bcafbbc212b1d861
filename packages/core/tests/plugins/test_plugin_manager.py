"""The plugin manager: registration, entry points that fail, conflicts, MIG_PLUGINS."""

from __future__ import annotations

import sys
import textwrap
import types
import warnings
from pathlib import Path

import pytest

import mig.plugins as plugins
from mig import hookimpl
from mig.errors import DialectNotFoundError, PluginConflictError, PluginError
from mig.specs import DialectSpec


@pytest.fixture(autouse=True)
def fresh_plugins(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("MIG_PLUGINS", raising=False)
    plugins.reset()
    yield
    plugins.reset()


def make_plugin(name: str, **hooks: object) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        setattr(module, hook_name, function)
    return module


def test_builtin_plugin_is_registered_like_any_other():
    infos = {info.name: info for info in plugins.plugin_infos()}
    assert infos["mig.builtin"].distribution == "mig-core"
    assert infos["mig.builtin"].status == "loaded"
    assert "add_column" in plugins.operations()
    assert plugins.operations()["execute"].distribution == "mig-core"


def test_entry_points_of_every_first_party_distribution_load():
    infos = {info.name: info for info in plugins.plugin_infos()}
    expected = {"postgresql": "mig-postgresql", "mysql": "mig-mysql",
                "sqlite-batch": "mig-sqlite-batch", "autogen": "mig-autogen", "cli": "mig-cli"}
    for name, distribution in expected.items():
        assert infos[name].distribution == distribution
        assert infos[name].status == "loaded", infos[name].error


def test_plugin_registered_in_a_test_supplies_a_dialect():
    @hookimpl
    def mig_register_dialects():
        return [DialectSpec("fakedb", "mig.ddl.impl:DialectImpl", description="test only")]

    plugins.register(make_plugin("fake_plugin", mig_register_dialects=mig_register_dialects),
                     distribution="fake-dist")
    spec = plugins.dialect("fakedb")
    assert spec.description == "test only"
    assert plugins.dialects()["fakedb"].distribution == "fake-dist"
    from mig.ddl.impl import DialectImpl

    assert spec.load() is DialectImpl
    plugins.unregister("fake_plugin")
    with pytest.raises(DialectNotFoundError, match="no mig dialect for 'fakedb'"):
        plugins.dialect("fakedb")


def test_missing_known_dialect_names_the_distribution_to_install(monkeypatch):
    monkeypatch.setenv("MIG_PLUGINS", "")
    plugins.reset()
    with pytest.raises(DialectNotFoundError) as info:
        plugins.dialect("postgresql")
    assert str(info.value) == "no mig dialect for 'postgresql': pip install mig-postgresql"


def test_misspelled_hook_fails_at_once():
    @hookimpl
    def mig_register_dialect():  # missing "s"
        return []

    with pytest.raises(PluginError, match="mig_register_dialect"):
        plugins.register(make_plugin("typo_plugin", mig_register_dialect=mig_register_dialect))
    assert "typo_plugin" not in {info.name for info in plugins.plugin_infos()}


def test_name_conflict_names_both_distributions():
    def provider(label: str):
        @hookimpl
        def mig_register_dialects():
            return [DialectSpec("clash", "mig.ddl.impl:DialectImpl", description=label)]

        return mig_register_dialects

    plugins.register(make_plugin("one", mig_register_dialects=provider("1")), distribution="dist-one")
    plugins.register(make_plugin("two", mig_register_dialects=provider("2")), distribution="dist-two")
    with pytest.raises(PluginConflictError) as info:
        plugins.dialects()
    message = str(info.value)
    assert "'clash'" in message and "dist-one" in message and "dist-two" in message


def test_event_hooks_reach_every_plugin():
    seen: list[tuple[str, object]] = []

    class Listener:
        def __init__(self, name: str) -> None:
            self.name = name

        @hookimpl
        def mig_before_step(self, step):
            seen.append((self.name, step))

    plugins.register(Listener("a"), name="listener-a")
    plugins.register(Listener("b"), name="listener-b")
    plugins.before_step("STEP")
    assert sorted(seen) == [("a", "STEP"), ("b", "STEP")]


def write_fake_distribution(root: Path, name: str, entry_points: str, module_source: str | None = None) -> None:
    dist_info = root / f"{name}-1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (dist_info / "entry_points.txt").write_text(textwrap.dedent(entry_points))
    if module_source is not None:
        module_name = name.replace("-", "_")
        (root / f"{module_name}.py").write_text(textwrap.dedent(module_source))


def test_entry_point_that_fails_to_import_is_recorded_and_warned_once(tmp_path, monkeypatch):
    write_fake_distribution(tmp_path, "mig-broken", """\
        [mig]
        broken = mig_broken_plugin_that_does_not_exist
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        infos = {info.name: info for info in plugins.plugin_infos()}
        plugins.plugin_infos()
    broken = infos["broken"]
    assert broken.status == "failed"
    assert broken.distribution == "mig-broken"
    assert "ModuleNotFoundError" in broken.error
    messages = [str(w.message) for w in caught if "broken" in str(w.message)]
    assert len(messages) == 1
    assert "mig plugin 'broken' from mig-broken failed to load" in messages[0]
    # everything else still works
    assert infos["mig.builtin"].status == "loaded"
    assert "add_column" in plugins.operations()


def test_entry_point_with_a_misspelled_hook_fails_loudly(tmp_path, monkeypatch):
    write_fake_distribution(tmp_path, "mig-typo", """\
        [mig]
        typo = mig_typo
    """, """\
        from mig import hookimpl

        @hookimpl
        def mig_register_dialectz():
            return []
    """)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(PluginError, match="mig_register_dialectz"):
        plugins.get_plugin_manager()
    sys.modules.pop("mig_typo", None)


def test_mig_plugins_limits_autoloading(monkeypatch):
    monkeypatch.setenv("MIG_PLUGINS", "postgresql")
    plugins.reset()
    infos = {info.name: info.status for info in plugins.plugin_infos()}
    assert infos["postgresql"] == "loaded"
    assert infos["mysql"] == "disabled"
    assert infos["cli"] == "disabled"
    assert infos["mig.builtin"] == "loaded"


def test_local_module_registers_for_a_run_and_leaves():
    module = types.ModuleType("env_py")

    @hookimpl
    def mig_register_templates():
        from mig.specs import TemplateSpec

        return [TemplateSpec("local-template", "/nowhere", "from env.py")]

    module.mig_register_templates = mig_register_templates  # type: ignore[attr-defined]
    name = plugins.register_local_module("/project/migrations/env.py", module)
    assert plugins.templates()["local-template"].distribution == "<project>"
    plugins.unregister(name)
    assert "local-template" not in plugins.templates()


def _dialect_provider(name: str, description: str = ""):
    @hookimpl
    def mig_register_dialects():
        return [DialectSpec(name, "mig.ddl.impl:DialectImpl", description=description)]

    return mig_register_dialects


def test_a_passing_through_wrapper_leaves_every_dialect_listed():
    seen: list[list[str]] = []

    @hookimpl(wrapper=True)
    def mig_register_dialects():
        result = yield
        seen.append(sorted(spec.name for specs in result for spec in specs))
        return result

    before = plugins.dialects()
    plugins.register(make_plugin("watcher", mig_register_dialects=mig_register_dialects),
                     distribution="watch-dist")
    plugins.register(make_plugin("fake", mig_register_dialects=_dialect_provider("fakedb")),
                     distribution="fake-dist")
    found = plugins.dialects()
    assert set(found) == set(before) | {"fakedb"}
    assert seen == [sorted(found)]  # the wrapper ran once, around every implementation
    assert found["fakedb"].distribution == "fake-dist"
    for name, reg in before.items():
        assert (found[name].plugin, found[name].distribution) == (reg.plugin, reg.distribution)
    assert plugins.dialect("fakedb").name == "fakedb"


def test_a_wrapper_that_adds_a_dialect_supplies_it():
    @hookimpl(wrapper=True)
    def mig_register_dialects():
        result = yield
        return [*result, [DialectSpec("wrapped", "mig.ddl.impl:DialectImpl")]]

    @hookimpl(hookwrapper=True)
    def mig_register_operations():
        yield  # an old-style wrapper that only observes

    before = plugins.dialects()
    plugins.register(make_plugin("adder", mig_register_dialects=mig_register_dialects,
                                 mig_register_operations=mig_register_operations),
                     distribution="adder-dist")
    found = plugins.dialects()
    assert set(found) == set(before) | {"wrapped"}
    assert (found["wrapped"].plugin, found["wrapped"].distribution) == ("adder", "adder-dist")
    assert "postgresql" in found and found["postgresql"].distribution == "mig-postgresql"
    assert "add_column" in plugins.operations()


def test_a_wrapper_can_drop_another_plugins_dialect():
    @hookimpl(wrapper=True)
    def mig_register_dialects():
        result = yield
        return [[spec for spec in specs if spec.name != "mysql"] for specs in result]

    plugins.register(make_plugin("dropper", mig_register_dialects=mig_register_dialects))
    found = plugins.dialects()
    assert "mysql" not in found
    assert found["mariadb"].distribution == "mig-mysql"  # the rest keep their supplier


def test_tryfirst_and_trylast_order_the_descriptors_as_pluggy_calls_them():
    @hookimpl(trylast=True)
    def last():
        return [DialectSpec("zz-last", "mig.ddl.impl:DialectImpl")]

    @hookimpl(tryfirst=True)
    def first():
        return [DialectSpec("aa-first", "mig.ddl.impl:DialectImpl")]

    plugins.register(make_plugin("late", mig_register_dialects=last), distribution="late-dist")
    plugins.register(make_plugin("early", mig_register_dialects=first), distribution="early-dist")
    names = [reg.item.name for reg in plugins.collect("mig_register_dialects")]
    assert names[0] == "aa-first" and names[-1] == "zz-last"
    assert plugins.dialects()["zz-last"].distribution == "late-dist"


def test_a_plugin_object_is_listed_and_removed_as_itself():
    class Provider:
        @hookimpl
        def mig_register_dialects(self):
            return (spec for spec in [DialectSpec("objdb", "mig.ddl.impl:DialectImpl")])

    provider = Provider()
    name = plugins.register(provider, name="provider", distribution="obj-dist")
    assert plugins.dialects()["objdb"].distribution == "obj-dist"  # a generator is fine too
    plugins.unregister(provider)
    assert "objdb" not in plugins.dialects()
    plugins.register(provider, name=name, distribution="obj-dist")
    assert "objdb" in plugins.dialects()
    # What the plugin manager hands out registers again as the same plugin.
    held = plugins.get_plugin_manager().get_plugin(name)
    plugins.unregister(name)
    plugins.register(held, name=name, distribution="obj-dist")
    assert plugins.dialects()["objdb"].plugin == "provider"
    plugins.register(provider, name="again")  # already registered: nothing changes
    assert "again" not in {info.name for info in plugins.plugin_infos()}
