"""One read-only table model for the office screens: rows of wire objects, columns as functions.

The orders, batches, people and figures tables differ only in their columns, so
each tab describes its columns (title, value, when to show it red) and this
adapter does the Qt side once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the row object behind a cell
WARN = QColor("#b42318")
MUTED = QColor("#8c959f")


@dataclass
class Column:
    title: str
    value: Callable[[Any], Any]
    warn: Callable[[Any], bool] | None = None  # red text: an expired lease, a rejection
    muted: Callable[[Any], bool] | None = None  # grey text: a disabled account


class RecordTableModel(QAbstractTableModel):
    def __init__(self, columns: list[Column], key: Callable[[Any], Any] = lambda row: row.id, parent=None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._key = key
        self._rows: list[Any] = []

    def set_rows(self, rows: list[Any], columns: list[Column] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        if columns is not None:
            self._columns = list(columns)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row(self, number: int) -> Any | None:
        return self._rows[number] if 0 <= number < len(self._rows) else None

    def row_of(self, key: Any) -> int:
        return next((i for i, row in enumerate(self._rows) if self._key(row) == key), -1)

    # ------------------------------------------------------------ Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if 0 <= section < len(self._columns):
                return self._columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = column.value(row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            numeric = isinstance(column.value(row), (int, float))
            horizontal = Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column.warn and column.warn(row):
                return QBrush(WARN)
            if column.muted and column.muted(row):
                return QBrush(MUTED)
        if role == ROW_ROLE:
            return row
        return None


def make_table(model: RecordTableModel, stretch: int | None = 0) -> QTableView:
    """A one-row-at-a-time, read-only table in the app's look."""
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(30)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None:
        header.setStretchLastSection(False)
        model.modelReset.connect(lambda: _stretch(table, stretch))
        _stretch(table, stretch)
    return table


def _stretch(table: QTableView, column: int) -> None:
    if column < table.model().columnCount():
        table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)


def selected_row(table: QTableView) -> Any | None:
    rows = table.selectionModel().selectedRows()
    return table.model().row(rows[0].row()) if rows else None


def select_key(table: QTableView, key: Any) -> bool:
    """Select the row with this key again after a refresh; False when it is gone."""
    number = table.model().row_of(key)
    if number >= 0:
        table.selectRow(number)
    return number >= 0


def accept_rate(accepted: int, rejected: int) -> str:
    """Accepted share of the judged items, as people read it; a dash before any verdict."""
    judged = accepted + rejected
    return f"{round(100 * accepted / judged)}%" if judged else "—"


def percent(share: float | None) -> str:
    """A 0..1 figure (a score, an agreement) as people read it; a dash when there is none."""
    return "—" if share is None else f"{round(100 * share)}%"
