"""Transcription: the image beside a text field, one line of text per line on the image.

The item arrives pre-filled with what the PC's OCR read (``set_suggestion``), each line
keeping its box: the line the cursor is on is outlined on the image and brought into
view. Nothing is saved until the person acts on it:
- typing saves on its own after a short pause (each pause ends one undo step);
- Ctrl+Enter takes the text as it stands (the suggestion too, untouched), saves it and
  asks for the next item (``confirmed``). A step with D or the Next button saves nothing:
  an untouched suggestion is never anybody's answer by accident.
Shapes: one SHAPE_TEXT per non-blank line, with its OCR box or none ([]) for a line the
person added. The store works out the revision's OCR error rate from its suggestion.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, QTimer
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from aidou_desktop.model import Item, Shape, box_shape
from aidou_desktop.ocr import OcrLine
from aidou_desktop.ui.canvas import AnnotationCanvas
from aidou_desktop.ui.editors.base import EditorEdit, ItemEditor
from aidou_desktop.ui.editors.transcription_lines import Line, LinesEdit
from aidou_desktop.ui.look import ACCENT, MUTED
from sync_server.protocol import SHAPE_TEXT

PAUSE_MS = 700  # typing stops this long: save (one undo step per burst of typing)
MAX_UNSAVED_MS = 5000  # a fast typist who never pauses still has their text saved this often
TYPING_MERGE_BASE = 0x5400_0000  # merge ids of typing bursts: far from the other editors' ids
LINE_COLOR = "#e8590c"


class TranscriptionEditor(ItemEditor):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: Item | None = None
        self._saved: list[Shape] = []  # what the store holds for the item (as last shown)
        self._suggestion: list[OcrLine] | None = None
        self._prefilled = False  # the field shows the OCR suggestion, not saved by anyone yet
        self._loading = False  # the field is being filled by us, not typed in
        self._burst = 0
        self._box_of_line: dict[int, int] = {}  # line number -> index of its box on the canvas

        self.canvas = AnnotationCanvas()
        self.canvas.set_read_only(True)  # the boxes are the OCR's: they show where a line is
        self.text = LinesEdit()
        self.text.setObjectName("transcription")
        self.text.textChanged.connect(self._typed)
        self.text.cursorPositionChanged.connect(self._cursor_moved)
        self.text.blockCountChanged.connect(lambda _n: self._show_boxes())
        self.track_input_method(self.text)  # our eventFilter also takes Ctrl+Enter, Esc, Ctrl+Z
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.text.setToolTip(self.keys_help())
        self._pause = QTimer(self, singleShot=True, interval=PAUSE_MS, timeout=self._pause_save)
        self._deadline = QTimer(self, singleShot=True, interval=MAX_UNSAVED_MS, timeout=self._save_typing)

        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(8, 0, 0, 0)
        column.addWidget(self.status)
        column.addWidget(self.text, 1)
        right.setMinimumWidth(340)  # a receipt's longest line in the large font
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.canvas)
        splitter.addWidget(right)
        # receipts and forms are tall: the image needs no more width than the text
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    # ------------------------------------------------------------ content

    def show_item(self, item: Item, shapes: list[Shape], image: QImage | None, selected: int = -1) -> None:
        self._pause.stop()
        self._deadline.stop()
        self.item = item
        if image is not None and not image.isNull():
            self.canvas.show_image(image, item.width, item.height)
        else:
            self.canvas.clear_image()
        self._suggestion = None
        self._load(shapes, selected)

    def clear(self) -> None:
        self.item = None
        self._pause.stop()
        self._deadline.stop()
        self.canvas.clear_image()
        self._suggestion = None
        self._load([], -1)

    def set_suggestion(self, lines: list[OcrLine] | None) -> None:
        """What OCR read on the item shown (None: not read yet). It fills the field only while
        nothing is saved and nothing typed."""
        self._suggestion = lines
        if lines and not self._saved and not self.text.toPlainText():
            self._fill([Line(line.text, line.box) for line in lines], 0)
            self._prefilled = True
        self._show_status()

    def set_shapes(self, shapes: list[Shape], selected: int = -1) -> None:
        if shapes == self.shapes() and not self._pause.isActive():
            self._saved = list(shapes)  # what the field shows is what was saved
            self._prefilled = False
            self._show_status()
            return
        self._pause.stop()
        self._deadline.stop()
        self._load(shapes, selected)

    def shapes(self) -> list[Shape]:
        return [
            Shape(SHAPE_TEXT, line.label, line.box or [], line.text.rstrip())
            for line in self.text.lines()
            if line.text.strip()
        ]

    @property
    def selected(self) -> int:
        """The line the cursor is on, as an index into ``shapes()`` (-1: a blank line)."""
        lines = self.text.lines()
        current = self.text.current_line()
        if not 0 <= current < len(lines) or not lines[current].text.strip():
            return -1
        return sum(1 for line in lines[:current] if line.text.strip())

    def _load(self, shapes: list[Shape], selected: int) -> None:
        self._saved = list(shapes)
        self._prefilled = False
        lines = [Line(s.text or "", s.points or None, s.label) for s in shapes if s.kind == SHAPE_TEXT]
        self._fill(lines, max(selected, 0))
        self._show_status()

    def _fill(self, lines: list[Line], cursor_line: int) -> None:
        self._loading = True
        try:
            self.text.set_lines(lines, cursor_line)
        finally:
            self._loading = False
        self._show_boxes()
        self.canvas.fit_to_window()

    # ------------------------------------------------------------ saving what is typed

    def _typed(self) -> None:
        if self._loading or self.item is None:
            return
        self._pause.start()
        if not self._deadline.isActive():
            self._deadline.start()

    def _pause_save(self) -> None:
        self._save_typing()
        self._burst += 1  # the pause ends the burst: the next typing is its own undo step

    def _save_typing(self) -> None:
        self._pause.stop()
        self._deadline.stop()
        self._emit(self.tr("Type text"), TYPING_MERGE_BASE + self._burst)

    def flush(self) -> None:
        """Save what was typed and not saved yet (before an undo, a step to another item)."""
        if self._pause.isActive():
            self._pause_save()

    def confirm(self) -> None:
        """Ctrl+Enter: the text as it stands is the answer (an untouched suggestion too)."""
        if self.item is None:
            return
        self.flush()
        if self._prefilled or self.shapes() != self._saved:
            self._emit(self.tr("Confirm text"))
        self._prefilled = False
        self._show_status()
        self.confirmed.emit()

    def _emit(self, text: str, merge_id: int = -1) -> None:
        after = self.shapes()
        if after == self._saved and not self._prefilled:
            return
        selected = self.selected
        self._prefilled = False
        # the host saves it and hands the shapes back (``set_shapes``): only then are they
        # ``_saved``; an edit it refuses (an empty text) leaves the last save the base
        self.edited.emit(EditorEdit(text, list(self._saved), after, selected, selected, merge_id))
        self._show_status()

    # ------------------------------------------------------------ the lines on the image

    def _show_boxes(self) -> None:
        """One numbered box per line that has one (the number is the line's in the margin)."""
        lines = self.text.lines()
        numbered = [(str(n + 1), line.box) for n, line in enumerate(lines) if line.box]
        self.canvas.set_labels({name: (name, LINE_COLOR) for name, _ in numbered})
        self.canvas.set_shapes([box_shape(name, box[0][0], box[0][1], box[1][0], box[1][1]) for name, box in numbered])
        self._box_of_line = {int(name) - 1: index for index, (name, _) in enumerate(numbered)}
        self._highlight(centre=False)

    def _cursor_moved(self) -> None:
        if not self._loading:
            self._highlight(centre=True)
            self.selection_changed.emit(self.selected)

    def _highlight(self, centre: bool) -> None:
        index = self._box_of_line.get(self.text.current_line(), -1)
        self.canvas.select(index)
        if index >= 0 and centre:
            self.canvas.show_rect(QRectF(self.canvas.marks[index].rect))

    # ------------------------------------------------------------ keys

    def wants_keys(self) -> bool:
        return super().wants_keys() or self.text.hasFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text and not super().wants_keys():  # not in a pinyin composition
            kind = event.type()
            if kind == QEvent.Type.ShortcutOverride:
                if event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo):
                    # the text field would keep Ctrl+Z for its own (disabled) undo: the page's
                    # undo takes it, starting from what was just typed
                    self.flush()
                    event.ignore()
                    return True
                if _confirms(event) or event.key() == Qt.Key.Key_Escape:
                    event.accept()  # ours, not the page's Escape
                    return True
            elif kind == QEvent.Type.KeyPress and _confirms(event):
                self.confirm()
                return True
            elif kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
                self.flush()
                self.canvas.setFocus()  # the page's one-key shortcuts work again
                return True
        return super().eventFilter(watched, event)

    def focus_widget(self) -> QWidget:
        return self.text

    def fit(self) -> None:
        self.canvas.fit_to_window()

    def deselect(self) -> None:
        self.canvas.select(-1)

    def delete_selected(self) -> None:
        """Del outside the text field: the line under the cursor goes."""
        current = self.text.current_line()
        lines = self.text.lines()
        if not 0 <= current < len(lines):
            return
        self.flush()
        self._fill(lines[:current] + lines[current + 1 :], min(current, len(lines) - 2))
        self._emit(self.tr("Delete line"))

    def choose_label(self, index: int) -> None:
        """A number key outside the text field: the label of the line under the cursor."""
        if self.order is None or not 0 <= index < len(self.order.schema.labels):
            return
        label = self.order.schema.labels[index].name
        current = self.text.current_line()
        if current < len(self.text.lines()) and self.text.lines()[current].label != label:
            self.text.set_label(current, label)
            self._emit(self.tr("Change line label"))

    # ------------------------------------------------------------ the side panel

    def current_label(self) -> int:
        lines = self.text.lines()
        current = self.text.current_line()
        if self.order is None or not 0 <= current < len(lines):
            return -1
        names = [label.name for label in self.order.schema.labels]
        return names.index(lines[current].label) if lines[current].label in names else -1

    def count_text(self) -> str:
        return self.tr("%n line(s)", "", len(self.shapes()))

    def delete_text(self) -> str:
        return self.tr("Delete line (Del)")

    def empty_text(self) -> str:
        required = self.order is None or self.order.schema.text_required
        return "" if required else self.tr("No text on the image (E)")

    def keys_help(self) -> str:
        return self.tr(
            "Type the text line by line as it stands on the image; click a line to find it on the image.\n"
            "Ctrl+Enter: the text is right (also an OCR suggestion you did not need to change): save it "
            "and go to the next item.\n"
            "Typing is saved by itself after a short pause; Ctrl+Z undoes it.\n"
            "D or Next moves on without saving: an unchecked suggestion is never saved as your answer.\n"
            "Esc leaves the text field, so A, D, E, F, Q and the number keys work again."
        )

    def _show_status(self) -> None:
        if self._prefilled:
            text = self.tr("Pre-filled by OCR on this PC: check every line against the image, "
                           "then press Ctrl+Enter.")  # fmt: skip
            color = ACCENT
        elif self._saved:
            text = self.tr("Saved.")
            color = MUTED
        elif self.item is not None and self._suggestion is None:
            text = self.tr("Reading the text on this PC… you can start typing.")
            color = MUTED
        elif self._suggestion == []:
            text = self.tr("OCR found no text on this image: type what you see.")
            color = MUTED
        else:
            text = ""
            color = MUTED
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {color}; font-weight: bold;")


def _confirms(event) -> bool:
    """Ctrl+Enter (either Enter key)."""
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and bool(
        event.modifiers() & Qt.KeyboardModifier.ControlModifier
    )
