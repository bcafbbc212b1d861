"""The built-in comparators, registered by :mod:`mig_autogen.plugin` as any plugin would."""

from __future__ import annotations

from mig_autogen.specs import Comparator

_C = "mig_autogen.compare.columns:"
_K = "mig_autogen.compare.keys:"

BUILTIN_COMPARATORS: tuple[Comparator, ...] = (
    Comparator("tables", "schema", "mig_autogen.compare.tables:compare_tables"),
    Comparator("columns", "table", _C + "compare_columns"),
    Comparator("primary_key", "table", _K + "compare_primary_key"),
    Comparator("unique_constraints", "table", _K + "compare_unique_constraints"),
    Comparator("indexes", "table", "mig_autogen.compare.indexes:compare_indexes"),
    Comparator("foreign_keys", "table", _K + "compare_foreign_keys"),
    Comparator("check_constraints", "table", _K + "compare_check_constraints"),
    Comparator("table_comment", "table", _K + "compare_table_comment"),
    Comparator("column_type", "column", _C + "compare_type"),
    Comparator("nullable", "column", _C + "compare_nullable"),
    Comparator("server_default", "column", _C + "compare_server_default"),
    Comparator("column_comment", "column", _C + "compare_comment"),
    Comparator("autoincrement", "column", _C + "compare_autoincrement"),
    Comparator("computed", "column", _C + "compare_computed"),
)
