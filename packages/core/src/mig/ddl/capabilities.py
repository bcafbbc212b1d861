"""Capability flags a ``DialectSpec`` declares; the conformance suite reads them.

Where a database lacks a capability, the dialect raises
:class:`mig.errors.NotSupportedError` with a message naming the alternative,
and the suite asserts exactly that.
"""

from __future__ import annotations

TRANSACTIONAL_DDL = "transactional_ddl"      # DDL inside a transaction rolls back
ALTER_COLUMN_TYPE = "alter_column_type"      # ALTER COLUMN ... TYPE without a batch
ALTER_COLUMN_NULLABLE = "alter_column_nullable"
ALTER_COLUMN_DEFAULT = "alter_column_default"
RENAME_COLUMN = "rename_column"
DROP_COLUMN = "drop_column"
ADD_CONSTRAINT = "add_constraint"            # ALTER TABLE ADD CONSTRAINT (unique, check, fk, pk)
DROP_CONSTRAINT = "drop_constraint"
CHECK_CONSTRAINTS = "check_constraints"      # CHECK constraints are enforced and reflected
COMMENTS = "comments"                        # table and column comments
SCHEMAS = "schemas"                          # schemas other than the default
EXPRESSION_INDEXES = "expression_indexes"
PARTIAL_INDEXES = "partial_indexes"
IF_EXISTS = "if_exists"                      # IF [NOT] EXISTS on indexes/tables/columns
NATIVE_ENUM = "native_enum"
SEQUENCES = "sequences"
IDENTITY = "identity"
BATCH = "batch"                              # batch_alter_table move-and-copy available

ALL = frozenset({
    TRANSACTIONAL_DDL, ALTER_COLUMN_TYPE, ALTER_COLUMN_NULLABLE, ALTER_COLUMN_DEFAULT,
    RENAME_COLUMN, DROP_COLUMN, ADD_CONSTRAINT, DROP_CONSTRAINT, CHECK_CONSTRAINTS, COMMENTS,
    SCHEMAS, EXPRESSION_INDEXES, PARTIAL_INDEXES, IF_EXISTS, NATIVE_ENUM, SEQUENCES, IDENTITY, BATCH,
})
