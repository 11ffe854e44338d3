"""Flagging an item for the lead while labelling (key Q): two quick reasons as check boxes
(keys 1–2) plus a note. The flag is part of the item's revision, so it works offline and
reaches the lead with the next sync; an item already flagged offers to remove it.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from sync_server.protocol import MAX_FLAG_LENGTH


class FlagDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Flag for the lead"))
        self.setModal(True)
        reasons = [self.tr("Not sure"), self.tr("Image not clear")]
        prompt = QLabel(self.tr("What should the lead look at? The lead sees this note with the item. "
                                "Keys 1–2 tick a reason."))  # fmt: skip
        prompt.setWordWrap(True)
        self.reason_boxes = [QCheckBox(f"{n}  {text}") for n, text in enumerate(reasons, start=1)]
        for box, text in zip(self.reason_boxes, reasons):
            box.setProperty("reason", text)
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText(self.tr("Or write a note…"))
        self.text_edit.setMaxLength(MAX_FLAG_LENGTH)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Flag"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        # shown only for an item already flagged: saves the item without its flag
        self.clear_button = self.buttons.addButton(self.tr("Remove flag"), QDialogButtonBox.ButtonRole.ResetRole)
        self.clear_button.setAutoDefault(False)  # Enter always means OK
        self.clear_button.clicked.connect(self._clear)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.clearing = False

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

    def start(self, current: str | None) -> None:
        """Filled with the item's flag (``current``, None when it has none), then shown
        (non-blocking: ``accepted`` reports OK or Remove flag; ``note()`` says which)."""
        parts = current.split(self._separator()) if current else []
        for box in self.reason_boxes:
            box.setChecked(box.property("reason") in parts)
        self.text_edit.setText(self._separator().join(p for p in parts if p not in self._reasons()))
        self.clearing = False
        self.clear_button.setVisible(current is not None)
        self.error_label.hide()
        self.open()
        self.activateWindow()  # keys go to the dialog now, never to the page behind it
        self.reason_boxes[0].setFocus()

    def note(self) -> str | None:
        """The flag to save: None after Remove flag."""
        if self.clearing:
            return None
        parts = [box.property("reason") for box in self.reason_boxes if box.isChecked()]
        text = self.text_edit.text().strip()
        if text:
            parts.append(text)
        return self._separator().join(parts) or None

    def accept(self) -> None:
        note = self.note()
        if not self.clearing and not note:
            self.error_label.setText(self.tr("Tick a reason or write a note, or press Cancel."))
            self.error_label.show()
            return
        if note and len(note) > MAX_FLAG_LENGTH:
            self.error_label.setText(
                self.tr("The note is too long: at most %1 characters.").replace("%1", str(MAX_FLAG_LENGTH))
            )
            self.error_label.show()
            return
        super().accept()

    def _clear(self) -> None:
        self.clearing = True
        self.accept()

    def _reasons(self) -> list[str]:
        return [box.property("reason") for box in self.reason_boxes]

    def _separator(self) -> str:
        return self.tr("; ")
