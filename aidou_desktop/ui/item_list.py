"""The annotate page's item list: every item of the open batch with where it stands.

A narrow column left of the editor: a filter (all / unlabelled / done / sent back /
conflict / waiting to upload, each with its count), the items as rows (a mark per state,
the current item selected), "next unlabelled (N)". A click on a row opens that item.
Below the header, ``BatchEndBar`` says at the last item what is still to do.

Scale: a batch may hold 10,000 items. The model keeps only the batch's ``ItemPages`` (ids;
names are read a page at a time, for the rows on screen) and one ``{item id: state}`` from
one store query (``store/item_states.py``); a save updates its one item. Widgets never
touch SQL: the page hands the states in.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aidou_desktop.store.item_pages import ItemPages
from aidou_desktop.store.item_states import CONFLICT, DONE, EMPTY, REJECTED, UNLABELLED, WAITING
from aidou_desktop.ui.look import ONLINE

LIST_WIDTH = 190

COLORS = {
    UNLABELLED: "#8c959f",
    DONE: ONLINE,
    EMPTY: ONLINE,
    WAITING: "#9a6700",
    REJECTED: "#b42318",
    CONFLICT: "#8250df",
}

ALL = "all"
# what the filter offers, in its order: "done" is done with shapes or empty
FILTERS = (ALL, UNLABELLED, DONE, REJECTED, CONFLICT, WAITING)
_SHOWN_BY = {ALL: None, UNLABELLED: {UNLABELLED}, DONE: {DONE, EMPTY}, REJECTED: {REJECTED},
             CONFLICT: {CONFLICT}, WAITING: {WAITING}}  # fmt: skip
TO_DO = (UNLABELLED, REJECTED)  # what the annotator still has to do in the batch


def _mark(state: str, size: int = 14) -> QIcon:
    """A small mark per state: shape as well as colour, so it reads without colour too."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QColor(COLORS[state])
    r = QRectF(2, 2, size - 4, size - 4)
    c = r.center()
    if state == UNLABELLED:  # an empty ring: nothing yet
        p.setPen(QPen(color, 1.6))
        p.drawEllipse(r)
    elif state == DONE:  # a full dot
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawEllipse(r)
    elif state == EMPTY:  # a ring crossed through: done, nothing to mark
        p.setPen(QPen(color, 1.6))
        p.drawEllipse(r)
        p.drawLine(QPointF(r.left() + 1, r.bottom() - 1), QPointF(r.right() - 1, r.top() + 1))
    elif state == WAITING:  # an arrow up: to upload
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color)
        p.drawPolygon(QPolygonF([QPointF(c.x(), r.top()), r.bottomRight(), r.bottomLeft()]))
    elif state == REJECTED:  # a cross: sent back
        p.setPen(QPen(color, 2.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(r.topLeft(), r.bottomRight())
        p.drawLine(r.topRight(), r.bottomLeft())
    else:  # conflict: a diamond, the lead decides
        path = QPainterPath()
        path.moveTo(c.x(), r.top())
        path.lineTo(r.right(), c.y())
        path.lineTo(c.x(), r.bottom())
        path.lineTo(r.left(), c.y())
        path.closeSubpath()
        p.fillPath(path, color)
    p.end()
    return QIcon(pixmap)


class ItemStateModel(QAbstractListModel):
    """Rows: the batch's items (all, or those of one filter), in item order."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: ItemPages = ItemPages([], lambda ids: [])
        self.states: dict[int, str] = {}
        self.counts: Counter[str] = Counter()
        self.filter = ALL
        self._rows: list[int] | None = None  # item indexes shown under a filter; None: all
        self.current = -1  # the item index the page shows
        self._icons: dict[str, QIcon] = {}
        self._bold = QFont()
        self._bold.setBold(True)
        self._row_size = QSize(LIST_WIDTH - 30, QFontMetrics(self._bold).height() + 8)

    def state_text(self, state: str) -> str:
        return {
            UNLABELLED: self.tr("Not labelled yet"),
            DONE: self.tr("Done"),
            EMPTY: self.tr("Done: nothing to mark"),
            WAITING: self.tr("Saved here, waiting to upload"),
            REJECTED: self.tr("Sent back: fix it"),
            CONFLICT: self.tr("Conflict: the lead will decide"),
        }[state]

    def icon(self, state: str) -> QIcon:
        icon = self._icons.get(state)
        if icon is None:
            icon = self._icons[state] = _mark(state)
        return icon

    # ------------------------------------------------------------ what the page hands in

    def set_batch(self, items: ItemPages, states: dict[int, str]) -> None:
        self.beginResetModel()
        self.items = items
        self._set_states(states)
        self.current = -1
        self.endResetModel()

    def set_states(self, states: dict[int, str]) -> None:
        """Every item's state again (after a sync)."""
        self.beginResetModel()
        self._set_states(states)
        self.endResetModel()

    def set_state(self, item_id: int, state: str) -> None:
        """One item's state (it was just saved)."""
        old = self.state_of(item_id)
        if old == state:
            return
        self.states[item_id] = state
        self.counts[old] -= 1
        self.counts[state] += 1
        shown = _SHOWN_BY[self.filter]
        if shown is not None and (old in shown) != (state in shown):
            self.beginResetModel()  # it joins or leaves the filtered rows
            self._rows = self._filtered()
            self.endResetModel()
            return
        index = self.items.index_of(item_id)
        row = None if index is None else self.row_of(index)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row))

    def set_filter(self, name: str) -> None:
        self.beginResetModel()
        self.filter = name
        self._rows = self._filtered()
        self.endResetModel()

    def set_current(self, index: int) -> None:
        rows = [self.row_of(i) for i in (self.current, index)]
        self.current = index
        for row in rows:
            if row is not None:
                self.dataChanged.emit(self.index(row), self.index(row), [Qt.ItemDataRole.FontRole])

    def _set_states(self, states: dict[int, str]) -> None:
        self.states = states
        # items the query did not answer for (joined since) count as unlabelled
        self.counts = Counter(states.get(i, UNLABELLED) for i in self.items.ids)
        self._rows = self._filtered()

    def _filtered(self) -> list[int] | None:
        shown = _SHOWN_BY[self.filter]
        if shown is None:
            return None
        states = self.states
        return [n for n, item_id in enumerate(self.items.ids) if states.get(item_id, UNLABELLED) in shown]

    # ------------------------------------------------------------ asking

    def state_of(self, item_id: int) -> str:
        return self.states.get(item_id, UNLABELLED)

    def state_at(self, index: int) -> str:
        return self.state_of(self.items.ids[index])

    def item_index(self, row: int) -> int:
        return row if self._rows is None else self._rows[row]

    def row_of(self, index: int) -> int | None:
        """The row showing item ``index``, or None (not in the filter, or no such item)."""
        if not 0 <= index < len(self.items):
            return None
        if self._rows is None:
            return index
        at = bisect_left(self._rows, index)
        return at if at < len(self._rows) and self._rows[at] == index else None

    def first(self, states, after: int = -1) -> int | None:
        """The first item index after ``after`` whose state is one of ``states``, wrapping
        round to the batch's start; None when there is none."""
        ids, own = self.items.ids, self.states
        n = len(ids)
        for k in range(1, n + 1):
            index = (after + k) % n
            if own.get(ids[index], UNLABELLED) in states:
                return index
        return None

    # ------------------------------------------------------------ Qt

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid():
            return 0
        return len(self.items) if self._rows is None else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        n = self.item_index(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{n + 1}. {self.items[n].name}"  # the items on screen only: read a page at a time
        if role == Qt.ItemDataRole.DecorationRole:
            return self.icon(self.state_at(n))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{self.items[n].name}\n{self.state_text(self.state_at(n))}"
        if role == Qt.ItemDataRole.SizeHintRole:  # every row alike: sizing never reads a name
            return self._row_size
        if role == Qt.ItemDataRole.FontRole and n == self.current:
            return self._bold
        if role == Qt.ItemDataRole.UserRole:
            return self.state_at(n)
        return None


class _RowsAlikeView(QListView):
    """A list whose rows are all one size: a row whose data changed is repainted alone.
    QListView lays every row out again after any dataChanged (two model calls per row: 45–90
    ms on a 10,000-item batch, at every step to the next item, whose row turns bold)."""

    def dataChanged(self, top_left: QModelIndex, bottom_right: QModelIndex, roles=()) -> None:
        if top_left.isValid() and top_left == bottom_right:
            # the item views' own handling of one changed index: a repaint of its rect
            QAbstractItemView.dataChanged(self, top_left, bottom_right, roles)
        else:
            super().dataChanged(top_left, bottom_right, roles)


class ItemList(QWidget):
    """The column: filter, rows, next unlabelled. ``item_chosen(index)``: a row was clicked."""

    item_chosen = Signal(int)
    next_unlabelled_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedWidth(LIST_WIDTH)
        self.model = ItemStateModel(self)
        title = QLabel(self.tr("Items"))
        title.setStyleSheet("font-weight: bold;")
        self.filter_combo = QComboBox()
        self.filter_combo.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the editor keeps the keyboard
        self.filter_combo.setToolTip(self.tr("Show only the items in this state"))
        for name in FILTERS:
            icon = QIcon() if name == ALL else self.model.icon(name)
            self.filter_combo.addItem(icon, "", name)
        self.filter_combo.currentIndexChanged.connect(self._filter_chosen)
        self.view = _RowsAlikeView()
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)  # 10,000 rows: never ask every row for its size
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # names differ at their ends
        self.view.setStyleSheet(
            "QListView { background: white; border: 1px solid #d0d7de; outline: 0; }"
            "QListView::item { padding: 2px 2px; }"
            "QListView::item:selected { background: #cfe0fa; color: #1f2328; }"
        )
        self.view.clicked.connect(lambda index: self.item_chosen.emit(self.model.item_index(index.row())))
        self.empty_label = QLabel()  # a filter with no rows says so
        self.empty_label.setObjectName("muted")
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.next_button = QPushButton(self.tr("Next unlabelled (N)"))
        self.next_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.next_button.setToolTip(self.tr("Go to the next item nobody has labelled yet"))
        self.next_button.setStyleSheet("padding: 6px 4px;")
        self.next_button.clicked.connect(self.next_unlabelled_requested)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("muted")
        self.progress_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addWidget(self.filter_combo)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.next_button)
        self._show_counts()

    # ------------------------------------------------------------ from the page

    def set_batch(self, items: ItemPages, states: dict[int, str]) -> None:
        self.model.set_batch(items, states)
        self._show_counts()

    def set_states(self, states: dict[int, str]) -> None:
        self.model.set_states(states)
        self._after_reset()

    def set_state(self, item_id: int, state: str) -> None:
        self.model.set_state(item_id, state)
        self._after_reset()

    def set_current(self, index: int) -> None:
        self.model.set_current(index)
        self._select_current()

    # ------------------------------------------------------------ inside

    def _filter_chosen(self, combo_index: int) -> None:
        self.model.set_filter(self.filter_combo.itemData(combo_index))
        self._after_reset()

    def _after_reset(self) -> None:
        self._select_current()
        self._show_counts()

    def _select_current(self) -> None:
        row = self.model.row_of(self.model.current)
        if row is None:
            self.view.clearSelection()
            return
        index = self.model.index(row)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _show_counts(self) -> None:
        counts = self.model.counts
        total = len(self.model.items)
        words = {
            ALL: self.tr("All (%1)").replace("%1", str(total)),
            UNLABELLED: self.tr("Unlabelled (%1)"),
            DONE: self.tr("Done (%1)"),
            REJECTED: self.tr("Sent back (%1)"),
            CONFLICT: self.tr("Conflict (%1)"),
            WAITING: self.tr("Waiting to upload (%1)"),
        }
        for n, name in enumerate(FILTERS):
            count = counts[DONE] + counts[EMPTY] if name == DONE else counts[name]
            self.filter_combo.setItemText(n, words[name].replace("%1", str(count)))
        done = total - counts[UNLABELLED]
        self.progress_label.setText(self.tr("Labelled %1 of %2").replace("%1", str(done)).replace("%2", str(total)))
        self.next_button.setEnabled(counts[UNLABELLED] > 0)
        nothing = self.model.rowCount() == 0 and total > 0
        self.empty_label.setText(self.tr("No items in this state."))
        self.empty_label.setVisible(nothing)


class BatchEndBar(QFrame):
    """At the batch's last item: how many items are still to do, and a way to the first of
    them; or that the batch is finished."""

    go_requested = Signal()

    TO_DO_STYLE = "QFrame#batchEnd { background: #fff4d6; border: 1px solid #e6c35c; border-radius: 4px; }"
    FINISHED_STYLE = "QFrame#batchEnd { background: #e6f4ea; border: 1px solid #9fd4ad; border-radius: 4px; }"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("batchEnd")
        self.text_label = QLabel()
        self.text_label.setWordWrap(True)
        self.text_label.setStyleSheet("font-weight: bold; background: transparent; border: none;")
        self.go_button = QPushButton(self.tr("Go to the first of them"))
        self.go_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.go_button.setObjectName("primary")
        self.go_button.clicked.connect(self.go_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.text_label, 1)
        layout.addWidget(self.go_button)
        self._style = ""
        self.hide()

    def show_counts(self, counts: Counter, total: int) -> None:
        unlabelled, rejected, conflict, waiting = (counts[s] for s in (UNLABELLED, REJECTED, CONFLICT, WAITING))
        parts = []
        if unlabelled or rejected:
            if unlabelled:
                parts.append(self.tr("%n item(s) still unlabelled", "", unlabelled))
            if rejected:
                parts.append(self.tr("%n sent back to fix", "", rejected))
            text = self.tr("This is the last item. Still to do: %1.").replace("%1", self.tr(", ").join(parts))
            style = self.TO_DO_STYLE
        else:
            text = self.tr("Batch finished: all %1 items are labelled.").replace("%1", str(total))
            if waiting:
                text += " " + self.tr("%n still waiting to upload: they upload by themselves.", "", waiting)
            style = self.FINISHED_STYLE
        if conflict:
            text += " " + self.tr("%n in conflict: the lead will decide.", "", conflict)
        self.text_label.setText(text)
        self.go_button.setVisible(bool(unlabelled or rejected))
        if style != self._style:
            self._style = style
            self.setStyleSheet(style)
