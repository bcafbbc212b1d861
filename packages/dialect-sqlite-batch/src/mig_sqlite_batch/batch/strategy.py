"""``MoveAndCopy``: the batch strategy registered as ``"move-and-copy"``.

``MoveAndCopy(impl).run(op)`` carries out one :class:`~mig.ops.BatchAlterTableOp`:

1. find the table as it is (reflection online, ``copy_from`` offline);
2. on SQLite with ``recreate="auto"``, run the batch as native ALTERs when
   SQLite can do all of it; ``"never"`` refuses when it cannot;
3. otherwise apply the operations to a model of the table and carry out a
   move-and-copy (:mod:`.sqlite_copy` for SQLite, :mod:`.generic_copy`, which
   asks the dialect what differs, everywhere else);
4. operations that plugins registered for batches (``OperationSpec(batch=True)``)
   are not modelled: they run through ``impl.run`` once the table has its new
   shape (after the copy; in order, among the others, when SQLite runs the
   batch natively).
"""

from __future__ import annotations

import itertools
import logging
from typing import Any

from mig.ddl.batch import BatchStrategy
from mig.errors import NotSupportedError, OfflineError, OperationError
from mig.ops import (
    AlterColumnOp,
    BatchAlterTableOp,
    CreateTableCommentOp,
    DropTableCommentOp,
    Operation,
)
from mig_sqlite_batch.batch.apply import BatchEditor
from mig_sqlite_batch.batch.model import TableModel
from mig_sqlite_batch.batch.native import copy_reasons
from mig_sqlite_batch.batch.source import SqliteExtras, model_from_table, reflect, sqlite_extras
from mig_sqlite_batch.impl import SqliteImpl

log = logging.getLogger("mig.batch")

RECREATE = ("auto", "always", "never")


class MoveAndCopy(BatchStrategy):
    """Carries out ``batch_alter_table`` blocks for one :class:`~mig.ddl.impl.DialectImpl`."""

    name = "move-and-copy"

    def run(self, op: BatchAlterTableOp) -> None:
        """Carry out the batch: native ALTERs where allowed, else one move-and-copy."""
        if op.recreate not in RECREATE:
            raise OperationError(f"batch_alter_table({op.table_name!r}): recreate must be one of "
                                 f"'auto', 'always', 'never', not {op.recreate!r}")
        impl = self.impl
        if not op.operations and (op.recreate != "always" or not (
                op.table_args or op.table_kwargs or op.partial_reordering)):
            return  # an empty block does nothing: it reads no table (docs/batch.md)
        is_sqlite = isinstance(impl, SqliteImpl)
        model, extras = self._source(op, is_sqlite)
        reasons: list[str] = []
        if op.recreate != "always":
            if not is_sqlite:
                for inner in op.operations:
                    impl.run(inner)
                return
            elsewhere = [sql for _, sql in (extras.triggers + extras.views)] if extras else []
            reasons = copy_reasons(op, model, elsewhere, registered=self.is_registered_operation)
            if not reasons:
                self._native(op)
                return
            if op.recreate == "never":
                raise NotSupportedError(
                    f"batch_alter_table({op.table_name!r}, recreate='never'): SQLite cannot do "
                    f"{'; '.join(reasons)} with ALTER TABLE; use recreate='auto' to let mig "
                    f"move and copy the table"
                )
        if model is None:
            why = f" ({'; '.join(reasons)})" if reasons else ""
            raise OfflineError(
                f"batch_alter_table({op.table_name!r}) must move and copy the table{why}, and "
                f"--sql mode cannot read the table's definition: pass copy_from=sa.Table(...) "
                f"describing the table as it is now"
            )
        before = model.snapshot()
        after = self._edit(op, model)
        if op.recreate != "always" and not after and same_table(impl, before, model):
            log.info("batch %s: the operations make no net change; nothing to copy", op.table_name)
            return
        if is_sqlite:
            from mig_sqlite_batch.batch.sqlite_copy import SqliteCopy

            SqliteCopy(impl, op, model, extras or SqliteExtras(), before, after).run()
        else:
            from mig_sqlite_batch.batch.generic_copy import GenericCopy

            GenericCopy(impl, op, model, before, after).run()

    # -- steps ------------------------------------------------------------------------------

    def _source(self, op: BatchAlterTableOp, is_sqlite: bool) -> tuple[TableModel | None,
                                                                        SqliteExtras | None]:
        impl = self.impl
        online = not impl.as_sql and impl.connection is not None
        model: TableModel | None = None
        if op.copy_from is not None:
            model = model_from_table(op.copy_from)
            model.name, model.schema = op.table_name, op.schema
        elif online:
            conn = impl.require_connection(f"batch_alter_table({op.table_name!r})")
            model = model_from_table(reflect(conn, op.table_name, op.schema, op.reflect_args,
                                             op.reflect_kwargs))
        extras: SqliteExtras | None = None
        if is_sqlite and online and model is not None:
            extras = sqlite_extras(impl.require_connection("batch_alter_table"), op.table_name,
                                   op.schema, model, reflected=op.copy_from is None)
        elif model is not None:
            extras = SqliteExtras(autoincrement=bool(model.kwargs.get("sqlite_autoincrement")))
        return model, extras

    def _edit(self, op: BatchAlterTableOp, model: TableModel) -> tuple[Operation, ...]:
        """Apply the batch's operations, column order and table arguments to ``model``.

        Returns the operations plugins registered for batches, in order: the
        copy runs them through the dialect once the new table is in place.
        """
        modelled = [inner for inner in op.operations if not self.is_registered_operation(inner)]
        after = tuple(inner for inner in op.operations if self.is_registered_operation(inner))
        # target_metadata's naming convention, and the batch's own over it
        convention = {**dict(self.impl.naming_convention or {}), **dict(op.naming_convention or {})}
        BatchEditor(model, convention, self.impl.type_change_using).apply(modelled)
        if op.partial_reordering:
            model.columns = reorder(model.columns, op.partial_reordering, op.table_name)
        if op.table_kwargs:
            kwargs = dict(op.table_kwargs)
            if "comment" in kwargs:
                model.comment = kwargs.pop("comment")
            model.kwargs.update(kwargs)
        if op.table_args:
            model.extra_args.extend(op.table_args)
        if not model.columns:
            raise OperationError(f"batch_alter_table({op.table_name!r}): the batch drops every "
                                 f"column; drop the table instead")
        return after

    def _native(self, op: BatchAlterTableOp) -> None:
        impl = self.impl
        from mig_sqlite_batch.batch.sqlite_copy import savepoint

        with savepoint(impl):
            for inner in op.operations:
                if isinstance(inner, (CreateTableCommentOp, DropTableCommentOp)):
                    continue  # SQLite has no comments
                if isinstance(inner, AlterColumnOp):
                    if inner.new_column_name is None:
                        continue  # a comment-only change: nothing to do on SQLite
                    from dataclasses import replace

                    inner = replace(inner, comment=False)
                impl.run(inner)


def same_table(impl: Any, before: TableModel, after: TableModel) -> bool:
    """Whether ``after`` creates, fills and indexes the same table as ``before`` (no copy needed)."""
    from sqlalchemy.schema import CreateTable

    from mig_sqlite_batch.batch.render import build_table

    def ddl(model: TableModel) -> str:
        return str(CreateTable(build_table(model, model.name)).compile(dialect=impl.dialect))

    def shape(model: TableModel) -> Any:
        return ([(c.name, c.source, c.using) for c in model.columns],
                [(i.name, [str(e) for e in i.expressions], i.unique, sorted(i.kw.items(), key=str),
                  i.sql) for i in model.indexes], sorted(model.kwargs.items(), key=str))

    return shape(before) == shape(after) and ddl(before) == ddl(after)


def reorder(columns: list[Any], orders: tuple[tuple[str, ...], ...], table: str) -> list[Any]:
    """Columns sorted so each tuple in ``orders`` appears in its order; others keep their place."""
    names = [c.name for c in columns]
    position = {n: i for i, n in enumerate(names)}
    edges: dict[str, set[str]] = {n: set() for n in names}
    indegree = dict.fromkeys(names, 0)
    for order in orders:
        for name in order:
            if name not in position:
                raise OperationError(f"batch_alter_table({table!r}): partial_reordering names "
                                     f"column {name!r}, which the table does not have")
        for a, b in itertools.pairwise(order):
            if b not in edges[a]:
                edges[a].add(b)
                indegree[b] += 1
    ready = sorted((n for n in names if indegree[n] == 0), key=position.__getitem__)
    result: list[str] = []
    while ready:
        n = ready.pop(0)
        result.append(n)
        for m in edges[n]:
            indegree[m] -= 1
            if indegree[m] == 0:
                ready.append(m)
        ready.sort(key=position.__getitem__)
    if len(result) != len(names):
        raise OperationError(f"batch_alter_table({table!r}): partial_reordering contradicts itself")
    by_name = {c.name: c for c in columns}
    return [by_name[n] for n in result]


__all__ = ["MoveAndCopy", "RECREATE", "reorder", "same_table"]
