"""Whole runs on MariaDB through mig.command: version table, non-transactional DDL, --sql output."""

from __future__ import annotations

import io
import textwrap
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from mig import command
from mig.config import Config
from mig.errors import MigrationFailedError

pytestmark = pytest.mark.mysql

R1 = '''
revision = "a1"
down_revision = None
branch_labels = None
depends_on = None

from mig import op
import sqlalchemy as sa


def upgrade():
    t = op.create_table(
        "item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(20), nullable=True, comment="item name"),
    )
    op.bulk_insert(sa.table("item", sa.column("id"), sa.column("name")),
                   [{"id": 1, "name": "one"}, {"id": 2, "name": "two"}])


def downgrade():
    op.drop_table("item")
'''

R2 = '''
revision = "b2"
down_revision = "a1"
branch_labels = None
depends_on = None

from mig import op
import sqlalchemy as sa


def upgrade():
    op.add_column("item", sa.Column("note", sa.String(10), server_default="x", nullable=False))
    op.alter_column("item", "name", nullable=False)


def downgrade():
    op.alter_column("item", "name", nullable=True)
    op.drop_column("item", "note")
'''

R3_BAD_DDL = '''
revision = "c3"
down_revision = "b2"
branch_labels = None
depends_on = None

from mig import op


def upgrade():
    op.create_index("ix_item_name", "item", ["name"])
    op.execute("ALTER TABLE no_such_table ADD COLUMN x INT")


def downgrade():
    op.drop_index("ix_item_name", "item")
'''

R3_BAD_PYTHON = '''
revision = "c3"
down_revision = "b2"
branch_labels = None
depends_on = None

from mig import op


def upgrade():
    op.execute("INSERT INTO item (id, name) VALUES (3, 'three')")
    raise RuntimeError("boom in c3")


def downgrade():
    pass
'''

R3_GOOD = '''
revision = "c3"
down_revision = "b2"
branch_labels = None
depends_on = None

from mig import op


def upgrade():
    op.create_index("ix_item_name", "item", ["name"], if_not_exists=True)
    op.execute("INSERT INTO item (id, name) VALUES (3, 'three')")


def downgrade():
    op.execute("DELETE FROM item WHERE id = 3")
    op.drop_index("ix_item_name", "item")
'''


@pytest.fixture
def project(tmp_path: Path, mysql_url: str, conn: sa.Connection) -> Any:
    command.init(tmp_path / "migrations", config_path=tmp_path / "mig.toml")
    versions = tmp_path / "migrations" / "versions"
    (versions / "a1_item.py").write_text(textwrap.dedent(R1))
    (versions / "b2_note.py").write_text(textwrap.dedent(R2))
    conn.exec_driver_sql("DROP TABLE IF EXISTS item, mig_version")
    config = Config.from_options(root=tmp_path, script_location="migrations", url=mysql_url)
    yield config, versions
    conn.exec_driver_sql("DROP TABLE IF EXISTS item, mig_version")


def _versions(conn: sa.Connection) -> list[str]:
    return [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM mig_version")]


def test_upgrade_downgrade_and_version_table_shape(project, conn):
    config, versions = project
    (versions / "c3_good.py").write_text(textwrap.dedent(R3_GOOD))
    command.upgrade(config, "head")
    assert _versions(conn) == ["c3"]
    insp = sa.inspect(conn)
    cols = insp.get_columns("mig_version")
    assert [(c["name"], str(c["type"]), c["nullable"]) for c in cols] == [
        ("version_num", "VARCHAR(32)", False)]
    assert insp.get_pk_constraint("mig_version")["constrained_columns"] == ["version_num"]
    item = {c["name"]: c for c in insp.get_columns("item")}
    assert item["name"]["nullable"] is False
    assert item["name"]["comment"] == "item name"  # kept by MODIFY without existing_comment
    assert [tuple(r) for r in conn.exec_driver_sql("SELECT id, name, note FROM item ORDER BY id")] == [
        (1, "one", "x"), (2, "two", "x"), (3, "three", "x")]
    command.downgrade(config, "a1")
    assert _versions(conn) == ["a1"]
    item = {c["name"]: c for c in sa.inspect(conn).get_columns("item")}
    assert set(item) == {"id", "name"}
    assert item["name"]["nullable"] is True
    assert [i["name"] for i in sa.inspect(conn).get_indexes("item")] == []
    command.downgrade(config, "base")
    assert _versions(conn) == []
    assert not sa.inspect(conn).has_table("item")


def test_failed_statement_leaves_version_at_last_completed_migration(project, conn):
    config, versions = project
    (versions / "c3_bad.py").write_text(textwrap.dedent(R3_BAD_DDL))
    with pytest.raises(MigrationFailedError) as err:
        command.upgrade(config, "head")
    message = str(err.value)
    assert message.startswith("upgrade c3 (c3_bad.py) failed: ")
    assert message.endswith("; statement: ALTER TABLE no_such_table ADD COLUMN x INT")
    assert "(1146, " in message  # the server's own error
    assert _versions(conn) == ["b2"]
    # DDL is not transactional: what c3 did before the failing statement stays done
    assert [i["name"] for i in sa.inspect(conn).get_indexes("item")] == ["ix_item_name"]
    (versions / "c3_bad.py").unlink()
    (versions / "c3_good.py").write_text(textwrap.dedent(R3_GOOD))
    command.upgrade(config, "head")
    assert _versions(conn) == ["c3"]


def test_failure_without_ddl_still_keeps_previous_version_rows(project, conn):
    config, versions = project
    (versions / "c3_bad.py").write_text(textwrap.dedent(R3_BAD_PYTHON))
    with pytest.raises(MigrationFailedError, match=r"upgrade c3 .* failed: RuntimeError: boom in c3"):
        command.upgrade(config, "head")
    # b2 completed (its DDL committed on its own): the version table must say so
    assert _versions(conn) == ["b2"]
    assert {c["name"] for c in sa.inspect(conn).get_columns("item")} == {"id", "name", "note"}


def test_offline_sql_has_no_transaction_and_needs_no_server(project, mysql_url):
    config, versions = project
    buf = io.StringIO()
    config.output_buffer = buf
    config.options["url"] = "mysql+pymysql://nobody@127.0.0.1:1/none"
    r2 = (versions / "b2_note.py").read_text().replace(
        'op.alter_column("item", "name", nullable=False)',
        'op.alter_column("item", "name", nullable=False, existing_type=sa.String(20), '
        'existing_server_default=None, existing_comment="item name")')
    (versions / "b2_note.py").write_text(r2)
    command.upgrade(config, "a1:b2", sql=True)
    sql = buf.getvalue()
    assert "BEGIN" not in sql and "COMMIT" not in sql
    assert "ALTER TABLE item ADD COLUMN note VARCHAR(10) NOT NULL DEFAULT 'x';" in sql
    assert ("ALTER TABLE item MODIFY name VARCHAR(20) NOT NULL COMMENT 'item name';" in sql)
    assert "UPDATE mig_version SET version_num='b2' WHERE mig_version.version_num = 'a1';" in sql


def test_offline_alter_without_existing_arguments_fails_clearly(project):
    config, _ = project
    config.output_buffer = io.StringIO()
    config.options["url"] = "mysql+pymysql://nobody@127.0.0.1:1/none"
    with pytest.raises(MigrationFailedError, match=r"upgrade b2 \(b2_note.py\) failed: alter_column "
                       r"item.name: MySQL restates the whole column .* pass existing_type, "
                       r"existing_server_default"):
        command.upgrade(config, "a1:b2", sql=True)


R_BATCH = '''
revision = "d4"
down_revision = "b2"
branch_labels = None
depends_on = None

from mig import op
import sqlalchemy as sa


def upgrade():
    with op.batch_alter_table("item") as batch:
        batch.alter_column("note", new_column_name="remark", existing_type=sa.String(10))
        batch.add_column(sa.Column("qty", sa.Integer, nullable=False, server_default="1"))
        batch.create_unique_constraint("uq_item_name", ["name"])


def downgrade():
    with op.batch_alter_table("item") as batch:
        batch.drop_constraint("uq_item_name", type_="unique")
        batch.drop_column("qty")
        batch.alter_column("remark", new_column_name="note")
'''


def test_batch_alter_table_runs_plain_alters(project, conn):
    config, versions = project
    (versions / "d4_batch.py").write_text(textwrap.dedent(R_BATCH))
    command.upgrade(config, "head")
    assert _versions(conn) == ["d4"]
    insp = sa.inspect(conn)
    cols = {c["name"]: c for c in insp.get_columns("item")}
    assert list(cols) == ["id", "name", "remark", "qty"]
    assert cols["remark"]["default"] == "'x'" and cols["remark"]["nullable"] is False
    assert [u["name"] for u in insp.get_unique_constraints("item")] == ["uq_item_name"]
    assert [tuple(r) for r in conn.exec_driver_sql("SELECT id, remark, qty FROM item ORDER BY id")] == [
        (1, "x", 1), (2, "x", 1)]
    command.downgrade(config, "b2")
    assert _versions(conn) == ["b2"]
    assert [c["name"] for c in sa.inspect(conn).get_columns("item")] == ["id", "name", "note"]
