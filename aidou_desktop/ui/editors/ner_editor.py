"""Entity spans (NER): select text with the mouse or Shift+arrows, a number key marks it.

Spans are stored as code-point offsets into the exact text of the item (``Item.text``,
Python str indices: docs/interfaces.md); the view's positions are UTF-16 and cross
over in ``Utf16Index``. The order's overlap rules are the host's check (the server's
rules); this editor only says what the person asked for.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from aidou_desktop.model import Item, Order, Shape
from aidou_desktop.ui.editors.base import EditorEdit, ItemEditor
from aidou_desktop.ui.editors.mark_list import MarkList
from aidou_desktop.ui.editors.span_view import SpanMark, SpanView
from aidou_desktop.ui.editors.text_offsets import Utf16Index
from aidou_desktop.ui.undo_commands import CHANGE_CLASS_ID
from sync_server.protocol import SHAPE_SPAN

log = logging.getLogger(__name__)

LIST_WIDTH = 250
UNKNOWN_COLOR = "#8c959f"  # a label the schema no longer has (an old pre-annotation)


def span_key(shape: Shape) -> tuple[int, int, str]:
    """Text order; at one start the longer (outer) span first."""
    start, end = shape.points[0]
    return start, -end, shape.label


class NerEditor(ItemEditor):
    enter_is_next = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = SpanView()
        self.span_list = MarkList()
        self.span_list.setFixedWidth(LIST_WIDTH)
        self.list_title = QLabel()
        self.list_title.setStyleSheet("font-weight: bold;")
        self._text = ""
        self._index = Utf16Index("")
        self._shapes: list[Shape] = []
        self._selected = -1
        self._labels: dict[str, tuple[str, str]] = {}  # name -> (title, colour)
        self._looks: dict[tuple[int, int, str], tuple[SpanMark, tuple[str, str, str]]] = {}
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.list_title)
        side.addWidget(self.span_list, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(side)
        self.setFocusProxy(self.view)
        self.view.span_clicked.connect(self._select)
        self.span_list.row_chosen.connect(self._choose_row)
        self.track_input_method(self.view)

    # ------------------------------------------------------------ content

    def set_order(self, order: Order) -> None:
        super().set_order(order)
        self._labels = {label.name: (label.title, label.color) for label in order.schema.labels}
        self._looks.clear()

    def show_item(self, item: Item, shapes: list[Shape], image: QImage | None, selected: int = -1) -> None:
        self._text = item.text or ""
        self._index = Utf16Index(self._text)
        self._looks.clear()
        if not self.view.show_text(self._text):
            log.error("item %s: the text view's positions differ from the text's", item.id)
        self._shapes = []
        self.set_shapes(shapes, selected)

    def set_shapes(self, shapes: list[Shape], selected: int = -1) -> None:
        chosen = shapes[selected] if 0 <= selected < len(shapes) else None
        ordered = sorted(shapes, key=span_key)  # stored spans may come in any order (an import)
        if ordered == self._shapes:
            self._select(ordered.index(chosen) if chosen is not None else -1)
            return
        self._shapes = ordered
        self._selected = ordered.index(chosen) if chosen is not None else -1
        self._show()
        self.selection_changed.emit(self._selected)

    def shapes(self) -> list[Shape]:
        return list(self._shapes)

    @property
    def selected(self) -> int:
        return self._selected

    def clear(self) -> None:
        self._text, self._index = "", Utf16Index("")
        self._looks.clear()
        self.view.show_text("")
        self._shapes, self._selected = [], -1
        self._show()

    def _show(self) -> None:
        looks = [self._look(shape) for shape in self._shapes]
        marks, rows = [look[0] for look in looks], [look[1] for look in looks]
        self.view.set_marks(marks, self._selected)
        self.span_list.show_rows(rows, self._selected)
        self.list_title.setText(self.tr("Entities (%1)").replace("%1", str(len(rows))))

    def _look(self, shape: Shape) -> tuple[SpanMark, tuple[str, str, str]]:
        """How a span is shown: its mark in the view and its row in the list (kept per span
        for the text shown: marking one more entity looks up the other 500)."""
        start, end = shape.points[0]
        key = (start, end, shape.label)
        look = self._looks.get(key)
        if look is None:
            title, color = self._labels.get(shape.label, (shape.label, UNKNOWN_COLOR))
            surface = self._text[start:end]
            to16 = self._index.to_utf16
            look = (SpanMark(to16(start), to16(end), title, color, f"{title}：{surface}"), (title, color, surface))
            self._looks[key] = look
        return look

    def _select(self, index: int) -> None:
        index = index if 0 <= index < len(self._shapes) else -1
        if index == self._selected:
            return
        self._selected = index
        self.view.set_marks(self.view.marks, index)
        self.span_list.show_selected(index)
        self.selection_changed.emit(index)

    def _choose_row(self, row: int) -> None:
        self._select(row)
        if 0 <= row < len(self._shapes):
            self.view.reveal(self._index.to_utf16(self._shapes[row].points[0][0]))
        self.view.setFocus()

    # ------------------------------------------------------------ edits

    def choose_label(self, index: int) -> None:
        """With text selected: mark it as this label. Else: give the selected entity this label."""
        if self.order is None or not 0 <= index < len(self.order.schema.labels):
            return
        name = self.order.schema.labels[index].name
        chosen = self.view.selected_range()
        if chosen is not None:
            self._mark(name, *chosen)
        elif self._selected >= 0:
            self._relabel(name)
        else:
            self.notice.emit(self.tr(
                "Select some text first: drag over it with the mouse, or hold Shift and press the arrow keys."
            ))  # fmt: skip

    def _mark(self, name: str, start16: int, end16: int) -> None:
        start, end = self._index.to_code_point(start16), self._index.to_code_point(end16)
        if start >= end:
            return
        span = Shape(SHAPE_SPAN, name, [[start, end]])
        before = self.shapes()
        after = sorted(before + [span], key=span_key)
        self.edited.emit(EditorEdit(self.tr("Mark entity"), before, after, self._selected, after.index(span)))
        if span in self._shapes:  # saved: the selection has become the entity
            self.view.collapse_selection(end16)

    def _relabel(self, name: str) -> None:
        old = self._shapes[self._selected]
        if old.label == name:
            return
        before = self.shapes()
        after = sorted(
            [Shape(SHAPE_SPAN, name, s.points) if i == self._selected else s for i, s in enumerate(before)],
            key=span_key,
        )
        moved = after.index(Shape(SHAPE_SPAN, name, old.points))
        self.edited.emit(EditorEdit(self.tr("Change entity label"), before, after, self._selected, moved,
                                    CHANGE_CLASS_ID))  # fmt: skip

    def delete_selected(self) -> None:
        if self._selected < 0:
            return
        before = self.shapes()
        after = before[: self._selected] + before[self._selected + 1 :]
        self.edited.emit(EditorEdit(self.tr("Delete entity"), before, after, self._selected, -1))

    def deselect(self) -> None:
        self.view.collapse_selection(self.view.textCursor().position())
        self._select(-1)

    def focus_widget(self) -> QWidget:
        return self.view

    # ------------------------------------------------------------ side panel

    def current_label(self) -> int:
        if self._selected < 0 or self.order is None:
            return -1
        names = self.order.schema.names()
        label = self._shapes[self._selected].label
        return names.index(label) if label in names else -1

    def count_text(self) -> str:
        return self.tr("%n entity(ies) in this text", "", len(self._shapes))

    def keys_help(self) -> str:
        return self.tr(
            "Select text with the mouse, or with Shift+arrows; then press 1–9 to mark it. Click an entity to select it: 1–9 changes its label, Del deletes it.\nEnter / D next · A previous · ←→ move in the text\nCtrl+Z undo · Ctrl+Shift+Z redo · Esc deselect"
        )

    def delete_text(self) -> str:
        return self.tr("Delete (Del)")

    def empty_text(self) -> str:
        return self.tr("No entities (E)")

    def empty_tip(self) -> str:
        return self.tr("This text has nothing to mark: mark it as done without entities")
