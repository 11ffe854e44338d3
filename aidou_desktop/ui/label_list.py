"""The order's labels with their number keys: "1 轿车", "2 货车" …"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from aidou_desktop.model import LabelSchema

MAX_KEYED_LABELS = 9


def swatch(color: str, size: int = 14) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class LabelList(QListWidget):
    label_chosen = Signal(int)  # index into the schema's labels

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # the editor keeps the keyboard: number keys and arrows are annotation keys
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.itemClicked.connect(lambda item: self.label_chosen.emit(self.row(item)))
        self._names: list[str] = []

    def set_schema(self, schema: LabelSchema) -> None:
        self.clear()
        self._names = schema.names()
        for i, label in enumerate(schema.labels):
            key = f"{i + 1}  " if i < MAX_KEYED_LABELS else "    "
            item = QListWidgetItem(swatch(label.color), f"{key}{label.title}")
            item.setToolTip(label.name)
            # ticks are shown, never toggled by a click: a click chooses, as the number key does
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsUserCheckable)
            self.addItem(item)
        # as tall as its rows (up to nine): no empty box under a short list
        rows = min(max(self.count(), 1), MAX_KEYED_LABELS)
        self.setFixedHeight(rows * max(self.sizeHintForRow(0), 20) + 2 * self.frameWidth() + 4)

    def set_current(self, index: int) -> None:
        self.setCurrentRow(index)

    def show_marks(self, current: int, chosen: set[str] | None) -> None:
        """Highlight the ``current`` row; with ``chosen`` (class pages), tick those labels."""
        if current < 0:
            self.setCurrentRow(-1)
            self.clearSelection()
        elif current != self.currentRow():
            self.setCurrentRow(current)
        for row, name in enumerate(self._names):
            item = self.item(row)
            if chosen is None:
                if item.data(Qt.ItemDataRole.CheckStateRole) is not None:
                    item.setData(Qt.ItemDataRole.CheckStateRole, None)  # no check box at all
                continue
            state = Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked
            if item.checkState() != state or item.data(Qt.ItemDataRole.CheckStateRole) is None:
                item.setCheckState(state)
            font = item.font()
            if font.bold() != (name in chosen):
                font.setBold(name in chosen)
                item.setFont(font)
