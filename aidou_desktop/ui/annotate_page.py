"""The annotate page: one item at a time in the editor of the order's task kind, saved at once.

The page is the host every task kind shares (``editors/base.py``): the batch and its
navigation, saving through the store as undo steps, the flag, the state line, the label
list and the guidelines. The editor shows the item and turns what the person does into
edits; the page checks each against the order's rules (the server's) before it is saved.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from aidou_desktop.imaging import DecodeError
from aidou_desktop.model import Annotation, Item, Order, Shape
from aidou_desktop.store import Store
from aidou_desktop.store.errors import DiskFull
from aidou_desktop.store.item_pages import ItemPages
from aidou_desktop.store.item_states import UNLABELLED
from aidou_desktop.ui.annotate_header import AnnotateHeader
from aidou_desktop.ui.annotate_keys import install_keys
from aidou_desktop.ui.annotate_side_panel import SidePanel
from aidou_desktop.ui.editors import BoxEditor, EditorEdit, ItemEditor, editor_for
from aidou_desktop.ui.editors.problems import edit_problem, problem_text, saves_anyway
from aidou_desktop.ui.flag_dialog import FlagDialog
from aidou_desktop.ui.image_cache import ImageCache
from aidou_desktop.ui.item_list import TO_DO, BatchEndBar, ItemList
from aidou_desktop.ui.messages import error_text
from aidou_desktop.ui.undo_commands import FlagCommand, ShapesCommand
from sync_server.protocol import TASK_TRANSCRIPTION

log = logging.getLogger(__name__)

PREFETCH_AHEAD = 2  # in the direction of travel; with one behind and the current one: the cache's 4 frames


class AnnotatePage(QWidget):
    home_requested = Signal()
    saved = Signal()  # a change reached the store: the outbox count moved

    def __init__(self, store: Store, image_cache: ImageCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.cache = image_cache
        self.order: Order | None = None
        self.batch_id: int | None = None
        self._annotator_id: int | None = None  # whose batch: their rework counts in the item list
        self.items: ItemPages = ItemPages([], store.items_with_ids)
        self.index = -1
        self._step = 1  # the direction of travel: +1 forward (D), -1 back (A); prefetch follows it
        self._flag: str | None = None  # the current item's flag: the transcription rule looks at it
        self._suggested = False  # the current item shows a suggestion imported with the order
        # once this item is painted: letting go of the image left behind (8 MB to unmap) and
        # starting decodes must not hold up showing this one; steps in a row prefetch once
        self._prefetch_timer = QTimer(self, singleShot=True, interval=0, timeout=self._prefetch_current)
        self.undo_stack = QUndoStack(self)
        self._since_save = QElapsedTimer()

        self.header = AnnotateHeader()
        self.header.back_button.clicked.connect(self.home_requested)
        self.header.prev_button.clicked.connect(self.previous_item)
        self.header.next_button.clicked.connect(self.next_item)
        h = self.header
        self.back_button, self.title_label, self.position_label, self.state_label = (
            h.back_button, h.title_label, h.position_label, h.state_label)  # fmt: skip
        self.prev_button, self.next_button, self.error_label = h.prev_button, h.next_button, h.error_label
        self.notice_label, self.review_banner, self.flag_banner = h.notice_label, h.review_banner, h.flag_banner

        self.editors: dict[type[ItemEditor], ItemEditor] = {}
        self.editor_stack = QStackedWidget()
        self.editor: ItemEditor = self._editor_of(BoxEditor)
        self.side = SidePanel()
        self.side.labels.label_chosen.connect(self.choose_label)
        self.side.delete_button.clicked.connect(self.delete_selected)
        self.side.empty_button.clicked.connect(self.mark_empty)
        self.side.flag_button.clicked.connect(self.flag_current)
        self.side.set_editor(self.editor)
        self.flag_dialog = FlagDialog(self)
        self.flag_dialog.accepted.connect(self._flag_chosen)
        self.flag_dialog.finished.connect(self._back_from_dialog)

        # every item of the batch and its state, left of the editor; the batch's end below the header
        self.item_list = ItemList()
        self.item_list.item_chosen.connect(self.go_to)
        self.item_list.next_unlabelled_requested.connect(self.next_unlabelled)
        self.end_bar = BatchEndBar()
        self.end_bar.go_requested.connect(self.first_to_do)

        middle = QHBoxLayout()
        middle.addWidget(self.item_list)
        middle.addWidget(self.editor_stack, 1)
        middle.addWidget(self.side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.header)
        layout.addWidget(self.end_bar)
        layout.addLayout(middle, 1)
        self._enter_action = install_keys(self)
        # N: the next unlabelled item; a letter typed into a text field or an input method's
        # composition is text, never this key (as the page's other single keys)
        self.next_unlabelled_action = QAction(self)
        self.next_unlabelled_action.setShortcut(QKeySequence("N"))
        self.next_unlabelled_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.next_unlabelled_action.triggered.connect(
            lambda _checked=False: None if self._typing() else self.next_unlabelled()
        )
        self.addAction(self.next_unlabelled_action)

    @property
    def canvas(self):
        """The image canvas of the box or polygon editor (the one in use, if either is)."""
        editor = self.editor if isinstance(self.editor, BoxEditor) else self._editor_of(BoxEditor)
        return editor.canvas

    def _editor_of(self, kind: type[ItemEditor]) -> ItemEditor:
        """One editor of each kind, made when first needed and kept."""
        editor = self.editors.get(kind)
        if editor is None:
            editor = self.editors[kind] = kind()
            editor.edited.connect(self._push)
            editor.selection_changed.connect(lambda _index: self._refresh_side())
            editor.notice.connect(self.header.show_notice)
            editor.confirmed.connect(self.next_item)
            self.editor_stack.addWidget(editor)
        return editor

    # ------------------------------------------------------------ opening

    def open_batch(self, order: Order, items: ItemPages, start_index: int = 0) -> None:
        self.editor.flush()  # still on the last batch's item: what was typed there is saved there
        self.order = order
        self.items = items
        self.batch_id = items[0].batch_id if len(items) else None
        user = self.store.current_user()
        self._annotator_id = user.id if user else None
        self.undo_stack.clear()
        self.cache.clear()
        # forget the last batch's item first: choosing a label must not edit a shape of it
        self.index = -1
        self._step = 1
        self.editor.clear()
        self.editor = self._editor_of(editor_for(order.task_kind))
        self.editor.set_order(order)
        self.editor_stack.setCurrentWidget(self.editor)
        self._enter_action.setEnabled(self.editor.enter_is_next)
        self.side.labels.set_schema(order.schema)
        self.side.set_editor(self.editor)
        self.side.guidelines.set_markdown(order.guidelines)
        self.item_list.set_batch(items, self._item_states())
        self.go_to(start_index)

    def add_ready_items(self, items: ItemPages) -> None:
        """Items whose images finished downloading after the batch was opened join it,
        in item order; the annotator stays on the item they are working on."""
        if items.ids == self.items.ids:
            return
        current = self.current_item()
        self.items = items
        self.item_list.set_batch(items, self._item_states())
        if current is not None:
            self.index = min(items.insertion_point(current.id), len(items) - 1)
            self._refresh_current()

    def current_item(self) -> Item | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    # ------------------------------------------------------------ navigation

    def go_to(self, index: int, selected: int = -1) -> None:
        if not 0 <= index < len(self.items):
            return
        if index != self.index:
            self.editor.flush()  # what was typed on the item left belongs to it
        if index != self.index and self.index >= 0:
            self._step = 1 if index > self.index else -1
        self.index = index
        item = self.items[index]
        self.title_label.setText(f"{self.order.name} · {item.name}" if self.order else item.name)
        self.header.show_error(None)
        self.header.show_notice(None)
        annotation = self.store.annotation(item.id)
        self.editor.show_item(item, annotation.shapes if annotation else [], self._image(item), selected)
        if self.order is not None and self.order.task_kind == TASK_TRANSCRIPTION:
            self.editor.set_suggestion(self.store.ocr_suggestion(item.id))
        self._since_save.start()
        self._refresh_current()
        self._prefetch_timer.start()
        self.editor.focus_widget().setFocus()

    def _image(self, item: Item) -> QImage | None:
        """The item's decoded display copy; None for a text, or (said on the page) when it is missing or damaged."""
        if not item.blob:
            return None
        try:
            path = self.store.blob_path(item.blob)
            if path is None:
                raise DecodeError(item.blob)
            return self.cache.get(path)
        except DecodeError as exc:
            self.header.show_error(error_text(exc))
            return None

    def show_suggestion(self, item_id: int) -> None:
        """The PC's OCR has read this item: shown at once if the annotator is on it."""
        item = self.current_item()
        if item is not None and item.id == item_id and self.order.task_kind == TASK_TRANSCRIPTION:
            self.editor.set_suggestion(self.store.ocr_suggestion(item_id))

    def undo(self) -> None:
        self.editor.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.editor.flush()
        self.undo_stack.redo()

    def next_item(self) -> None:
        if self.index == len(self.items) - 1:
            self._show_batch_end()  # D on the last item: what is still to do, in sight
        self.go_to(self.index + 1)

    def take_and_next(self) -> None:
        """Enter: what the item shows is the answer, then the next item. A suggestion imported
        with the order becomes the annotator's own revision (D steps on without that)."""
        if self._suggested and not self._typing():
            shapes = self.editor.shapes()
            if not self._push(EditorEdit(self.tr("Take the suggestion"), shapes, shapes, -1, -1)):
                return  # the suggestion breaks the order's rules: the message says what to fix
        self.next_item()

    def previous_item(self) -> None:
        self.go_to(self.index - 1)

    def next_unlabelled(self) -> None:
        """N: the next item nobody has labelled yet, after this one (round to the batch's start)."""
        index = self.item_list.model.first({UNLABELLED}, self.index)
        if index is None:
            self.header.show_notice(self.tr("No unlabelled items left in this batch."))
        elif index == self.index:
            self.header.show_notice(self.tr("This is the only unlabelled item left in this batch."))
        else:
            self.go_to(index)

    def first_to_do(self) -> None:
        """The batch's first item still to do: unlabelled, or sent back to fix."""
        index = self.item_list.model.first(set(TO_DO))
        if index is not None:
            self.go_to(index)

    def _prefetch_current(self) -> None:
        if 0 <= self.index < len(self.items):
            self._prefetch_around(self.index)

    def hideEvent(self, event) -> None:
        # out of sight (home page, or the window closing with its store): nothing to decode ahead
        self._prefetch_timer.stop()
        super().hideEvent(event)

    def _prefetch_around(self, index: int) -> None:
        """Decode ahead in the direction of travel and keep the item behind, most needed first:
        the cache keeps these (refreshing them), so stepping on from any item finds the next decoded."""
        step = self._step
        wanted = [index + step * k for k in range(1, PREFETCH_AHEAD + 1)] + [index - step]
        blobs = [self.items[i].blob for i in wanted if 0 <= i < len(self.items)]
        paths = [self.store.blob_path(blob) for blob in blobs if blob]
        self.cache.prefetch([p for p in paths if p is not None])

    # ------------------------------------------------------------ edits

    def choose_label(self, index: int) -> None:
        """Number key / click on a label: what it does is the editor's (a class, a box's label, a span)."""
        if self.current_item() is None:
            return
        self.editor.choose_label(index)
        self._refresh_side()

    def delete_selected(self) -> None:
        self.editor.delete_selected()

    def mark_empty(self) -> None:
        """Save "nothing to mark here": the item counts as done with no shapes."""
        if self.current_item() is None or not self.editor.empty_text():
            return
        if self.editor.shapes():  # a slip of E next to D must never wipe work: say why nothing happens
            self.header.show_notice(self.tr(
                "This item already has marks, so it cannot be marked as having nothing. Delete them first "
                "if it really has nothing to mark."
            ))  # fmt: skip
            return
        self._push(EditorEdit(self.tr("Mark as nothing to mark"), [], [], -1, -1))

    def flag_current(self) -> None:
        """Q: flag the item for the lead (or change / remove its flag) in a small dialog."""
        item = self.current_item()
        if item is None or self.flag_dialog.isVisible() or self._typing():
            return
        annotation = self.store.annotation(item.id)
        self.flag_dialog.start(annotation.flag if annotation else None)

    def _flag_chosen(self) -> None:
        item = self.current_item()
        if item is None:
            return
        annotation = self.store.annotation(item.id)
        before, after = (annotation.flag if annotation else None), self.flag_dialog.note()
        if before != after:
            text = self.tr("Flag for the lead") if after else self.tr("Remove flag")
            self.undo_stack.push(FlagCommand(self._apply_flag, item.id, before, after, text))

    def _back_from_dialog(self) -> None:
        # keys belong to the page again: its window active, the editor focused
        self.window().activateWindow()
        self.editor.focus_widget().setFocus()

    def _apply_flag(self, item_id: int, note: str | None) -> None:
        """Save, then show: called by the flag's undo command, for this item or one left behind."""
        try:
            self.store.flag_item(item_id, note)
        except Exception as exc:  # noqa: BLE001 - a failed save must be seen, never silent
            self._save_failed(item_id, exc)
            return
        self._item_saved(item_id)
        item = self.current_item()
        if item is not None and item.id == item_id:
            self._refresh_current()
        else:
            self._go_to_item(item_id)
        self.saved.emit()

    def _typing(self) -> bool:
        """A letter typed into a text field (or an input method's composition) is text, never a shortcut."""
        focus = QApplication.focusWidget()
        editable = isinstance(focus, (QLineEdit, QTextEdit, QPlainTextEdit)) and not focus.isReadOnly()
        return editable or self.editor.wants_keys()

    def _push(self, edit: EditorEdit) -> bool:
        """An editor's edit: checked against the order's rules, then one undo step that saves it.
        False when the rules refuse it (the page says why)."""
        item = self.current_item()
        if item is None or self.order is None:
            return False
        reason = edit_problem(self.order, item, edit.after, self._flag)
        if reason is not None and not saves_anyway(self.order, reason):
            self.header.show_notice(problem_text(reason, self.order))
            self.editor.set_shapes(edit.before, edit.selected_before)  # the screen shows what is saved
            return False
        self.header.show_notice(problem_text(reason, self.order) if reason else None)
        # an item nobody had touched: undo takes the revision back rather than saving "nothing here"
        before = edit.before if edit.before or self.store.annotation(item.id) is not None else None
        self.undo_stack.push(ShapesCommand(self._apply_shapes, item.id, before, edit.after,
                                           edit.selected_before, edit.selected_after, edit.text, edit.merge_id))  # fmt: skip
        return True

    def _apply_shapes(self, item_id: int, shapes: list[Shape] | None, selected: int) -> None:
        """Save, then show: called by undo commands, for this item or one left behind.
        ``shapes`` None: back to no revision at all (undo of the item's first edit)."""
        elapsed = self._since_save.restart() if self._since_save.isValid() else 0
        try:
            if shapes is None and self.store.withdraw(item_id):
                annotation = None
            else:
                annotation = self.store.save_shapes(item_id, shapes or [], elapsed)
            shapes = shapes or []
        except Exception as exc:  # noqa: BLE001 - a failed save must be seen, never silent
            self._save_failed(item_id, exc)
            return
        self._item_saved(item_id)
        item = self.current_item()
        if item is not None and item.id == item_id:
            self.editor.set_shapes(shapes, selected)
            self._show_status(annotation)
        else:
            # undo of an edit on an item already left behind: go back to it, so nothing changes unseen
            self._go_to_item(item_id, selected)
        self.saved.emit()

    def _save_failed(self, item_id: int, exc: Exception) -> None:
        log.error("saving item %s failed", item_id, exc_info=exc)
        text = error_text(exc) if isinstance(exc, DiskFull) else str(exc)
        self.header.show_error(self.tr("This change could not be saved: %1").replace("%1", text))

    def _go_to_item(self, item_id: int, selected: int = -1) -> None:
        index = self.items.index_of(item_id)
        if index is not None:
            self.go_to(index, selected)

    # ------------------------------------------------------------ status

    def refresh_status(self) -> None:
        """After a sync: every item's state again (one query), and the current item's line."""
        self.item_list.set_states(self._item_states())
        self._refresh_current()

    def _refresh_current(self) -> None:
        item = self.current_item()
        if item is not None:
            self._show_status(self.store.annotation(item.id))

    def _item_states(self) -> dict[int, str]:
        if self.batch_id is None:
            return {}
        return self.store.item_states(self.batch_id, self._annotator_id)

    def _item_saved(self, item_id: int) -> None:
        """A save reached the store: that one item's state in the list at once."""
        if self.batch_id is not None:
            states = self.store.item_states(self.batch_id, self._annotator_id, item_id)
            for saved_id, state in states.items():
                self.item_list.set_state(saved_id, state)

    def _show_status(self, annotation: Annotation | None) -> None:
        """Position, state and banners of the current item, whose annotation this is."""
        self.header.show_position(self.index, len(self.items))
        self.item_list.set_current(self.index)
        self._show_batch_end()
        self._flag = annotation.flag if annotation else None
        self._suggested = annotation is not None and annotation.is_suggestion
        review = self.store.latest_review(annotation.id) if annotation else None
        sent_back = review.comment or "" if review is not None and review.verdict == "reject" else None
        self.header.show_annotation(annotation, sent_back)
        self._refresh_side()

    def _show_batch_end(self) -> None:
        """At the last item: what is still to do in the batch, or that it is finished."""
        at_end = len(self.items) > 0 and self.index == len(self.items) - 1
        if at_end:
            self.end_bar.show_counts(self.item_list.model.counts, len(self.items))
        self.end_bar.setVisible(at_end)

    def _refresh_side(self) -> None:
        self.side.show_state(self.editor, self.current_item() is not None)

