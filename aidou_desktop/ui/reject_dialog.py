"""Sending an item back: common reasons as check boxes (keys 1–5) plus free text.

The annotator reads the comment on their annotate page, so a rejection without
one is refused here, before the store would refuse it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from aidou_desktop.model.review import MAX_REVIEW_COMMENT


class RejectDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Send back to the annotator"))
        self.setModal(True)
        reasons = [
            self.tr("Missed objects"),
            self.tr("Boxes not tight"),
            self.tr("Wrong class"),
            self.tr("Should not be labelled"),
            self.tr("Image not clear"),
        ]
        prompt = QLabel(self.tr("Why? The annotator sees this on the item. Keys 1–5 tick a reason."))
        prompt.setWordWrap(True)
        self.reason_boxes = [QCheckBox(f"{n}  {text}") for n, text in enumerate(reasons, start=1)]
        for box, text in zip(self.reason_boxes, reasons):
            box.setProperty("reason", text)
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText(self.tr("Or write what to fix…"))
        self.text_edit.setMaxLength(MAX_REVIEW_COMMENT)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Send back"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(prompt)
        for box in self.reason_boxes:
            layout.addWidget(box)
        layout.addWidget(self.text_edit)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        for n, box in enumerate(self.reason_boxes, start=1):
            # the text field takes digits typed into it first (it overrides shortcuts for text)
            action = QAction(self)
            action.setShortcut(QKeySequence(str(n)))
            action.triggered.connect(box.toggle)
            self.addAction(action)

    def start(self) -> None:
        """Empty again for the next item, then shown (non-blocking: ``accepted`` reports OK)."""
        for box in self.reason_boxes:
            box.setChecked(False)
        self.text_edit.clear()
        self.error_label.hide()
        self.open()
        self.activateWindow()  # keys go to the dialog now, never to the page's one-key verdicts
        self.reason_boxes[0].setFocus()

    def comment(self) -> str:
        parts = [box.property("reason") for box in self.reason_boxes if box.isChecked()]
        text = self.text_edit.text().strip()
        if text:
            parts.append(text)
        return self.tr("; ").join(parts)

    def accept(self) -> None:
        if not self.comment():
            self.error_label.setText(
                self.tr("Tick a reason or write one: the annotator needs to know what to fix.")
            )
            self.error_label.show()
            return
        super().accept()
