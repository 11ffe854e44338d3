"""The NER text: read-only and selectable, entities tinted in their label's colour with the
label's title in a small tag under each one's first character.

Built for long texts with many entities (a 5,000-character dialogue with 500 of them):
the tints are the text view's extra selections, each made once and kept (adding an
entity makes one, not 500), and only the tags of the lines on screen are painted.
Positions here are the view's own (UTF-16); the editor converts them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import NamedTuple

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit, QToolTip

from aidou_desktop.ui.canvas.mark_item import readable_text_color
from aidou_desktop.ui.editors.readable_text import keeps_text, make_readable, reading_font
from aidou_desktop.ui.editors.text_offsets import display_text

LINE_HEIGHT_PERCENT = 185  # room under each line for the tags
TAG_POINT_SIZE = 9
TINT_ALPHA = 80
# keys that move the text cursor here rather than step between items
_CURSOR_KEYS = {Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_Home,
                Qt.Key.Key_End, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}  # fmt: skip


class SpanMark(NamedTuple):
    start: int  # view positions (UTF-16), start <= i < end
    end: int
    title: str
    color: str
    tip: str


class SpanView(QTextEdit):
    span_clicked = Signal(int)  # index into the marks of the innermost one clicked, -1: none there

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        make_readable(self)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.marks: list[SpanMark] = []
        self.selected = -1
        self._starts: list[int] = []
        self._made: dict[tuple, QTextEdit.ExtraSelection] = {}  # tints by (mark, selected), for this text
        self._pressed_at: QPoint | None = None
        self._tag_font = QFont(reading_font())
        self._tag_font.setPointSize(TAG_POINT_SIZE)
        self._tag_font.setBold(True)

    # ------------------------------------------------------------ content

    def show_text(self, text: str) -> bool:
        """Show ``text`` (see ``display_text``); False if the view's positions still differ."""
        shown = display_text(text)
        self._made.clear()
        self.marks, self._starts, self.selected = [], [], -1
        self.setExtraSelections([])
        self.setPlainText(shown)
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        spacing = QTextBlockFormat()
        spacing.setLineHeight(LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        cursor.mergeBlockFormat(spacing)
        self.setTextCursor(QTextCursor(self.document()))
        return self.document().characterCount() - 1 == len(shown.encode("utf-16-le")) // 2

    def set_marks(self, marks: list[SpanMark], selected: int) -> None:
        """``marks`` sorted by start (outer before inner at one start)."""
        self.marks, self.selected = marks, selected
        self._starts = [mark.start for mark in marks]
        tints = [self._tint(mark, False) for i, mark in enumerate(marks) if i != selected]
        if 0 <= selected < len(marks):
            tints.append(self._tint(marks[selected], True))  # over the others
        self.setExtraSelections(tints)
        self.viewport().update()

    def selected_range(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        return (cursor.selectionStart(), cursor.selectionEnd()) if cursor.hasSelection() else None

    def collapse_selection(self, position: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(position)
        self.setTextCursor(cursor)

    def reveal(self, position: int) -> None:
        """Scroll so that ``position`` is in sight (the text cursor goes there)."""
        self.collapse_selection(position)
        self.ensureCursorVisible()
        # the line in sight is not enough: its tags hang below it
        below = self.cursorRect().bottom() + QFontMetrics(self._tag_font).height() + 6 - self.viewport().height()
        if below > 0:
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + below)

    def _tint(self, mark: SpanMark, selected: bool) -> QTextEdit.ExtraSelection:
        key = (mark.start, mark.end, mark.color, selected)
        made = self._made.get(key)
        if made is None:
            made = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(mark.start)
            cursor.setPosition(mark.end, QTextCursor.MoveMode.KeepAnchor)
            made.cursor = cursor
            color = QColor(mark.color)
            text_format = QTextCharFormat()
            if selected:
                text_format.setBackground(color)
                text_format.setForeground(readable_text_color(color))
            else:
                color.setAlpha(TINT_ALPHA)
                text_format.setBackground(color)
            made.format = text_format
            self._made[key] = made
        return made

    # ------------------------------------------------------------ where things are

    def char_at(self, point: QPoint) -> int:
        """The view position of the character under ``point`` (viewport coordinates)."""
        position = self.cursorForPosition(point).position()
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        # cursorForPosition rounds to the nearer edge: left of that edge is the character before it
        return position - 1 if position > 0 and point.x() < self.cursorRect(cursor).left() else position

    def marks_at(self, position: int) -> list[int]:
        """Indexes of the marks holding the character at ``position``, innermost first."""
        found = [i for i in range(bisect_right(self._starts, position)) if self.marks[i].end > position]
        return sorted(found, key=lambda i: self.marks[i].end - self.marks[i].start)

    # ------------------------------------------------------------ events

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() in _CURSOR_KEYS:
            event.accept()  # arrows (with Shift: select) move in the text, not between items
            return True
        return super().event(event)

    def inputMethodEvent(self, event) -> None:
        keeps_text(event)

    def mousePressEvent(self, event) -> None:
        self._pressed_at = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        pressed, self._pressed_at = self._pressed_at, None
        if event.button() != Qt.MouseButton.LeftButton or pressed is None or self.textCursor().hasSelection():
            return
        if (event.position().toPoint() - pressed).manhattanLength() > 4:
            return
        held = self.marks_at(self.char_at(event.position().toPoint()))
        self.span_clicked.emit(held[0] if held else -1)

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            held = self.marks_at(self.char_at(event.pos()))
            if held:
                QToolTip.showText(event.globalPos(), "\n".join(self.marks[i].tip for i in held), self)
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if not self.marks:
            return
        viewport = self.viewport().rect()
        first = self.cursorForPosition(viewport.topLeft()).position()
        last = self.cursorForPosition(viewport.bottomRight()).position()
        painter = QPainter(self.viewport())
        painter.setFont(self._tag_font)
        metrics = QFontMetrics(self._tag_font)
        cursor = QTextCursor(self.document())
        line_y, line_right = None, -1
        for i in range(bisect_left(self._starts, first), bisect_right(self._starts, last)):
            mark = self.marks[i]
            cursor.setPosition(mark.start)
            at = self.cursorRect(cursor)
            if at.bottom() != line_y:
                line_y, line_right = at.bottom(), -1
            width = metrics.horizontalAdvance(mark.title) + 8
            x = max(at.left(), line_right + 2)  # tags of neighbouring entities never cover each other
            box = QRect(x, at.bottom() + 2, width, metrics.height() + 2)
            line_right = box.right()
            color = QColor(mark.color)
            painter.fillRect(box, color)
            painter.setPen(readable_text_color(color))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, mark.title)
            if i == self.selected:
                painter.setPen(QColor("#1f2328"))
                painter.drawRect(box.adjusted(0, 0, -1, -1))
        painter.end()
