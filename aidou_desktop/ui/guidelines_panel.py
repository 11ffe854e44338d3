"""The order's guidelines (Markdown), folded away when not needed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import QTextBrowser, QToolButton, QVBoxLayout, QWidget


class GuidelinesPanel(QWidget):
    toggled = Signal(bool)  # expanded

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.toggle_button = QToolButton()
        self.toggle_button.setText(self.tr("Guidelines"))
        self.toggle_button.setCheckable(True)
        self.toggle_button.setChecked(True)
        self.toggle_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle_button.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.toggle_button.setStyleSheet("QToolButton { border: none; font-weight: bold; }")
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # never call out: links in guidelines stay text
        self.browser.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle_button)
        layout.addWidget(self.browser, 1)
        self.toggle_button.toggled.connect(self.set_expanded)

    def set_markdown(self, text: str) -> None:
        self.browser.setMarkdown(text or self.tr("This order has no guidelines."))
        self._shrink_headings()

    def _shrink_headings(self) -> None:
        """Markdown headings come out at poster size; the panel is narrow."""
        # FontSizeAdjustment is how the Markdown reader scales headings (h1 = +3 steps)
        adjustments = {1: 1, 2: 0, 3: 0}
        block = self.browser.document().begin()
        while block.isValid():
            level = block.blockFormat().headingLevel()
            if level:
                cursor = QTextCursor(block)
                cursor.select(QTextCursor.SelectionType.BlockUnderCursor)
                heading = QTextCharFormat()
                heading.setProperty(QTextFormat.Property.FontSizeAdjustment, adjustments.get(level, 0))
                cursor.mergeCharFormat(heading)
            block = block.next()

    def set_expanded(self, expanded: bool) -> None:
        self.toggle_button.setChecked(expanded)
        self.toggle_button.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.browser.setVisible(expanded)
        self.toggled.emit(expanded)

    def expanded(self) -> bool:
        return self.toggle_button.isChecked()
