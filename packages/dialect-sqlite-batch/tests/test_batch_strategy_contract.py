"""The move-and-copy is a declared ``BatchStrategy`` and knows no database but through the dialect."""

from __future__ import annotations

import re
from pathlib import Path

from mig.ddl.batch import ATTRIBUTES, BatchStrategy, load_strategy
from mig.ddl.contract import contract_problems
from mig.specs import BatchStrategySpec
from mig_sqlite_batch import batch
from mig_sqlite_batch.batch import MoveAndCopy


def test_move_and_copy_is_a_batch_strategy_with_nothing_undeclared() -> None:
    assert issubclass(MoveAndCopy, BatchStrategy)
    assert contract_problems(MoveAndCopy, ATTRIBUTES) == []
    assert load_strategy(BatchStrategySpec("move-and-copy", "mig_sqlite_batch.batch:MoveAndCopy")) is MoveAndCopy


def test_the_move_and_copy_names_no_other_database() -> None:
    found = []
    for path in sorted(Path(batch.__file__).parent.glob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"postgres|mysql|mariadb|nextval", line, re.IGNORECASE):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert found == []
