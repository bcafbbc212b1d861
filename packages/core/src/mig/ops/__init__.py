"""The operation IR: every schema change as a frozen dataclass with no SQL in it."""

from __future__ import annotations

from mig.ops.autogen_ops import RenameHintOp
from mig.ops.base import MigrateOperation, Operation, qualified
from mig.ops.constraint_ops import (
    ConstraintType,
    CreateCheckConstraintOp,
    CreateForeignKeyOp,
    CreateIndexOp,
    CreatePrimaryKeyOp,
    CreateUniqueConstraintOp,
    DropConstraintOp,
    DropIndexOp,
)
from mig.ops.data_ops import BatchAlterTableOp, BulkInsertOp, ExecuteSQLOp
from mig.ops.schema_ops import (
    AddColumnOp,
    AlterColumnOp,
    CreateTableCommentOp,
    CreateTableOp,
    DropColumnOp,
    DropTableCommentOp,
    DropTableOp,
    RenameTableOp,
)

#: The built-in operations, in the order ``op`` lists them.
BUILTIN_OPERATIONS: tuple[type[Operation], ...] = (
    CreateTableOp, DropTableOp, RenameTableOp, AddColumnOp, DropColumnOp, AlterColumnOp,
    CreateIndexOp, DropIndexOp, CreateUniqueConstraintOp, CreateForeignKeyOp,
    CreateCheckConstraintOp, CreatePrimaryKeyOp, DropConstraintOp, CreateTableCommentOp,
    DropTableCommentOp, BulkInsertOp, ExecuteSQLOp, BatchAlterTableOp,
)

__all__ = [
    "BUILTIN_OPERATIONS",
    "AddColumnOp", "AlterColumnOp", "BatchAlterTableOp", "BulkInsertOp", "ConstraintType",
    "CreateCheckConstraintOp", "CreateForeignKeyOp", "CreateIndexOp", "CreatePrimaryKeyOp",
    "CreateTableCommentOp", "CreateTableOp", "CreateUniqueConstraintOp", "DropColumnOp",
    "DropConstraintOp", "DropIndexOp", "DropTableCommentOp", "DropTableOp", "ExecuteSQLOp",
    "MigrateOperation", "Operation", "RenameHintOp", "RenameTableOp", "qualified",
]
