"""The marks of an item as a list: the entities of a text beside it ("人名  张三"), the
boxes and polygons of an image in the side panel ("轿车  120 × 80"). A click selects one.

The rows live in a C++ item model, changed row by row as the entities change (one row
in, one out, rows changed in place; a new text rebuilds them): a list view asks its model
for the row count over a thousand times when it lays out 500 rows, too slow from Python.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QListView

from aidou_desktop.ui.label_list import swatch

SURFACE_SHOWN = 24  # characters of an entity's text in its row; the tooltip has it all

Row = tuple[str, str, str]  # (label title, colour, what the mark holds: an entity's text, a box's size)


class MarkList(QListView):
    row_chosen = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model_ = QStandardItemModel(self)
        self.setModel(self.model_)
        self.setUniformItemSizes(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the text keeps the keyboard
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.clicked.connect(lambda index: self.row_chosen.emit(index.row()))
        self._rows: list[Row] = []
        self._icons: dict[str, object] = {}

    def show_rows(self, rows: list[Row], selected: int) -> None:
        old, model = self._rows, self.model_
        same = next((i for i, (a, b) in enumerate(zip(old, rows)) if a != b), min(len(old), len(rows)))
        if len(rows) == len(old) + 1 and rows[same + 1 :] == old[same:]:
            model.insertRow(same, self._item(rows[same]))
        elif len(rows) == len(old) - 1 and rows[same:] == old[same + 1 :]:
            model.removeRow(same)
        elif len(rows) == len(old):
            for i in range(same, len(rows)):
                if rows[i] != old[i]:
                    model.setItem(i, self._item(rows[i]))
        else:
            model.clear()
            for row in rows:
                model.appendRow(self._item(row))
        self._rows = rows
        self.show_selected(selected)

    def show_selected(self, selected: int) -> None:
        if 0 <= selected < self.model_.rowCount():
            index = self.model_.index(selected, 0)
            self.setCurrentIndex(index)
            self.scrollTo(index)
        else:
            self.clearSelection()

    def _item(self, row: Row) -> QStandardItem:
        title, color, surface = row
        one_line = " ".join(surface.split())  # a line break inside an entity, shown on one row
        shown = one_line if len(one_line) <= SURFACE_SHOWN else one_line[:SURFACE_SHOWN] + "…"
        if color not in self._icons:
            self._icons[color] = swatch(color)
        item = QStandardItem(self._icons[color], f"{title}  {shown}")
        item.setToolTip(f"{title}：{surface}")
        item.setEditable(False)
        return item
