"""docs/dialects.md is the dialect contract: its reference is the declarations, its walk-through runs."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite

from mig.ddl.batch import BatchStrategy
from mig.ddl.contract import contract_problems, render_reference
from mig.ddl.impl import ATTRIBUTES, DialectImpl
from mig.errors import NotSupportedError
from mig.operations import Operations
from mig.runtime import MigrationContext

DOC = (Path(__file__).resolve().parents[1] / "docs" / "dialects.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("cls", [DialectImpl, BatchStrategy])
def test_the_reference_is_the_declarations(cls: type) -> None:
    found = re.search(rf"<!-- contract:{cls.__name__} -->\n\n(.*?)\n<!-- /contract:{cls.__name__} -->",
                      DOC, re.S)
    assert found is not None
    assert found.group(1) == render_reference(cls), "run scripts/dialect-docs"


def _walkthrough() -> type[DialectImpl]:
    block = next(b for b in re.findall(r"```python\n(.*?)```", DOC, re.S) if "class AcmeImpl" in b)
    namespace: dict[str, object] = {}
    exec(compile(block, "docs/dialects.md", "exec"), namespace)
    impl = namespace["AcmeImpl"]
    assert isinstance(impl, type) and issubclass(impl, DialectImpl)
    return impl


def test_the_walkthrough_dialect_works_as_the_page_says() -> None:
    acme = _walkthrough()
    assert contract_problems(acme, ATTRIBUTES) == []
    out = io.StringIO()
    ctx = MigrationContext.configure(dialect=sqlite.dialect(), opts={
        "impl_class": acme, "as_sql": True, "output_buffer": out})
    op = Operations(ctx)
    with ctx.begin_transaction():
        op.create_table("t", sa.Column("id", sa.Integer, primary_key=True))
        with pytest.raises(NotSupportedError, match="Acme cannot change a column's nullability"):
            op.alter_column("t", "id", nullable=True)
        with pytest.raises(NotSupportedError, match="Acme has no IF NOT EXISTS here"):
            op.create_index("ix", "t", ["id"], if_not_exists=True)
    assert out.getvalue() == ("BEGIN TRANSACTION\nGO\n\nCREATE TABLE t (\n    id INTEGER NOT NULL,\n"
                              "    PRIMARY KEY (id)\n)\nGO\n\nCOMMIT\nGO\n\n")
