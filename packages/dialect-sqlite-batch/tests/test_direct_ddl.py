"""Direct DDL on SQLite: byte-for-byte what SQLAlchemy's compiler writes, or SQLAlchemy itself.

``SqliteImpl`` writes plain ``CREATE TABLE``/``ADD COLUMN``/``CREATE INDEX``
text itself (:mod:`mig_sqlite_batch.direct`). These tests generate thousands
of random operations over a wide space (odd names, every common type, server
defaults with quotes and escapes, keys, constraints, dialect options ...) and
check that the output with direct DDL is identical to the output of the same
impl with ``direct_ddl = None`` (everything compiled by SQLAlchemy), that the
plain shapes really take the direct path, and that online runs leave the same
schema. Shapes that once differed are pinned at the end.
"""

from __future__ import annotations

import enum
import io
import logging
import random
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.compiler import compiles, deregister
from sqlalchemy.schema import CreateColumn, CreateIndex, CreateTable
from sqlalchemy.sql.elements import conv, quoted_name

from mig import ops
from mig.ddl.direct import DirectDDL, plain_column
from mig.operations.base import Operations
from mig.testing.project import ENV_PY, MigrationRunner
from mig_sqlite_batch.direct import SqliteDirectDDL
from mig_sqlite_batch.impl import SqliteImpl

# -- the two impls compared ------------------------------------------------------------------


class CountingDirect(SqliteDirectDDL):
    """SQLite's direct DDL, counting the statements it wrote (``None`` results are not counted)."""

    def __init__(self, dialect: Any) -> None:
        super().__init__(dialect)
        self.hits: list[str] = []

    def create_table(self, table: Any, *, if_not_exists: bool = False) -> str | None:
        sql = super().create_table(table, if_not_exists=if_not_exists)
        if sql is not None:
            self.hits.append("create_table")
        return sql

    def create_table_from_columns(self, name: str, items: Any, *, if_not_exists: bool = False) -> str | None:
        sql = super().create_table_from_columns(name, items, if_not_exists=if_not_exists)
        if sql is not None:
            self.hits.append("create_table_from_columns")
        return sql

    def add_column(self, table_name: str, column: Any) -> str | None:
        sql = super().add_column(table_name, column)
        if sql is not None:
            self.hits.append("add_column")
        return sql

    def create_index(self, name: Any, table_name: str, columns: Any, *, unique: bool = False,
                     if_not_exists: bool = False) -> str | None:
        sql = super().create_index(name, table_name, columns, unique=unique, if_not_exists=if_not_exists)
        if sql is not None:
            self.hits.append("create_index")
        return sql


class DirectImpl(SqliteImpl):
    direct_ddl = CountingDirect


class CompilerImpl(SqliteImpl):
    direct_ddl = None


def direct_hits(impl: SqliteImpl) -> list[str]:
    found = impl._direct()
    return found.hits if isinstance(found, CountingDirect) else []


# -- custom types ----------------------------------------------------------------------------


class Money(sa.types.TypeDecorator[Any]):
    impl = sa.Numeric(12, 2)
    cache_ok = True


class Point(sa.types.UserDefinedType[Any]):
    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "POINT"


class Tagged(sa.types.UserDefinedType[Any]):
    """A type whose SQLite spelling comes from a ``@compiles`` override of the type."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "TAGGED"


@compiles(Tagged, "sqlite")
def _tagged_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    return "TAGGED_ON_SQLITE"


class Colour(enum.Enum):
    red = 1
    green = 2


# -- the random operation space --------------------------------------------------------------

ODD_NAMES = [
    "id", "name", "value", "select", "order", "group", "from", "table", "index", "default", "Key",
    "MixedCase", "UPPER", "with space", 'dq"uote', "sq'uote", "per%cent", "co:lon", "back\\slash",
    "dash-ed", "1starts_digit", "_under", "päivä", "名前", "tab\tbed", "x" * 70, "$dollar",
]
TABLE_NAMES = ["t", "account", "User", "select", "my table", 'we"ird', "order", "päivä", "t" * 64, "Mixed"]


def pick_name(rng: random.Random, pool: list[str], online: bool) -> Any:
    name = rng.choice(pool)
    roll = rng.random()
    if roll < 0.08:
        return quoted_name(name, True)
    if roll < 0.12 and not online:
        return quoted_name(name, False)
    return name


# (factory, is_integer_affinity, adds_table_constraint, compiles)
TYPES: list[tuple[Callable[[random.Random], Any], bool, bool, bool]] = [
    (lambda r: sa.Integer(), True, False, True),
    (lambda r: sa.BigInteger(), True, False, True),
    (lambda r: sa.SmallInteger(), True, False, True),
    (lambda r: sa.String(r.randint(1, 300)), False, False, True),
    (lambda r: sa.String(), False, False, True),
    (lambda r: sa.String(r.randint(1, 50), collation=r.choice(["NOCASE", "BINARY", "RTRIM"])), False, False, True),
    (lambda r: sa.Unicode(r.randint(1, 80)), False, False, True),
    (lambda r: sa.UnicodeText(), False, False, True),
    (lambda r: sa.Text(), False, False, True),
    (lambda r: sa.Text(collation="NOCASE"), False, False, True),
    (lambda r: sa.DateTime(timezone=r.random() < 0.5), False, False, True),
    (lambda r: sa.Date(), False, False, True),
    (lambda r: sa.Time(), False, False, True),
    (lambda r: sa.Numeric(r.randint(1, 30), r.randint(0, 6)), False, False, True),
    (lambda r: sa.Numeric(), False, False, True),
    (lambda r: sa.Float(), False, False, True),
    (lambda r: sa.Float(precision=r.randint(1, 50)), False, False, True),
    (lambda r: sa.Boolean(), False, False, True),
    (lambda r: sa.Boolean(create_constraint=True, name="ck_bool"), False, True, True),
    (lambda r: sa.LargeBinary(), False, False, True),
    (lambda r: sa.LargeBinary(r.randint(1, 100)), False, False, True),
    (lambda r: sa.JSON(), False, False, True),
    (lambda r: sa.Enum("a", "b", "it's", name="e1"), False, False, True),
    (lambda r: sa.Enum("small", "medium", "large", name="e2", create_constraint=True), False, True, True),
    (lambda r: sa.Enum(Colour), False, False, True),
    (lambda r: sa.Enum("x", "yy", native_enum=False, length=r.randint(2, 20)), False, False, True),
    (lambda r: sa.Uuid(), False, False, True),
    (lambda r: sa.Uuid(as_uuid=False), False, False, True),
    (lambda r: sa.Interval(), False, False, True),
    (lambda r: sa.PickleType(), False, False, True),
    (lambda r: Money(), False, False, True),
    (lambda r: Point(), False, False, True),
    (lambda r: Tagged(), False, False, True),
    (lambda r: sa.Integer().with_variant(sa.BigInteger(), "sqlite"), True, False, True),
    (lambda r: sa.String(20).with_variant(sa.Text(), "postgresql"), False, False, True),
    (lambda r: sa.Text().with_variant(sa.String(30, collation="NOCASE"), "sqlite"), False, False, True),
    (lambda r: sqlite.DATETIME(truncate_microseconds=True), False, False, True),
    (lambda r: sa.types.NullType(), False, False, False),
    (lambda r: sa.ARRAY(sa.Integer()), False, False, False),
]

STR_DEFAULTS = [
    "0", "abc", "it's", "''", "50%", "a:b", ":name", "%(x)s", "back\\slash", "(paren)", "with space",
    "line\nbreak", "", "'quoted'", '"dq"', "CURRENT_TIMESTAMP", "-1", "1.5", "ä", "tab\there", "a''b",
]
# text() defaults that are plain (no bind parameters, no ':', '\\' or '%') and valid in CREATE TABLE.
TEXT_PLAIN_CREATE = ["0", "1", "-1", "1.5", "CURRENT_TIMESTAMP", "(1 + 2)", "'abc'", "  'lead'", "NULL",
                     "'a''b'", "(datetime('now'))", "'it''s (x)'", "X'00ff'", "\"dq\""]
# ... and valid in ALTER TABLE ADD COLUMN (constants only, no parentheses).
TEXT_PLAIN_ADD = ["0", "1", "'abc'", "  'lead'", "NULL", "'a''b'", "X'00ff'"]
TEXT_PLAIN_OFFLINE = ["x y", "abc", "lower('X')", "'a' || 'b'"]
TEXT_ODD = ["'12:30'", "'50%'", "'a\\b'", "\\:x", "'a' || :b", "'%'", "strftime('%s','now')"]


@dataclass
class Case:
    """One generated operation: how to build it (twice, identically) and what it exercises."""

    kind: str
    seed: int
    plain: bool = True
    features: list[str] = field(default_factory=list)

    def build(self, online: bool = False) -> ops.Operation:
        self.plain, self.features = True, []
        return BUILDERS[self.kind](random.Random(self.seed), self, online)


def _server_default(rng: random.Random, case: Case, online: bool, for_add: bool) -> Any:
    roll = rng.random()
    if roll < 0.55:
        return None
    if roll < 0.75:
        case.features.append("default:str")
        return rng.choice(STR_DEFAULTS)
    if roll < 0.88:
        case.features.append("default:text")
        pool = TEXT_PLAIN_ADD if for_add else TEXT_PLAIN_CREATE
        if not online:
            pool = pool + TEXT_PLAIN_OFFLINE
        return sa.text(rng.choice(pool))
    case.plain = False
    if online:
        case.features.append("default:odd-text")
        return sa.text(rng.choice(["'12:30'", "'50%'", "'a\\b'"]) if not for_add else "'50%'")
    choice = rng.randrange(6)
    case.features.append(f"default:nonplain{choice}")
    if choice == 0:
        return sa.text(rng.choice(TEXT_ODD))
    if choice == 1:
        return sa.func.now()
    if choice == 2:
        return sa.func.lower("X")
    if choice == 3:
        return sa.literal_column("42")
    if choice == 4:
        return sa.FetchedValue()
    return sa.text("1").columns()  # a TextualSelect: not a plain default


def _column(rng: random.Random, case: Case, name: Any, *, online: bool, for_add: bool,
            in_create: bool, pk: bool = False) -> tuple[sa.Column[Any], bool]:
    """A random column; returns it and whether its type has integer affinity."""
    factory, is_int, adds_constraint, compiles_ok = rng.choice(TYPES)
    if online or in_create:
        # uncompilable types offline only (their errors are pinned at the end)
        while not compiles_ok:
            factory, is_int, adds_constraint, compiles_ok = rng.choice(TYPES)
    type_ = factory(rng)
    case.features.append(f"type:{type(type_).__name__}")
    if not compiles_ok:
        case.plain = False
    if adds_constraint and in_create:
        case.plain = False
    args: list[Any] = [name, type_]
    kw: dict[str, Any] = {}
    nullable = rng.choice([None, True, False])
    if for_add and online and nullable is False:
        nullable = None
    if nullable is not None:
        kw["nullable"] = nullable
    default = _server_default(rng, case, online, for_add)
    if default is not None:
        kw["server_default"] = default
    if pk:
        kw["primary_key"] = True
    auto = rng.choice([None, True, False, "auto", "ignore_fk"])
    if auto is True and pk:
        case.plain = False  # SQLAlchemy validates (and may refuse) it: compiled by SQLAlchemy
    if auto is not None:
        kw["autoincrement"] = auto
        case.features.append(f"autoincrement:{auto}")
    if rng.random() < 0.1:
        kw["comment"] = rng.choice(["a comment", "it's", "50% : x"])
        case.features.append("comment")
    if rng.random() < 0.05:
        kw["key"] = f"k_{rng.randrange(1000)}"
    if rng.random() < 0.05:
        kw["info"] = {"x": 1}
        kw["doc"] = "documented"
    if not online:
        extra = rng.random()
        if extra < 0.05:
            kw["index"] = True
            case.plain = False
            case.features.append("index=True")
        elif extra < 0.10:
            kw["unique"] = True
            case.plain = False
            case.features.append("unique=True")
            if rng.random() < 0.3:
                kw["sqlite_on_conflict_unique"] = "IGNORE"
        elif extra < 0.14:
            args.append(sa.ForeignKey("other.id", ondelete=rng.choice([None, "CASCADE"])))
            case.plain = False
            case.features.append("ForeignKey")
        elif extra < 0.17:
            args.append(sa.CheckConstraint(f"length({rng.choice(['a', 'b'])}) > 0"))
            case.plain = False
            case.features.append("column CheckConstraint")
        elif extra < 0.20:
            args.append(sa.Computed("1 + 1", persisted=rng.choice([None, True, False])))
            case.plain = False
            case.features.append("Computed")
        elif extra < 0.22:
            args.append(sa.Identity())
            case.plain = False
            case.features.append("Identity")
        elif extra < 0.26:
            kw["sqlite_on_conflict_not_null"] = rng.choice(["FAIL", "ROLLBACK", "IGNORE"])
            case.plain = False
            case.features.append("sqlite_on_conflict_not_null")
        elif extra < 0.28:
            kw["sqlite_on_conflict_primary_key"] = "REPLACE"
            case.plain = False
            case.features.append("sqlite_on_conflict_primary_key")
    return sa.Column(*args, **kw), is_int


def _unique_names(rng: random.Random, n: int, online: bool) -> list[Any]:
    names: list[Any] = []
    seen: set[str] = set()
    while len(names) < n:
        name = pick_name(rng, ODD_NAMES, online)
        folded = str.lower(name)  # quoted_name.lower() keeps a quoted name as it is
        if folded in seen:
            name = f"{name}_{len(names)}"
            folded = name.lower()
        if folded in seen:
            continue
        seen.add(folded)
        names.append(name)
    return names


def build_create_table(rng: random.Random, case: Case, online: bool) -> ops.Operation:
    table_name = pick_name(rng, TABLE_NAMES, online)
    if online:
        table_name = f"{table_name}_{case.seed}"
    n = rng.choice([0, 1, 1, 2, 3, 4, 6]) if not online else rng.randint(1, 6)
    if n == 0:
        case.plain = False
        case.features.append("no columns")
    names = _unique_names(rng, n, online)
    pk_count = min(n, rng.choice([0, 0, 1, 1, 1, 2]))
    pk_explicit = pk_count and not online and rng.random() < 0.15
    items: list[Any] = []
    pk_columns: list[Any] = []
    for i, name in enumerate(names):
        is_pk = i < pk_count
        column, _ = _column(rng, case, name, online=online, for_add=False, in_create=True,
                            pk=is_pk and not pk_explicit)
        items.append(column)
        if is_pk:
            pk_columns.append(column)
    if pk_count:
        case.features.append(f"pk:{pk_count}")
        if pk_count == 2 and any(c.autoincrement is True for c in pk_columns):
            case.plain = False  # SQLite refuses autoincrement on a composite key
    if pk_explicit:
        case.features.append("explicit PrimaryKeyConstraint")
        case.plain = False  # not asserted either way
        named = rng.random() < 0.5
        # in table order (reordered and partial constraints are pinned at the end)
        items.append(sa.PrimaryKeyConstraint(*[c.name for c in pk_columns],
                                             name="pk_named" if named else None))
    kw: dict[str, Any] = {}
    if not online:
        extra = rng.random()
        if extra < 0.04 and names:
            items.append(sa.UniqueConstraint(names[0], name=rng.choice([None, "uq_x"])))
            case.features.append("UniqueConstraint")
        elif extra < 0.07:
            items.append(sa.CheckConstraint("1 = 1", name=rng.choice([None, "ck_x"])))
            case.features.append("CheckConstraint")
        elif extra < 0.09 and names:
            items.append(sa.ForeignKeyConstraint([names[-1]], ["other.id"]))
            case.features.append("ForeignKeyConstraint")
        elif extra < 0.11 and names:
            items.append(sa.Index(rng.choice(["ix_in_table", "Odd Index"]), names[0],
                                  unique=rng.random() < 0.5))
            case.features.append("Index in table")
        elif extra < 0.14:
            kw["sqlite_autoincrement"] = True
            case.features.append("sqlite_autoincrement")
        elif extra < 0.16:
            kw["sqlite_with_rowid"] = False
            case.features.append("sqlite_with_rowid")
        elif extra < 0.17:
            kw["sqlite_strict"] = True
            case.features.append("sqlite_strict")
        elif extra < 0.19:
            kw["prefixes"] = ["TEMPORARY"]
            case.features.append("prefixes")
        elif extra < 0.21:
            kw["comment"] = "table comment"
            case.features.append("table comment")
        elif extra < 0.22:
            kw["info"] = {"a": 1}
            case.features.append("table info")
        if extra < 0.11 or kw:
            case.plain = False
    schema = None
    if not online and rng.random() < 0.04:
        schema = rng.choice(["aux", "Other Schema"])
        case.plain = False
        case.features.append("schema")
    if_not_exists = rng.random() < 0.15
    if if_not_exists:
        case.features.append("if_not_exists")
    if not online and rng.random() < 0.05 and not kw and n:
        # columns that already belong to a table: the operation copies them
        items = list(sa.Table("src", sa.MetaData(), *items).c) if not pk_explicit else items
        case.features.append("attached columns")
    return ops.CreateTableOp(table_name, tuple(items), schema=schema, if_not_exists=if_not_exists or None,
                             kw=kw)


def build_add_column(rng: random.Random, case: Case, online: bool) -> ops.Operation:
    table_name = pick_name(rng, TABLE_NAMES, online)
    name = pick_name(rng, ODD_NAMES, online)
    pk = not online and rng.random() < 0.04
    if pk:
        case.plain = False
        case.features.append("add pk column")
    column, _ = _column(rng, case, name, online=online, for_add=True, in_create=False, pk=pk)
    schema = None
    if_not_exists = None
    if not online:
        if rng.random() < 0.04:
            schema = "aux"
            case.plain = False
            case.features.append("schema")
        if rng.random() < 0.03:
            if_not_exists = True
            case.plain = False
            case.features.append("if_not_exists")
    return ops.AddColumnOp(table_name, column, schema=schema, if_not_exists=if_not_exists)


INDEX_NAMES = ["ix_a", "ix_Mixed", "Index With Space", "select", 'ix"q', "ix%p", "ix:c", "päivä_ix", "1ix"]


def build_create_index(rng: random.Random, case: Case, online: bool) -> ops.Operation:
    table_name = pick_name(rng, TABLE_NAMES, online)
    roll = rng.random()
    name: Any
    if roll < 0.6:
        name = pick_name(rng, INDEX_NAMES, online)
    elif roll < 0.7:
        name = conv(rng.choice(INDEX_NAMES))
        case.features.append("conv name")
    elif roll < 0.8:
        name = Operations.f(rng.choice(INDEX_NAMES))
        case.features.append("op.f name")
    elif roll < 0.88:
        name = "ix_" + "n" * rng.choice([60, 200, 9990])
        case.features.append("long name")
    elif roll < 0.93 and not online:
        name = rng.choice([conv("c" * 10001), "p" * 10001])  # truncated / refused by SQLAlchemy
        case.features.append("too-long name")
    elif not online:
        name = None
        case.plain = False
        case.features.append("no name")
    else:
        name = "ix_plain"
    n = rng.choice([1, 1, 2, 3]) if online else rng.choice([0, 1, 1, 2, 3])
    columns: list[Any] = list(_unique_names(rng, n, online))
    if n == 0:
        case.plain = False
    kw: dict[str, Any] = {}
    schema = None
    if not online:
        extra = rng.random()
        if extra < 0.06:
            columns.append(sa.text("lower(name)"))
            case.plain = False
            case.features.append("expression column")
        elif extra < 0.10:
            kw["sqlite_where"] = sa.text("value > 0")
            case.plain = False
            case.features.append("sqlite_where")
        elif extra < 0.13:
            schema = "aux"
            case.plain = False
            case.features.append("schema")
        elif extra < 0.15 and columns:
            columns.append(columns[0])
            case.features.append("repeated column")
    unique = rng.random() < 0.3
    if_not_exists = rng.random() < 0.15
    return ops.CreateIndexOp(name, table_name, tuple(columns), schema=schema, unique=unique,
                             if_not_exists=if_not_exists or None, kw=kw)


BUILDERS: dict[str, Callable[[random.Random, Case, bool], ops.Operation]] = {
    "create_table": build_create_table,
    "add_column": build_add_column,
    "create_index": build_create_index,
}


def generate(seed: int, count: int) -> list[Case]:
    rng = random.Random(seed)
    kinds = ["create_table"] * 5 + ["add_column"] * 3 + ["create_index"] * 2
    return [Case(rng.choice(kinds), rng.randrange(2**32)) for _ in range(count)]


# -- running operations offline ----------------------------------------------------------------


def run_offline(impl: SqliteImpl, operation: ops.Operation | Callable[[], ops.Operation]) -> tuple[str, Any]:
    """``("ok", sql)`` or ``("error", exception type)`` for one operation on ``impl``.

    ``operation`` may be a function building it (building can fail too: SQLAlchemy
    refuses some column shapes, e.g. a computed column with a server default).
    """
    out = impl.output
    assert isinstance(out, io.StringIO)
    start = len(out.getvalue())
    try:
        impl.run(operation if isinstance(operation, ops.Operation) else operation())
    except Exception as exc:
        return "error", type(exc)
    return "ok", out.getvalue()[start:]


def new_impl(cls: type[SqliteImpl]) -> SqliteImpl:
    return cls(sqlite.dialect(), as_sql=True, output=io.StringIO())


DIFFERENTIAL_SEED = 20261124
DIFFERENTIAL_COUNT = 2000


@pytest.fixture(scope="module")
def differential() -> dict[str, Any]:
    """Every generated case run through both impls; what each produced."""
    cases = generate(DIFFERENTIAL_SEED, DIFFERENTIAL_COUNT)
    results: list[tuple[Case, tuple[str, Any], tuple[str, Any], bool]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # one impl pair for the whole sequence: no operation may change how a later one compiles
        direct, compiled = new_impl(DirectImpl), new_impl(CompilerImpl)
        # as when the script throws op.create_table()'s result away: no Table is built
        tableless = new_impl(DirectImpl)
        tableless.table_result_unused = True
        unbuilt: list[tuple[Case, tuple[str, Any], tuple[str, Any], bool]] = []
        for case in cases:
            hits_before = len(direct_hits(direct))
            got = run_offline(direct, case.build)
            want = run_offline(compiled, case.build)
            results.append((case, got, want, len(direct_hits(direct)) > hits_before))
            if case.kind == "create_table":
                before = direct_hits(tableless).count("create_table_from_columns")
                no_table = run_offline(tableless, case.build)
                took = direct_hits(tableless).count("create_table_from_columns") > before
                unbuilt.append((case, no_table, want, took))
    return {"results": results, "tableless": unbuilt}


def test_create_table_without_building_the_table_is_identical(differential: dict[str, Any]) -> None:
    """create_table for a caller that drops the result writes the same text (or fails the same way)."""
    rows = differential["tableless"]
    mismatches = [(c.seed, c.features, got, want) for c, got, want, _ in rows if got != want]
    assert not mismatches, f"{len(mismatches)} differing cases, first: {mismatches[:3]!r}"
    taken = sum(1 for *_, took in rows if took)
    assert taken >= 100, taken


def test_direct_output_is_identical_to_sqlalchemys(differential: dict[str, Any]) -> None:
    mismatches = []
    for case, got, want, _ in differential["results"]:
        if got != want:
            mismatches.append((case.kind, case.seed, case.features, got, want))
    assert not mismatches, f"{len(mismatches)} differing cases, first: {mismatches[:3]!r}"


def test_plain_cases_take_the_direct_path(differential: dict[str, Any]) -> None:
    not_taken = [(c.kind, c.seed, c.features, got) for c, got, _, took in differential["results"]
                 if c.plain and got[0] == "ok" and not took]
    assert not not_taken, f"{len(not_taken)} plain cases compiled by SQLAlchemy, first: {not_taken[:3]!r}"


def test_the_random_space_is_wide(differential: dict[str, Any]) -> None:
    """The generator covers what it claims: direct and fallback, every kind, errors on both sides."""
    results = differential["results"]
    assert len(results) == DIFFERENTIAL_COUNT
    by_kind: dict[tuple[str, bool], int] = {}
    for case, got, _, took in results:
        by_kind[case.kind, took] = by_kind.get((case.kind, took), 0) + 1
    for kind in BUILDERS:
        assert by_kind.get((kind, True), 0) >= 150, (kind, by_kind)
        assert by_kind.get((kind, False), 0) >= 50, (kind, by_kind)
    errors = [got for _, got, _, _ in results if got[0] == "error"]
    assert len(errors) >= 20
    features = {f.split(":")[0] for case, *_ in results for f in case.features}
    for expected in ["default", "type", "autoincrement", "index=True", "unique=True", "ForeignKey",
                     "Computed", "Identity", "sqlite_on_conflict_not_null", "sqlite_autoincrement",
                     "sqlite_with_rowid", "prefixes", "if_not_exists", "conv name", "op.f name",
                     "too-long name", "explicit PrimaryKeyConstraint", "attached columns", "pk"]:
        assert expected in features, expected
    type_names = {f for case, *_ in results for f in case.features if f.startswith("type:")}
    assert len(type_names) >= 25, type_names


def test_direct_classifies_plain_columns_and_tables() -> None:
    """The direct renderer itself answers for plain shapes and declines the rest."""
    direct = SqliteDirectDDL.for_dialect(sqlite.dialect())
    assert isinstance(direct, SqliteDirectDDL)
    plain = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("select", sa.String(20), server_default="it's", nullable=False))
    assert direct.create_table(plain) == (
        '\nCREATE TABLE t (\n\tid INTEGER NOT NULL, \n\t"select" VARCHAR(20) DEFAULT \'it\'\'s\' NOT NULL, '
        "\n\tPRIMARY KEY (id)\n)\n\n")
    assert direct.create_table(plain) == str(CreateTable(plain).compile(dialect=sqlite.dialect()))
    assert plain_column(sa.Column("x", sa.Integer, server_default=sa.text("(1 + 2)")))
    assert not plain_column(sa.Column("x", sa.Integer, server_default=sa.text("'12:00'")))
    assert not plain_column(sa.Column("x", sa.Integer, index=True))
    assert not plain_column(sa.Column("x", sa.Integer, sqlite_on_conflict_not_null="FAIL"))
    assert direct.add_column("t", sa.Column("x", sa.Integer, server_default="-1")) == \
        "ALTER TABLE t ADD COLUMN x INTEGER DEFAULT '-1'"
    assert direct.add_column("t", sa.Column("x", sa.Integer, sa.ForeignKey("o.id"))) is None
    assert direct.create_index("Ix A", "t", ["a", "select"], unique=True, if_not_exists=True) == \
        'CREATE UNIQUE INDEX IF NOT EXISTS "Ix A" ON t (a, "select")'
    assert direct.create_index(None, "t", ["a"]) is None
    assert direct.create_index("ix", "t", [sa.text("lower(a)")]) is None
    # the base class reproduces no compiler: no direct DDL for it
    assert DirectDDL.for_dialect(sqlite.dialect()) is None
    # another dialect's compiler: SQLite's renderer declines
    from sqlalchemy.dialects import postgresql

    assert SqliteDirectDDL.for_dialect(postgresql.dialect()) is None


def test_naming_convention_turns_direct_ddl_off() -> None:
    md = sa.MetaData(naming_convention={"ix": "idx_%(column_0_name)s"})
    impl = DirectImpl(sqlite.dialect(), as_sql=True, output=io.StringIO(),
                      context_opts={"target_metadata": md})
    impl.run(ops.CreateTableOp("t", (sa.Column("a", sa.Integer, index=True),)))
    impl.run(ops.AddColumnOp("t", sa.Column("b", sa.Integer)))
    assert impl._direct() is None
    assert impl.output is not None
    assert impl.output.getvalue() == ("CREATE TABLE t (\n    a INTEGER\n);\n\n"
                                      "CREATE INDEX idx_a ON t (a);\n\n"
                                      "ALTER TABLE t ADD COLUMN b INTEGER;\n\n")


# -- online: the same plain operations on two SQLite files -----------------------------------------


def plain_online_cases(seed: int, count: int) -> list[Case]:
    """Plain operations that SQLite runs: tables first, then columns and indexes on them."""
    rng = random.Random(seed)
    cases: list[Case] = []
    tables: list[ops.CreateTableOp] = []
    while len(cases) < count:
        case = Case("create_table", rng.randrange(2**32))
        op = case.build(online=True)
        assert isinstance(op, ops.CreateTableOp)
        if case.plain:
            cases.append(case)
            tables.append(op)
    return cases


def online_ops(table_cases: list[Case], seed: int) -> list[ops.Operation]:
    """The create_table ops, then plain add_column / create_index ops on those tables."""
    rng = random.Random(seed)
    result: list[ops.Operation] = []
    tables: list[tuple[str, list[str]]] = []
    for case in table_cases:
        op = case.build(online=True)
        assert isinstance(op, ops.CreateTableOp)
        result.append(op)
        tables.append((op.table_name, [c.name for c in op.columns if isinstance(c, sa.Column)]))
    for i, (table_name, column_names) in enumerate(tables):
        for j in range(rng.randint(0, 2)):
            while True:
                case = Case("add_column", rng.randrange(2**32))
                add = case.build(online=True)
                assert isinstance(add, ops.AddColumnOp)
                if case.plain:
                    break
            column = add.column
            column.name = f"{column.name}_add{j}"
            column.key = column.name
            result.append(ops.AddColumnOp(table_name, column))
            column_names.append(column.name)
        if column_names and rng.random() < 0.7:
            cols = rng.sample(column_names, min(len(column_names), rng.randint(1, 3)))
            name = pick_name(rng, INDEX_NAMES, True)
            result.append(ops.CreateIndexOp(f"{name}_{i}", table_name, tuple(cols),
                                            unique=False,
                                            if_not_exists=rng.random() < 0.2 or None))
    return result


def schema_of(url: str) -> tuple[list[tuple[Any, ...]], dict[str, Any]]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            master = [tuple(r) for r in conn.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master "
                "WHERE tbl_name NOT LIKE 'mig_version%' ORDER BY type, name")]
            insp = sa.inspect(conn)
            reflected: dict[str, Any] = {}
            for table in sorted(insp.get_table_names()):
                if table.startswith("mig_version"):
                    continue
                reflected[table] = (
                    [(c["name"], str(c["type"]), c["nullable"], c["default"]) for c in insp.get_columns(table)],
                    insp.get_pk_constraint(table),
                    sorted((i["name"], tuple(i["column_names"]), i["unique"]) for i in insp.get_indexes(table)),
                )
    finally:
        engine.dispose()
    return master, reflected


ONLINE_TABLES = 60


def test_online_plain_operations_leave_the_same_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    table_cases = plain_online_cases(7, ONLINE_TABLES)
    counted: list[CountingDirect] = []

    class Recording(CountingDirect):
        def __init__(self, dialect: Any) -> None:
            super().__init__(dialect)
            counted.append(self)

    schemas = []
    for label, renderer in (("direct", Recording), ("compiler", None)):
        monkeypatch.setattr(SqliteImpl, "direct_ddl", renderer)
        url = f"sqlite:///{tmp_path / (label + '.db')}"
        runner = MigrationRunner(tmp_path / label, url)
        operations = online_ops(table_cases, 11)

        def upgrade(operations: list[ops.Operation] = operations) -> None:
            from mig import op

            for operation in operations:
                op.invoke(operation)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            runner.run(upgrade)
        runner.close()
        schemas.append(schema_of(url))
    kinds = [type(o).__name__ for o in operations]
    hits = [h for renderer in counted for h in renderer.hits]
    assert hits.count("create_table") == kinds.count("CreateTableOp") == ONLINE_TABLES
    assert hits.count("add_column") == kinds.count("AddColumnOp") > 20
    assert hits.count("create_index") == kinds.count("CreateIndexOp") > 20
    (master_direct, reflected_direct), (master_compiled, reflected_compiled) = schemas
    assert sum(1 for row in master_direct if row[0] == "table") == ONLINE_TABLES
    assert sum(1 for row in master_direct if row[0] == "index" and row[3] is not None) == \
        kinds.count("CreateIndexOp")
    assert master_direct == master_compiled
    assert reflected_direct == reflected_compiled


# -- @compiles overrides turn direct DDL off -----------------------------------------------------


@pytest.fixture(params=[(CreateTable, "sqlite"), (CreateTable, None), (CreateColumn, "sqlite"),
                        (CreateIndex, "sqlite")], ids=["CreateTable-sqlite", "CreateTable-default",
                                                       "CreateColumn-sqlite", "CreateIndex-sqlite"])
def override(request: pytest.FixtureRequest) -> Iterator[type]:
    """A ``@compiles`` override that marks the statement; removed again afterwards."""
    cls, dialect_name = request.param
    assert "_compiler_dispatcher" not in cls.__dict__, "someone else overrides this construct"
    visit = {CreateTable: "visit_create_table", CreateColumn: "visit_create_column",
             CreateIndex: "visit_create_index"}[cls]

    def marked(element: Any, compiler: Any, **kw: Any) -> str:
        text: str = getattr(compiler, visit)(element, **kw)
        return text.rstrip() + " /* overridden */"

    args = (cls, dialect_name) if dialect_name else (cls,)
    compiles(*args)(marked)
    request.addfinalizer(lambda: deregister(cls))
    yield cls


def test_compiles_override_is_honoured(override: type) -> None:
    impl = new_impl(DirectImpl)
    impl.run(ops.CreateTableOp("t", (sa.Column("id", sa.Integer, primary_key=True), sa.Column("x", sa.Text))))
    impl.run(ops.CreateIndexOp("ix_t_x", "t", ("x",)))
    impl.run(ops.AddColumnOp("t", sa.Column("y", sa.Integer)))
    assert impl._direct() is None and direct_hits(impl) == []
    assert impl.output is not None
    out = impl.output.getvalue()
    if override is CreateTable:
        assert out.startswith("CREATE TABLE t (\n    id INTEGER NOT NULL,\n    x TEXT,\n"
                              "    PRIMARY KEY (id)\n) /* overridden */;\n\n")
    elif override is CreateColumn:
        assert out.startswith("CREATE TABLE t (\n    id INTEGER NOT NULL /* overridden */,\n"
                              "    x TEXT /* overridden */,\n")
    else:
        assert "CREATE INDEX ix_t_x ON t (x) /* overridden */;" in out
    assert "ALTER TABLE t ADD COLUMN y INTEGER;" in out
    compiled = new_impl(CompilerImpl)
    for operation in (ops.CreateTableOp("t", (sa.Column("id", sa.Integer, primary_key=True),
                                              sa.Column("x", sa.Text))),
                      ops.CreateIndexOp("ix_t_x", "t", ("x",)), ops.AddColumnOp("t", sa.Column("y", sa.Integer))):
        compiled.run(operation)
    assert compiled.output is not None
    assert out == compiled.output.getvalue()


def test_direct_ddl_is_back_after_the_override_is_removed() -> None:
    """Runs after the parametrised override tests: the finalizer restored SQLAlchemy's compilation."""
    for cls in (CreateTable, CreateColumn, CreateIndex):
        assert "_compiler_dispatcher" not in cls.__dict__
    impl = new_impl(DirectImpl)
    impl.run(ops.CreateTableOp("t", (sa.Column("id", sa.Integer, primary_key=True),)))
    assert direct_hits(impl) == ["create_table"]
    assert impl.output is not None and "overridden" not in impl.output.getvalue()


def test_type_override_is_used_by_direct_ddl() -> None:
    impl = new_impl(DirectImpl)
    impl.run(ops.AddColumnOp("t", sa.Column("p", Tagged())))
    assert direct_hits(impl) == ["add_column"]
    assert impl.output is not None
    assert impl.output.getvalue() == "ALTER TABLE t ADD COLUMN p TAGGED_ON_SQLITE;\n\n"


# -- what listens to SQLAlchemy's events sees every statement ----------------------------------------

ENGINE_ENV_PY = ENV_PY.replace(
    "engine = sa.create_engine(config.url, poolclass=sa.pool.NullPool)",
    "engine = config.attributes['engine']").replace("engine.dispose()", "pass")
assert ENGINE_ENV_PY != ENV_PY


class EngineRunner(MigrationRunner):
    """A runner whose env.py migrates through a given engine (with its listeners and echo)."""

    def __init__(self, directory: Path, engine: sa.Engine) -> None:
        super().__init__(directory, str(engine.url))
        self.engine = engine
        (self.location / "env.py").write_text(ENGINE_ENV_PY, encoding="utf-8")

    def config(self, *, output: Any = None) -> Any:
        config = super().config(output=output)
        config.attributes["engine"] = self.engine
        return config


def ddl_upgrade() -> None:
    from mig import op

    op.create_table("account", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("email", sa.String(80), nullable=False, server_default="none@example.com"))
    op.add_column("account", sa.Column("age", sa.Integer, server_default=sa.text("0")))
    op.create_index("ix_account_email", "account", ["email"], unique=True)
    odd = op.create_table("Odd Table", sa.Column("select", sa.Text))  # kept: a real Table is built
    assert isinstance(odd, sa.Table) and odd.c.select.table is odd
    op.bulk_insert(odd, [{"select": "kept"}])
    op.add_column("Odd Table", sa.Column("x", sa.Integer))
    op.create_index("Odd Index", "Odd Table", ["select", "x"])


EXPECTED_DDL = [
    "\nCREATE TABLE account (\n\tid INTEGER NOT NULL, \n\temail VARCHAR(80) DEFAULT 'none@example.com' NOT NULL,"
    " \n\tPRIMARY KEY (id)\n)\n\n",
    "ALTER TABLE account ADD COLUMN age INTEGER DEFAULT 0",
    "CREATE UNIQUE INDEX ix_account_email ON account (email)",
    '\nCREATE TABLE "Odd Table" (\n\t"select" TEXT\n)\n\n',
    'ALTER TABLE "Odd Table" ADD COLUMN x INTEGER',
    'CREATE INDEX "Odd Index" ON "Odd Table" ("select", x)',
]


def _run_ddl_upgrade(tmp_path: Path, engine: sa.Engine) -> EngineRunner:
    """Run ``ddl_upgrade`` through ``engine`` (then dispose of it); returns the runner."""
    runner = EngineRunner(tmp_path / "p", engine)
    try:
        runner.run(ddl_upgrade)
    finally:
        runner.close()
        engine.dispose()
    return runner


def _ddl(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().startswith(("CREATE", "ALTER"))]


def test_before_cursor_execute_listener_sees_every_ddl_statement(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'events.db'}", poolclass=sa.pool.NullPool)
    seen: list[str] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    runner = _run_ddl_upgrade(tmp_path, engine)
    ddl = _ddl(seen)
    assert [s for s in ddl if "mig_version" not in s] == EXPECTED_DDL
    assert runner.heads() == ("0001",)


def test_echo_logs_every_ddl_statement(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'echo.db'}", poolclass=sa.pool.NullPool, echo=True)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine.Engine")
    _run_ddl_upgrade(tmp_path, engine)
    logged = _ddl([r.getMessage() for r in caplog.records if r.name.startswith("sqlalchemy.engine")])
    assert [s for s in logged if "mig_version" not in s] == EXPECTED_DDL


def test_without_listeners_the_same_run_goes_direct(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    counted: list[CountingDirect] = []

    class Recording(CountingDirect):
        def __init__(self, dialect: Any) -> None:
            super().__init__(dialect)
            counted.append(self)

    monkeypatch.setattr(SqliteImpl, "direct_ddl", Recording)
    url = f"sqlite:///{tmp_path / 'quiet.db'}"
    with MigrationRunner(tmp_path / "p", url) as runner:
        runner.run(ddl_upgrade)
    # the first create_table's result is thrown away: no Table built; the second is kept
    assert [h for r in counted for h in r.hits] == ["create_table_from_columns", "add_column", "create_index",
                                                    "create_table", "add_column", "create_index"]
    master, _ = schema_of(url)
    sql = {row[1]: row[3] for row in master}
    assert sql["account"] == ("CREATE TABLE account (\n\tid INTEGER NOT NULL, \n\temail VARCHAR(80) DEFAULT "
                              "'none@example.com' NOT NULL, age INTEGER DEFAULT 0, \n\tPRIMARY KEY (id)\n)")
    assert sql["ix_account_email"] == EXPECTED_DDL[2]
    assert sql["Odd Index"] == EXPECTED_DDL[5]


# -- shapes that once differed (found by this file): now compiled by SQLAlchemy or identical ------------


def _both(make: Callable[[], ops.Operation]) -> tuple[tuple[str, Any], tuple[str, Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_offline(new_impl(DirectImpl), make()), run_offline(new_impl(CompilerImpl), make())


def test_explicit_primary_key_order() -> None:
    got, want = _both(lambda: ops.CreateTableOp("t", (sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
                                                      sa.PrimaryKeyConstraint("b", "a"))))
    assert want == ("ok", "CREATE TABLE t (\n    a INTEGER NOT NULL,\n    b INTEGER NOT NULL,\n"
                          "    PRIMARY KEY (b, a)\n);\n\n")
    assert got == want


def test_explicit_primary_key_overrides_column_flags() -> None:
    got, want = _both(lambda: ops.CreateTableOp("t", (sa.Column("a", sa.Integer, primary_key=True),
                                                      sa.Column("b", sa.Integer), sa.PrimaryKeyConstraint("b"))))
    assert want == ("ok", "CREATE TABLE t (\n    a INTEGER NOT NULL,\n    b INTEGER NOT NULL,\n"
                          "    PRIMARY KEY (b)\n);\n\n")
    assert got == want


def test_autoincrement_true_on_a_string_primary_key() -> None:
    got, want = _both(lambda: ops.CreateTableOp(
        "t", (sa.Column("code", sa.String(10), primary_key=True, autoincrement=True),)))
    assert want == ("error", sa.exc.ArgumentError)
    assert got == want


def test_uncompilable_type_in_create_table_error_type() -> None:
    got, want = _both(lambda: ops.CreateTableOp("t", (sa.Column("a", sa.ARRAY(sa.Integer)),)))
    assert want == ("error", sa.exc.CompileError)
    assert got == want


def test_null_type_in_create_table_error_message() -> None:
    messages = []
    for cls in (DirectImpl, CompilerImpl):
        with pytest.raises(sa.exc.CompileError) as info:
            new_impl(cls).run(ops.CreateTableOp("t", (sa.Column("a", sa.types.NullType()),)))
        messages.append(str(info.value))
    assert messages[1].startswith("(in table 't', column 'a'): Can't generate DDL for NullType()")
    assert messages[0] == messages[1]


def test_explicit_primary_key_in_table_order() -> None:
    """An explicit PrimaryKeyConstraint always goes to SQLAlchemy, whatever its order."""
    got, want = _both(lambda: ops.CreateTableOp("t", (sa.Column("a", sa.Integer), sa.Column("b", sa.Integer),
                                                      sa.PrimaryKeyConstraint("a", "b"))))
    assert got == want == ("ok", "CREATE TABLE t (\n    a INTEGER NOT NULL,\n    b INTEGER NOT NULL,\n"
                                 "    PRIMARY KEY (a, b)\n);\n\n")


def test_stub_table_spelling_leaks_into_later_operations() -> None:
    outputs = []
    for cls in (DirectImpl, CompilerImpl):
        impl = new_impl(cls)
        impl.run(ops.CreateIndexOp("ix1", quoted_name("account", True), ("a",)))
        impl.run(ops.CreateIndexOp(None, "account", ("b",)))
        assert impl.output is not None
        outputs.append(impl.output.getvalue())
    # the second statement on its own, as SQLAlchemy writes it for a fresh table:
    assert outputs[0] == 'CREATE INDEX ix1 ON "account" (a);\n\nCREATE INDEX ix_account_b ON account (b);\n\n'
    assert outputs[1] == outputs[0]


def test_index_on_a_column_added_with_a_key() -> None:
    results = []
    for cls in (DirectImpl, CompilerImpl):
        impl = new_impl(cls)
        results.append(run_offline(impl, ops.AddColumnOp("t", sa.Column("select", sa.Integer, key="k"))))
        results.append(run_offline(impl, ops.CreateIndexOp("ix", "t", ("select",))))
    assert results[:2] == [("ok", 'ALTER TABLE t ADD COLUMN "select" INTEGER;\n\n'),
                           ("ok", 'CREATE INDEX ix ON t ("select");\n\n')]
    assert results[2:] == results[:2]
