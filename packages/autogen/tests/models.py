"""Models shared by the comparison tests."""

from __future__ import annotations

import sqlalchemy as sa


def representative_model(dialect: str) -> sa.MetaData:
    md = sa.MetaData(naming_convention={
        "ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s", "fk": "fk_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s"})
    sa.Table(
        "account", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(120), nullable=False, unique=True),
        sa.Column("name", sa.Unicode(50), server_default="anon", comment="display name"),
        sa.Column("bio", sa.Text),
        sa.Column("small", sa.SmallInteger, server_default=sa.text("0")),
        sa.Column("big", sa.BigInteger),
        sa.Column("price", sa.Numeric(10, 2), server_default=sa.text("1.50")),
        sa.Column("ratio", sa.Float),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("born", sa.Date),
        sa.Column("created", sa.DateTime, server_default=sa.func.current_timestamp()),
        sa.Column("at", sa.Time),
        sa.Column("blob", sa.LargeBinary),
        sa.Column("kind", sa.Enum("a", "b", name="account_kind")),
        sa.Column("code", sa.CHAR(3)),
        sa.Column("data", sa.JSON),
        sa.Column("token", sa.Uuid),
        sa.Column("py_default", sa.Integer, default=5),
        sa.CheckConstraint("small >= 0", name="small_positive"),
        sa.Index("ix_account_lower_name", "name", "email"),
        comment="people",
    )
    sa.Table(
        "post", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("account_id", sa.ForeignKey("account.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("title", sa.String(200)),
        sa.Column("slug", sa.String(50)),
        sa.UniqueConstraint("account_id", "slug"),
    )
    sa.Table(
        "tag", md,
        sa.Column("post_id", sa.ForeignKey("post.id"), primary_key=True),
        sa.Column("label", sa.String(30), primary_key=True),
    )
    return md
