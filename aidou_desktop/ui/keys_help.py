"""F1 on the annotate page: every key of the page in one small window (docs/keys.md)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget


class KeysHelp(QDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keys"))
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        self.text_label.setMinimumWidth(460)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text_label)
        layout.addWidget(buttons)

    def show_for(self, editor_keys: str) -> None:
        """Show the editor's own keys, then the keys every page shares."""
        shared = self.tr(
            "E: nothing to mark on this item · Q: flag it for the lead (with a note) · N: next unlabelled item\n"
            "Ctrl+Z undo · Ctrl+Shift+Z redo · F fit · Esc deselect\n"
            "F1 or Esc closes this window."
        )
        self.text_label.setText(f"{editor_keys}\n\n{shared}" if editor_keys else shared)
        self.open()
        self.activateWindow()  # keys go to this window until it closes

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_F1:
            self.reject()
            return
        super().keyPressEvent(event)
