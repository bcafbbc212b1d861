"""The Python mig-autogen writes for each operation, and that it runs: exact text, then executed on a real database."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from mig import ops
from mig_autogen.render import RenderContext, render_python


def render(operations: list[Any], **options: Any) -> str:
    return render_python(operations, context=RenderContext(options=options))


def _table() -> sa.Table:
    metadata = sa.MetaData()
    return sa.Table("accounts", metadata, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("email", sa.String(120), nullable=False, comment="login"),
                    sa.Column("n", sa.Integer, server_default=sa.text("0")),
                    sa.Column("kind", sa.String(10), server_default="user"))


CASES = [
    (ops.DropTableOp("accounts", schema="app"), "op.drop_table('accounts', schema='app')"),
    (ops.RenameTableOp("a", "b"), "op.rename_table('a', 'b')"),
    (ops.AddColumnOp("accounts", sa.Column("nick", sa.String(20), nullable=False, server_default=sa.text("'x'"))),
     "op.add_column('accounts', sa.Column('nick', sa.String(length=20), server_default=sa.text(\"'x'\"), "
     "nullable=False))"),
    (ops.DropColumnOp("accounts", "nick"), "op.drop_column('accounts', 'nick')"),
    (ops.AlterColumnOp("accounts", "email", nullable=True, existing_type=sa.String(120)),
     "op.alter_column('accounts', 'email', existing_type=sa.String(length=120), nullable=True)"),
    (ops.AlterColumnOp("accounts", "email", type_=sa.Text(), existing_type=sa.String(120), existing_nullable=False),
     "op.alter_column('accounts', 'email', existing_type=sa.String(length=120), type_=sa.Text(), "
     "existing_nullable=False)"),
    (ops.AlterColumnOp("accounts", "n", server_default=None, existing_server_default=sa.text("0")),
     "op.alter_column('accounts', 'n', server_default=None)"),
    (ops.AlterColumnOp("accounts", "n", nullable=False, existing_server_default=sa.text("0")),
     "op.alter_column('accounts', 'n', nullable=False, existing_server_default=sa.text('0'))"),
    (ops.AlterColumnOp("accounts", "n", new_column_name="count", existing_type=sa.Integer()),
     "op.alter_column('accounts', 'n', existing_type=sa.Integer(), new_column_name='count')"),
    (ops.CreateIndexOp("ix_email", "accounts", ("email",), unique=True),
     "op.create_index('ix_email', 'accounts', ['email'], unique=True)"),
    (ops.CreateIndexOp("ix_lower", "accounts", (sa.text("lower(email)"),),
                       kw={"postgresql_where": sa.text("n > 0")}),
     "op.create_index('ix_lower', 'accounts', [sa.text('lower(email)')], postgresql_where=sa.text('n > 0'))"),
    (ops.DropIndexOp("ix_email", "accounts"), "op.drop_index('ix_email', table_name='accounts')"),
    (ops.CreateUniqueConstraintOp("uq_email", "accounts", ("email",)),
     "op.create_unique_constraint('uq_email', 'accounts', ['email'])"),
    (ops.CreateForeignKeyOp("fk_post_acc", "posts", "accounts", ("account_id",), ("id",), ondelete="CASCADE",
                            deferrable=True),
     "op.create_foreign_key('fk_post_acc', 'posts', 'accounts', ['account_id'], ['id'], ondelete='CASCADE', "
     "deferrable=True)"),
    (ops.CreateCheckConstraintOp("ck_n", "accounts", "n >= 0"),
     "op.create_check_constraint('ck_n', 'accounts', 'n >= 0')"),
    (ops.CreatePrimaryKeyOp("pk_t", "t", ("a", "b")), "op.create_primary_key('pk_t', 't', ['a', 'b'])"),
    (ops.DropConstraintOp("fk_post_acc", "posts", type_="foreignkey"),
     "op.drop_constraint('fk_post_acc', 'posts', type_='foreignkey')"),
    (ops.CreateTableCommentOp("accounts", "people"),
     "op.create_table_comment('accounts', 'people', existing_comment=None)"),
    (ops.DropTableCommentOp("accounts", existing_comment="people"),
     "op.drop_table_comment('accounts', existing_comment='people')"),
    (ops.ExecuteSQLOp("UPDATE accounts SET n = 1"), "op.execute('UPDATE accounts SET n = 1')"),
    (ops.RenameHintOp("column", "nick", "nickname", table_name="accounts"),
     "# column accounts.nick dropped and nickname added look alike: if it is a rename, use "
     "op.alter_column('accounts', 'nick', new_column_name='nickname') instead, or set "
     "info={'renamed_from': 'nick'} on the model's column"),
]


@pytest.mark.parametrize(("operation", "expected"), CASES, ids=[type(c[0]).__name__ for c in CASES])
def test_each_operation_renders_as_alembic_style_python(operation: Any, expected: str) -> None:
    assert render([operation]) == expected


def test_create_table_lists_columns_then_constraints_and_table_options() -> None:
    table = _table()
    items = (*[c._copy() for c in table.columns], sa.UniqueConstraint("email", name="uq_email"),
             sa.ForeignKeyConstraint(["n"], ["other.id"], name="fk_n", ondelete="SET NULL"))
    assert render([ops.CreateTableOp("accounts", items, kw={"comment": "people"})]) == (
        "op.create_table(\n"
        "    'accounts',\n"
        "    sa.Column('id', sa.Integer(), nullable=False),\n"
        "    sa.Column('email', sa.String(length=120), nullable=False, comment='login'),\n"
        "    sa.Column('n', sa.Integer(), server_default=sa.text('0'), nullable=True),\n"
        "    sa.Column('kind', sa.String(length=10), server_default='user', nullable=True),\n"
        "    sa.PrimaryKeyConstraint('id'),\n"
        "    sa.UniqueConstraint('email', name='uq_email'),\n"
        "    sa.ForeignKeyConstraint(['n'], ['other.id'], name='fk_n', ondelete='SET NULL'),\n"
        "    comment='people',\n"
        ")")


def test_names_made_by_the_naming_convention_are_wrapped_in_op_f() -> None:
    metadata = sa.MetaData(naming_convention={"ix": "ix_%(column_0_label)s"})
    table = sa.Table("accounts", metadata, sa.Column("email", sa.String(5)), sa.Index(None, "email"))
    index = next(iter(table.indexes))
    assert render([ops.CreateIndexOp(index.name, "accounts", ("email",)),
                   ops.DropIndexOp(index.name, "accounts")]) == (
        "op.create_index(op.f('ix_accounts_email'), 'accounts', ['email'])\n"
        "op.drop_index(op.f('ix_accounts_email'), table_name='accounts')")


def test_render_as_batch_groups_consecutive_changes_of_one_table() -> None:
    text = render([
        ops.AddColumnOp("accounts", sa.Column("nick", sa.String(20))),
        ops.CreateIndexOp("ix_nick", "accounts", ("nick",)),
        ops.DropTableOp("old"),
        ops.DropColumnOp("posts", "body", schema="app"),
    ], render_as_batch=True)
    assert text == (
        "with op.batch_alter_table('accounts') as batch_op:\n"
        "    batch_op.add_column(sa.Column('nick', sa.String(length=20), nullable=True))\n"
        "    batch_op.create_index('ix_nick', ['nick'])\n"
        "op.drop_table('old')\n"
        "with op.batch_alter_table('posts', schema='app') as batch_op:\n"
        "    batch_op.drop_column('body')")


def _run(engine: sa.Engine, code: str, imports: set[str]) -> None:
    from mig.operations import Operations
    from mig.runtime.migration import MigrationContext

    namespace: dict[str, Any] = {"sa": sa}
    for line in imports:
        exec(line, namespace)
    with engine.begin() as conn:
        namespace["op"] = Operations(MigrationContext.configure(connection=conn))
        exec(code, namespace)


def _ops_for_roundtrip() -> list[Any]:
    table = _table()
    return [
        ops.CreateTableOp("accounts", tuple(c._copy() for c in table.columns)),
        ops.CreateTableOp("posts", (sa.Column("id", sa.Integer, primary_key=True),
                                    sa.Column("account_id", sa.Integer))),
        ops.AddColumnOp("accounts", sa.Column("nick", sa.String(20), nullable=False, server_default=sa.text("'x'"))),
        ops.CreateIndexOp("ix_accounts_nick", "accounts", ("nick",), unique=True),
        ops.CreateForeignKeyOp("fk_posts_account", "posts", "accounts", ("account_id",), ("id",),
                               ondelete="CASCADE"),
        ops.AlterColumnOp("accounts", "email", nullable=True, existing_type=sa.String(120),
                          existing_nullable=False),
        ops.DropColumnOp("accounts", "kind"),
    ]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def test_rendered_code_runs_through_mig_and_builds_the_schema(request: pytest.FixtureRequest, backend: str) -> None:
    url = request.getfixturevalue({"sqlite": "mig_sqlite_url", "postgresql": "mig_postgresql_clean_database"}[backend])
    engine = sa.create_engine(url)
    try:
        ctx = RenderContext(options={"render_as_batch": backend == "sqlite"})
        code = render_python(_ops_for_roundtrip(), context=ctx)
        _run(engine, code, ctx.imports)
        inspector = sa.inspect(engine)
        columns = {c["name"]: c for c in inspector.get_columns("accounts")}
        assert sorted(columns) == ["email", "id", "n", "nick"]
        assert columns["email"]["nullable"] is True
        assert columns["nick"]["nullable"] is False
        assert [i["name"] for i in inspector.get_indexes("accounts")] == ["ix_accounts_nick"]
        fks = inspector.get_foreign_keys("posts")
        assert [(fk["constrained_columns"], fk["referred_table"], fk["options"].get("ondelete")) for fk in fks] == [
            (["account_id"], "accounts", "CASCADE")]
        with engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO accounts (id, email) VALUES (1, 'a@x')"))
            assert conn.execute(sa.text("SELECT nick, n FROM accounts")).one() == ("x", 0)
    finally:
        engine.dispose()
