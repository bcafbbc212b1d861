"""The collector's threshold is raised while steps run and restored afterwards, also on failure."""

from __future__ import annotations

import gc

import pytest

from mig import command
from mig.errors import MigrationFailedError
from mig.runtime.migration import GC_GEN0_THRESHOLD


@pytest.fixture
def default_threshold():
    saved = gc.get_threshold()
    gc.set_threshold(700, *saved[1:])
    yield gc.get_threshold()
    gc.set_threshold(*saved)


def test_threshold_raised_during_steps_and_restored(project, default_threshold):
    project.write("a1", None, 'op.execute("CREATE TABLE seen (threshold INTEGER)")\n'
                  'import gc\nop.execute(f"INSERT INTO seen VALUES ({gc.get_threshold()[0]})")')
    command.upgrade(project.config, "head")
    assert project.rows("SELECT threshold FROM seen") == [(GC_GEN0_THRESHOLD,)]
    assert gc.get_threshold() == default_threshold


def test_threshold_restored_when_a_step_fails(project, default_threshold):
    project.write("a1", None, 'raise RuntimeError("boom")')
    with pytest.raises(MigrationFailedError, match="boom"):
        command.upgrade(project.config, "head")
    assert gc.get_threshold() == default_threshold


def test_disabled_collector_is_left_alone(project, default_threshold):
    project.write("a1", None, 'op.execute("CREATE TABLE seen (threshold INTEGER)")\n'
                  'import gc\nop.execute(f"INSERT INTO seen VALUES ({int(gc.isenabled())})")')
    gc.disable()
    try:
        command.upgrade(project.config, "head")
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert project.rows("SELECT threshold FROM seen") == [(0,)]
    assert gc.get_threshold() == default_threshold
