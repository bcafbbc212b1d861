"""The comparison engine: reflect the database in bulk, run the comparators, order their operations.

Comparators are registered through ``mig_autogen_register_comparators`` as
:class:`mig_autogen.specs.Comparator` descriptors (the built-in ones too, in
:mod:`mig_autogen.plugin`). Every comparator is a plain function whose first
argument is the run's :class:`~mig_autogen.compare.context.CompareContext`
and which returns (or yields) :mod:`mig.ops` operations; its other arguments
depend on its ``level``:

The models' side is SQLAlchemy's ``Table`` and ``Column`` objects; the
database's side is what the inspector's bulk calls reported, unchanged: a
:class:`~mig_autogen.compare.reflected.ReflectedTable` per table, whose
``columns``, ``indexes``, ``foreign_keys`` ... are SQLAlchemy's documented
``Reflected*`` dictionaries (``db_column["type"]``, ``db_column["nullable"]``,
``db_column["default"]`` ...). When a comparator needs a SQLAlchemy object
of the database's side (an operation's ``existing_column``),
``ctx.schema_item(type_, db_table, item)`` has SQLAlchemy reflect the table
and returns it.

``"schema"`` -- once per schema compared::

    compare(ctx, schema: str | None, model_tables: dict[str, Table],
            db_tables: dict[str, ReflectedTable]) -> Iterable[Operation]

  ``schema`` is ``None`` for the default schema. Both dicts are keyed by
  table name, after ``include_name`` and ``include_object`` filtered them;
  a table the models rename (``info={"renamed_from": "old"}``) is keyed in
  ``db_tables`` by its *new* name, so equal keys are the same table. Tables
  only on one side are there too (the built-in ``tables`` comparator turns
  them into ``create_table`` / ``drop_table``).

``"table"`` -- once per table present on both sides::

    compare(ctx, model_table: Table, db_table: ReflectedTable) -> Iterable[Operation]

  Use ``ctx.db_column_name(model_table, column)`` to find a model column in
  ``db_table.columns`` (it follows column renames).

``"column"`` -- once per column present on both sides::

    compare(ctx, model_table: Table, model_column: Column,
            db_table: ReflectedTable, db_column: ReflectedColumn) -> Iterable[Operation]

  Column comparators usually yield an :class:`mig.ops.AlterColumnOp` with
  only the aspect they compare set (``type_``, ``nullable``,
  ``server_default``, ``comment`` ...); the engine merges the fragments for
  one column into a single ``alter_column``. Build them with
  :func:`mig_autogen.compare.alter.alter_column` so the ``existing_*``
  fields (which make the operation reversible) are filled in.

A comparator with ``dialect="postgresql"`` runs only on that database.
``ctx.extra`` holds what the dialect's ``DialectRules.reflect_extra`` read
once for the run (enum types ...); ``ctx.rules`` is the run's
:class:`~mig_autogen.rules.DialectRules`; ``ctx.include(obj, name, type_,
reflected, compare_to, db_table)`` applies env.py's ``include_object`` and the
hook (pass the reflected side as it is, with its ``ReflectedTable``: the
callables receive SQLAlchemy objects).
Operations are ordered by the engine, not by the comparator: tables renamed
first, then foreign keys dropped, tables dropped (reverse foreign-key
order), each existing table's changes, tables created (foreign-key order), foreign keys
created last; the downgrade is the reverse of every operation, in reverse order
(see :mod:`mig_autogen.compare.order`). An operation class of your own can
say where it goes with a class attribute ``autogen_position``: ``"first"``
(before everything: a type or sequence that tables use; the default for an
operation without a ``table_name``), ``"last"`` (after everything: dropping
a type no column uses any more) or ``"table"`` (with its table's changes;
the default for an operation with a ``table_name``).
"""
