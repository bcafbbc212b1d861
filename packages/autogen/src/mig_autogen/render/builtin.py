"""The renderers of mig's own operations, registered by :mod:`mig_autogen.plugin` like any plugin's."""

from __future__ import annotations

from mig_autogen.specs import Renderer

_R = "mig_autogen.render."

BUILTIN_RENDERERS = (
    Renderer("create_table", "mig.ops:CreateTableOp", _R + "tables:create_table"),
    Renderer("drop_table", "mig.ops:DropTableOp", _R + "tables:drop_table"),
    Renderer("rename_table", "mig.ops:RenameTableOp", _R + "tables:rename_table"),
    Renderer("create_table_comment", "mig.ops:CreateTableCommentOp", _R + "tables:create_table_comment"),
    Renderer("drop_table_comment", "mig.ops:DropTableCommentOp", _R + "tables:drop_table_comment"),
    Renderer("add_column", "mig.ops:AddColumnOp", _R + "columns:add_column"),
    Renderer("drop_column", "mig.ops:DropColumnOp", _R + "columns:drop_column"),
    Renderer("alter_column", "mig.ops:AlterColumnOp", _R + "columns:alter_column"),
    Renderer("create_index", "mig.ops:CreateIndexOp", _R + "constraints:create_index"),
    Renderer("drop_index", "mig.ops:DropIndexOp", _R + "constraints:drop_index"),
    Renderer("create_unique_constraint", "mig.ops:CreateUniqueConstraintOp",
             _R + "constraints:create_unique_constraint"),
    Renderer("create_primary_key", "mig.ops:CreatePrimaryKeyOp", _R + "constraints:create_primary_key"),
    Renderer("create_check_constraint", "mig.ops:CreateCheckConstraintOp",
             _R + "constraints:create_check_constraint"),
    Renderer("create_foreign_key", "mig.ops:CreateForeignKeyOp", _R + "constraints:create_foreign_key"),
    Renderer("drop_constraint", "mig.ops:DropConstraintOp", _R + "constraints:drop_constraint"),
    Renderer("execute", "mig.ops:ExecuteSQLOp", _R + "misc:execute"),
    Renderer("bulk_insert", "mig.ops:BulkInsertOp", _R + "misc:bulk_insert"),
    Renderer("batch_alter_table", "mig.ops:BatchAlterTableOp", _R + "misc:batch_alter_table"),
    Renderer("rename_hint", "mig.ops.autogen_ops:RenameHintOp", _R + "misc:rename_hint"),
)
