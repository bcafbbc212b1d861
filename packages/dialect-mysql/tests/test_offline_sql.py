"""--sql mode: the exact SQL mig writes for MySQL and MariaDB, and the errors where it must read."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from mig.errors import NotSupportedError, OfflineError
from mig.ops import (
    AlterColumnOp,
    CreateForeignKeyOp,
    CreateIndexOp,
    CreateTableCommentOp,
    CreateTableOp,
    DropConstraintOp,
    DropIndexOp,
    DropTableCommentOp,
    RenameTableOp,
)


def test_modify_with_existing_arguments(offline):
    sql = offline.run(AlterColumnOp("t", "c", nullable=False, existing_type=sa.String(50),
                                    existing_server_default=None))
    assert sql == "ALTER TABLE t MODIFY c VARCHAR(50) NOT NULL;\n\n"


def test_modify_restates_default_comment_and_auto_increment(offline):
    sql = offline.run(
        AlterColumnOp("t", "c", nullable=True, existing_type=sa.String(20, collation="latin1_bin"),
                      existing_server_default="it's 50%", existing_comment="the c"),
        AlterColumnOp("t", "id", comment="key", existing_type=mysql.INTEGER(unsigned=True),
                      existing_nullable=False, existing_server_default=None,
                      existing_autoincrement=True),
    )
    assert sql == (
        "ALTER TABLE t MODIFY c VARCHAR(20) COLLATE latin1_bin NULL DEFAULT 'it''s 50%' "
        "COMMENT 'the c';\n\n"
        "ALTER TABLE t MODIFY id INTEGER UNSIGNED NOT NULL AUTO_INCREMENT COMMENT 'key';\n\n"
    )


def test_modify_type_change(offline):
    sql = offline.run(AlterColumnOp("t", "c", type_=sa.Integer(), existing_type=sa.String(10),
                                    existing_nullable=True, existing_server_default=sa.text("0")))
    assert sql == "ALTER TABLE t MODIFY c INTEGER NULL DEFAULT 0;\n\n"


def test_change_column_for_rename_with_other_changes(offline):
    sql = offline.run(AlterColumnOp("t", "c", new_column_name="d", nullable=False,
                                    existing_type=sa.Numeric(10, 2),
                                    existing_server_default="1.5", schema="s"))
    assert sql == "ALTER TABLE s.t CHANGE COLUMN c d NUMERIC(10, 2) NOT NULL DEFAULT '1.5';\n\n"


def test_quoting_of_reserved_names(offline):
    sql = offline.run(AlterColumnOp("order", "key", nullable=True, existing_type=sa.Integer(),
                                    existing_server_default=None))
    assert sql == "ALTER TABLE `order` MODIFY `key` INTEGER NULL;\n\n"


def test_rename_alone_needs_no_existing_arguments(offline):
    assert offline.run(AlterColumnOp("t", "c", new_column_name="d")) == (
        "ALTER TABLE t RENAME COLUMN c TO d;\n\n")


def test_default_alone_needs_no_existing_arguments(offline):
    sql = offline.run(AlterColumnOp("t", "c", server_default="x"),
                      AlterColumnOp("t", "c", server_default=None),
                      AlterColumnOp("t", "c", new_column_name="d", server_default="y"))
    assert sql == (
        "ALTER TABLE t ALTER COLUMN c SET DEFAULT 'x';\n\n"
        "ALTER TABLE t ALTER COLUMN c DROP DEFAULT;\n\n"
        "ALTER TABLE t RENAME COLUMN c TO d;\n\n"
        "ALTER TABLE t ALTER COLUMN d SET DEFAULT 'y';\n\n"
    )


def test_expression_default_alone_on_mariadb(offline_mariadb):
    sql = offline_mariadb.run(AlterColumnOp("t", "c", server_default=sa.text("CURRENT_TIMESTAMP")))
    assert sql == "ALTER TABLE t ALTER COLUMN c SET DEFAULT CURRENT_TIMESTAMP;\n\n"


def test_expression_default_on_mysql_restates_the_column(offline):
    with pytest.raises(OfflineError, match="existing_type, existing_nullable"):
        offline.run(AlterColumnOp("t", "c", server_default=sa.text("CURRENT_TIMESTAMP")))
    sql = offline.run(AlterColumnOp("t", "c", server_default=sa.text("CURRENT_TIMESTAMP"),
                                    existing_type=sa.DateTime(), existing_nullable=False))
    assert sql == "ALTER TABLE t MODIFY c DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP;\n\n"


def test_offline_error_names_every_missing_argument(offline):
    with pytest.raises(OfflineError) as err:
        offline.run(AlterColumnOp("t", "c", nullable=False))
    assert str(err.value) == (
        "alter_column t.c: MySQL restates the whole column (ALTER TABLE ... MODIFY/CHANGE), and "
        "--sql mode cannot read it from the database; pass existing_type, existing_server_default "
        "(None if the column has no default) to op.alter_column"
    )
    assert offline.sql() == ""


def test_offline_error_for_missing_existing_server_default_only(offline):
    with pytest.raises(OfflineError, match=r"pass existing_server_default \(None if the column"):
        offline.run(AlterColumnOp("t", "c", type_=sa.Integer(), existing_nullable=True))
    with pytest.raises(OfflineError, match=r"pass existing_nullable to op\.alter_column"):
        offline.run(AlterColumnOp("t", "c", comment="x", existing_type=sa.Integer(),
                                  existing_server_default=None))


@pytest.mark.parametrize(("type_", "mysql_sql", "mariadb_sql"), [
    ("foreignkey", "ALTER TABLE t DROP FOREIGN KEY fk_x", "ALTER TABLE t DROP FOREIGN KEY fk_x"),
    ("unique", "ALTER TABLE t DROP INDEX fk_x", "ALTER TABLE t DROP INDEX fk_x"),
    ("primary", "ALTER TABLE t DROP PRIMARY KEY", "ALTER TABLE t DROP PRIMARY KEY"),
    ("check", "ALTER TABLE t DROP CONSTRAINT fk_x", "ALTER TABLE t DROP CONSTRAINT fk_x"),
])
def test_drop_constraint_by_kind(offline, offline_mariadb, type_, mysql_sql, mariadb_sql):
    op = DropConstraintOp("fk_x", "t", type_=type_)
    assert offline.run(op) == f"{mysql_sql};\n\n"
    assert offline_mariadb.run(op) == f"{mariadb_sql};\n\n"


def test_drop_constraint_if_exists_on_mariadb(offline_mariadb, offline):
    op = DropConstraintOp("fk_x", "t", type_="foreignkey", if_exists=True)
    assert offline_mariadb.run(op) == "ALTER TABLE t DROP FOREIGN KEY IF EXISTS fk_x;\n\n"
    with pytest.raises(NotSupportedError, match="MySQL has no IF EXISTS here"):
        offline.run(op)


def test_drop_constraint_without_type_offline(offline):
    with pytest.raises(OfflineError, match="pass type_='foreignkey', 'unique', 'check' or 'primary'"):
        offline.run(DropConstraintOp("fk_x", "t"))


def test_drop_index(offline, offline_mariadb):
    assert offline.run(DropIndexOp("ix_a", "t", schema="s")) == "DROP INDEX ix_a ON s.t;\n\n"
    assert offline_mariadb.run(DropIndexOp("ix_a", "t", if_exists=True)) == (
        "DROP INDEX IF EXISTS ix_a ON t;\n\n")
    with pytest.raises(OfflineError, match="MySQL's DROP INDEX needs the table"):
        offline.run(DropIndexOp("ix_a"))


def test_create_index_with_mysql_options(offline):
    sql = offline.run(CreateIndexOp("ix_name", "t", ("name", "email"), kw={
        "mysql_length": {"name": 10}, "mysql_using": "btree"}),
        CreateIndexOp("ix_ft", "t", ("body",), kw={"mysql_prefix": "FULLTEXT"}))
    assert sql == ("CREATE INDEX ix_name ON t (name(10), email) USING btree;\n\n"
                   "CREATE FULLTEXT INDEX ix_ft ON t (body);\n\n")


def test_expression_index_on_mariadb_is_not_supported(offline_mariadb):
    with pytest.raises(NotSupportedError, match="MariaDB has no expression indexes"):
        offline_mariadb.run(CreateIndexOp("ix_lower", "t", (sa.text("lower(email)"),)))


def test_rename_table_stays_in_schema(offline):
    assert offline.run(RenameTableOp("a", "b", schema="s")) == "RENAME TABLE s.a TO s.b;\n\n"


def test_table_comments(offline):
    sql = offline.run(CreateTableCommentOp("t", "100% 'sure'"), DropTableCommentOp("t"))
    assert sql == "ALTER TABLE t COMMENT '100% ''sure''';\n\n" "ALTER TABLE t COMMENT '';\n\n"


def test_mysql_options_are_honoured_for_mariadb_urls(offline_mariadb):
    sql = offline_mariadb.run(
        CreateTableOp("t", (sa.Column("id", sa.Integer, primary_key=True),
                            sa.Column("name", sa.String(20))),
                      kw={"mysql_engine": "InnoDB", "mysql_charset": "latin1"}),
        CreateIndexOp("ix_name", "t", ("name",), kw={"mysql_length": 4}),
    )
    assert sql == (
        "CREATE TABLE t (\n"
        "    id INTEGER NOT NULL AUTO_INCREMENT,\n"
        "    name VARCHAR(20),\n"
        "    PRIMARY KEY (id)\n"
        ")ENGINE=InnoDB CHARSET=latin1;\n\n"
        "CREATE INDEX ix_name ON t (name(4));\n\n"
    )


def test_foreign_key_options_mysql_lacks(offline):
    sql = offline.run(CreateForeignKeyOp("fk_a_b", "a", "b", ("b_id",), ("id",), ondelete="CASCADE",
                                         onupdate="SET NULL"))
    assert sql == ("ALTER TABLE a ADD CONSTRAINT fk_a_b FOREIGN KEY(b_id) REFERENCES b (id) "
                   "ON DELETE CASCADE ON UPDATE SET NULL;\n\n")
    with pytest.raises(NotSupportedError, match=r"no DEFERRABLE, INITIALLY or MATCH; remove "
                                                r"deferrable=True, initially='DEFERRED'"):
        offline.run(CreateForeignKeyOp("fk_a_b", "a", "b", ("b_id",), ("id",), deferrable=True,
                                       initially="DEFERRED"))
