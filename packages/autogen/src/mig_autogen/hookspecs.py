"""Hooks owned by mig-autogen (``mig_autogen_*``): the ones mig-autogen itself calls.

The package that calls a hook owns its specification. They are added to mig's
plugin manager by the ``mig_addhooks`` implementation in
:mod:`mig_autogen.plugin`. Plugins implement them with
``from mig import hookimpl``; a plugin that must also work when mig-autogen is
not installed (a dialect plugin) marks its implementations
``@hookimpl(optionalhook=True)`` and imports ``mig_autogen`` only inside them.

Core's ``mig_autogenerate`` (compare) and ``mig_autogen_render_operations``
(render a draft) are specified in :mod:`mig.hookspecs`, because core calls
them; mig-autogen implements both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from mig import hookspec

if TYPE_CHECKING:
    from sqlalchemy.sql.schema import SchemaItem

    from mig.runtime.migration import MigrationContext
    from mig_autogen.directives import MigrationScript
    from mig_autogen.render.context import RenderContext
    from mig_autogen.rules import DialectRules
    from mig_autogen.specs import Comparator, Renderer


@hookspec
def mig_autogen_register_comparators() -> Iterable[Comparator]:  # type: ignore[empty-body]
    """Declare comparators: functions that find one kind of difference between models and database.

    **Called by:** mig-autogen, once per comparison run, before the first
    table is compared. The built-in comparators (tables, columns, types,
    nullability, server defaults, comments, keys, indexes, constraints) are
    registered through this hook too, by :mod:`mig_autogen.plugin`.

    **Return:** an iterable of :class:`mig_autogen.specs.Comparator`; a name
    already registered is an error naming both distributions. ``None`` or an
    empty iterable adds nothing.
    """


@hookspec
def mig_autogen_register_renderers() -> Iterable[Renderer]:  # type: ignore[empty-body]
    """Declare renderers: functions that write one kind of operation as Python for a draft.

    **Called by:** mig-autogen's renderer, once per rendering, before the
    first operation is written. The built-in operations' renderers are
    registered through this hook too, by :mod:`mig_autogen.plugin`.

    **Return:** an iterable of :class:`mig_autogen.specs.Renderer`; two
    renderers for one operation class is an error naming both distributions.
    ``None`` or an empty iterable adds nothing.
    """


@hookspec(firstresult=True)
def mig_autogen_dialect_rules(dialect_name: str) -> DialectRules | None:
    """Supply the comparison rules of one database (type and default equivalence, what reflection adds).

    **Called by:** mig-autogen, once per comparison run, with the dialect name
    of the connection being compared; while no plugin answers, again with the
    name of each SQLAlchemy dialect it derives from (``mariadb`` -> ``mysql``,
    a CockroachDB dialect -> ``postgresql``), so a dialect derived from one a
    plugin speaks for gets that plugin's rules.

    :param dialect_name: SQLAlchemy's dialect name (``"postgresql"``,
        ``"mysql"``, ``"mariadb"``, ``"sqlite"`` ...).

    **Return:** a :class:`mig_autogen.rules.DialectRules` instance, or
    ``None`` for "no opinion" (the generic rules are used).
    """


@hookspec(firstresult=True)
def mig_autogen_include_object(object: SchemaItem, name: str | None, type_: str, reflected: bool,
                               compare_to: SchemaItem | None) -> bool | None:
    """Decide whether autogenerate considers one schema object (a project-wide ``include_object``).

    **Called by:** mig-autogen, for every table, column, index, constraint and
    enum type it is about to compare, after env.py's ``include_object``
    callable (which, when it returns false, wins).

    :param object: the SQLAlchemy object (``Table``, ``Column``, ``Index``,
        constraint) from the models, or the reflected one when the models lack it.
    :param name: its name (``None`` for an unnamed constraint).
    :param type_: ``"table"``, ``"column"``, ``"index"``,
        ``"unique_constraint"``, ``"foreign_key_constraint"``,
        ``"check_constraint"``, ``"primary_key"`` or ``"enum"``.
    :param reflected: true when ``object`` comes from the database.
    :param compare_to: the object it is compared with, or ``None``.

    **Return:** ``True`` to compare it, ``False`` to leave it out, ``None``
    for "no opinion" (compared).
    """


@hookspec(firstresult=True)
def mig_autogen_render_item(type_: str, obj: object, autogen_context: RenderContext) -> str | None:
    """Write one item of a draft (a type, a server default, a constraint) as Python, instead of mig-autogen.

    **Called by:** mig-autogen's renderer, for every column type, server
    default, constraint and index it writes, after env.py's ``render_item``
    callable (which, when it returns a string, wins).

    :param type_: ``"type"``, ``"server_default"``, ``"constraint"`` or ``"index"``.
    :param obj: the SQLAlchemy object to write.
    :param autogen_context: the :class:`mig_autogen.render.context.RenderContext`;
        ``autogen_context.imports`` is a set a renderer adds import lines to.

    **Return:** the Python source of the item, or ``None`` for "no opinion"
    (mig-autogen writes it).
    """


@hookspec
def mig_autogen_process_revision_directives(context: MigrationContext, revision: Sequence[str],
                                            directives: list[MigrationScript]) -> None:
    """Rewrite, split or empty the draft before it is written (a project-wide ``process_revision_directives``).

    **Called by:** ``mig revision --autogenerate``, once, after the
    comparison and after env.py's ``process_revision_directives`` callable,
    before anything is rendered.

    :param context: the :class:`mig.runtime.MigrationContext` of the comparison.
    :param revision: the revision identifiers the draft is based on (its
        ``down_revision``).
    :param directives: a list holding one :class:`mig_autogen.directives.MigrationScript`;
        change it in place. Emptying the list writes no file; several
        entries write several scripts.

    **Return:** ``None`` (an event: the return value is ignored).
    """
