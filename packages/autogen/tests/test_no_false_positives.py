"""A model created with ``metadata.create_all()`` compares clean on every database."""

from __future__ import annotations

import sqlalchemy as sa

from .conftest import described
from .models import representative_model


def test_create_all_then_compare_is_clean(engine: sa.Engine) -> None:
    md = representative_model(engine.dialect.name)
    assert described(engine, md) == ["create_table account", "create_index ix_account_lower_name on account",
                                     "create_table post", "create_index ix_post_account_id on post",
                                     "create_table tag"]
    md.create_all(engine)
    assert described(engine, md) == []
