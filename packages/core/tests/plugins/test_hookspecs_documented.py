"""Every hook specification documents its contract: purpose, Called by, parameters, Return."""

from __future__ import annotations

import inspect

import pytest

import mig.plugins as plugins


def all_hookspecs():
    plugins.reset()
    pm = plugins.get_plugin_manager()
    found = []
    for name in sorted(vars(pm.hook)):
        caller = getattr(pm.hook, name)
        spec = getattr(caller, "spec", None)
        if spec is not None:
            found.append(pytest.param(name, spec.function, id=name))
    return found


def test_hooks_are_found():
    names = [p.values[0] for p in all_hookspecs()]
    assert "mig_register_dialects" in names
    assert all(name.startswith("mig_") for name in names)


@pytest.mark.parametrize(("name", "function"), all_hookspecs())
def test_hookspec_docstring_has_the_contract_shape(name, function):
    doc = inspect.getdoc(function)
    assert doc, f"{name} has no docstring"
    first_line = doc.splitlines()[0]
    assert first_line.endswith("."), f"{name}: first line must be one sentence of purpose"
    assert "**Called by:**" in doc, f"{name}: docstring lacks **Called by:**"
    assert "**Return:**" in doc, f"{name}: docstring lacks **Return:**"
    for parameter in inspect.signature(function).parameters:
        assert f":param {parameter}:" in doc, f"{name}: parameter {parameter!r} is not documented"
