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
        # the canvas keeps the keyboard: number keys and arrows are annotation keys
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.itemClicked.connect(lambda item: self.label_chosen.emit(self.row(item)))

    def set_schema(self, schema: LabelSchema) -> None:
        self.clear()
        for i, label in enumerate(schema.labels):
            key = f"{i + 1}  " if i < MAX_KEYED_LABELS else "    "
            item = QListWidgetItem(swatch(label.color), f"{key}{label.title}")
            item.setToolTip(label.name)
            self.addItem(item)
        # as tall as its rows (up to nine): no empty box under a short list
        rows = min(max(self.count(), 1), MAX_KEYED_LABELS)
        self.setFixedHeight(rows * max(self.sizeHintForRow(0), 20) + 2 * self.frameWidth() + 4)

    def set_current(self, index: int) -> None:
        self.setCurrentRow(index)
