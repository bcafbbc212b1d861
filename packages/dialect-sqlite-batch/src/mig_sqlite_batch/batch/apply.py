"""Apply the operations inside a batch to a :class:`TableModel`, in order."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKeyConstraint,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
    exc,
)
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.types import NullType

from mig.errors import NotSupportedError, OperationError
from mig.ops import (
    AddColumnOp,
    AlterColumnOp,
    CreateCheckConstraintOp,
    CreateForeignKeyOp,
    CreateIndexOp,
    CreatePrimaryKeyOp,
    CreateTableCommentOp,
    CreateUniqueConstraintOp,
    DropColumnOp,
    DropConstraintOp,
    DropIndexOp,
    DropTableCommentOp,
    Operation,
)
from mig_sqlite_batch.batch.model import (
    ColumnSpec,
    ConstraintSpec,
    IndexSpec,
    TableModel,
    mentions,
    rename_identifier,
)
from mig_sqlite_batch.batch.source import _sql_of

log = logging.getLogger("mig.batch")


class BatchEditor:
    """Edits a :class:`TableModel` one operation at a time.

    :param model: the table as it is (edited in place).
    :param naming_convention: the batch's ``naming_convention`` (names unnamed
        constraints so they can be dropped by name, and names new ones).
    :param type_change_using: the dialect's
        :meth:`~mig.ddl.impl.DialectImpl.type_change_using`: the expression
        a column whose type changes is filled from (``None``: none).
    """

    def __init__(self, model: TableModel, naming_convention: Mapping[str, Any] | None,
                 type_change_using: Callable[[AlterColumnOp], Any] | None = None) -> None:
        self.model = model
        self.nc = dict(naming_convention or {})
        self.type_change_using = type_change_using
        self._handlers: dict[type, Callable[[Any], None]] = {
            AddColumnOp: self.add_column, DropColumnOp: self.drop_column,
            AlterColumnOp: self.alter_column, CreateIndexOp: self.create_index,
            DropIndexOp: self.drop_index, CreateUniqueConstraintOp: self.create_unique,
            CreateCheckConstraintOp: self.create_check, CreateForeignKeyOp: self.create_fk,
            CreatePrimaryKeyOp: self.create_pk, DropConstraintOp: self.drop_constraint,
            CreateTableCommentOp: self.table_comment, DropTableCommentOp: self.table_comment,
        }
        if self.nc:
            for cons in model.constraints:
                if cons.name is None:
                    cons.conv_name = convention_name(self.nc, model, cons)

    def apply(self, operations: Sequence[Operation]) -> None:
        for op in operations:
            handler = self._handlers.get(type(op))
            if handler is None:
                raise NotSupportedError(
                    f"batch_alter_table({self.model.name!r}): {op.describe()} cannot run inside a "
                    f"batch; run it outside the 'with op.batch_alter_table(...)' block"
                )
            handler(op)

    # -- columns --------------------------------------------------------------------------

    def _require_column(self, name: str, what: str) -> ColumnSpec:
        col = self.model.column(name)
        if col is None:
            raise OperationError(
                f"batch_alter_table({self.model.name!r}): {what}: table {self.model.name!r} has no "
                f"column {name!r} (columns: {', '.join(self.model.column_names())})"
            )
        return col

    def add_column(self, op: AddColumnOp) -> None:
        column: Column[Any] = op.column
        if self.model.column(column.name) is not None:
            if op.if_not_exists:
                return
            raise OperationError(f"batch_alter_table({self.model.name!r}): add_column: column "
                                 f"{column.name!r} already exists")
        spec = ColumnSpec(
            name=column.name, type=column.type, nullable=bool(column.nullable),
            server_default=column.server_default, comment=column.comment,
            autoincrement=column.autoincrement, computed=column.computed, identity=column.identity,
            source=None,
        )
        self.model.columns.append(spec)
        self._place(spec, op.kw)
        if column.primary_key:
            pk = self.model.primary_key()
            if pk is None:
                self._add(ConstraintSpec("primary", None, [column.name]))
            else:
                pk.columns.append(column.name)
        if column.unique:
            self._add(ConstraintSpec("unique", None, [column.name]))
        if column.index:
            self.model.indexes.append(IndexSpec(self._index_name(column.name, bool(column.unique)),
                                                [column.name], False, {}, None, {column.name}))
        for fk in column.foreign_keys:
            target = fk.target_fullname.split(".")
            options = {k: getattr(fk, k) for k in ("onupdate", "ondelete", "deferrable", "initially",
                                                   "match") if getattr(fk, k) is not None}
            self._add(ConstraintSpec("foreignkey", _plain(fk.name), [column.name],
                                     ref_table=target[-2], ref_schema=".".join(target[:-2]) or None,
                                     ref_columns=[target[-1]], options=options), fk.name)
        for cons in column.constraints:
            if isinstance(cons, CheckConstraint):
                self._add(ConstraintSpec("check", _plain(cons.name), [], sqltext=_sql_of(cons.sqltext)),
                          cons.name)

    def _place(self, spec: ColumnSpec, kw: Mapping[str, Any]) -> None:
        """Move ``spec`` before/after another column (``insert_before``/``insert_after``)."""
        before, after = kw.get("insert_before"), kw.get("insert_after")
        if before is None and after is None:
            return
        anchor = str(before if before is not None else after)
        self._require_column(anchor, f"column {spec.name}: insert_before/insert_after")
        self.model.columns.remove(spec)
        names = self.model.column_names()
        pos = names.index(anchor) + (0 if before is not None else 1)
        self.model.columns.insert(pos, spec)

    def _index_name(self, column: str, unique: bool) -> str:
        fmt = self.nc.get("ix")
        if isinstance(fmt, str):
            try:
                return fmt % {"table_name": self.model.name, "column_0_name": column,
                              "column_0_label": f"{self.model.name}_{column}"}
            except (KeyError, TypeError, ValueError):
                pass
        return f"ix_{self.model.name}_{column}"

    def drop_column(self, op: DropColumnOp) -> None:
        model = self.model
        if model.column(op.column_name) is None and op.if_exists:
            return
        self._require_column(op.column_name, "drop_column")
        name = op.column_name
        model.columns = [c for c in model.columns if c.name != name]
        kept: list[ConstraintSpec] = []
        for cons in model.constraints:
            gone = name in cons.columns or (cons.kind == "check" and mentions(str(cons.sqltext), name))
            if gone and cons.kind == "primary" and len(cons.columns) > 1:
                cons.columns = [c for c in cons.columns if c != name]
                gone = False
            if gone:
                log.info("batch %s: dropping %s with column %s", model.name, cons.label(), name)
            else:
                kept.append(cons)
        model.constraints = kept
        indexes: list[IndexSpec] = []
        for idx in model.indexes:
            uses = (name in idx.columns) if idx.columns is not None else mentions(idx.sql or "", name)
            if idx.columns is not None and idx.sql is not None and mentions(_where(idx), name):
                uses = True
            if uses:
                log.info("batch %s: dropping index %s with column %s", model.name, idx.name, name)
            else:
                indexes.append(idx)
        model.indexes = indexes

    def alter_column(self, op: AlterColumnOp) -> None:
        col = self._require_column(op.column_name, "alter_column")
        if op.type_ is not None:
            if not col.type_changed:
                col.source_type = col.type
            col.type = op.type_
            col.type_changed = True
            # The old type's own CHECK (Boolean/Enum create_constraint) goes with it.
        using = self.type_change_using(op) if self.type_change_using and op.type_ is not None else None
        if using is not None:
            col.using = _sql_of(using)
        if op.nullable is not None:
            col.nullable = op.nullable
        if op.server_default is not False:
            col.server_default = op.server_default
        if op.comment is not False:
            col.comment = op.comment if isinstance(op.comment, str) else None
        if op.autoincrement is not None:
            col.autoincrement = op.autoincrement
        if op.new_column_name is not None and op.new_column_name != col.name:
            if self.model.column(op.new_column_name) is not None:
                raise OperationError(f"batch_alter_table({self.model.name!r}): alter_column: column "
                                     f"{op.new_column_name!r} already exists")
            self._rename(col.name, op.new_column_name)
            col.name = op.new_column_name
        self._place(col, op.kw)

    def _rename(self, old: str, new: str) -> None:
        for cons in self.model.constraints:
            cons.columns = [new if c == old else c for c in cons.columns]
            if cons.kind == "foreignkey" and cons.ref_table == self.model.name and \
                    cons.ref_schema == self.model.schema:
                cons.ref_columns = [new if c == old else c for c in cons.ref_columns]
            if cons.kind == "check" and cons.sqltext is not None:
                cons.sqltext = rename_identifier(str(cons.sqltext), old, new)
        for idx in self.model.indexes:
            if idx.columns is not None:
                if old in idx.columns or mentions(_where(idx), old):
                    idx.columns = {new if c == old else c for c in idx.columns}
                    idx.expressions = [new if e == old else e for e in idx.expressions]
                    where = idx.kw.get("sqlite_where")
                    if where is not None:
                        from sqlalchemy import text

                        idx.kw["sqlite_where"] = text(rename_identifier(_sql_of(where), old, new))
                    idx.sql = None
            elif idx.sql is not None and mentions(idx.sql, old):
                head, paren, body = idx.sql.partition("(")
                idx.sql = head + paren + rename_identifier(body, old, new)

    # -- indexes ----------------------------------------------------------------------------

    def create_index(self, op: CreateIndexOp) -> None:
        if op.index_name is not None and any(i.name == op.index_name for i in self.model.indexes):
            if op.if_not_exists:
                return
            raise OperationError(f"batch_alter_table({self.model.name!r}): index {op.index_name!r} "
                                 "already exists")
        cols: set[str] | None = set()
        for expr in op.columns:
            if isinstance(expr, str) and cols is not None:
                self._require_column(expr, f"create_index {op.index_name}")
                cols.add(expr)
            elif isinstance(expr, Column) and cols is not None:
                cols.add(expr.name)
            else:
                cols = None
        exprs = [e.name if isinstance(e, Column) else e for e in op.columns]
        name = op.index_name
        if name is None:
            name = self._index_name(str(exprs[0]), op.unique)
        self.model.indexes.append(IndexSpec(name, exprs, op.unique, dict(op.kw), None, cols))

    def drop_index(self, op: DropIndexOp) -> None:
        before = len(self.model.indexes)
        self.model.indexes = [i for i in self.model.indexes if i.name != op.index_name]
        if len(self.model.indexes) == before and not op.if_exists:
            names = ", ".join(str(i.name) for i in self.model.indexes) or "none"
            raise OperationError(f"batch_alter_table({self.model.name!r}): drop_index: table "
                                 f"{self.model.name!r} has no index {op.index_name!r} (indexes: {names})")

    # -- constraints ------------------------------------------------------------------------

    def _add(self, cons: ConstraintSpec, given: Any = None) -> None:
        """Add ``cons``; ``given`` is the name as the script gave it (``op.f()`` / ``conv`` kept)."""
        if self.nc:
            # the convention names unnamed constraints, and given names where its format uses
            # %(constraint_name)s -- as MetaData(naming_convention=...) does
            named = convention_name(self.nc, self.model, cons, given if given is not None else cons.name)
            if named is not None:
                cons.name = named
        if cons.kind == "primary":
            self.model.constraints = [c for c in self.model.constraints if c.kind != "primary"]
            self.model.constraints.insert(0, cons)
        else:
            self.model.constraints.append(cons)

    def create_unique(self, op: CreateUniqueConstraintOp) -> None:
        for c in op.columns:
            self._require_column(c, f"create_unique_constraint {op.constraint_name}")
        self._add(ConstraintSpec("unique", _plain(op.constraint_name), list(op.columns), kw=dict(op.kw)),
                  op.constraint_name)

    def create_check(self, op: CreateCheckConstraintOp) -> None:
        self._add(ConstraintSpec("check", _plain(op.constraint_name), [],
                                 sqltext=_sql_of(op.condition), kw=dict(op.kw)), op.constraint_name)

    def create_fk(self, op: CreateForeignKeyOp) -> None:
        for c in op.local_cols:
            self._require_column(c, f"create_foreign_key {op.constraint_name}")
        options = {k: getattr(op, k) for k in ("onupdate", "ondelete", "deferrable", "initially", "match")
                   if getattr(op, k) is not None}
        self._add(ConstraintSpec("foreignkey", _plain(op.constraint_name), list(op.local_cols),
                                 ref_table=op.referent_table, ref_schema=op.referent_schema,
                                 ref_columns=list(op.remote_cols), options=options, kw=dict(op.kw)),
                  op.constraint_name)

    def create_pk(self, op: CreatePrimaryKeyOp) -> None:
        for c in op.columns:
            # the columns keep their declared nullability, as in Alembic
            self._require_column(c, f"create_primary_key {op.constraint_name}")
        self._add(ConstraintSpec("primary", _plain(op.constraint_name), list(op.columns), kw=dict(op.kw)),
                  op.constraint_name)

    def drop_constraint(self, op: DropConstraintOp) -> None:
        model = self.model
        for cons in model.constraints:
            if (cons.matches(op.constraint_name) or self._named_by_convention(cons, op.constraint_name)) \
                    and (op.type_ is None or op.type_ == cons.kind):
                model.constraints.remove(cons)
                return
        if op.type_ in (None, "unique"):
            # some databases reflect unique constraints as unique indexes
            for idx in model.indexes:
                if idx.unique and idx.name == op.constraint_name:
                    model.indexes.remove(idx)
                    return
        if op.if_exists:
            return
        named = ", ".join(c.label() for c in model.constraints) or "none"
        hint = ("" if self.nc else "; unnamed constraints can be dropped by the name a "
                "naming_convention gives them: pass naming_convention={...} to batch_alter_table")
        raise OperationError(f"batch_alter_table({model.name!r}): drop_constraint: table "
                             f"{model.name!r} has no constraint named {op.constraint_name!r} "
                             f"(constraints: {named}){hint}")

    def _named_by_convention(self, cons: ConstraintSpec, given: Any) -> bool:
        """Whether the convention turns the name ``given`` into ``cons``'s name (e.g. ``ck_%(table_name)s_%(constraint_name)s``)."""
        if not self.nc or given is None or cons.name is None:
            return False
        probe = ConstraintSpec(cons.kind, None, list(cons.columns), sqltext=cons.sqltext,
                               ref_table=cons.ref_table, ref_schema=cons.ref_schema,
                               ref_columns=list(cons.ref_columns))
        return convention_name(self.nc, self.model, probe, given) == cons.name

    def table_comment(self, op: Operation) -> None:
        self.model.comment = getattr(op, "comment", None) if isinstance(op, CreateTableCommentOp) else None


def _plain(name: Any) -> str | None:
    return None if name is None else str(name) if isinstance(name, str) else None


def _where(idx: IndexSpec) -> str:
    where = idx.kw.get("sqlite_where")
    if where is None:
        sql = idx.sql or ""
        pos = sql.upper().rfind(" WHERE ")
        return sql[pos:] if pos >= 0 else ""
    return _sql_of(where)


def convention_name(nc: Mapping[str, Any], model: TableModel, cons: ConstraintSpec,
                    given: Any = None) -> str | None:
    """The name SQLAlchemy's naming convention ``nc`` gives ``cons`` on this table, if it gives one.

    ``given``: the name the constraint was given (a convention using ``%(constraint_name)s``
    turns it into its own; ``op.f()`` marks it final).
    """
    md = MetaData(naming_convention=dict(nc))
    cols = [Column(c.name, NullType()) for c in model.columns]
    for extra in cons.columns:
        if extra not in {c.name for c in cols}:
            cols.append(Column(extra, NullType()))
    try:
        if cons.kind == "foreignkey":
            ref = cons.ref_table or ""
            if ref != model.name or cons.ref_schema != model.schema:
                Table(ref, md, *(Column(c, NullType()) for c in cons.ref_columns), schema=cons.ref_schema)
        table = Table(model.name, md, *cols, schema=model.schema)
        obj: Any
        if cons.kind == "primary":
            obj = PrimaryKeyConstraint(*cons.columns, name=given)
        elif cons.kind == "unique":
            obj = UniqueConstraint(*cons.columns, name=given)
        elif cons.kind == "check":
            condition: Any = cons.sqltext if isinstance(cons.sqltext, ClauseElement) else str(cons.sqltext)
            obj = CheckConstraint(condition, name=given)
        else:
            prefix = f"{cons.ref_schema}.{cons.ref_table}" if cons.ref_schema else str(cons.ref_table)
            obj = ForeignKeyConstraint(cons.columns, [f"{prefix}.{c}" for c in cons.ref_columns], name=given)
        table.append_constraint(obj)
    except (exc.SQLAlchemyError, KeyError, TypeError, ValueError):
        return None
    return str(obj.name) if isinstance(obj.name, str) else None


__all__ = ["BatchEditor", "convention_name"]
