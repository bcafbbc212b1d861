"""Types, server defaults and imports in a draft; render_item (env.py callable and plugin hook)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

from mig import hookimpl, ops, plugins
from mig_autogen.render import RenderContext, render_python


class Money(sa.types.TypeDecorator[Any]):
    impl = sa.Numeric(12, 2)
    cache_ok = True

    def __repr__(self) -> str:
        return "Money()"


def add(column: sa.Column[Any], **options: Any) -> tuple[str, set[str]]:
    ctx = RenderContext(options=options)
    return render_python([ops.AddColumnOp("t", column)], context=ctx), ctx.imports


@pytest.mark.parametrize(("type_", "text", "imports"), [
    (sa.Integer(), "sa.Integer()", set()),
    (sa.Numeric(10, 2), "sa.Numeric(precision=10, scale=2)", set()),
    (sa.Enum("a", "b", name="kind"), "sa.Enum('a', 'b', name='kind')", set()),
    (postgresql.JSONB(), "postgresql.JSONB()", {"from sqlalchemy.dialects import postgresql"}),
    (postgresql.ARRAY(sa.Integer()), "postgresql.ARRAY(sa.Integer())", {"from sqlalchemy.dialects import postgresql"}),
    (mysql.INTEGER(display_width=11), "mysql.INTEGER(display_width=11)", {"from sqlalchemy.dialects import mysql"}),
    (sa.String(20).with_variant(mysql.VARCHAR(20, charset="utf8mb4"), "mysql"),
     "sa.String(length=20).with_variant(mysql.VARCHAR(charset='utf8mb4', length=20), 'mysql')",
     {"from sqlalchemy.dialects import mysql"}),
], ids=["integer", "numeric", "enum", "jsonb", "array", "mysql-int", "variant"])
def test_types_are_written_with_their_module_and_imported(type_: Any, text: str, imports: set[str]) -> None:
    rendered, needed = add(sa.Column("c", type_))
    assert rendered == f"op.add_column('t', sa.Column('c', {text}, nullable=True))"
    assert needed == imports


def test_user_types_are_imported_from_their_module_or_written_with_user_module_prefix() -> None:
    rendered, needed = add(sa.Column("price", Money()))
    assert rendered == f"op.add_column('t', sa.Column('price', {__name__}.Money(), nullable=True))"
    assert needed == {f"import {__name__}"}
    rendered, needed = add(sa.Column("price", Money()), user_module_prefix="myapp.types.")
    assert rendered == "op.add_column('t', sa.Column('price', myapp.types.Money(), nullable=True))"
    assert needed == set()


def test_computed_and_identity_columns() -> None:
    rendered, _ = add(sa.Column("total", sa.Integer, sa.Computed("a + b", persisted=True)))
    assert rendered == ("op.add_column('t', sa.Column('total', sa.Integer(), sa.Computed('a + b', persisted=True), "
                        "nullable=True))")
    rendered, _ = add(sa.Column("id", sa.BigInteger, sa.Identity(start=10)))
    assert rendered == ("op.add_column('t', sa.Column('id', sa.BigInteger(), sa.Identity(start=10), "
                        "nullable=False))")


def test_render_item_in_env_py_wins_and_may_add_imports() -> None:
    def render_item(type_: str, obj: Any, autogen_context: Any) -> Any:
        if type_ == "type" and isinstance(obj, Money):
            autogen_context.imports.add("from myapp.types import Money")
            return "Money()"
        return False

    rendered, needed = add(sa.Column("price", Money()), render_item=render_item)
    assert rendered == "op.add_column('t', sa.Column('price', Money(), nullable=True))"
    assert needed == {"from myapp.types import Money"}


class _RenderItemPlugin:
    @hookimpl
    def mig_autogen_render_item(self, type_: str, obj: Any, autogen_context: Any) -> str | None:
        if type_ == "server_default":
            return "sa.text('now()')"
        return None


def test_mig_autogen_render_item_hook_writes_an_item() -> None:
    plugin = _RenderItemPlugin()
    plugins.register(plugin, name="render-item-test")
    try:
        rendered, _ = add(sa.Column("at", sa.DateTime(), server_default=sa.func.current_timestamp()))
    finally:
        plugins.unregister(plugin)
    assert rendered == "op.add_column('t', sa.Column('at', sa.DateTime(), server_default=sa.text('now()'), nullable=True))"


def test_an_operation_without_a_renderer_is_an_error_naming_it() -> None:
    from dataclasses import dataclass

    from mig.errors import MigError

    @dataclass(frozen=True, eq=False)
    class GrantOp(ops.Operation):
        role: str = "app"

    with pytest.raises(MigError, match=r"no renderer for GrantOp.*mig_autogen_register_renderers"):
        render_python([GrantOp()])
