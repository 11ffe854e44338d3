"""The annotate page's right-hand column: labels, box tools, keys, guidelines."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from aidou_desktop.ui.guidelines_panel import GuidelinesPanel
from aidou_desktop.ui.label_list import LabelList

PANEL_WIDTH = 290


class SidePanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(PANEL_WIDTH)
        labels_title = QLabel(self.tr("Labels (press 1–9)"))
        labels_title.setStyleSheet("font-weight: bold;")
        self.labels = LabelList()
        self.count_label = QLabel()
        self.delete_button = QPushButton(self.tr("Delete box (Del)"))
        self.empty_button = QPushButton(self.tr("No objects (E)"))
        self.empty_button.setToolTip(self.tr("This image has nothing to label: mark it as done without boxes"))
        self.flag_button = QPushButton(self.tr("Unsure (Q)"))
        self.flag_button.setToolTip(self.tr("Flag this item for the lead: not sure, image not clear, or a note"))
        for button in (self.delete_button, self.empty_button, self.flag_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.empty_button)
        buttons.addWidget(self.flag_button)
        self.keys_label = QLabel(
            self.tr(
                "Drag to draw a box (also inside another box). Click a box to select it; drag its corners to resize; Shift+drag moves it.\nD / → next · A / ← previous\nCtrl+Z undo · Ctrl+Shift+Z redo · Del delete · Esc deselect\nWheel: zoom · Space+drag: pan · F: fit"
            )
        )
        self.keys_label.setObjectName("muted")
        self.keys_label.setWordWrap(True)
        self.guidelines = GuidelinesPanel()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(labels_title)
        layout.addWidget(self.labels)
        layout.addWidget(self.count_label)
        layout.addLayout(buttons)
        layout.addWidget(self.keys_label)
        layout.addWidget(self.guidelines, 1)

    def show_counts(self, boxes: int, has_selection: bool) -> None:
        self.count_label.setText(self.tr("%n box(es) on this image", "", boxes))
        self.delete_button.setEnabled(has_selection)
        self.empty_button.setEnabled(boxes == 0)
