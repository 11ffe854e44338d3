"""The review page's view of an item whose order is not boxes: the annotate page's own
editor of that task kind (text classes, entity spans, transcription, image classes),
so the lead sees the item as the annotator did.

The lead looks, and changes nothing, until correct mode: every edit an editor makes
outside it is put back at once, and the text fields are read-only. In correct mode the
edits stay on the editor (checked against the order's rules, as on the annotate page)
until the page saves them as one revision; nothing here saves. While the lead corrects
in a text field (the editor's ``wants_keys``), or an input method composes, keys are
text: ``typing`` tells the page to leave its one-key shortcuts alone.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QStackedWidget, QTextEdit, QWidget

from aidou_desktop.imaging import DecodeError
from aidou_desktop.model import Item, Order, Shape
from aidou_desktop.model.review import QueueEntry
from aidou_desktop.store import Store
from aidou_desktop.ui.editors import BoxEditor, EditorEdit, ItemEditor, editor_for
from aidou_desktop.ui.editors.problems import edit_problem, problem_text, saves_anyway
from aidou_desktop.ui.image_cache import ImageCache

PREFETCH_AHEAD = 2  # as on the annotate page: the next image is decoded while the lead looks


def item_image(store: Store, cache: ImageCache, item: Item | None, in_editor: bool) -> tuple[QImage | None, bool]:
    """The item's decoded display copy, and whether it is missing on this PC. A text item
    (no blob) shown in its editor has no image to miss."""
    if item is not None and not item.blob and in_editor:
        return None, False
    try:
        path = store.blob_path(item.blob) if item else None
        if path is None:
            raise DecodeError(item.name if item else "")
        return cache.get(path), False
    except DecodeError:
        return None, True


def prefetch_images(store: Store, cache: ImageCache, entry: Callable[[int], QueueEntry | None], row: int) -> None:
    """Decode the next images while the lead looks at row ``row`` (text items have none)."""
    paths = []
    for r in [row + k for k in range(1, PREFETCH_AHEAD + 1)] + [row - 1]:
        item = store.item(queued.item_id) if (queued := entry(r)) else None
        path = store.blob_path(item.blob) if item and item.blob else None
        if path is not None:
            paths.append(path)
    cache.prefetch(paths)


class ReviewEditors(QStackedWidget):
    notice = Signal(str)  # an edit the order's rules refuse, in the lead's words
    confirmed = Signal()  # the editor's own "this is the answer" (transcription's Ctrl+Enter)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._editors: dict[type[ItemEditor], ItemEditor] = {}
        self._typed_in: dict[ItemEditor, list[QWidget]] = {}  # each editor's fields a person types in
        self.editor: ItemEditor | None = None
        self.item: Item | None = None
        self.editable = False

    def use(self, order: Order) -> ItemEditor | None:
        """The editor for ``order``'s items, shown; None for box and polygon orders (the page's canvas shows those)."""
        kind = editor_for(order.task_kind)
        if issubclass(kind, BoxEditor):
            self.editor = None
            return None
        editor = self._editors.get(kind)
        if editor is None:
            editor = self._editors[kind] = kind()
            editor.edited.connect(self._edited)
            editor.notice.connect(self.notice)
            editor.confirmed.connect(self.confirmed)
            self._typed_in[editor] = [
                field for kind_of_field in (QLineEdit, QPlainTextEdit, QTextEdit)
                for field in editor.findChildren(kind_of_field) if not field.isReadOnly()
            ]  # fmt: skip
            self.addWidget(editor)
        if editor.order is not order:
            editor.set_order(order)
        self.editor = editor
        self.setCurrentWidget(editor)
        self.set_editable(self.editable)
        return editor

    def show_item(self, item: Item, shapes: list[Shape], image: QImage | None) -> None:
        self.item = item
        if self.editor is not None:
            self.editor.show_item(item, shapes, image)

    def typing(self) -> bool:
        """Keys are text, not the page's shortcuts: an input method composes in the editor
        (looking or correcting), or the lead corrects in one of its text fields."""
        editor = self.editor
        if editor is None or self.isHidden():
            return False
        return ItemEditor.wants_keys(editor) or (self.editable and editor.wants_keys())

    def take_focus(self) -> bool:
        """The keyboard to the editor shown (never into a text field outside correct mode); False: none shown."""
        if self.editor is None or self.isHidden():
            return False
        (self.editor.focus_widget() if self.editable else self).setFocus()
        return True

    def set_editable(self, editable: bool) -> None:
        """Correct mode on or off: the text fields take typing only while it is on."""
        self.editable = editable
        for field in self._typed_in.get(self.editor, []):
            field.setReadOnly(not editable)

    def shapes(self) -> list[Shape]:
        if self.editor is None:
            return []
        self.editor.flush()  # what was typed and not yet handed over is part of the correction
        return self.editor.shapes()

    def set_shapes(self, shapes: list[Shape]) -> None:
        if self.editor is not None:
            self.editor.set_shapes(shapes)

    def _edited(self, edit: EditorEdit) -> None:
        editor, item = self.editor, self.item
        if editor is None or item is None or editor.order is None:
            return
        if not self.editable:
            editor.set_shapes(edit.before, edit.selected_before)  # looking changes nothing
            return
        reason = edit_problem(editor.order, item, edit.after)
        if reason is not None and not saves_anyway(editor.order, reason):
            self.notice.emit(problem_text(reason, editor.order))
            editor.set_shapes(edit.before, edit.selected_before)
            return
        editor.set_shapes(edit.after, edit.selected_after)
