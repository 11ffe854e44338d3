"""Undo steps for annotation edits: each one saves through the store at once."""

from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand

from aidou_desktop.model import Shape

# (item id, shapes (None: no revision, as before the item's first edit), index of the box to select) -> saves and shows
ApplyShapes = Callable[[int, list[Shape] | None, int], None]

CHANGE_CLASS_ID = 1  # consecutive class changes of one box merge into one step
NUDGE_ID = 2  # arrow-key nudges of one box in a row: one step


class ShapesCommand(QUndoCommand):
    """One edit of one item's boxes. ``redo`` and ``undo`` both save the whole
    list of shapes for the item, so the store always holds what the screen shows."""

    def __init__(
        self,
        apply: ApplyShapes,
        item_id: int,
        before: list[Shape] | None,
        after: list[Shape],
        selected_before: int,
        selected_after: int,
        text: str,
        merge_id: int = -1,
    ) -> None:
        super().__init__(text)
        self._apply = apply
        self.item_id = item_id
        self.before, self.after = before, after
        self.selected_before, self.selected_after = selected_before, selected_after
        self._merge_id = merge_id

    def redo(self) -> None:
        self._apply(self.item_id, self.after, self.selected_after)

    def undo(self) -> None:
        self._apply(self.item_id, self.before, self.selected_before)

    def id(self) -> int:
        return self._merge_id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, ShapesCommand) or other.item_id != self.item_id:
            return False
        if other.selected_before != self.selected_after:
            return False  # another box: its own undo step
        self.after, self.selected_after = other.after, other.selected_after
        return True


# (item id, the flag to save, None = no flag) -> saves and shows
ApplyFlag = Callable[[int, str | None], None]


class FlagCommand(QUndoCommand):
    """Flagging an item for the lead (or removing the flag): ``undo`` saves the flag it had."""

    def __init__(self, apply: ApplyFlag, item_id: int, before: str | None, after: str | None, text: str) -> None:
        super().__init__(text)
        self._apply = apply
        self.item_id = item_id
        self.before, self.after = before, after

    def redo(self) -> None:
        self._apply(self.item_id, self.after)

    def undo(self) -> None:
        self._apply(self.item_id, self.before)
