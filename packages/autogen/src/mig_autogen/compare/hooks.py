"""The facade through which the comparison engine asks plugins (once per run, never per column)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mig import plugins

if TYPE_CHECKING:
    from mig_autogen.rules import DialectRules
    from mig_autogen.specs import Comparator


def dialect_rules(dialect_names: tuple[str, ...]) -> DialectRules:
    """The first ``mig_autogen_dialect_rules`` answer for ``dialect_names`` (the connection's dialect,
    then those it derives from), or the generic rules."""
    from mig_autogen.rules import DialectRules

    for name in dialect_names:
        found = plugins.decide("mig_autogen_dialect_rules", dialect_name=name)
        if found is not None:
            rules: DialectRules = found
            return rules
    return DialectRules()


def comparators() -> list[Comparator]:
    """Every registered :class:`~mig_autogen.specs.Comparator` (duplicate names are an error)."""
    return [reg.item for reg in plugins.collect_named("mig_autogen_register_comparators").values()]


def has_include_object_hook() -> bool:
    """Whether any plugin implements ``mig_autogen_include_object`` (skips the call when none does)."""
    return plugins.has_implementations("mig_autogen_include_object")


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool | None:
    """The ``mig_autogen_include_object`` decision (``None``: no opinion)."""
    result: bool | None = plugins.decide("mig_autogen_include_object", object=obj, name=name, type_=type_,
                                         reflected=reflected, compare_to=compare_to)
    return result
