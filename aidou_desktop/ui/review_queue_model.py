"""A table model over a lead's review queue: an adapter over ``list[QueueEntry]``
from ``store.review_queue`` and, for overlap copies, their groups' agreement from
``store.copy_agreements`` (the page asks the store; this only shows the answer)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from aidou_desktop.model.review import ACCEPTED, CONFLICT, REJECTED, SUBMITTED, QueueEntry
from aidou_desktop.store.copies import GroupAgreement

ITEM, ANNOTATOR, STATUS, AGREEMENT, COMMENT = range(5)
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1

STATUS_COLORS = {SUBMITTED: "#9a6700", ACCEPTED: "#1a7f37", REJECTED: "#b42318", CONFLICT: "#8250df"}
# an overlap group's agreement: below the first figure the copies disagree, below the second they differ
AGREEMENT_COLORS = ((0.5, "#b42318"), (0.8, "#9a6700"), (1.01, "#1a7f37"))

Index = QModelIndex | QPersistentModelIndex
_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole, ENTRY_ROLE})


class ReviewQueueModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[QueueEntry] = []
        self._names: dict[int, str] = {}
        self._agreements: dict[int, GroupAgreement] = {}  # by item id: only overlap copies
        self._headers = [self.tr("Item"), self.tr("Annotator"), self.tr("Status"), self.tr("Agreement"),
                         self.tr("Comment")]  # fmt: skip

    def status_text(self, status: str) -> str:
        texts = {
            SUBMITTED: self.tr("Waiting for review"),
            REJECTED: self.tr("Sent back"),
            CONFLICT: self.tr("Conflict"),
            ACCEPTED: self.tr("Accepted"),
        }
        return texts.get(status, status)

    def flag_text(self, flag: str) -> str:
        """The annotator's flag for the lead, as the queue and the page show it."""
        return self.tr("Flagged by the annotator: %1").replace("%1", flag)

    def note(self, entry: QueueEntry) -> tuple[str, str] | None:
        """(text, kind) the page shows under an item that is not in conflict, or None."""
        if entry.flag:  # the annotator asks the lead to look (issue 7)
            return self.flag_text(entry.flag), "flag"
        if entry.status == REJECTED and entry.comment:
            return self.tr("Sent back: %1").replace("%1", entry.comment), "info"
        return None

    def comment_text(self, entry: QueueEntry) -> str:
        """The lead's comment; else the annotator's flag."""
        return entry.comment or (self.flag_text(entry.flag) if entry.flag else "")

    def annotator_text(self, annotator_id: int | None) -> str:
        if annotator_id is None:
            return ""
        # the feed carries ids only; people on this PC are known by name
        return self._names.get(annotator_id) or self.tr("Annotator #%1").replace("%1", str(annotator_id))

    def names(self) -> dict[int, str]:
        """The people this PC knows by name (the others show as "annotator #N")."""
        return dict(self._names)

    def agreement_text(self, agreement: GroupAgreement) -> str:
        """The agreement column: a percentage, or a dash until two copies are answered."""
        return "—" if agreement.agreement is None else f"{round(100 * agreement.agreement)}%"

    def agreement_tip(self, agreement: GroupAgreement) -> str:
        if agreement.agreement is None:
            text = self.tr("Copies of one item: %1 of %2 answered, too few to compare")
        else:
            text = self.tr("Copies of one item: how far the %1 answers of %2 copies agree")
        return text.replace("%1", str(agreement.answered)).replace("%2", str(agreement.copies))

    def agreement(self, item_id: int) -> GroupAgreement | None:
        """The agreement of the item's overlap group, or None for an item without copies."""
        return self._agreements.get(item_id)

    def set_entries(self, entries: list[QueueEntry], names: dict[int, str] | None = None,
                    agreements: dict[int, GroupAgreement] | None = None) -> None:  # fmt: skip
        self.beginResetModel()
        self._rows = list(entries)
        if names is not None:
            self._names = dict(names)
        self._agreements = dict(agreements or {})
        self.endResetModel()

    def update_agreements(self, agreements: dict[int, GroupAgreement]) -> None:
        """New figures for some copies (a lead's correction changed one answer); rows keep their place."""
        self._agreements.update(agreements)
        changed = [row for row, entry in enumerate(self._rows) if entry.item_id in agreements]
        if changed:
            self.dataChanged.emit(self.index(min(changed), AGREEMENT), self.index(max(changed), AGREEMENT))

    def replace_entry(self, row: int, entry: QueueEntry) -> None:
        """One row after a verdict: its status changes in place, the list keeps its order."""
        if not 0 <= row < len(self._rows):
            return
        self._rows[row] = entry
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._headers) - 1))

    def entry(self, row: int) -> QueueEntry | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def entries(self) -> list[QueueEntry]:
        return list(self._rows)

    # ------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        # asked for a dozen roles per cell on every repaint: answer the others at once
        if role not in _ROLES or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(entry, column)
        if role == ENTRY_ROLE:
            return entry
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS:
            return QBrush(QColor(STATUS_COLORS.get(entry.status, "#57606a")))
        if role == Qt.ItemDataRole.ToolTipRole and column == COMMENT and (entry.comment or entry.flag):
            return self.comment_text(entry)
        if column == AGREEMENT and (agreement := self._agreements.get(entry.item_id)) is not None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.agreement_tip(agreement)
            if role == Qt.ItemDataRole.ForegroundRole and agreement.agreement is not None:
                return QBrush(QColor(next(c for limit, c in AGREEMENT_COLORS if agreement.agreement < limit)))
        return None

    def _display(self, entry: QueueEntry, column: int) -> str | None:
        if column == ITEM:
            return entry.item_name
        if column == ANNOTATOR:
            return self.annotator_text(entry.annotator_id)
        if column == STATUS:
            return self.status_text(entry.status)
        if column == AGREEMENT:
            agreement = self._agreements.get(entry.item_id)
            return self.agreement_text(agreement) if agreement is not None else ""
        if column == COMMENT:
            return self.comment_text(entry)
        return None
