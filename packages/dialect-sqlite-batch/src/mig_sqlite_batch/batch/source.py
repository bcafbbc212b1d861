"""The existing table: reflected from the database or taken from ``copy_from=Table(...)``.

SQLAlchemy's SQLite reflection misses a few things a copy must keep (inline
``UNIQUE`` column constraints, ``ON DELETE`` actions of inline ``REFERENCES``,
``AUTOINCREMENT``, expression indexes); :func:`sqlite_extras` reads them from
``sqlite_master`` and the ``PRAGMA`` tables, together with the triggers and
views that have to be recreated.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    text,
)
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ClauseElement

from mig.errors import OperationError
from mig_sqlite_batch.batch.model import ColumnSpec, ConstraintSpec, IndexSpec, TableModel, mentions


@dataclass
class SqliteExtras:
    """What SQLite keeps outside the reflected ``Table`` and a copy must carry over."""

    table_sql: str = ""
    index_sql: dict[str, str] = field(default_factory=dict)
    triggers: list[tuple[str, str]] = field(default_factory=list)
    views: list[tuple[str, str]] = field(default_factory=list)
    autoincrement: bool = False


def reflect(conn: Connection, name: str, schema: str | None, args: tuple[Any, ...],
            kwargs: Mapping[str, Any]) -> Table:
    """The table as the database has it (``reflect_args`` columns override reflected ones)."""
    md = MetaData()
    with warnings.catch_warnings():
        # SQLAlchemy warns about expression indexes it cannot reflect; sqlite_extras keeps them.
        warnings.simplefilter("ignore", exc.SAWarning)
        try:
            return Table(name, md, *args, schema=schema, autoload_with=conn, **dict(kwargs))
        except exc.NoSuchTableError:
            qualified = f"{schema}.{name}" if schema else name
            raise OperationError(f"batch_alter_table: table {qualified!r} does not exist") from None


def model_from_table(table: Table) -> TableModel:
    """A :class:`TableModel` describing ``table`` exactly (every column filled from itself)."""
    model = TableModel(name=table.name, schema=table.schema, comment=table.comment)
    for col in table.columns:
        model.columns.append(ColumnSpec(
            name=col.name, type=col.type, nullable=bool(col.nullable),
            server_default=None if col.computed is not None or col.identity is not None
            else col.server_default, comment=col.comment,
            autoincrement=col.autoincrement, computed=col.computed, identity=col.identity,
            source=col.name,
        ))
    pk = table.primary_key
    if pk is not None and len(pk.columns):
        model.constraints.append(ConstraintSpec("primary", _name(pk.name), [c.name for c in pk.columns],
                                                kw=dict(pk.dialect_kwargs)))
    for cons in sorted(table.constraints, key=_constraint_order):
        if isinstance(cons, PrimaryKeyConstraint):
            continue
        if getattr(cons, "_type_bound", False):
            continue  # Boolean/Enum CHECKs are recreated by the column's type
        if isinstance(cons, UniqueConstraint):
            model.constraints.append(ConstraintSpec("unique", _name(cons.name),
                                                    [c.name for c in cons.columns],
                                                    kw=dict(cons.dialect_kwargs)))
        elif isinstance(cons, CheckConstraint):
            sqltext = cons.sqltext
            model.constraints.append(ConstraintSpec("check", _name(cons.name), [],
                                                    sqltext=_sql_of(sqltext),
                                                    kw=dict(cons.dialect_kwargs)))
        elif isinstance(cons, ForeignKeyConstraint):
            model.constraints.append(_fk_spec(cons))
    for index in sorted(table.indexes, key=lambda i: i.name or ""):
        exprs: list[Any] = []
        cols: set[str] | None = set()
        for expr in index.expressions:
            if isinstance(expr, Column):
                exprs.append(expr.name)
                assert cols is not None
                cols.add(expr.name)
            elif isinstance(expr, str):
                exprs.append(expr)
                assert cols is not None
                cols.add(expr)
            else:
                exprs.append(expr)
                cols = None
        model.indexes.append(IndexSpec(_name(index.name), exprs, bool(index.unique),
                                       dict(index.dialect_kwargs), None, cols))
    model.kwargs = {k: v for k, v in table.dialect_kwargs.items()}
    return model


def _constraint_order(cons: Any) -> tuple[int, str]:
    order = {UniqueConstraint: 0, CheckConstraint: 1, ForeignKeyConstraint: 2}
    return order.get(type(cons), 3), str(cons.name or "")


def _name(name: Any) -> str | None:
    if name is None or not isinstance(name, str):
        return None
    return str(name)


def _sql_of(sqltext: Any) -> str:
    if isinstance(sqltext, str):
        return sqltext
    if isinstance(sqltext, ClauseElement):
        try:
            return str(sqltext.compile(compile_kwargs={"literal_binds": True}))
        except exc.SQLAlchemyError:
            return str(sqltext)
    return str(sqltext)


def _fk_spec(cons: ForeignKeyConstraint) -> ConstraintSpec:
    elements = list(cons.elements)
    target = elements[0].target_fullname.split(".")
    ref_table = target[-2]
    ref_schema = ".".join(target[:-2]) or None
    options = {k: getattr(cons, k) for k in ("onupdate", "ondelete", "deferrable", "initially", "match")
               if getattr(cons, k) is not None}
    return ConstraintSpec(
        "foreignkey", _name(cons.name), [e.parent.name for e in elements],
        ref_table=ref_table, ref_schema=ref_schema,
        ref_columns=[e.target_fullname.split(".")[-1] for e in elements],
        options=options, kw=dict(cons.dialect_kwargs),
    )


# -- SQLite specifics ----------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_extras(conn: Connection, name: str, schema: str | None, model: TableModel,
                  *, reflected: bool) -> SqliteExtras:
    """Read what SQLite keeps beside the table, and complete ``model`` where reflection fell short.

    ``reflected`` says the model came from reflection (not ``copy_from``);
    only then are its constraints and indexes completed from the PRAGMAs.
    """
    master = f"{_quote(schema)}.sqlite_master" if schema else "sqlite_master"
    prefix = f"{_quote(schema)}." if schema else ""
    rows = conn.exec_driver_sql(f"SELECT type, name, tbl_name, sql FROM {master} "
                                "WHERE sql IS NOT NULL").fetchall()
    extras = SqliteExtras()
    lname = name.lower()
    for type_, obj_name, tbl_name, sql in rows:
        if type_ == "table" and obj_name.lower() == lname:
            extras.table_sql = sql
        elif type_ == "index" and tbl_name.lower() == lname:
            extras.index_sql[obj_name] = sql
        elif type_ == "trigger" and tbl_name.lower() == lname:
            extras.triggers.append((obj_name, sql))
        elif type_ == "view" and mentions(sql, name):
            extras.views.append((obj_name, sql))
    extras.autoincrement = re.search(r"\bAUTOINCREMENT\b", extras.table_sql, re.IGNORECASE) is not None
    if extras.autoincrement and "sqlite_autoincrement" not in model.kwargs:
        model.kwargs["sqlite_autoincrement"] = True
    if not reflected:
        return extras
    _collations(extras.table_sql, model)
    # Foreign key actions (inline REFERENCES ... ON DELETE are not always reflected).
    fk_rows = conn.exec_driver_sql(f"PRAGMA {prefix}foreign_key_list({_quote(name)})").fetchall()
    groups: dict[int, list[Any]] = {}
    for row in fk_rows:
        groups.setdefault(row[0], []).append(row)
    for group in groups.values():
        group.sort(key=lambda r: r[1])
        ref_table, on_update, on_delete, match = group[0][2], group[0][5], group[0][6], group[0][7]
        cols = [r[3] for r in group]
        for cons in model.constraints:
            if cons.kind == "foreignkey" and cons.ref_table == ref_table and cons.columns == cols:
                if on_delete and on_delete.upper() != "NO ACTION":
                    cons.options.setdefault("ondelete", on_delete)
                if on_update and on_update.upper() != "NO ACTION":
                    cons.options.setdefault("onupdate", on_update)
                if match and match.upper() != "NONE":
                    cons.options.setdefault("match", match)
    # Inline UNIQUE column constraints live only as autoindexes.
    known = {tuple(c.columns) for c in model.constraints if c.kind in ("unique", "primary")}
    for row in conn.exec_driver_sql(f"PRAGMA {prefix}index_list({_quote(name)})").fetchall():
        idx_name, origin = row[1], row[3]
        if origin != "u":
            continue
        cols = [r[2] for r in conn.exec_driver_sql(
            f"PRAGMA {prefix}index_info({_quote(idx_name)})").fetchall()]
        if tuple(cols) not in known:
            model.constraints.append(ConstraintSpec("unique", None, cols))
            known.add(tuple(cols))
    # Indexes: keep SQLite's own CREATE INDEX text; add the ones reflection skipped.
    by_name = {i.name: i for i in model.indexes}
    for idx_name, sql in sorted(extras.index_sql.items()):
        spec = by_name.get(idx_name)
        if spec is not None:
            spec.sql = sql
        else:
            model.indexes.append(IndexSpec(idx_name, [text(_index_body(sql))],
                                           unique=sql.lstrip().upper().startswith("CREATE UNIQUE"),
                                           sql=sql, columns=None))
    return extras


def table_body_parts(sql: str) -> list[str]:
    """The comma-separated parts of a CREATE TABLE's body (columns and table constraints)."""
    start = sql.find("(")
    parts: list[str] = []
    depth, quote, current = 0, "", []
    for ch in sql[start + 1:] if start >= 0 else "":
        if quote:
            current.append(ch)
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"`[":
            quote = "]" if ch == "[" else ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(ch)
    if "".join(current).strip():
        parts.append("".join(current).strip())
    return parts


_COLLATE = re.compile(r"\bCOLLATE\s+(\"[^\"]+\"|'[^']+'|`[^`]+`|\[[^\]]+\]|\w+)", re.IGNORECASE)


def _collations(table_sql: str, model: TableModel) -> None:
    """Column collations (``name TEXT COLLATE NOCASE``), which SQLAlchemy does not reflect."""
    by_name = {c.name.lower(): c for c in model.columns}
    for part in table_body_parts(table_sql):
        m = re.match(r"\s*(\"[^\"]+\"|`[^`]+`|\[[^\]]+\]|[^\s]+)", part)
        if not m:
            continue
        name = m.group(1).strip("\"`[]").lower()
        spec = by_name.get(name)
        collate = _COLLATE.search(part)
        if spec is None or collate is None or not hasattr(spec.type, "collation"):
            continue
        if getattr(spec.type, "collation", None) is None:
            spec.type = spec.type.copy()
            spec.type.collation = collate.group(1).strip("\"'`[]")


def _index_body(sql: str) -> str:
    start = sql.find("(")
    end = sql.rfind(")")
    return sql[start + 1:end] if start >= 0 and end > start else sql


__all__ = ["SqliteExtras", "model_from_table", "reflect", "sqlite_extras"]
