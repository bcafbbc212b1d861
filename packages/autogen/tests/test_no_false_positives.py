"""A model created with ``metadata.create_all()`` compares clean on every database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from .conftest import described
from .models import representative_model


def test_create_all_then_compare_is_clean(engine: sa.Engine) -> None:
    from mig_autogen.compare.hooks import dialect_rules
    from mig_autogen.rules import DialectRules

    if engine.dialect.name != "sqlite" and type(dialect_rules((engine.dialect.name,))) is DialectRules:
        pytest.xfail(f"no plugin supplies {engine.dialect.name}'s comparison rules (casts, quoting, "
                     f"Boolean as TINYINT, JSON as LONGTEXT) in this environment")
    md = representative_model(engine.dialect.name)
    expected_types = ["create_enum_type account_kind"] if engine.dialect.name == "postgresql" else []
    assert described(engine, md) == [*expected_types, "create_table account", "create_index ix_account_lower_name on account",
                                     "create_table post", "create_index ix_post_account_id on post",
                                     "create_table tag"]
    md.create_all(engine)
    assert described(engine, md) == []
