"""revision --autogenerate: env.py runs online, a plugin compares and renders (here a test plugin)."""

from __future__ import annotations

import pytest

from mig import command, hookimpl, plugins
from mig.errors import CommandError

ENV_PY = '''
from sqlalchemy import create_engine, pool
from mig import context

engine = create_engine(context.config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata="the-metadata")
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
'''


class FakeAutogen:
    def __init__(self):
        self.seen = []

    @hookimpl
    def mig_autogenerate(self, migration_context, metadata, config):
        self.seen.append((migration_context.dialect.name, metadata))
        return ["create t"]

    @hookimpl
    def mig_autogen_render_operations(self, operations, config):
        assert operations == ["create t"]
        return {"upgrades": "op.create_table('t', sa.Column('id', sa.Integer))",
                "downgrades": "op.drop_table('t')"}


@pytest.fixture
def autogen_project(project, tmp_path):
    (project.location / "env.py").write_text(ENV_PY)
    project.options["url"] = f"sqlite:///{tmp_path / 'db.sqlite'}"
    fake = FakeAutogen()
    plugins.register(fake, name="fake-autogen")
    yield project, fake
    plugins.unregister(fake)


def test_autogenerate_through_plugins(autogen_project):
    project, fake = autogen_project
    script = command.revision(project.config, message="auto", autogenerate=True, rev_id="aaaa")
    text = script.path.read_text()
    assert "    op.create_table('t', sa.Column('id', sa.Integer))\n" in text
    assert "    op.drop_table('t')\n" in text
    assert fake.seen == [("sqlite", "the-metadata")]


def test_autogenerate_needs_an_up_to_date_database(autogen_project):
    project, _fake = autogen_project
    command.revision(project.config, message="by hand", rev_id="aaaa")
    with pytest.raises(CommandError, match="not up to date"):
        command.revision(project.config, message="auto", autogenerate=True, rev_id="bbbb")
    assert not list(project.versions.glob("bbbb*"))


def test_autogenerate_cannot_be_offline(autogen_project):
    project, _ = autogen_project
    with pytest.raises(CommandError, match="--sql"):
        command.revision(project.config, message="auto", autogenerate=True, sql=True)
