"""The transcription's text field: one line of text per line on the image, numbered.

Each line (a text block) carries the box of the OCR line it came from and its label in
its block data, which Qt keeps with the block while the person edits it: an edited line
keeps its box, a line the person adds has none. The numbers in the margin are the
numbers on the image's boxes.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QTextBlock, QTextBlockUserData, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from aidou_desktop.ui.look import MUTED

CURRENT_LINE = "#fdebdc"  # the line the cursor is on: the tint of its box on the image


@dataclass
class Line:
    text: str
    box: list[list[float]] | None  # [[x1, y1], [x2, y2]] in original pixels; None: typed by the person
    label: str = ""


class LineData(QTextBlockUserData):
    def __init__(self, box: list[list[float]] | None, label: str) -> None:
        super().__init__()
        self.box, self.label = box, label


class LinesEdit(QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # every undo goes through the page's undo stack (what it undoes is saved too)
        self.setUndoRedoEnabled(False)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(True)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.4)  # hanzi need room to be told apart
        self.setFont(font)
        self._margin = _LineNumbers(self)
        self.blockCountChanged.connect(self._fit_margin)
        self.document().contentsChange.connect(self._keep_box_with_text)
        self.cursorPositionChanged.connect(self._tint_current_line)
        self.updateRequest.connect(self._scroll_margin)
        self._fit_margin()

    # ------------------------------------------------------------ content

    def set_lines(self, lines: list[Line], cursor_line: int = 0) -> None:
        self.setPlainText("\n".join(line.text for line in lines))
        block = self.document().firstBlock()
        for line in lines:
            block.setUserData(LineData(line.box, line.label))
            block = block.next()
        self.put_cursor(cursor_line)

    def lines(self) -> list[Line]:
        found = []
        block = self.document().firstBlock()
        while block.isValid():
            data = block.userData()
            found.append(Line(block.text(), getattr(data, "box", None), getattr(data, "label", "")))
            block = block.next()
        return found

    def current_line(self) -> int:
        return self.textCursor().blockNumber()

    def put_cursor(self, line: int) -> None:
        block = self.document().findBlockByNumber(max(0, line))
        if block.isValid():
            cursor = QTextCursor(block)
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock)
            self.setTextCursor(cursor)

    def _tint_current_line(self) -> None:
        tint = QTextEdit.ExtraSelection()
        tint.format.setBackground(QColor(CURRENT_LINE))
        tint.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        tint.cursor = self.textCursor()
        tint.cursor.clearSelection()
        self.setExtraSelections([tint])

    def set_label(self, line: int, label: str) -> None:
        block = self.document().findBlockByNumber(line)
        data = block.userData()
        block.setUserData(LineData(getattr(data, "box", None), label))

    def line_top(self, line: int) -> int:
        """Where line ``line`` is drawn, in viewport pixels (tests click there)."""
        block = self.document().findBlockByNumber(line)
        return round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())

    def _keep_box_with_text(self, position: int, _removed: int, added: int) -> None:
        """Enter at the start of a line splits its block: Qt leaves the block's data (its box)
        on the empty first part, and the text moves on without it. Move the data after it.
        All text deleted at once leaves one block holding some line's data: drop it."""
        if self.document().isEmpty():
            self.document().firstBlock().setUserData(None)
            return
        block = self.document().findBlock(position)
        end = position + added
        while block.isValid() and block.position() <= end:
            after = block.next()
            if (after.isValid() and not block.text() and block.userData() is not None
                    and after.userData() is None and after.text()):  # fmt: skip
                data = block.userData()
                after.setUserData(LineData(data.box, data.label))
                block.setUserData(None)
            block = after

    # ------------------------------------------------------------ the numbers in the margin

    def margin_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 14 + self.fontMetrics().horizontalAdvance("9") * max(2, digits)

    def _fit_margin(self, _count: int = 0) -> None:
        self.setViewportMargins(self.margin_width(), 0, 0, 0)

    def _scroll_margin(self, rect: QRect, dy: int) -> None:
        if dy:
            self._margin.scroll(0, dy)
        else:
            self._margin.update(0, rect.y(), self._margin.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        r = self.contentsRect()
        self._margin.setGeometry(QRect(r.left(), r.top(), self.margin_width(), r.height()))

    def paint_margin(self, painter: QPainter, rect: QRect) -> None:
        painter.fillRect(rect, QColor("#f0f2f5"))
        current = self.current_line()
        block: QTextBlock = self.firstVisibleBlock()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        height = self.fontMetrics().height()
        while block.isValid() and top <= rect.bottom():
            number = block.blockNumber()
            if block.isVisible():
                has_box = getattr(block.userData(), "box", None) is not None
                painter.setPen(QColor("#1f2328" if number == current else (MUTED if has_box else "#b0b5bb")))
                painter.drawText(0, round(top), self._margin.width() - 6, height, Qt.AlignmentFlag.AlignRight,
                                 str(number + 1))  # fmt: skip
            top += self.blockBoundingRect(block).height()
            block = block.next()


class _LineNumbers(QWidget):
    def __init__(self, edit: LinesEdit) -> None:
        super().__init__(edit)
        self.edit = edit

    def sizeHint(self) -> QSize:
        return QSize(self.edit.margin_width(), 0)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setFont(self.edit.font())
        self.edit.paint_margin(painter, event.rect())
