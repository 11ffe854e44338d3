"""看板 (leads, admins): one order's figures per annotator and day — items done, accept rate,
gold score, agreement — as four small line charts and a table of the same numbers.

The figures come from ``GET /quality/dashboard`` (issue 11), loaded like the 质量 tab's
(``OrderFiguresTab``): when the tab is shown after a change, when another order or span is
chosen, and on the page's Refresh. The charts sit in one row above the table, a splitter
between them: at 1366×768 the table still shows about ten rows. The charts are pyqtgraph's
(a 2 MB pure-Python wheel; QtCharts would need PySide6-Addons).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from aidou_desktop.ui.office_models import Column, RecordTableModel, make_table, percent
from aidou_desktop.ui.office_tab import OrderFiguresTab, RunJob
from sync_server.protocol import Dashboard, DashboardAnnotator, DashboardDay

SPANS = (7, 30, 90)  # days offered; the server allows up to 92
DEFAULT_SPAN = 30
TICKS = 5  # date labels along a chart's bottom axis, about
CHART_HEIGHT = 150  # at least: the four charts share one row, the table gets the rest
CHART_SHARE = 0.4  # of the room under the chooser, until the person drags the line between
# one colour per annotator, readable on white (matplotlib's "tab10"); past ten the lines dash
COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")


@dataclass
class DayRow:
    """One row of the table: one annotator's figures of one day."""

    annotator_id: int
    name: str
    figures: DashboardDay


def day_rows(board: Dashboard) -> list[DayRow]:
    """Newest day first, then by name: today's figures at the top."""
    rows = [DayRow(p.annotator_id, person_name(p), d) for p in board.annotators for d in p.days]
    rows.sort(key=lambda r: r.name)
    rows.sort(key=lambda r: r.figures.day, reverse=True)
    return rows


def person_name(person: DashboardAnnotator) -> str:
    return f"{person.display_name} ({person.username})"


def series(board: Dashboard, person: DashboardAnnotator, figure: str) -> tuple[list[int], list[float]]:
    """x (days since the window's first) and y of one annotator's line. Counts are 0 on a quiet
    day; a rate has no point where nothing was measured, so its line joins the measured days."""
    first = date.fromisoformat(board.first_day)
    known = {date.fromisoformat(d.day): getattr(d, figure) for d in person.days}
    xs, ys = [], []
    for x in range(board.days):
        value = known.get(first + timedelta(days=x))
        if figure == "items":
            xs.append(x)
            ys.append(value or 0)
        elif value is not None:
            xs.append(x)
            ys.append(100 * value)  # percent, as the table shows it
    return xs, ys


class DashboardTab(OrderFiguresTab):
    def __init__(self, run: RunJob, parent: QWidget | None = None) -> None:
        super().__init__(run, parent)
        self.order_combo.setToolTip(self.tr("The order whose figures are shown"))
        self.span_combo = QComboBox()
        for days in SPANS:
            self.span_combo.addItem(self.tr("Last %n days", "", days), days)
        self.span_combo.setCurrentIndex(SPANS.index(DEFAULT_SPAN))
        self.span_combo.activated.connect(lambda _index: self.load())

        # (the DashboardDay field, the chart's title, its y range: None lets the chart choose)
        figures = [
            ("items", self.tr("Items done per day"), None),
            ("accept_rate", self.tr("Accept rate (%)"), (0, 100)),
            ("gold_score", self.tr("Gold score (%)"), (0, 100)),
            ("agreement", self.tr("Agreement (%)"), (0, 100)),
        ]
        self.charts: dict[str, pg.PlotWidget] = {field: _chart(title, y_range) for field, title, y_range in figures}
        # one legend for the four charts: inside each, ten names would cover the lines
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.chart_box = QWidget()
        grid = QGridLayout(self.chart_box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.legend, 0, 0, 1, len(self.charts))
        for number, chart in enumerate(self.charts.values()):
            grid.addWidget(chart, 1, number)
            grid.setColumnStretch(number, 1)
        grid.setRowStretch(1, 1)

        self.table_model = RecordTableModel(
            [
                Column(self.tr("Day"), lambda r: r.figures.day),
                Column(self.tr("Annotator"), lambda r: r.name),
                Column(self.tr("Items done"), lambda r: r.figures.items),
                Column(self.tr("Accepted"), lambda r: r.figures.accepted),
                Column(self.tr("Rejected"), lambda r: r.figures.rejected, warn=lambda r: r.figures.rejected > 0),
                Column(self.tr("Accept rate"), lambda r: percent(r.figures.accept_rate)),
                Column(self.tr("Gold score"), lambda r: percent(r.figures.gold_score)),
                Column(self.tr("Agreement"), lambda r: percent(r.figures.agreement)),
            ],
            key=lambda r: (r.annotator_id, r.figures.day),
            parent=self,
        )
        self.table = make_table(self.table_model, stretch=1)
        self.note = QLabel()
        self.note.setObjectName("muted")
        self.note.setWordWrap(True)

        self.splitter = ShareSplitter(CHART_SHARE)
        self.splitter.addWidget(self.chart_box)
        self.splitter.addWidget(self.table)

        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(self.tr("Order")))
        chooser.addWidget(self.order_combo)
        chooser.addSpacing(16)
        chooser.addWidget(self.span_combo)
        chooser.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(chooser)
        layout.addWidget(self.note)
        layout.addWidget(self.splitter, 1)
        layout.addStretch(0)  # takes the room only while charts and table are hidden
        self.show_nothing(self.tr("Choose an order to see its figures."))
        self.update_buttons()

    # ------------------------------------------------------------ filled by the page

    def days(self) -> int:
        return self.span_combo.currentData() or DEFAULT_SPAN

    def update_buttons(self, *_args) -> None:
        super().update_buttons()
        self.span_combo.setEnabled(not self.busy and self.has_orders())

    # ------------------------------------------------------------ loading

    def load(self) -> None:
        order_id, days = self.order_id(), self.days()
        if order_id is None:
            return
        self.loading()
        self.run(lambda office: office.dashboard(order_id, days), self.show_board)

    def show_board(self, board: Dashboard) -> None:
        if board.order_id != self.order_id() or board.days != self.days():
            return  # another order or span was chosen while this one loaded: its own answer follows
        if not board.annotators:
            self.show_nothing(self.tr("Nobody has worked on this order in these days yet, so there is nothing to chart."))
            return
        self.note.setText(self.tr("%1 to %2 (UTC days). One line per annotator; a rate has a point only on days it was measured.")
                          .replace("%1", board.first_day).replace("%2", board.last_day))  # fmt: skip
        self.note.show()
        ticks = _ticks(board)
        self.legend.setText(_legend_html(board))
        for field, chart in self.charts.items():
            _draw(chart, board, field, ticks)
        self.table_model.set_rows(day_rows(board))
        self.splitter.show()

    def show_nothing(self, text: str) -> None:
        self.table_model.set_rows([])
        for chart in self.charts.values():
            chart.clear()
        self.splitter.hide()
        self.note.setText(text)
        self.note.show()


class ShareSplitter(QSplitter):
    """Top above bottom, the top getting ``share`` of the height whatever the window's size, until
    the person drags the line between them (then their sizes are kept)."""

    def __init__(self, share: float, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.share = share
        self.dragged = False
        self.setChildrenCollapsible(False)
        self.splitterMoved.connect(self._moved)  # only a drag moves it; setSizes does not

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self.dragged and self.count() == 2:
            room = self.height() - self.handleWidth()
            top = int(room * self.share)
            self.setSizes([top, room - top])

    def _moved(self, _pos: int, _index: int) -> None:
        self.dragged = True


def _chart(title: str, y_range: tuple[float, float] | None) -> pg.PlotWidget:
    chart = pg.PlotWidget(background="w")
    chart.setTitle(title, color="#24292f", size="10pt")
    chart.setMinimumHeight(CHART_HEIGHT)
    chart.showGrid(x=True, y=True, alpha=0.2)
    chart.setMenuEnabled(False)  # pyqtgraph's own menu is English only
    chart.setMouseEnabled(x=False, y=False)  # a small chart that pans away under a stray drag is lost
    chart.hideButtons()
    for side in ("left", "bottom"):
        chart.getAxis(side).setTextPen("#57606a")
        chart.getAxis(side).setPen("#8c959f")
    if y_range is not None:
        chart.setYRange(*y_range, padding=0.05)
    return chart


def _pen(number: int) -> QPen:
    pen = pg.mkPen(COLORS[number % len(COLORS)], width=2)
    if number >= len(COLORS):
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def _legend_html(board: Dashboard) -> str:
    entries = (f'<span style="color:{COLORS[n % len(COLORS)]}">■</span>&nbsp;{html.escape(person_name(p))}'
               for n, p in enumerate(board.annotators))  # fmt: skip
    return "&nbsp;&nbsp;&nbsp; ".join(entries)


def _ticks(board: Dashboard) -> list[tuple[int, str]]:
    """About ``TICKS`` "MM-DD" labels, the last day always among them."""
    first = date.fromisoformat(board.first_day)
    step = max(1, round(board.days / TICKS))
    marks = list(range(board.days - 1, -1, -step))
    return [(x, (first + timedelta(days=x)).strftime("%m-%d")) for x in reversed(marks)]


def _draw(chart: pg.PlotWidget, board: Dashboard, field: str, ticks: list[tuple[int, str]]) -> None:
    chart.clear()
    for number, person in enumerate(board.annotators):
        xs, ys = series(board, person, field)
        pen = _pen(number)
        chart.plot(xs, ys, pen=pen, symbol="o", symbolSize=5, symbolBrush=pen.color(), symbolPen=None,
                   name=person_name(person))  # fmt: skip
    chart.getAxis("bottom").setTicks([ticks])
    chart.setXRange(0, max(board.days - 1, 1), padding=0.02)
    if field == "items":
        chart.enableAutoRange(axis="y")
