"""A table model over the signed-in annotator's batches (store.batch_summaries)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from aidou_desktop.model import BatchSummary
from aidou_desktop.ui.time_format import is_past, local_text

ORDER, BATCH, DONE, DOWNLOADED, LEASE = range(5)
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class BatchTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[BatchSummary] = []
        self._headers = [
            self.tr("Order"),
            self.tr("Batch"),
            self.tr("Labelled"),
            self.tr("Downloaded"),
            self.tr("Lease until"),
        ]

    def set_summaries(self, summaries: list[BatchSummary]) -> None:
        """Show new figures; keeps the selection when the batches are the same ones."""
        if [s.id for s in summaries] == [s.id for s in self._rows]:
            self._rows = list(summaries)
            if self._rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, LEASE))
            return
        self.beginResetModel()
        self._rows = list(summaries)
        self.endResetModel()

    def summary(self, row: int) -> BatchSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, batch_id: int) -> int:
        return next((i for i, s in enumerate(self._rows) if s.id == batch_id), -1)

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
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        summary = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(summary, column)
        if role == SUMMARY_ROLE:
            return summary
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (DONE, DOWNLOADED):
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == LEASE and is_past(summary.lease_until):
                return QBrush(QColor("#b42318"))
            if column == DONE and summary.total and summary.done >= summary.total:
                return QBrush(QColor("#1a7f37"))
        return None

    def _display(self, summary: BatchSummary, column: int) -> str | None:
        if column == ORDER:
            return summary.order_name
        if column == BATCH:
            return summary.name
        if column == DONE:
            return f"{summary.done} / {summary.total}"
        if column == DOWNLOADED:
            return f"{summary.downloaded} / {summary.total}"
        if column == LEASE:
            text = local_text(summary.lease_until)
            if not text:
                return ""
            return self.tr("%1 (expired)").replace("%1", text) if is_past(summary.lease_until) else text
        return None
