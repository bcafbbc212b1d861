"""No false positives: a model with every generic type, each dialect's own types and every kind of object,
created with ``metadata.create_all()``, compares clean on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa

from mig_autogen.api import compare_metadata

from .models import OTHER_SCHEMA, build


def _create(engine: sa.Engine) -> sa.MetaData:
    md = build(engine.dialect.name)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {OTHER_SCHEMA}"))
    md.create_all(engine)
    return md


def _compare(engine: sa.Engine, md: sa.MetaData) -> list[str]:
    with engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
        return [op.describe() for op in compare_metadata(conn, md, include_schemas=_schemas(engine))]


def _schemas(engine: sa.Engine) -> bool:
    """A second schema on PostgreSQL (on MariaDB a schema is another database: the other tests')."""
    return engine.dialect.name == "postgresql"


def test_the_model_is_complete(engine: sa.Engine) -> None:
    """The model is what it claims: all of it is proposed on an empty database."""
    md = build(engine.dialect.name)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {OTHER_SCHEMA}"))
    found = _compare(engine, md)
    created = {d.split()[1] for d in found if d.startswith("create_table")}
    assert created == {t.fullname for t in md.tables.values()}
    assert "create_index ix_generic_s_i on generic" in found


def test_create_all_then_compare_is_clean(engine: sa.Engine) -> None:
    md = _create(engine)
    assert _compare(engine, md) == []


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_mig_check_is_clean(engine: sa.Engine, url: str, tmp_path: Path) -> None:
    """``mig check`` (the command) against the model's database: no difference."""
    from mig import command
    from mig.errors import CommandError
    from mig.testing.project import MigrationRunner

    md = _create(engine)
    runner = MigrationRunner(tmp_path, url, configure_options={"target_metadata": md,
                                                                  "include_schemas": _schemas(engine)})
    try:
        assert command.check(runner.config()) == []
        # and a drift is found, so the clean result above means something
        md.tables["generic"].append_column(sa.Column("drift", sa.Integer))
        with pytest.raises(CommandError, match=r"add_column generic\.drift"):
            command.check(runner.config())
    finally:
        runner.close()
