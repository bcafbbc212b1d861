"""Writing scripts, and the graph-only commands of mig.command."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from mig import command, hookimpl, plugins
from mig.errors import CommandError, ConfigError, GraphError, MultipleHeadsError
from mig.revision import ScriptDirectory, slugify

ALEMBIC_TEMPLATE = (Path(__import__("alembic").__file__).parent / "templates" / "generic"
                    / "script.py.mako")


def read_back(path: Path) -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace


def test_first_revision(project):
    script = command.revision(project.config, message="Create account table!", rev_id="ab12cd34ef56")
    assert script.revision == "ab12cd34ef56"
    assert script.path == project.versions / "ab12cd34ef56_create_account_table.py"
    text = script.path.read_text()
    assert text.startswith('"""Create account table!\n\nRevision ID: ab12cd34ef56\nRevises: \n')
    assert "revision: str = 'ab12cd34ef56'" in text
    assert "down_revision: Union[str, Sequence[str], None] = None" in text
    assert "def upgrade() -> None:\n    pass\n" in text
    assert script.message == "Create account table!"
    assert script.create_date is not None
    assert script.is_base and script.is_head


def test_new_ids_and_chaining(project):
    first = command.revision(project.config, message="one")
    second = command.revision(project.config, message="two")
    assert re.fullmatch(r"[0-9a-f]{12}", first.revision)
    assert first.revision != second.revision
    assert second.down_revision == first.revision
    assert f"Revises: {first.revision}\n" in second.path.read_text()
    assert [s.revision for s in command.heads(project.config)] == [second.revision]


def test_alembic_template_after_rename(project):
    template = ALEMBIC_TEMPLATE.read_text().replace("from alembic import", "from mig import")
    (project.location / "script.py.mako").write_text(template)
    one = command.revision(project.config, message="one", rev_id="aaaa")
    two = command.revision(project.config, message="two", rev_id="bbbb", branch_label="feature",
                           depends_on="aaaa")
    ns = read_back(two.path)
    assert (ns["revision"], ns["down_revision"], ns["branch_labels"], ns["depends_on"]) == (
        "bbbb", "aaaa", ("feature",), "aaaa")
    assert '"""Upgrade schema."""\n    pass' in two.path.read_text()
    assert read_back(one.path)["down_revision"] is None


def test_file_template_and_slug(project):
    project.options["file_template"] = "%(year)d%(month).2d%(day).2d_%(hour).2d%(minute).2d_%(rev)s_%(slug)s"
    project.options["truncate_slug_length"] = 12
    script = command.revision(project.config, message="add a very long column name", rev_id="cafe")
    name = script.path.name
    assert re.fullmatch(r"\d{8}_\d{4}_cafe_add_a_very_\.py", name), name
    assert slugify("Add: users' e-mail!", 40) == "add_users_e_mail"
    assert slugify("", 40) == ""


def test_file_template_errors(project):
    project.options["file_template"] = "%(nope)s"
    with pytest.raises(ConfigError, match="file_template"):
        command.revision(project.config, message="x")


def test_epoch_token(project):
    project.options["file_template"] = "%(epoch)s_%(rev)s"
    script = command.revision(project.config, rev_id="beef")
    assert re.fullmatch(r"\d{10}_beef\.py", script.path.name)


def test_rev_id_errors(project):
    command.revision(project.config, rev_id="aaaa")
    with pytest.raises(CommandError, match="already exists"):
        command.revision(project.config, rev_id="aaaa")
    with pytest.raises(CommandError, match="letters, digits"):
        command.revision(project.config, rev_id="a:b")


def test_head_splice_and_branches(project):
    command.revision(project.config, rev_id="aaaa")
    command.revision(project.config, rev_id="bbbb")
    command.revision(project.config, rev_id="cccc")
    with pytest.raises(CommandError, match="bbbb is not a head; pass --splice"):
        command.revision(project.config, rev_id="dddd", head="bbbb")
    spliced = command.revision(project.config, rev_id="dddd", head="bbbb", splice=True,
                               branch_label="side")
    assert spliced.down_revision == "bbbb" and spliced.declared_branch_labels == ("side",)
    assert [s.revision for s in command.branches(project.config)] == ["bbbb"]
    with pytest.raises(MultipleHeadsError, match="cccc, dddd"):
        command.revision(project.config, rev_id="eeee")
    on_side = command.revision(project.config, rev_id="eeee", head="side@head")
    assert on_side.down_revision == "dddd"
    root = command.revision(project.config, rev_id="ffff", head="base", branch_label="other")
    assert root.is_base
    with pytest.raises(GraphError, match="already used by dddd"):
        command.revision(project.config, rev_id="gggg", head="base", branch_label="side")
    assert {s.revision for s in command.heads(project.config)} == {"cccc", "eeee", "ffff"}


def test_depends_on_keeps_labels_and_expands_prefixes(project):
    command.revision(project.config, rev_id="aaaa1111", branch_label="core")
    command.revision(project.config, rev_id="bbbb2222", head="base")
    dep = command.revision(project.config, rev_id="cccc", head="bbbb2222",
                           depends_on=["core", "aaaa"])
    assert dep.depends_on == ("core", "aaaa1111")
    assert dep.dependencies == ("aaaa1111",)


def test_merge(project):
    command.revision(project.config, rev_id="aaaa")
    for rev in ("bbbb", "cccc", "dddd"):
        command.revision(project.config, rev_id=rev, head="aaaa", splice=True)
    merged = command.merge(project.config, "heads", message="merge them", rev_id="mmmm")
    assert merged.down_revision == ("bbbb", "cccc", "dddd")
    assert "Revises: bbbb, cccc, dddd" in merged.path.read_text()
    assert merged.path.name == "mmmm_merge_them.py"
    assert [s.revision for s in command.heads(project.config)] == ["mmmm"]
    with pytest.raises(CommandError, match="at least two"):
        command.merge(project.config, "heads")


def test_merge_named_revisions(project):
    command.revision(project.config, rev_id="aaaa")
    command.revision(project.config, rev_id="bbbb", head="base")
    command.revision(project.config, rev_id="cccc", head="base")
    merged = command.merge(project.config, ["aaaa", "cccc"], rev_id="mmmm", branch_label="joined")
    assert merged.down_revision == ("aaaa", "cccc")
    assert merged.declared_branch_labels == ("joined",)


def test_version_locations(project):
    extra = project.root / "extra"
    extra.mkdir()
    project.options["version_locations"] = ["migrations/versions", "extra"]
    with pytest.raises(CommandError, match="--version-path"):
        command.revision(project.config, rev_id="aaaa", head="base")
    first = command.revision(project.config, rev_id="aaaa", head="base", version_path="extra")
    assert first.path.parent == extra
    second = command.revision(project.config, rev_id="bbbb")  # follows its head's location
    assert second.path.parent == extra
    third = command.revision(project.config, rev_id="cccc", head="base",
                             version_path=str(project.versions))
    assert third.path.parent == project.versions
    with pytest.raises(CommandError, match="not one of the version locations"):
        command.revision(project.config, rev_id="dddd", head="base", version_path="elsewhere")


def test_history_show_edit(project):
    for rev in ("aaaa", "bbbb", "cccc"):
        command.revision(project.config, rev_id=rev, message=f"step {rev}")
    assert [s.revision for s in command.history(project.config)] == ["cccc", "bbbb", "aaaa"]
    assert [s.revision for s in command.history(project.config, "aaaa:bbbb")] == ["bbbb", "aaaa"]
    assert [s.revision for s in command.history(project.config, "-1:", current=["bbbb"])] == [
        "cccc", "bbbb", "aaaa"]
    assert [s.message for s in command.show(project.config, "bbbb")] == ["step bbbb"]
    assert [s.revision for s in command.show(project.config, "heads")] == ["cccc"]
    with pytest.raises(CommandError):
        command.show(project.config, "base")
    assert command.edit(project.config, "bb") == project.versions / "bbbb_step_bbbb.py"


def test_autogenerate_needs_the_plugin(project):
    if plugins.has_implementations("mig_autogenerate"):
        pytest.skip("mig-autogen provides autogenerate in this environment")
    with pytest.raises(CommandError, match="mig-autogen"):
        command.revision(project.config, message="x", autogenerate=True)
    assert list(project.versions.glob("*.py")) == []


def test_revision_written_hook(project):
    seen = []

    class Observer:
        @hookimpl
        def mig_revision_written(self, script):
            seen.append((script.revision, script.path.is_file()))

    observer = Observer()
    plugins.register(observer, name="test-observer")
    try:
        command.revision(project.config, rev_id="aaaa")
        command.revision(project.config, rev_id="bbbb", head="base")
        command.merge(project.config, "heads", rev_id="mmmm")
    finally:
        plugins.unregister(observer)
    assert seen == [("aaaa", True), ("bbbb", True), ("mmmm", True)]


def test_post_write_hooks(project, tmp_path):
    hook = tmp_path / "mark.py"
    hook.write_text("import sys\nopen(sys.argv[2], 'a').write('# ' + sys.argv[1] + '\\n')\n")
    project.options["post_write_hooks"] = {
        "mark": {"type": "exec", "executable": sys.executable,
                 "options": f"{hook} formatted REVISION_SCRIPT_FILENAME"},
        "render": {"type": "console_scripts", "entrypoint": "mako-render"},
    }
    script = command.revision(project.config, rev_id="aaaa")
    assert script.path.read_text().endswith("# formatted\n")


def test_failing_post_write_hook(project, tmp_path):
    project.options["post_write_hooks"] = {
        "broken": {"type": "exec", "executable": sys.executable, "options": "-c 'raise SystemExit(3)'"},
    }
    with pytest.raises(CommandError, match=r"post_write_hooks.broken failed .*exit status 3"):
        command.revision(project.config, rev_id="aaaa")
    project.options["post_write_hooks"] = {"x": {"type": "console_scripts", "entrypoint": "no-such-tool"}}
    with pytest.raises(ConfigError, match="no-such-tool"):
        command.revision(project.config, rev_id="bbbb")
    project.options["post_write_hooks"] = {"x": {"type": "teleport"}}
    with pytest.raises(ConfigError, match="unknown type"):
        command.revision(project.config, rev_id="cccc")


def test_missing_template(project):
    (project.location / "script.py.mako").unlink()
    with pytest.raises(ConfigError, match=r"script\.py\.mako"):
        command.revision(project.config, rev_id="aaaa")


def test_generate_revision_directly(project):
    sd = ScriptDirectory.from_config(project.config)
    script = sd.generate_revision("with ops", rev_id="aaaa",
                                  template_args={"upgrades": "op.create_table('t')",
                                                 "imports": "import json"})
    text = script.path.read_text()
    assert "    op.create_table('t')\n" in text and "\nimport json\n" in text


def test_file_template_with_folders(project):
    project.options["file_template"] = "%(year)d/%(rev)s_%(slug)s"
    with pytest.raises(ConfigError, match="recursive_version_locations"):
        command.revision(project.config, rev_id="aaaa", message="x")
    project.options["recursive_version_locations"] = True
    script = command.revision(project.config, rev_id="aaaa", message="x")
    assert script.path.parent.parent == project.versions
    assert [s.revision for s in command.heads(project.config)] == ["aaaa"]
