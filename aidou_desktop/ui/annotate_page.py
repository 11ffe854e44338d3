"""The annotate page: one item at a time, boxes drawn on the canvas, saved at once."""

from __future__ import annotations

import logging

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from aidou_desktop.imaging import DecodeError
from aidou_desktop.model import Item, Order, Shape
from aidou_desktop.store import Store
from aidou_desktop.ui.annotate_side_panel import SidePanel
from aidou_desktop.ui.canvas import AnnotationCanvas, CanvasEdit
from aidou_desktop.ui.flag_dialog import FlagDialog
from aidou_desktop.ui.image_cache import ImageCache
from aidou_desktop.ui.label_list import MAX_KEYED_LABELS
from aidou_desktop.ui.look import MUTED, ONLINE
from aidou_desktop.store.errors import DiskFull
from aidou_desktop.ui.messages import error_text, sync_state_text
from aidou_desktop.ui.undo_commands import CHANGE_CLASS_ID, FlagCommand, ShapesCommand

log = logging.getLogger(__name__)

PREFETCH_AHEAD = 2  # in the direction of travel; with one behind and the current one: the cache's 4 frames
STATE_COLORS = {
    "queued": "#9a6700",
    "sending": "#9a6700",
    "synced": ONLINE,
    "conflict": "#8250df",
    "rejected": "#b42318",
}


class AnnotatePage(QWidget):
    home_requested = Signal()
    saved = Signal()  # a change reached the store: the outbox count moved

    def __init__(self, store: Store, image_cache: ImageCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.cache = image_cache
        self.order: Order | None = None
        self.items: list[Item] = []
        self.index = -1
        self._step = 1  # the direction of travel: +1 forward (D), -1 back (A); prefetch follows it
        # once this item is painted: letting go of the image left behind (8 MB to unmap) and
        # starting decodes must not hold up showing this one; steps in a row prefetch once
        self._prefetch_timer = QTimer(self, singleShot=True, interval=0, timeout=self._prefetch_current)
        self.undo_stack = QUndoStack(self)
        self._since_save = QElapsedTimer()

        self.canvas = AnnotationCanvas()
        self.canvas.edited.connect(self._push_canvas_edit)
        self.canvas.selection_changed.connect(lambda _index: self._refresh_side())
        self.side = SidePanel()
        self.side.labels.label_chosen.connect(self.choose_label)
        self.side.delete_button.clicked.connect(self.delete_selected)
        self.side.empty_button.clicked.connect(self.mark_empty)
        self.side.flag_button.clicked.connect(self.flag_current)
        self.flag_dialog = FlagDialog(self)
        self.flag_dialog.accepted.connect(self._flag_chosen)
        self.flag_dialog.finished.connect(self._back_from_dialog)

        self.back_button = QPushButton(self.tr("← Home"))
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.clicked.connect(self.home_requested)
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-weight: bold;")
        self.position_label = QLabel()
        self.position_label.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.state_label = QLabel()
        self.prev_button = QPushButton(self.tr("← Previous (A)"))
        self.next_button = QPushButton(self.tr("Next (D) →"))
        self.next_button.setObjectName("primary")
        for button in (self.prev_button, self.next_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.prev_button.clicked.connect(self.previous_item)
        self.next_button.clicked.connect(self.next_item)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.hide()
        # rework: the lead's reason stays in sight until the annotator's fix is saved
        self.review_banner = QLabel()
        self.review_banner.setWordWrap(True)
        self.review_banner.setStyleSheet("background: #fde8e7; color: #b42318; padding: 6px; font-weight: bold;")
        self.review_banner.hide()
        # the annotator's own flag for the lead stays in sight while the item carries it
        self.flag_banner = QLabel()
        self.flag_banner.setWordWrap(True)
        self.flag_banner.setStyleSheet("background: #fff4d6; color: #7a4d00; padding: 6px; font-weight: bold;")
        self.flag_banner.hide()

        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title_label, 1)
        top.addWidget(self.position_label)
        top.addSpacing(16)
        top.addWidget(self.state_label)
        top.addSpacing(16)
        top.addWidget(self.prev_button)
        top.addWidget(self.next_button)
        middle = QHBoxLayout()
        middle.addWidget(self.canvas, 1)
        middle.addWidget(self.side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.error_label)
        layout.addWidget(self.review_banner)
        layout.addWidget(self.flag_banner)
        layout.addLayout(middle, 1)
        self._add_shortcuts()

    # ------------------------------------------------------------ opening

    def open_batch(self, order: Order, items: list[Item], start_index: int = 0) -> None:
        self.order = order
        self.items = list(items)
        self.undo_stack.clear()
        self.cache.clear()
        # forget the last batch's item first: choosing the first label must not edit a box of it
        self.index = -1
        self._step = 1
        self.canvas.set_shapes([])
        labels = {label.name: (label.title, label.color) for label in order.schema.labels}
        self.canvas.set_labels(labels)
        self.side.labels.set_schema(order.schema)
        self.side.guidelines.set_markdown(order.guidelines)
        self.choose_label(0)
        self.go_to(start_index)

    def add_ready_items(self, items: list[Item]) -> None:
        """Items whose images finished downloading after the batch was opened join it,
        in item order; the annotator stays on the item they are working on."""
        known = {item.id for item in self.items}
        new = [item for item in items if item.id not in known]
        if not new:
            return
        current = self.current_item()
        self.items = sorted(self.items + new, key=lambda item: item.id)
        if current is not None:
            self.index = next(i for i, item in enumerate(self.items) if item.id == current.id)
            self.refresh_status()

    def current_item(self) -> Item | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    # ------------------------------------------------------------ navigation

    def go_to(self, index: int, selected: int = -1) -> None:
        if not 0 <= index < len(self.items):
            return
        if index != self.index and self.index >= 0:
            self._step = 1 if index > self.index else -1
        self.index = index
        item = self.items[index]
        self.title_label.setText(f"{self.order.name} · {item.name}" if self.order else item.name)
        self.error_label.hide()
        try:
            path = self.store.blob_path(item.blob)
            if path is None:
                raise DecodeError(item.blob)
            self.canvas.show_image(self.cache.get(path), item.width, item.height)
        except DecodeError as exc:
            self.canvas.clear_image()  # never leave the previous image under this item's boxes
            self.error_label.setText(error_text(exc))
            self.error_label.show()
        annotation = self.store.annotation(item.id)
        self.canvas.set_shapes(annotation.shapes if annotation else [], selected)
        self._since_save.start()
        self.refresh_status()
        self._prefetch_timer.start()
        self.canvas.setFocus()

    def next_item(self) -> None:
        self.go_to(self.index + 1)

    def previous_item(self) -> None:
        self.go_to(self.index - 1)

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
        paths = [self.store.blob_path(self.items[i].blob) for i in wanted if 0 <= i < len(self.items)]
        self.cache.prefetch([p for p in paths if p is not None])

    # ------------------------------------------------------------ edits

    def choose_label(self, index: int) -> None:
        """Number key / click on a label: the class for new boxes, and for the selected box."""
        if self.order is None or not 0 <= index < len(self.order.schema.labels):
            return
        label = self.order.schema.labels[index]
        self.canvas.current_label = label.name
        self.side.labels.set_current(index)
        selected = self.canvas.selected
        if selected >= 0 and self.canvas.boxes[selected].label != label.name:
            before = self.canvas.shapes()
            after = [Shape(s.kind, label.name if i == selected else s.label, s.points) for i, s in enumerate(before)]
            self._push(before, after, selected, selected, self.tr("Change class"), CHANGE_CLASS_ID)

    def delete_selected(self) -> None:
        selected = self.canvas.selected
        if selected < 0:
            return
        before = self.canvas.shapes()
        after = before[:selected] + before[selected + 1 :]
        self._push(before, after, selected, -1, self.tr("Delete box"))

    def mark_empty(self) -> None:
        """Save "nothing to label here": the item counts as done with no boxes."""
        if self.current_item() is None or self.canvas.boxes:
            return
        self._push([], [], -1, -1, self.tr("Mark as no objects"))

    def flag_current(self) -> None:
        """Q: flag the item for the lead (or change / remove its flag) in a small dialog."""
        item = self.current_item()
        if item is None or self.flag_dialog.isVisible() or self._focus_in_text():
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
        # keys belong to the page again: its window active, the canvas focused
        self.window().activateWindow()
        self.canvas.setFocus()

    def _apply_flag(self, item_id: int, note: str | None) -> None:
        """Save, then show: called by the flag's undo command, for this item or one left behind."""
        try:
            self.store.flag_item(item_id, note)
        except Exception as exc:  # noqa: BLE001 - a failed save must be seen, never silent
            log.exception("flagging item %s failed", item_id)
            text = error_text(exc) if isinstance(exc, DiskFull) else str(exc)
            self.error_label.setText(self.tr("This change could not be saved: %1").replace("%1", text))
            self.error_label.show()
            return
        item = self.current_item()
        if item is not None and item.id == item_id:
            self.refresh_status()
        else:
            self.go_to(next(i for i, it in enumerate(self.items) if it.id == item_id))
        self.saved.emit()

    def _focus_in_text(self) -> bool:
        """A letter typed into a text field is text, never a shortcut."""
        return isinstance(QApplication.focusWidget(), (QLineEdit, QTextEdit))

    def _push_canvas_edit(self, edit: CanvasEdit) -> None:
        texts = {"draw": self.tr("Draw box"), "move": self.tr("Move box"), "resize": self.tr("Resize box")}
        self._push(edit.before, edit.after, edit.selected_before, edit.selected_after, texts.get(edit.kind, edit.kind))

    def _push(self, before, after, selected_before, selected_after, text, merge_id=-1) -> None:
        item = self.current_item()
        if item is None:
            return
        self.undo_stack.push(
            ShapesCommand(self._apply_shapes, item.id, before, after, selected_before, selected_after, text, merge_id)
        )

    def _apply_shapes(self, item_id: int, shapes: list[Shape], selected: int) -> None:
        """Save, then show: called by undo commands, for this item or one left behind."""
        elapsed = self._since_save.restart() if self._since_save.isValid() else 0
        try:
            self.store.save_shapes(item_id, shapes, elapsed)
        except Exception as exc:  # noqa: BLE001 - a failed save must be seen, never silent
            log.exception("saving item %s failed", item_id)
            text = error_text(exc) if isinstance(exc, DiskFull) else str(exc)
            self.error_label.setText(self.tr("This change could not be saved: %1").replace("%1", text))
            self.error_label.show()
            return
        item = self.current_item()
        if item is not None and item.id == item_id:
            if self.canvas.shapes() != shapes:
                self.canvas.set_shapes(shapes, selected)
            else:
                self.canvas.select(selected)
            self.refresh_status()
        else:
            # undo of an edit on an item already left behind: go back to it, so nothing changes unseen
            self.go_to(next(i for i, it in enumerate(self.items) if it.id == item_id), selected)
        self.saved.emit()

    # ------------------------------------------------------------ status

    def refresh_status(self) -> None:
        item = self.current_item()
        if item is None:
            return
        self.position_label.setText(
            self.tr("Item %1 / %2").replace("%1", str(self.index + 1)).replace("%2", str(len(self.items)))
        )
        annotation = self.store.annotation(item.id)
        state = annotation.state if annotation else None
        self.state_label.setText(sync_state_text(state, annotation.reason if annotation else None))
        self.state_label.setStyleSheet(f"color: {STATE_COLORS.get(state, MUTED)}; font-weight: bold;")
        review = self.store.latest_review(annotation.id) if annotation else None
        sent_back = review is not None and review.verdict == "reject"
        if sent_back:
            self.review_banner.setText(self.tr("Sent back by the lead: %1").replace("%1", review.comment or ""))
        self.review_banner.setVisible(sent_back)
        flag = annotation.flag if annotation else None
        if flag:
            self.flag_banner.setText(self.tr("Flagged for the lead: %1").replace("%1", flag))
        self.flag_banner.setVisible(bool(flag))
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < len(self.items) - 1)
        self._refresh_side()

    def _refresh_side(self) -> None:
        self.side.show_counts(len(self.canvas.boxes), self.canvas.selected >= 0)

    # ------------------------------------------------------------ keyboard

    def _add_shortcuts(self) -> None:
        def add(keys: list, handler) -> QAction:
            action = QAction(self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(handler)
            self.addAction(action)
            return action

        add(["D", Qt.Key.Key_Right], self.next_item)
        add(["A", Qt.Key.Key_Left], self.previous_item)
        add([QKeySequence.StandardKey.Undo], self.undo_stack.undo)
        add(["Ctrl+Shift+Z", "Ctrl+Y"], self.undo_stack.redo)
        add([Qt.Key.Key_Delete, Qt.Key.Key_Backspace], self.delete_selected)
        add(["E"], self.mark_empty)
        add(["Q"], self.flag_current)
        add(["F"], self.canvas.fit_to_window)
        add([Qt.Key.Key_Escape], lambda: self.canvas.select(-1))
        for n in range(1, MAX_KEYED_LABELS + 1):
            add([str(n)], lambda _checked=False, i=n - 1: self.choose_label(i))
