"""Every hook has a specification that documents its contract: purpose, Called by, parameters,
Return (and what None means); every hook mig calls has one."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import typing
from pathlib import Path

import pytest

import mig.plugins as plugins
from mig._hookmarkers import PROJECT
from mig.testing.sources import parse_source

#: Every package's hook-specification module: the package that calls a hook owns its spec.
SPEC_MODULES = ("mig.hookspecs", "mig_cli.hookspecs", "mig_autogen.hookspecs")
PACKAGES = Path(__file__).resolve().parents[3]
FACADE_CALLS = {"collect", "collect_named", "notify", "decide", "has_implementations"}


def specs_of(module_name: str) -> list[tuple[str, object]]:
    module = importlib.import_module(module_name)
    return [(name, value) for name, value in sorted(vars(module).items())
            if callable(value) and getattr(value, f"{PROJECT}_spec", None) is not None]


def all_hookspecs():
    return [pytest.param(name, function, id=name)
            for module_name in SPEC_MODULES for name, function in specs_of(module_name)]


def test_the_plugin_manager_knows_exactly_these_modules_hooks():
    plugins.reset()
    pm = plugins.get_plugin_manager()
    known = {name for name in vars(pm.hook) if getattr(getattr(pm.hook, name), "spec", None)}
    declared = {name for module_name in SPEC_MODULES for name, _ in specs_of(module_name)}
    assert known == declared
    assert "mig_register_dialects" in known and "mig_cli_register_commands" in known
    assert all(name.startswith("mig_") for name in known)
    with_specs = {m.__name__ for m in plugins.hookspec_modules()}
    assert with_specs == {name for name in SPEC_MODULES if specs_of(name)}


@pytest.mark.parametrize(("name", "function"), all_hookspecs())
def test_hookspec_docstring_has_the_contract_shape(name, function):
    doc = inspect.getdoc(function)
    assert doc, f"{name} has no docstring"
    first_paragraph = doc.split("\n\n")[0].replace("\n", " ")
    assert first_paragraph.endswith(".") and first_paragraph.count(". ") == 0, (
        f"{name}: the first paragraph must be one sentence of purpose")
    assert "**Called by:**" in doc, f"{name}: docstring lacks **Called by:**"
    assert "**Return:**" in doc, f"{name}: docstring lacks **Return:**"
    returns = doc.split("**Return:**", 1)[1]
    assert "``None``" in returns, f"{name}: **Return:** must say what None means"
    for parameter in inspect.signature(function).parameters:
        assert f":param {parameter}:" in doc, f"{name}: parameter {parameter!r} is not documented"


@pytest.mark.parametrize(("name", "function"), all_hookspecs())
def test_hookspec_parameters_are_typed(name, function):
    hints = typing.get_type_hints(function, globalns=_type_namespace(function))
    for parameter in inspect.signature(function).parameters:
        assert parameter in hints, f"{name}: parameter {parameter!r} has no annotation"
        assert hints[parameter] is not typing.Any, f"{name}: parameter {parameter!r} is Any"
    assert "return" in hints, f"{name}: no return annotation"


def _type_namespace(function) -> dict[str, object]:
    """The hookspec module's globals plus what it imports only for type checking."""
    module = inspect.getmodule(function)
    namespace = dict(vars(module))
    tree = parse_source(inspect.getsource(module))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for stmt in node.body:
                if isinstance(stmt, ast.Import):
                    for alias in stmt.names:
                        namespace[alias.asname or alias.name] = importlib.import_module(alias.name)
                elif isinstance(stmt, ast.ImportFrom) and stmt.module:
                    source = importlib.import_module(stmt.module)
                    for alias in stmt.names:
                        namespace[alias.asname or alias.name] = getattr(source, alias.name)
    return namespace


def _called_hooks() -> dict[str, str]:
    """Every hook name the packages' sources call through the facade, with where."""
    constants: dict[str, str] = {}
    calls: list[tuple[ast.expr, str]] = []
    for path in sorted(PACKAGES.glob("*/src/**/*.py")):
        tree = parse_source(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(PACKAGES))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str)):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        constants[target.id] = node.value.value
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in FACADE_CALLS:
                    calls.append((node.args[0], f"{where}:{node.lineno}"))
    found: dict[str, str] = {}
    for arg, where in calls:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found[arg.value] = where
        elif isinstance(arg, ast.Name) and arg.id in constants:
            found[constants[arg.id]] = where
    return {name: where for name, where in found.items() if re.fullmatch(r"mig_\w+", name)}


def test_every_hook_mig_calls_has_a_spec():
    called = _called_hooks()
    assert "mig_autogen_render_operations" in called and "mig_register_dialects" in called
    declared = {name for module_name in SPEC_MODULES for name, _ in specs_of(module_name)}
    missing = {name: where for name, where in called.items() if name not in declared}
    assert missing == {}, "hooks called without a specification"
