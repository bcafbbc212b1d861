"""Operations autogenerate proposes that are notes for the author rather than changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from mig.ops.base import Operation, qualified


@dataclass(frozen=True, eq=False)
class RenameHintOp(Operation):
    """A proposed rename: a dropped and an added table (or column) that look alike.

    Autogenerate cannot know whether ``old_name`` became ``new_name`` or one
    was dropped and another added, so it leaves both operations in the draft
    and adds this one, which a draft shows as a comment (it changes nothing
    and no database runs it). To make it a rename, replace the drop and add
    with ``op.rename_table`` / ``op.alter_column(..., new_column_name=...)``,
    or set ``info={"renamed_from": old_name}`` on the model and autogenerate
    again.

    :param kind: ``"table"`` or ``"column"``.
    :param old_name: the name in the database.
    :param new_name: the name in the models.
    :param table_name: for a column, the table it belongs to (``None`` for a table).
    :param schema: the schema (``None``: the default one).
    """

    #: Not carried out by a dialect: a draft writes it as a comment.
    impl_method: ClassVar[str] = ""
    op_name: ClassVar[str] = "rename_hint"
    #: Marks operations that are comments in a draft, not changes.
    is_hint: ClassVar[bool] = True

    kind: Literal["table", "column"]
    old_name: str
    new_name: str
    table_name: str | None = None
    schema: str | None = None

    def reverse(self) -> Operation:
        return RenameHintOp(self.kind, self.new_name, self.old_name, table_name=self.table_name,
                            schema=self.schema)

    def comment(self) -> str:
        """The text a draft writes for it (one line, without the ``#``)."""
        if self.kind == "table":
            where = qualified(self.old_name, self.schema)
            return (f"table {where} dropped and {self.new_name} added look alike: if it is a rename, "
                    f"use op.rename_table({self.old_name!r}, {self.new_name!r}) instead, or set "
                    f"info={{'renamed_from': {self.old_name!r}}} on the model")
        where = qualified(self.table_name or "", self.schema)
        return (f"column {where}.{self.old_name} dropped and {self.new_name} added look alike: if it "
                f"is a rename, use op.alter_column({self.table_name!r}, {self.old_name!r}, "
                f"new_column_name={self.new_name!r}) instead, or set "
                f"info={{'renamed_from': {self.old_name!r}}} on the model's column")

    def describe(self) -> str:
        if self.kind == "table":
            return f"rename_hint table {qualified(self.old_name, self.schema)} -> {self.new_name}?"
        return f"rename_hint column {qualified(self.table_name or '', self.schema)}.{self.old_name} -> {self.new_name}?"


__all__ = ["RenameHintOp"]
