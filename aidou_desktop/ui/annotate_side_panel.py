"""The annotate page's right-hand column: labels, the editor's tools and keys, guidelines."""

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
        self.count_label.setWordWrap(True)
        self.delete_button = QPushButton()
        self.empty_button = QPushButton()
        self.flag_button = QPushButton(self.tr("Unsure (Q)"))
        self.flag_button.setToolTip(self.tr("Flag this item for the lead: not sure, image not clear, or a note"))
        for button in (self.delete_button, self.empty_button, self.flag_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setStyleSheet("padding: 6px 4px;")  # three in 290 px: the words, not the padding
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.empty_button)
        buttons.addWidget(self.flag_button)
        self.keys_label = QLabel()
        self.keys_label.setObjectName("muted")
        self.keys_label.setWordWrap(True)
        self.guidelines = GuidelinesPanel()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(labels_title)
        layout.addWidget(self.labels)
        layout.addWidget(self.count_label)
        self.editor_slot = QVBoxLayout()  # the editor's own widget, if it has one (a box list)
        self.editor_slot.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.editor_slot)
        layout.addLayout(buttons)
        layout.addWidget(self.keys_label)
        layout.addWidget(self.guidelines, 1)

    def set_editor(self, editor) -> None:
        """Words of the item editor in use (an ``ItemEditor``): its keys and its buttons."""
        self.keys_label.setText(editor.keys_brief())
        for i in range(self.editor_slot.count()):
            self.editor_slot.itemAt(i).widget().hide()
        widget = editor.side_widget()
        if widget is not None:
            if self.editor_slot.indexOf(widget) < 0:
                self.editor_slot.addWidget(widget)
            widget.show()
        self.delete_button.setText(editor.delete_text())
        self.empty_button.setText(editor.empty_text())
        self.empty_button.setToolTip(editor.empty_tip())
        self.empty_button.setVisible(bool(editor.empty_text()))

    def show_state(self, editor, has_item: bool) -> None:
        """What the item holds now: counts, which buttons apply, the label marks."""
        shapes = editor.shapes() if has_item else []
        self.count_label.setText(editor.count_text())
        self.delete_button.setEnabled(editor.selected >= 0 or (editor.deletes_all and bool(shapes)))
        self.empty_button.setEnabled(has_item and not shapes)
        self.labels.show_marks(editor.current_label(), editor.chosen_labels())
