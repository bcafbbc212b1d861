"""`mig adopt`: an Alembic project becomes a mig project, and the database Alembic manages is adopted as is."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import sqlalchemy as sa
import tomllib

from .conftest import MIG, Mig

ALEMBIC = Path(sys.executable).parent / "alembic"

ALEMBIC_INI = """\
[alembic]
script_location = %(here)s/alembic
prepend_sys_path = .
version_path_separator = os
sqlalchemy.url = sqlite:///app.db
file_template = %%(year)d_%%(rev)s_%%(slug)s
truncate_slug_length = 30
revision_environment = false
custom_option = hello

[post_write_hooks]
hooks = fmt
fmt.type = exec
fmt.executable = true
fmt.options = REVISION_SCRIPT_FILENAME

[loggers]
keys = root

[handlers]
keys = console

[formatters]
keys = generic

[logger_root]
level = WARNING
handlers = console

[handler_console]
class = StreamHandler
args = (sys.stderr,)
level = NOTSET
formatter = generic

[formatter_generic]
format = %%(levelname)-5.5s [%%(name)s] %%(message)s
"""

ENV_PY = '''\
"""Alembic's env.py, as `alembic init` writes it, with a few project touches."""
from logging.config import fileConfig

from sqlalchemy import engine_from_config, pool

from alembic import context
import alembic

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = None
assert config.get_main_option("custom_option") == "hello"
assert alembic.__version__


def run_migrations_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True,
                      dialect_opts={"paramstyle": "named"}, version_table="alembic_version")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    xargs = context.get_x_argument(as_dictionary=True)
    connectable = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          version_table="alembic_version", compare_type=True,
                          transaction_per_migration=xargs.get("per") == "1")
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
'''

SCRIPT_MAKO = '''\
"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

"""
from alembic import op
import sqlalchemy as sa
${imports if imports else ""}

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
'''

SCRIPTS = {
    "a1_accounts.py": '''\
        """accounts"""
        from alembic import op
        import sqlalchemy as sa

        revision = "a1"
        down_revision = None
        branch_labels = None
        depends_on = None


        def upgrade():
            op.create_table("accounts", sa.Column("id", sa.Integer, primary_key=True),
                            sa.Column("name", sa.String(50), nullable=False))


        def downgrade():
            op.drop_table("accounts")
        ''',
    "b2_email.py": '''\
        """email"""
        from alembic import op
        import sqlalchemy as sa

        revision = "b2"
        down_revision = "a1"
        branch_labels = None
        depends_on = None


        def upgrade():
            with op.batch_alter_table("accounts") as batch:
                batch.add_column(sa.Column("email", sa.String(100)))


        def downgrade():
            with op.batch_alter_table("accounts") as batch:
                batch.drop_column("email")
        ''',
    "c3_audit.py": '''\
        """audit, on a branch of its own"""
        from alembic import op, context
        import sqlalchemy as sa

        revision = "c3"
        down_revision = "a1"
        branch_labels = ("side",)
        depends_on = None


        def upgrade():
            if not context.is_offline_mode():
                op.create_table("audit", sa.Column("id", sa.Integer, primary_key=True),
                                sa.Column("note", sa.Text))


        def downgrade():
            op.drop_table("audit")
        ''',
    "d4_merge.py": '''\
        """merge the side branch; "from alembic import op" in a docstring stays"""
        from alembic import op as migop
        import sqlalchemy as sa

        revision = "d4"
        down_revision = ("b2", "c3")
        branch_labels = None
        depends_on = None


        def upgrade():
            migop.create_index("ix_accounts_email", "accounts", ["email"], unique=True)
            migop.bulk_insert(sa.table("audit", sa.column("note", sa.Text)), [{"note": "merged"}])


        def downgrade():
            migop.drop_index("ix_accounts_email", "accounts")
        ''',
    "e5_phone.py": '''\
        """phone"""
        import os, alembic
        import sqlalchemy as sa

        revision = "e5"
        down_revision = "d4"
        branch_labels = None
        depends_on = None


        def upgrade():
            alembic.op.add_column("accounts", sa.Column("phone", sa.String(20)))  # alembic.op stays in a comment


        def downgrade():
            alembic.op.drop_column("accounts", "phone")
        ''',
}


def write_alembic_project(root: Path, scripts: dict[str, str] = SCRIPTS) -> None:
    (root / "alembic.ini").write_text(ALEMBIC_INI)
    folder = root / "alembic"
    (folder / "versions").mkdir(parents=True)
    (folder / "env.py").write_text(ENV_PY)
    (folder / "script.py.mako").write_text(SCRIPT_MAKO)
    for name, text in scripts.items():
        (folder / "versions" / name).write_text(textwrap.dedent(text))


def alembic(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(ALEMBIC), *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql))]
    finally:
        engine.dispose()


def test_adopt_then_mig_finishes_the_run_alembic_started(mig: Mig, tmp_path: Path) -> None:
    root = mig.cwd
    write_alembic_project(root)
    alembic(root, "upgrade", "b2")
    alembic(root, "upgrade", "c3")
    db = root / "app.db"
    assert sorted(rows(db, "SELECT version_num FROM alembic_version")) == [("b2",), ("c3",)]
    original = tmp_path / "original"  # Alembic's own view, to read the state afterwards
    shutil.copytree(root, original, ignore=shutil.ignore_patterns("app.db", "__pycache__"))

    result = mig("adopt", "--yes", ok=True)
    # the diff comes first, then the files are written
    assert "+++ b/alembic/env.py" in result.stdout
    assert "-from alembic import context\n-import alembic\n+from mig import context\n+import mig\n" in result.stdout
    assert "Wrote alembic/versions/e5_phone.py" in result.stderr

    config = tomllib.loads((root / "mig.toml").read_text())["mig"]
    assert config["script_location"] == "alembic"
    assert config["url"] == "sqlite:///app.db"
    assert config["version_table"] == "alembic_version"
    assert config["prepend_sys_path"] == ["."]
    assert config["file_template"] == "%(year)d_%(rev)s_%(slug)s"
    assert config["truncate_slug_length"] == 30
    assert config["revision_environment"] is False
    assert config["env"] == {"custom_option": "hello"}
    assert config["post_write_hooks"] == {"fmt": {"type": "exec", "executable": "true",
                                                  "options": "REVISION_SCRIPT_FILENAME"}}
    env_py = (root / "alembic/env.py").read_text()
    assert "from mig import context\nimport mig\n" in env_py
    assert "assert mig.__version__" in env_py
    merge = (root / "alembic/versions/d4_merge.py").read_text()
    assert merge.startswith('"""merge the side branch; "from alembic import op" in a docstring stays"""')
    assert "from mig import op as migop\n" in merge
    phone = (root / "alembic/versions/e5_phone.py").read_text()
    assert "import os, mig\n" in phone
    assert 'mig.op.add_column("accounts", sa.Column("phone", sa.String(20)))  # alembic.op stays in a comment' in phone
    assert "from mig import op\n" in (root / "alembic/script.py.mako").read_text()
    assert "alembic" not in (root / "alembic/versions/a1_accounts.py").read_text().replace('"""', "")

    assert sorted(line.split()[0] for line in mig("current", ok=True).stdout.splitlines()) == ["b2", "c3"]
    result = mig("upgrade", "head", ok=True)
    assert "Ran upgrade b2, c3 -> d4" in result.stderr
    assert "Ran upgrade d4 -> e5" in result.stderr

    inspector = sa.inspect(sa.create_engine(f"sqlite:///{db}"))
    assert sorted(inspector.get_table_names()) == ["accounts", "alembic_version", "audit", "mig_log"]
    assert [c["name"] for c in inspector.get_columns("accounts")] == ["id", "name", "email", "phone"]
    assert [(i["name"], i["column_names"], bool(i["unique"])) for i in inspector.get_indexes("accounts")] == [
        ("ix_accounts_email", ["email"], True)]
    assert rows(db, "SELECT note FROM audit") == [("merged",)]
    assert rows(db, "SELECT version_num FROM alembic_version") == [("e5",)]
    assert not (root / "mig.db").exists()  # the url kept pointing at Alembic's database

    # Alembic (with the project as it was) reads the state mig left
    proc = alembic(root, "-c", str(original / "alembic.ini"), "current")
    assert proc.stdout.split() == ["e5", "(head)"]

    # the adopted project writes new revisions with Alembic's file_template and hooks
    result = mig("revision", "-m", "later step", "--rev-id", "f6", ok=True)
    written = list((root / "alembic/versions").glob("*_f6_later_step.py"))
    assert len(written) == 1, result
    assert "from mig import op" in written[0].read_text()


def test_adopt_dry_run_changes_nothing(mig: Mig) -> None:
    write_alembic_project(mig.cwd)
    before = {p: p.read_bytes() for p in mig.cwd.rglob("*") if p.is_file()}
    result = mig("adopt", "--dry-run")
    assert result.returncode == 0, result
    assert "--- /dev/null\n+++ b/mig.toml\n" in result.stdout
    assert '+version_table = "alembic_version"' in result.stdout
    assert "-from alembic import op\n+from mig import op\n" in result.stdout
    assert "Dry run: 8 file(s) would change; nothing was written." in result.stderr
    assert {p: p.read_bytes() for p in mig.cwd.rglob("*") if p.is_file()} == before


def test_adopt_without_yes_on_a_pipe_refuses(mig: Mig) -> None:
    write_alembic_project(mig.cwd)
    proc = subprocess.run([str(MIG), "adopt"], cwd=mig.cwd, env=mig.env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == (
        "mig: error: mig adopt would change 8 file(s) and cannot ask for confirmation (stdin is not a "
        "terminal); pass --yes to write them, or --dry-run to only show them")
    assert "+from mig import op" in proc.stdout  # the diff was shown first
    assert not (mig.cwd / "mig.toml").exists()
    assert "from alembic import context" in (mig.cwd / "alembic/env.py").read_text()


def test_adopt_refuses_a_different_mig_toml_and_accepts_its_own(mig: Mig) -> None:
    write_alembic_project(mig.cwd)
    (mig.cwd / "mig.toml").write_text('[mig]\nscript_location = "elsewhere"\n')
    result = mig("adopt", "--yes")
    assert result.returncode == 1
    assert result.stderr == (
        f"mig: error: {mig.cwd.resolve() / 'mig.toml'} already exists and differs from what mig adopt "
        f"would write; move it away (or pass -c with another file) and run mig adopt again\n")
    assert "from alembic import context" in (mig.cwd / "alembic/env.py").read_text()
    (mig.cwd / "mig.toml").unlink()
    mig("adopt", "--yes", ok=True)
    again = mig("adopt", "--yes", ok=True)  # what it would write is already there
    assert again.stdout == ""
    assert "Nothing to change: mig.toml and the scripts are already adopted." in again.stderr


def test_adopt_lists_what_mig_cannot_run(mig: Mig) -> None:
    scripts = dict(SCRIPTS)
    scripts["x9_internals.py"] = '''\
        """uses Alembic internals"""
        from alembic import op
        from alembic.ddl.impl import DefaultImpl
        from alembic import command
        import alembic.autogenerate

        revision = "x9"
        down_revision = "e5"
        branch_labels = None
        depends_on = None


        def upgrade():
            op.execute("SELECT 1")


        def downgrade():
            pass
        '''
    write_alembic_project(mig.cwd, scripts)
    env = mig.cwd / "alembic/env.py"
    env.write_text(env.read_text().replace(
        'version_table="alembic_version", compare_type=True,',
        'version_table=os.environ.get("VT", "alembic_version"), compare_type=True, version_table_pk=False,'
    ).replace("import alembic\n", "import alembic\nimport os\n"))
    result = mig("adopt", "--dry-run")
    assert result.returncode == 0, result
    err = result.stderr
    assert ("  alembic/versions/x9_internals.py:3: imports alembic.ddl.impl (Alembic internals): mig's "
            "dialects are plugins") in err
    assert "  alembic/versions/x9_internals.py:4: imports alembic.command (Alembic internals): use mig.command" in err
    assert "  alembic/versions/x9_internals.py:5: imports alembic.autogenerate (Alembic internals)" in err
    assert ("  alembic/env.py:36: configure(version_table_pk=...) is an option mig does not have and "
            "ignores") in err
    assert "  alembic/env.py:36: version_table= is computed at run time (dynamic)" in err
    assert "the logging sections ([formatter_generic], [formatters], [handler_console]" in err
    # the unsupported imports are left as they are; the rest is rewritten
    assert "+from mig import op\n" in result.stdout
    assert "+from mig.ddl" not in result.stdout and "+from mig import command" not in result.stdout


def test_adopt_reads_tool_alembic_in_pyproject(mig: Mig) -> None:
    write_alembic_project(mig.cwd)
    (mig.cwd / "alembic.ini").write_text("[alembic]\nsqlalchemy.url = sqlite:///%(here)s/data/app.db\n")
    (mig.cwd / "more").mkdir()
    (mig.cwd / "pyproject.toml").write_text(textwrap.dedent('''\
        [project]
        name = "app"

        [tool.alembic]
        script_location = "%(here)s/alembic"
        version_locations = ["%(here)s/alembic/versions", "more"]
        prepend_sys_path = ["."]
        timezone = "UTC"

        [[tool.alembic.post_write_hooks]]
        name = "ruff"
        type = "module"
        module = "ruff"
        options = "check --fix REVISION_SCRIPT_FILENAME"
        '''))
    mig("adopt", "--yes", ok=True)
    config = tomllib.loads((mig.cwd / "mig.toml").read_text())["mig"]
    assert config == {
        "script_location": "alembic", "url": "sqlite:///data/app.db", "version_table": "alembic_version",
        "version_locations": ["alembic/versions", "more"], "prepend_sys_path": ["."], "timezone": "UTC",
        "post_write_hooks": {"ruff": {"type": "module", "module": "ruff",
                                      "options": "check --fix REVISION_SCRIPT_FILENAME"}},
    }
    assert mig("heads", ok=True).stdout == "e5 (side) (head)\n"


def test_adopt_without_an_alembic_project(mig: Mig) -> None:
    result = mig("adopt")
    assert result.returncode == 1
    assert result.stderr.startswith(f"mig: error: no Alembic configuration in {mig.cwd.resolve()}: there is "
                                    f"no alembic.ini and no [tool.alembic] in pyproject.toml")
