"""Import layering, checked by parsing the source (nothing is imported).

- core (``mig``) imports no plugin package;
- plugins import no private ``mig._*`` module;
- no dialect imports another dialect;
- click only in mig-cli; pluggy only in mig's plugin machinery;
- only ``mig/plugins.py`` touches ``pm.hook``;
- entry-point plugin modules import no SQLAlchemy at module level;
- every package ships ``py.typed``.
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest

from mig.testing.sources import parse_source

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = {
    "mig": ROOT / "packages/core/src/mig",
    "mig_postgresql": ROOT / "packages/dialect-postgresql/src/mig_postgresql",
    "mig_mysql": ROOT / "packages/dialect-mysql/src/mig_mysql",
    "mig_sqlite_batch": ROOT / "packages/dialect-sqlite-batch/src/mig_sqlite_batch",
    "mig_autogen": ROOT / "packages/autogen/src/mig_autogen",
    "mig_cli": ROOT / "packages/cli/src/mig_cli",
}
PLUGIN_PACKAGES = set(PACKAGES) - {"mig"}
DIALECTS = {"mig_postgresql", "mig_mysql", "mig_sqlite_batch"}


def source_files(package: str) -> list[Path]:
    return sorted(p for p in PACKAGES[package].rglob("*.py") if "templates" not in p.parts)


def imports_of(path: Path, top_level_only: bool = False) -> list[tuple[str, int]]:
    tree = parse_source(path.read_text(encoding="utf-8"), str(path))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: list[tuple[str, int]] = []
    for node in nodes:
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            found.extend((f"{node.module}.{alias.name}", node.lineno) for alias in node.names)
    return found


def top(name: str) -> str:
    return name.split(".")[0]


def violations(package: str, forbidden) -> list[str]:
    bad = []
    for path in source_files(package):
        for name, line in imports_of(path):
            if forbidden(name):
                bad.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return bad


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_package_ships_py_typed(package):
    assert (PACKAGES[package] / "py.typed").is_file()


def test_core_imports_no_plugin():
    assert violations("mig", lambda n: top(n) in PLUGIN_PACKAGES) == []


@pytest.mark.parametrize("package", sorted(PLUGIN_PACKAGES))
def test_plugins_import_no_private_core_module(package):
    def private(name: str) -> bool:
        parts = name.split(".")
        return parts[0] == "mig" and any(p.startswith("_") and not p.startswith("__") for p in parts[1:])

    assert violations(package, private) == []


@pytest.mark.parametrize("package", sorted(DIALECTS))
def test_dialects_do_not_import_each_other(package):
    others = DIALECTS - {package}
    assert violations(package, lambda n: top(n) in others) == []


@pytest.mark.parametrize("package", sorted(set(PACKAGES) - {"mig_cli"}))
def test_click_only_in_the_cli(package):
    assert violations(package, lambda n: top(n) == "click") == []


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_pluggy_only_in_the_plugin_machinery(package):
    allowed = {PACKAGES["mig"] / name for name in ("_hookmarkers.py", "plugins.py", "hookspecs.py")}
    bad = []
    for path in source_files(package):
        if path in allowed:
            continue
        bad.extend(f"{path.relative_to(ROOT)}:{line}" for name, line in imports_of(path) if top(name) == "pluggy")
    assert bad == []


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_only_the_facade_touches_pm_hook(package):
    facade = PACKAGES["mig"] / "plugins.py"
    bad = []
    for path in source_files(package):
        if path == facade:
            continue
        for node in ast.walk(parse_source(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "hook" and not (
                isinstance(node.value, ast.Name) and node.value.id in {"mig", "self"}
            ):
                bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert bad == [], "call hooks through mig.plugins, not pm.hook"


@pytest.mark.parametrize("package", sorted(PLUGIN_PACKAGES))
def test_entry_point_modules_are_cheap(package):
    plugin_module = PACKAGES[package] / "plugin.py"
    assert plugin_module.is_file(), f"{package} has no plugin.py for its entry point"
    heavy = {"sqlalchemy", "click", "mako", "psycopg", "pymysql"}
    bad = [f"line {line}: {name}" for name, line in imports_of(plugin_module, top_level_only=True)
           if top(name) in heavy]
    assert bad == []


def test_core_has_no_database_specific_sql():
    """Core holds no PostgreSQL/MySQL dialect modules (they belong to the plugins)."""
    assert violations("mig", lambda n: n.startswith(("sqlalchemy.dialects.postgresql",
                                                      "sqlalchemy.dialects.mysql"))) == []


_DIALECT_OPTION = re.compile(r"^(postgresql|mysql|mariadb|sqlite|mssql|oracle)_[a-z]")


def dialect_options_named(source: str, where: str) -> list[str]:
    """Places in ``source`` that name a dialect's option: a string ``"postgresql_using"`` (docstrings
    aside), or an f-string that builds one from a dialect name (``f"{self.name}_using"``)."""
    tree = parse_source(source, where)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                and _DIALECT_OPTION.match(node.value):
            found.append(f"{where}:{node.lineno} names {node.value!r}")
        elif isinstance(node, ast.JoinedStr):
            parts = node.values
            for before, after in itertools.pairwise(parts):
                if isinstance(before, ast.FormattedValue) and isinstance(before.value, ast.Attribute) \
                        and before.value.attr == "name" and isinstance(after, ast.Constant) \
                        and str(after.value).startswith("_"):
                    found.append(f"{where}:{node.lineno} builds a dialect option from a dialect name")
    return found


def test_core_names_no_dialect_option():
    """Dialect options (``postgresql_using``, ``mysql_engine`` ...) are read by their dialect's plugin."""
    bad = []
    for path in source_files("mig"):
        if "testing" in path.parts:
            continue
        bad += dialect_options_named(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert bad == []


def test_the_dialect_option_check_can_fail():
    source = 'def f(op, self):\n    """postgresql_using in a docstring is fine."""\n' \
             '    return op.kw.get("postgresql_using"), op.kw.get(f"{self.name}_using")\n'
    assert dialect_options_named(source, "x.py") == [
        "x.py:3 names 'postgresql_using'", "x.py:3 builds a dialect option from a dialect name"]
