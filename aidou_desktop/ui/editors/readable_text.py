"""An item's text shown to be read: large, Chinese first, wrapped, read-only but selectable."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextOption
from PySide6.QtWidgets import QFrame, QPlainTextEdit, QTextEdit

from aidou_desktop.ui.look import FONT_FAMILIES

TEXT_POINT_SIZE = 15  # read for hours at arm's length on a 1366×768 screen: larger than the UI's 11 pt


def reading_font() -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSize(TEXT_POINT_SIZE)
    return font


def make_readable(view: QPlainTextEdit | QTextEdit) -> None:
    """Read-only, selectable with the mouse and the keyboard (Shift+arrows), wrapped at any
    character when a line has no break (long numbers, URLs), on a white page."""
    view.setReadOnly(True)
    view.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                 | Qt.TextInteractionFlag.TextSelectableByKeyboard)  # fmt: skip
    view.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    view.setFont(reading_font())
    view.setFrameShape(QFrame.Shape.StyledPanel)
    view.setStyleSheet("background: white; border: 1px solid #d0d7de;")
    view.document().setDocumentMargin(14)
    view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)


def keeps_text(event) -> None:
    """An input method's text never reaches a read-only view: Qt's text control would
    insert a commit (and delete the selection) through its cursor, read-only or not."""
    event.accept()


class ReadableText(QPlainTextEdit):
    """The text of a text-classification item."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        make_readable(self)
        self.setUndoRedoEnabled(False)

    def show_text(self, text: str) -> None:
        self.setPlainText(text)  # plain text: markup in a customer's message stays as typed
        self.moveCursor(self.textCursor().MoveOperation.Start)

    def inputMethodEvent(self, event) -> None:
        keeps_text(event)
