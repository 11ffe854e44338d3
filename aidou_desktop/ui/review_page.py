"""The review page: a lead goes through the queue of annotators' work on this PC,
offline, one key per verdict.

Enter / Space accept and move on; R sends back with a reason; C lets the lead fix
the item, then Enter saves the fix as the lead's revision and accepts it; J / ↓
and K / ↑ move; Esc leaves correct mode (without saving) or goes home. Every
verdict is saved to the store at once and queued for upload; the row shows it.
Box orders show on the canvas; other task kinds in the annotate page's editor of
their kind (``ReviewEditors``). Conflicts are only shown: a person settles them
with ``aidou-server conflicts``. An overlap copy (ADR 0026) shows the other annotators'
copies beside it (``CopiesView``); the queue may put the least agreeing copies first.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aidou_desktop.model import Order, UserInfo
from aidou_desktop.model.review import ACCEPTED, CONFLICT, REJECTED, QueueEntry
from aidou_desktop.store import Store
from aidou_desktop.store.copies import disagreement_first
from aidou_desktop.ui.canvas import AnnotationCanvas
from aidou_desktop.ui.conflict_view import ConflictView
from aidou_desktop.ui.image_cache import ImageCache
from aidou_desktop.ui.label_list import MAX_KEYED_LABELS
from aidou_desktop.ui.messages import error_text
from aidou_desktop.ui.reject_dialog import RejectDialog
from aidou_desktop.ui.review_copies import CopiesView
from aidou_desktop.ui.review_correct_mode import CorrectModeMixin
from aidou_desktop.ui.review_editors import ReviewEditors, item_image, prefetch_images
from aidou_desktop.ui.review_filters import SORT_DISAGREEMENT, ReviewFilters
from aidou_desktop.ui.review_queue_model import AGREEMENT, ANNOTATOR, COMMENT, ITEM, STATUS, ReviewQueueModel
from sync_server.protocol import SHAPE_BOX, SHAPE_POLYGON, TASK_POLYGON

log = logging.getLogger(__name__)

NOTE_STYLES = {
    "conflict": "background: #f3e8ff; color: #5b21b6; padding: 6px; font-weight: bold;",
    "correct": "background: #fff4d6; color: #7a4d00; padding: 6px; font-weight: bold;",
    "error": "background: #fde8e7; color: #b42318; padding: 6px; font-weight: bold;",
    "flag": "background: #fff4d6; color: #7a4d00; padding: 6px;",
    "info": "background: #eef3fb; color: #1f2328; padding: 6px;",
}


class ReviewPage(CorrectModeMixin, QWidget):
    home_requested = Signal()
    saved = Signal()  # a verdict or a correction reached the store: the outbox count moved
    conflict_chosen = Signal(int, str)  # item id, the revision to keep (settled on the server)

    def __init__(self, store: Store, image_cache: ImageCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.cache = image_cache
        self.user: UserInfo | None = None
        self.seed = ""
        self.row = -1
        self.correcting = False
        self._rate = (0, 0)  # (accepted, judged) under the order and annotator filters
        self._orders: dict[int, Order | None] = {}
        self._labels_of: int | None = None  # the order whose labels the canvas has
        self._sort: str | None = None  # the queue's order when last read (``ReviewFilters.sort``)
        # after an item is painted: starting decodes competes for the GIL with showing it
        self._prefetch_timer = QTimer(self, singleShot=True, interval=0, timeout=self._prefetch)

        self.back_button = QPushButton(self.tr("← Home (Esc)"))
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.clicked.connect(self.home_requested)
        title = QLabel(self.tr("Review queue"))
        title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.rate_label = QLabel()
        self.rate_label.setStyleSheet("font-weight: bold;")
        self.position_label = QLabel()
        self.filters = ReviewFilters()
        self.filters.changed.connect(self.reload)

        self.model = ReviewQueueModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        # fixed widths: sizing to contents would read every row of a 10,000-item queue
        for column, width in ((ITEM, 150), (ANNOTATOR, 95), (STATUS, 80), (AGREEMENT, 72)):
            header.resizeSection(column, width)
        header.setSectionResizeMode(COMMENT, QHeaderView.ResizeMode.Stretch)
        self.table.setFixedWidth(542)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _old: self._show(current.row()))

        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.hide()
        self.canvas = AnnotationCanvas()
        self.canvas.set_read_only(True)
        self.canvas.edited.connect(self._canvas_edited)
        self.editors = ReviewEditors()  # orders that are not boxes: the item in its own editor
        self.editors.notice.connect(lambda text: self._note(text, "error"))
        self.editors.confirmed.connect(self._editor_confirmed)
        self.editors.hide()
        self.conflict_view = ConflictView()  # a conflict: the competing revisions side by side
        self.conflict_view.chosen.connect(self.conflict_chosen)
        self.conflict_view.hide()
        self.copies_view = CopiesView()  # an overlap copy: the other annotators' copies beside it
        self.accept_button = QPushButton(self.tr("Accept (Enter)"))
        self.accept_button.setObjectName("primary")
        self.reject_button = QPushButton(self.tr("Send back (R)"))
        self.correct_button = QPushButton(self.tr("Correct (C)"))
        for button, handler in (
            (self.accept_button, self.accept_current),
            (self.reject_button, self.reject_current),
            (self.correct_button, self.start_correcting),
        ):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(handler)
        self.keys_label = QLabel(
            self.tr(
                "Enter / Space accept · R send back · C correct (then Enter saves and accepts, Esc cancels) · "
                "J / ↓ next · K / ↑ previous · Esc home"
            )
        )
        self.keys_label.setObjectName("muted")
        self.keys_label.setWordWrap(True)
        self.reject_dialog = RejectDialog(self)
        self.reject_dialog.accepted.connect(self._rejected_with_comment)
        self._lay_out(title)
        self._add_shortcuts()

    def _lay_out(self, title: QLabel) -> None:
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(self.rate_label, 1)
        top.addWidget(self.position_label)
        verdicts = QHBoxLayout()
        verdicts.addWidget(self.keys_label, 1)
        for button in (self.correct_button, self.reject_button, self.accept_button):
            verdicts.addWidget(button)
        shown = QVBoxLayout()
        shown.addWidget(self.canvas, 1)
        shown.addWidget(self.editors, 1)
        shown.addWidget(self.conflict_view, 1)
        # the item in hand, and under it its other copies in a row: photos are wide, and side
        # by side with the copy in hand all three shrank to a strip a third of the width
        self.views = QVBoxLayout()
        self.views.addLayout(shown, 3)
        self.views.addWidget(self.copies_view, 2)
        right = QVBoxLayout()
        right.addWidget(self.note_label)
        right.addLayout(self.views, 1)
        right.addLayout(verdicts)
        middle = QHBoxLayout()
        middle.addWidget(self.table)
        middle.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        layout.addLayout(middle, 1)

    # ------------------------------------------------------------ opening

    def open(self, user: UserInfo) -> None:
        """Show the queue for ``user`` (a lead or admin); the sample stays the same all day."""
        self.user = user
        self.seed = f"{user.username}:{date.today().isoformat()}"
        self._orders.clear()
        # names first: the annotator filter is built from them
        self.model.set_entries([], {**self.store.people(), user.id: user.display_name or user.username})
        everything = self.store.review_queue()
        orders = sorted({e.order_id for e in everything})
        annotators = sorted({e.annotator_id for e in everything if e.annotator_id is not None})
        self.filters.set_choices(
            [(order_id, self._order(order_id).name if self._order(order_id) else str(order_id)) for order_id in orders],
            [(annotator_id, self.model.annotator_text(annotator_id)) for annotator_id in annotators],
        )
        self.reload()

    def reload(self) -> None:
        """Ask the store again with the filters; stays on the same item when it is still listed
        (a new sort starts at the top)."""
        if self.correcting:
            return  # a sync finishing must not throw away the lead's unsaved fix
        current = self.current_entry()
        f = self.filters
        if f.sort() != self._sort:  # a new order of the queue starts at its top
            current, self._sort = None, f.sort()
        entries = self.store.review_queue(status=f.status(), order_id=f.order_id(), annotator_id=f.annotator_id(),
                                          sample_percent=f.sample_percent(), seed=self.seed)  # fmt: skip
        agreements = self.store.copy_agreements(e.item_id for e in entries)
        if f.sort() == SORT_DISAGREEMENT:
            entries = disagreement_first(entries, agreements)
        self.model.set_entries(entries, agreements=agreements)
        self.row = -1
        row = next((i for i, e in enumerate(entries) if current and e.item_id == current.item_id), 0)
        self._refresh_rate()
        if entries:
            self.go_to(row)
        else:
            self.canvas.clear_image()
            self.canvas.set_shapes([])
            self.canvas.show()
            self.editors.hide()
            self.copies_view.hide()
            self.position_label.setText("")
            self._note(self.tr("Nothing to review here. Sync to fetch new work, or change the filters."), "info")
            self._update_buttons()
        self._focus_view()

    def _focus_view(self) -> None:
        """The keyboard to what shows the item (never a text field outside correct mode)."""
        if not self.editors.take_focus():
            self.canvas.setFocus()

    def current_entry(self) -> QueueEntry | None:
        return self.model.entry(self.row)

    def _order(self, order_id: int) -> Order | None:
        if order_id not in self._orders:
            self._orders[order_id] = self.store.order(order_id)
        return self._orders[order_id]

    # ------------------------------------------------------------ navigation

    def go_to(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        if row == self.row:
            self._show(row)
        else:
            self.table.setCurrentIndex(self.model.index(row, 0))  # selects the row; currentRowChanged shows it
        self.table.scrollTo(self.model.index(row, 0))

    def next_item(self) -> None:
        self.go_to(self.row + 1)

    def previous_item(self) -> None:
        self.go_to(self.row - 1)

    def _show(self, row: int) -> None:
        entry = self.model.entry(row)
        if entry is None:
            return
        self._leave_correcting()
        self.row = row
        item = self.store.item(entry.item_id)
        order = self._order(entry.order_id)
        if order is not None and self._labels_of != order.id:
            self.canvas.set_labels({label.name: (label.title, label.color) for label in order.schema.labels})
            # a correction draws what the order takes: outlines in polygon orders
            self.canvas.set_tool(SHAPE_POLYGON if order.task_kind == TASK_POLYGON else SHAPE_BOX)
            self._labels_of = order.id
        self.note_label.hide()
        editor = self.editors.use(order) if order is not None else None
        image, missing = item_image(self.store, self.cache, item, in_editor=editor is not None)
        if missing:
            self._note(self.tr("This image is not on this PC yet: sync to download it."), "error")
        annotation = self.store.annotation(entry.item_id)
        shapes = annotation.shapes if annotation else []
        if editor is not None and item is not None:
            self.editors.show_item(item, shapes, image)
        elif image is not None:
            self.canvas.show_image(image, item.width, item.height)
        else:
            self.canvas.clear_image()
        if editor is None:
            self.canvas.set_shapes(shapes)
        self._show_conflict(entry, item, order)
        self._show_copies(entry, item, order, image)
        self._describe(entry)
        self.position_label.setText(
            self.tr("Item %1 / %2").replace("%1", str(row + 1)).replace("%2", str(self.model.rowCount()))
        )
        self._update_buttons()
        self._prefetch_timer.start()

    def _prefetch(self) -> None:
        if 0 <= self.row < self.model.rowCount():
            prefetch_images(self.store, self.cache, self.model.entry, self.row)

    def hideEvent(self, event) -> None:
        # out of sight (home page, or the window closing with its store): nothing to decode ahead
        # (a one-shot call queued by the last verdict reached the closed store)
        self._prefetch_timer.stop()
        super().hideEvent(event)

    def _show_conflict(self, entry: QueueEntry, item, order: Order | None) -> None:
        # the side-by-side view draws boxes: a text order's conflict shows the item and the note
        conflict = entry.status == CONFLICT and item is not None and self.editors.editor is None
        self.canvas.setVisible(not conflict and self.editors.editor is None)
        self.editors.setVisible(self.editors.editor is not None)
        self.conflict_view.setVisible(conflict)
        if conflict:
            path = self.store.blob_path(item.blob)
            image = self.cache.get(path) if path else None
            labels = {label.name: (label.title, label.color) for label in order.schema.labels} if order else {}
            self.conflict_view.show_candidates(item.id, self.store.conflict_candidates(item.id), image, item.width,
                                               item.height, labels, self.model.names())  # fmt: skip

    def _show_copies(self, entry: QueueEntry, item, order: Order | None, image) -> None:
        # overlap: the item's other copies, read-only beside it; a conflict's own view takes the place
        agreement = self.model.agreement(entry.item_id)
        copies = agreement is not None and entry.status != CONFLICT and item is not None
        others = self.store.other_copies(entry.item_id) if copies else []
        self.copies_view.show_copies(others, agreement, order, item, image, self.model.names())

    def _describe(self, entry: QueueEntry) -> None:
        if entry.status == CONFLICT:
            self._note(
                self.tr(
                    "Conflict: these revisions of the item wait for a decision. Keep one (it becomes the item's "
                    "revision, made by you; needs the link to the server); it cannot be accepted or sent back."
                ),
                "conflict",
            )
        elif note := self.model.note(entry):  # the annotator's flag, else the lead's reason for sending back
            self._note(*note)

    # ------------------------------------------------------------ verdicts

    def accept_current(self) -> None:
        if self._focus_in_text():
            return
        if self.correcting:
            self._save_correction()
            return
        entry = self.current_entry()
        if entry is not None and self._may_judge(entry):
            self._verdict(entry, entry.annotation_id, "accept")

    def reject_current(self) -> None:
        entry = self.current_entry()
        if entry is not None and not self.correcting and self._may_judge(entry):
            self.reject_dialog.start()

    def _rejected_with_comment(self) -> None:
        entry = self.current_entry()
        if entry is not None:
            self._verdict(entry, entry.annotation_id, "reject", self.reject_dialog.comment())

    def _may_judge(self, entry: QueueEntry) -> bool:
        if entry.status == CONFLICT:
            self._describe(entry)  # say again why nothing happens
            return False
        return True

    def _verdict(self, entry: QueueEntry, annotation_id: str, verdict: str, comment: str | None = None,
                 annotator_id: int | None = None) -> bool:  # fmt: skip
        try:
            self.store.save_review(annotation_id, verdict, comment)
        except ValueError:
            log.exception("review of %s refused", annotation_id)
            self._note(self.tr("A sent-back item needs a reason: nothing was saved."), "error")
            return False
        except Exception as exc:  # noqa: BLE001 - a failed save must be seen, never silent
            log.exception("saving the review of %s failed", annotation_id)
            self._note(self.tr("The verdict could not be saved: %1").replace("%1", error_text(exc)), "error")
            return False
        status = ACCEPTED if verdict == "accept" else REJECTED
        self.model.replace_entry(self.row, replace(
            entry, annotation_id=annotation_id, status=status, comment=comment,
            annotator_id=entry.annotator_id if annotator_id is None else annotator_id,
            flag=entry.flag if annotation_id == entry.annotation_id else None,  # a correction carries no flag
        ))  # fmt: skip
        if annotator_id is not None:  # a correction: the lead's answer is the copy's now
            self.model.update_agreements(self.store.copy_agreements([entry.item_id]))
        if annotator_id is not None and self.filters.annotator_id() is not None:
            self._refresh_rate()  # a correction is the lead's revision: it leaves that annotator's figures
        else:
            self._count_verdict(entry.status, status)
        self.saved.emit()
        if self.row < self.model.rowCount() - 1:
            self.next_item()
        else:
            self._show(self.row)  # the last one: stay, showing its new status
        return True

    def _refresh_rate(self) -> None:
        self._rate = self.store.accept_rate(self.filters.annotator_id(), self.filters.order_id())
        self._show_rate()

    def _count_verdict(self, old: str, new: str) -> None:
        """Move the figures by one verdict: recounting is a query over the whole queue
        (50 ms at 10,000 items), too slow to run on every key press."""
        accepted, judged = self._rate
        judged += old not in (ACCEPTED, REJECTED)
        accepted += (new == ACCEPTED) - (old == ACCEPTED)
        self._rate = (accepted, judged)
        self._show_rate()

    def _show_rate(self) -> None:
        accepted, judged = self._rate
        if not judged:
            self.rate_label.setText(self.tr("No verdicts yet"))
            return
        percent = round(100 * accepted / judged)
        self.rate_label.setText(self.tr("Accept rate %1% (%n item(s) checked)", "", judged).replace("%1", str(percent)))

    # ------------------------------------------------------------ keyboard and state

    def escape(self) -> None:
        if self.correcting:
            self._leave_correcting()
        else:
            self.home_requested.emit()

    def _number(self, n: int) -> None:
        if self.correcting:
            self.choose_label(n - 1)
        elif self.conflict_view.isVisible():
            self.conflict_view.choose(n)

    def show_error(self, text: str) -> None:
        """A failure the window learned of (e.g. keeping a conflict's revision while offline)."""
        self._note(text, "error")

    def _note(self, text: str, kind: str) -> None:
        self.note_label.setText(text)
        self.note_label.setStyleSheet(NOTE_STYLES[kind])
        self.note_label.show()

    def _focus_in_text(self) -> bool:
        """Enter in the share box commits the share; it must not accept an item."""
        focus = QApplication.focusWidget()
        spin = focus if isinstance(focus, QAbstractSpinBox) else None
        if spin is None and focus is not None and isinstance(focus.parentWidget(), QAbstractSpinBox):
            spin = focus.parentWidget()
        if spin is None:
            return False
        spin.interpretText()
        self._focus_view()
        return True

    def _update_buttons(self) -> None:
        entry = self.current_entry()
        judgeable = entry is not None and entry.status != CONFLICT
        self.accept_button.setEnabled(judgeable)
        self.reject_button.setEnabled(judgeable and not self.correcting)
        self.correct_button.setEnabled(judgeable and not self.correcting)
        self.space_action.setEnabled(not self.correcting)  # Space pans while correcting
        for action in self.browse_actions:
            action.setEnabled(not self.correcting)
        conflict = entry is not None and entry.status == CONFLICT
        for action in self.edit_actions:
            action.setEnabled(self.correcting)
        for action in self.number_actions:  # a label while correcting; a side of a conflict
            action.setEnabled(self.correcting or conflict)

    def _add_shortcuts(self) -> None:
        def add(keys: list, handler) -> QAction:
            action = QAction(self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            # while the reason dialog is up, no key may judge the item behind it; typed text is no key
            action.triggered.connect(
                lambda *_args: None if self.reject_dialog.isVisible() or self.editors.typing() else handler()
            )
            self.addAction(action)
            return action

        add([Qt.Key.Key_Return, Qt.Key.Key_Enter], self.accept_current)
        add([Qt.Key.Key_Escape], self.escape)
        add(["F"], lambda: self.editors.editor.fit() if self.editors.editor else self.canvas.fit_to_window())
        self.space_action = add([Qt.Key.Key_Space], self.accept_current)
        self.browse_actions = [
            add(["J", Qt.Key.Key_Down], self.next_item),
            add(["K", Qt.Key.Key_Up], self.previous_item),
            add(["R"], self.reject_current),
            add(["C"], self.start_correcting),
        ]
        self.edit_actions = [add([Qt.Key.Key_Delete, Qt.Key.Key_Backspace], self.delete_selected)]
        self.number_actions = [add([str(n)], lambda _checked=False, n=n: self._number(n))
                               for n in range(1, MAX_KEYED_LABELS + 1)]  # fmt: skip
        self._update_buttons()
