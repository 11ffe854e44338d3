"""统计 (leads, admins): items finished per annotator per day, and the month's pay sheet with each
annotator's quality of the month, and its export: the very file ``aidou-server paysheet`` writes
(``sync_server.paysheet``, from the sheet ``GET /paysheet`` answered)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import QDir, QStandardPaths
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from aidou_desktop.ui.office_models import Column, RecordTableModel, make_table, percent
from aidou_desktop.ui.office_tab import OfficeTab, RunJob
from sync_server.paysheet import by_order_text, write_pay_sheet
from sync_server.protocol import PaySheet, Throughput

log = logging.getLogger(__name__)

THROUGHPUT_DAYS = 14
MONTHS_OFFERED = 12


def recent_months(today: date, count: int = MONTHS_OFFERED) -> list[str]:
    """This month first, then the ones before: "YYYY-MM"."""
    year, month, out = today.year, today.month, []
    for _ in range(count):
        out.append(f"{year:04}-{month:02}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def _documents_dir() -> Path:
    """Where an export starts: Documents, else home (never the app's own folder)."""
    documents = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or ".")
    return documents if documents.is_dir() else Path(QDir.homePath())


class StatsTab(OfficeTab):
    def __init__(self, run: RunJob, parent: QWidget | None = None) -> None:
        super().__init__(run, parent)
        self._sheet: PaySheet | None = None
        self.file_dialog: QFileDialog | None = None
        self._export_dir: Path | None = None
        self.throughput_model = RecordTableModel([], key=lambda r: r[0], parent=self)
        self.throughput_table = make_table(self.throughput_model, stretch=None)
        self.month_combo = QComboBox()
        for month in recent_months(datetime.now().date()):
            self.month_combo.addItem(month, month)
        self.month_combo.currentIndexChanged.connect(self._month_chosen)
        self.pay_model = RecordTableModel(
            [
                Column(self.tr("Username"), lambda r: r.username),
                Column(self.tr("Name"), lambda r: r.display_name),
                Column(self.tr("Accepted items"), lambda r: r.accepted_items),
                Column(self.tr("Amount (yuan)"), lambda r: f"{r.amount_cents / 100:.2f}"),
                Column(self.tr("By order"), lambda r: by_order_text(r.by_order)),
                Column(self.tr("Accept rate"), lambda r: percent(r.accept_rate)),
                Column(self.tr("Gold score"), lambda r: percent(r.gold_score)),
                Column(self.tr("Agreement"), lambda r: percent(r.agreement)),
            ],
            key=lambda r: r.annotator_id,
            parent=self,
        )
        self.pay_table = make_table(self.pay_model, stretch=4)
        self.total_label = QLabel()
        self.total_label.setStyleSheet("font-weight: bold;")
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save this month's pay sheet as CSV or Excel"))
        self.export_button.clicked.connect(self._export)

        throughput_title = QLabel(self.tr("Items finished per day, last %n day(s)", "", THROUGHPUT_DAYS))
        throughput_title.setStyleSheet("font-weight: bold;")
        pay_row = QHBoxLayout()
        pay_title = QLabel(self.tr("Pay sheet for"))
        pay_title.setStyleSheet("font-weight: bold;")
        pay_row.addWidget(pay_title)
        pay_row.addWidget(self.month_combo)
        pay_row.addStretch(1)
        pay_row.addWidget(self.total_label)
        pay_row.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(throughput_title)
        layout.addWidget(self.throughput_table, 1)
        layout.addLayout(pay_row)
        layout.addWidget(self.pay_table, 1)
        self.update_buttons()

    def month(self) -> str:
        return self.month_combo.currentData()

    def show_figures(self, throughput: Throughput, sheet: PaySheet, names: dict[int, str]) -> None:
        self.show_pay_sheet(sheet)
        today = datetime.now(timezone.utc).date()  # the server counts UTC days
        days = [today - timedelta(days=n) for n in range(THROUGHPUT_DAYS - 1, -1, -1)]
        counts: dict[int, dict[str, int]] = {}
        for row in throughput.rows:
            counts.setdefault(row.annotator_id, {})[row.day] = row.items
        people = dict(names)
        for pay in sheet.rows:
            people[pay.annotator_id] = f"{pay.display_name} ({pay.username})"
        rows = [(who, people.get(who, f"#{who}"), counts.get(who, {})) for who in sorted(set(people) | set(counts))]
        columns = [Column(self.tr("Annotator"), lambda r: r[1])]
        for label, key in [(day.strftime("%m-%d"), day.isoformat()) for day in days]:
            columns.append(Column(label, lambda r, key=key: r[2].get(key, 0)))
        columns.append(Column(self.tr("Total"), lambda r: sum(r[2].values())))
        self.throughput_model.set_rows(rows, columns)

    def show_pay_sheet(self, sheet: PaySheet) -> None:
        self._sheet = sheet
        self.pay_model.set_rows(sheet.rows)
        items = sum(pay.accepted_items for pay in sheet.rows)
        self.total_label.setText(
            self.tr("Total: %n item(s), %1 yuan", "", items).replace("%1", f"{sheet.total_cents / 100:.2f}")
        )
        self.update_buttons()

    def update_buttons(self, *_args) -> None:
        self.export_button.setEnabled(not self.busy and self._sheet is not None)
        self.month_combo.setEnabled(not self.busy)

    # ------------------------------------------------------------ actions

    def _month_chosen(self, _index: int) -> None:
        month = self.month()
        self.run(lambda office: office.pay_sheet(month), self.show_pay_sheet)

    def _export(self) -> None:
        if self._sheet is None:
            return
        dialog = QFileDialog(self, self.tr("Export the pay sheet"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilters([self.tr("CSV for Excel (*.csv)"), self.tr("Excel workbook (*.xlsx)")])
        dialog.setDefaultSuffix("csv")
        dialog.setDirectory(str(self._export_dir or _documents_dir()))
        dialog.selectFile(self.tr("pay-sheet-%1").replace("%1", self._sheet.month) + ".csv")
        dialog.filterSelected.connect(lambda chosen: dialog.setDefaultSuffix("xlsx" if "xlsx" in chosen else "csv"))
        sheet = self._sheet  # the rows on screen, even if another month loads meanwhile
        dialog.fileSelected.connect(lambda path: self._write(sheet, Path(path)))
        dialog.finished.connect(lambda _result: setattr(self, "file_dialog", None))
        self.file_dialog = dialog
        dialog.open()

    def _write(self, sheet: PaySheet, path: Path) -> None:
        if path.suffix.lower() not in (".csv", ".xlsx"):
            path = path.with_name(path.name + ".csv")
        self._export_dir = path.parent  # next month's sheet goes to the same folder
        try:
            write_pay_sheet(sheet, path)
        except OSError as exc:
            log.warning("pay sheet export to %s failed: %s", path, exc)
            self.message.emit(
                self.tr("Could not write %1. It may be open in Excel, or the folder is read-only: choose another place.")
                .replace("%1", str(path)), True)  # fmt: skip
            return
        self.message.emit(self.tr("Pay sheet for %1 saved to %2.").replace("%1", sheet.month).replace("%2", str(path)), False)
