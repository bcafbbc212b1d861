"""The applied set, as Alembic reads it: ``current``, relative steps and a database shared by both tools.

Both projects hold the same scripts (with ``pass`` bodies, so they import neither tool)
and, where a test says so, migrate one SQLite database through ``alembic_version``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from .conftest import ENV_PY

SCRIPT = '''\
"""{rev}"""
revision = {rev!r}
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = {deps!r}


def upgrade():
    pass


def downgrade():
    pass
'''

# trunk: 1a00 -> 3e20 (depends on 62b8) -> 8f51 ; other branch: 5b00 -> 62b8 -> 7c99
GRAPH = [
    ("1a00", None, ("main",), None),
    ("3e20", "1a00", None, "62b8"),
    ("8f51", "3e20", None, None),
    ("5b00", None, ("other",), None),
    ("62b8", "5b00", None, None),
    ("7c99", "62b8", None, None),
]


class Pair:
    """An Alembic project and a mig project with the same scripts, on one database or two."""

    def __init__(self, root: Path, shared: bool, graph: list[tuple[Any, ...]] = GRAPH) -> None:
        self.root = root
        self.urls: dict[str, str] = {}
        for tool in ("alembic", "mig"):
            location = root / tool / "migrations"
            (location / "versions").mkdir(parents=True)
            (location / "env.py").write_text(ENV_PY.format(tool=tool))
            for rev, down, labels, deps in graph:
                (location / "versions" / f"{rev}_step.py").write_text(
                    SCRIPT.format(rev=rev, down=down, labels=labels, deps=deps))
            db = root / ("shared.db" if shared else f"{tool}.db")
            self.urls[tool] = f"sqlite:///{db}"

    def config(self, tool: str, out: io.StringIO) -> Any:
        location = str(self.root / tool / "migrations")
        if tool == "alembic":
            from alembic.config import Config as AlembicConfig

            config = AlembicConfig(output_buffer=out, stdout=out)
            config.set_main_option("script_location", location)
            config.set_main_option("sqlalchemy.url", self.urls[tool])
            return config
        from mig.config import Config

        config = Config.from_options(self.root / "mig", script_location=location, url=self.urls[tool],
                                     version_table="alembic_version")
        config.output_buffer = out
        return config

    def run(self, tool: str, name: str, *args: Any) -> str:
        if tool == "alembic":
            from alembic import command
        else:
            from mig import command  # type: ignore[no-redef]
        out = io.StringIO()
        result = getattr(command, name)(self.config(tool, out), *args)
        if tool == "mig" and name in ("current", "heads"):
            return "".join(f"{s.revision}\n" for s in result)
        return out.getvalue()

    def current(self, tool: str, command: str = "current") -> set[str]:
        """The revisions ``current`` prints (markers and order left out: Alembic's is a set's)."""
        return set(re.findall(r"^(\w+)", self.run(tool, command), re.M))

    def rows(self, tool: str) -> set[str]:
        engine = sa.create_engine(self.urls[tool], poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                return {r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")}
        finally:
            engine.dispose()


@pytest.fixture
def two(tmp_path: Path) -> Pair:
    return Pair(tmp_path, shared=False)


@pytest.fixture
def one(tmp_path: Path) -> Pair:
    return Pair(tmp_path, shared=True)


def test_current_shows_a_head_applied_only_through_an_ancestors_depends_on(two: Pair) -> None:
    for tool in ("alembic", "mig"):
        two.run(tool, "upgrade", "8f51")
    assert two.rows("alembic") == two.rows("mig") == {"8f51"}
    assert two.current("alembic") == two.current("mig") == {"62b8", "8f51"}


def test_current_direct_dependency_and_plain_rows(two: Pair) -> None:
    for tool in ("alembic", "mig"):
        two.run(tool, "upgrade", "3e20")
    assert two.current("alembic") == two.current("mig") == {"62b8", "3e20"}
    for tool in ("alembic", "mig"):
        two.run(tool, "upgrade", "heads")
    assert two.current("alembic") == two.current("mig") == {"7c99", "8f51"}


def test_downgrade_label_minus_one_from_a_head_applied_through_depends_on(two: Pair) -> None:
    for tool in ("alembic", "mig"):
        two.run(tool, "upgrade", "8f51")
        two.run(tool, "downgrade", "other@-1")
    # 62b8 came down, and 3e20 and 8f51 (which depend on it) with it
    assert two.rows("alembic") == two.rows("mig")
    assert two.current("alembic") == two.current("mig")
    assert two.current("mig") == {"1a00", "5b00"}


def test_a_database_passes_between_alembic_and_mig(one: Pair) -> None:
    def agree() -> set[str]:
        assert one.current("alembic") == one.current("mig")
        assert one.current("alembic", "heads") == one.current("mig", "heads") == {"8f51", "7c99"}
        return one.current("mig")

    one.run("alembic", "upgrade", "main@3e20")
    assert agree() == {"3e20", "62b8"}
    one.run("mig", "upgrade", "heads")
    assert one.rows("alembic") == {"8f51", "7c99"}
    assert agree() == {"8f51", "7c99"}
    one.run("alembic", "downgrade", "other@-1")
    assert agree() == {"8f51", "62b8"}
    one.run("mig", "downgrade", "main@-1")
    assert agree() == {"3e20", "62b8"}
    one.run("alembic", "upgrade", "main@+1")
    assert agree() == {"8f51", "62b8"}
    one.run("mig", "downgrade", "base")
    assert agree() == set() and one.rows("alembic") == set()


# Where mig's answer differs on purpose (docs/differences.md): both tools on the same graph.

def _pair(tmp_path: Path, graph: list[tuple[Any, ...]]) -> Pair:
    return Pair(tmp_path, shared=False, graph=graph)


def test_label_minus_one_from_a_merge_walks_the_labelled_branch(tmp_path: Path) -> None:
    pair = _pair(tmp_path, [("aaaa", None, None, None), ("bbbb", "aaaa", ("left",), None),
                            ("cccc", "aaaa", ("right",), None), ("mmmm", ("bbbb", "cccc"), None, None)])
    for tool in ("alembic", "mig"):
        pair.run(tool, "upgrade", "heads")
    with pytest.raises(Exception, match="Ambiguous walk"):
        pair.run("alembic", "downgrade", "left@-1")
    pair.run("mig", "downgrade", "left@-1")
    assert pair.rows("mig") == {"bbbb", "cccc"}  # the merge is undone, from the left side


def test_label_base_takes_down_only_the_labelled_branch(tmp_path: Path) -> None:
    pair = _pair(tmp_path, [("aaaa", None, None, None), ("bbbb", "aaaa", ("left",), None),
                            ("cccc", "aaaa", ("right",), None)])
    for tool in ("alembic", "mig"):
        pair.run(tool, "upgrade", "heads")
        pair.run(tool, "downgrade", "left@base")
    assert pair.rows("alembic") == set()  # the shared root, and so the right branch too
    assert pair.rows("mig") == {"cccc"}  # down to where left leaves the shared aaaa
    from mig.errors import MigError

    with pytest.raises(MigError, match="no branch label 'nosuch'"):
        pair.run("mig", "downgrade", "nosuch@base")


def test_downgrade_below_a_depends_on_keeps_only_rows_nothing_else_reaches(tmp_path: Path) -> None:
    # cccc depends on aaaa, which its own down_revision line reaches already; dddd: another root
    pair = _pair(tmp_path, [("aaaa", None, None, None), ("bbbb", "aaaa", None, None),
                            ("cccc", "bbbb", None, "aaaa"), ("dddd", None, None, None)])
    for tool in ("alembic", "mig"):
        pair.run(tool, "upgrade", "heads")
        pair.run(tool, "downgrade", "bbbb")
    assert pair.rows("alembic") == {"aaaa", "bbbb", "dddd"}  # aaaa: a row bbbb reaches
    assert pair.rows("mig") == {"bbbb", "dddd"}
    assert pair.current("alembic") == pair.current("mig") == {"bbbb", "dddd"}
    # mig reads Alembic's table the same way
    pair.urls["mig"] = pair.urls["alembic"]
    assert pair.current("mig") == {"bbbb", "dddd"}
    pair.run("mig", "downgrade", "dddd@-1")
    assert pair.rows("alembic") == {"aaaa", "bbbb"}
    pair.run("mig", "upgrade", "heads")
    assert pair.rows("alembic") == {"cccc", "dddd"}
