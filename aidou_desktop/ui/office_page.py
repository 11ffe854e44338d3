"""The office screens for leads and admins: orders and batches, people (admins), figures.

Online only: every figure comes from the server and every button acts on it, through
a ``JobRunner`` off the UI thread. When the server cannot be reached the page says so
and keeps what it showed; nothing is queued for later (unlike annotations, these
actions make sense only against the server's current state).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aidou_desktop.sync import SyncClient
from aidou_desktop.sync.office_client import OfficeClient
from aidou_desktop.ui.background import JobRunner
from aidou_desktop.ui.office_dashboard_tab import DashboardTab
from aidou_desktop.ui.office_errors import office_error_text
from aidou_desktop.ui.office_orders_tab import OrdersTab
from aidou_desktop.ui.office_people_tab import PeopleTab
from aidou_desktop.ui.office_quality_tab import QualityTab
from aidou_desktop.ui.office_stats_tab import THROUGHPUT_DAYS, StatsTab
from aidou_desktop.ui.office_tab import Work
from sync_server.protocol import (
    AnnotatorProgress,
    BatchProgress,
    OrderProgress,
    PaySheet,
    Throughput,
    UserInfo,
    UserRecord,
)


@dataclass
class OfficeSnapshot:
    """Everything one refresh shows, fetched in one job so the tabs agree with each other."""

    orders: list[OrderProgress]
    order_id: int | None
    batches: list[BatchProgress] = field(default_factory=list)
    annotators: list[AnnotatorProgress] = field(default_factory=list)
    users: list[UserRecord] | None = None  # admins only
    throughput: Throughput | None = None
    pay_sheet: PaySheet | None = None


class OfficePage(QWidget):
    home_requested = Signal()

    def __init__(self, client_factory: Callable[[], SyncClient], user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._client_factory = client_factory
        self.user = user
        self.is_admin = user.role == "admin"
        # one request at a time: an action's refresh then always sees the action done
        self.runner = JobRunner(self, max_threads=1)

        title = QLabel(self.tr("Office"))
        title.setObjectName("pageTitle")
        self.home_button = QPushButton(self.tr("Back"))
        self.home_button.setToolTip(self.tr("Back to the home page"))
        self.home_button.clicked.connect(self.home_requested)
        # the page's one Refresh: every tab's figures, the open quality or dashboard tab's included
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.setToolTip(self.tr("Fetch every tab's figures again from the server (F5)"))
        self.refresh_button.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_button.clicked.connect(self.refresh)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)  # a request has no measurable progress
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.hide()
        self.busy_label = QLabel(self.tr("Talking to the server…"))
        self.busy_label.setObjectName("muted")
        self.busy_label.hide()
        self.message_label = QLabel()
        self.message_label.setObjectName("errorText")
        self.message_label.setWordWrap(True)
        self.message_label.hide()
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setWordWrap(True)
        self.status_label.hide()

        self.tabs = QTabWidget()
        self.orders_tab = OrdersTab(self.run)
        self.tabs.addTab(self.orders_tab, self.tr("Orders and batches"))
        self.people_tab: PeopleTab | None = None
        if self.is_admin:  # leads never see accounts: the server would refuse them anyway
            self.people_tab = PeopleTab(self.run, user.id)
            self.tabs.addTab(self.people_tab, self.tr("People"))
        self.stats_tab = StatsTab(self.run)
        self.tabs.addTab(self.stats_tab, self.tr("Figures"))
        self.quality_tab: QualityTab | None = None
        self.dashboard_tab: DashboardTab | None = None
        if user.role in ("lead", "admin"):  # the server answers quality figures to them only
            self.quality_tab = QualityTab(self.run)
            self.tabs.addTab(self.quality_tab, self.tr("Quality"))
            self.dashboard_tab = DashboardTab(self.run)
            self.tabs.addTab(self.dashboard_tab, self.tr("Dashboard"))
        for tab in self._tabs():
            tab.message.connect(self._show)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.busy_label)
        top.addWidget(self.busy_bar)
        top.addWidget(self.refresh_button)
        top.addWidget(self.home_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(10)
        layout.addLayout(top)
        layout.addWidget(self.message_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)

    # ------------------------------------------------------------ public

    def busy(self) -> bool:
        return self.runner.busy()

    def refresh(self) -> None:
        """Fetch every tab's figures again (the order on screen and the month chosen are kept);
        the quality or dashboard tab on screen loads its order's figures after them."""
        order_id, month, admin = self.orders_tab.selected_order_id(), self.stats_tab.month(), self.is_admin

        def load(office: OfficeClient) -> OfficeSnapshot:
            orders = office.orders()
            ids = [order.id for order in orders]
            chosen = order_id if order_id in ids else (ids[0] if ids else None)
            snapshot = OfficeSnapshot(orders, chosen)
            if chosen is not None:
                snapshot.batches, snapshot.annotators = office.batches(chosen), office.annotators(chosen)
            if admin:
                snapshot.users = office.users()
            snapshot.throughput = office.throughput(THROUGHPUT_DAYS)
            snapshot.pay_sheet = office.pay_sheet(month)
            return snapshot

        self.run(load, self._show_snapshot)

    def run(self, work: Work, on_success: Callable[[Any], None] | None = None,
            done_text: str | Callable[[Any], str] = "", refresh: bool = False) -> None:  # fmt: skip
        """``work(office)`` off the UI thread with a client of its own (a requests session is not
        shared between threads). On success: ``on_success``, ``done_text``, and a refresh when
        it changed something; on failure the error in Chinese and the screens as they were."""
        factory = self._client_factory

        def job(_progress) -> Any:
            office = OfficeClient(factory())
            try:
                return work(office)
            finally:
                office.close()

        def succeeded(result: Any) -> None:
            if on_success is not None:
                on_success(result)
            text = done_text(result) if callable(done_text) else done_text
            if text or refresh:
                self._show(text, False)
            if refresh:
                self.refresh()
            self._set_busy(self.runner.busy())

        def failed(exc: Exception) -> None:
            self._show(office_error_text(exc), True)
            self._set_busy(self.runner.busy())

        self.runner.start(job, succeeded, failed)
        self._set_busy(True)

    # ------------------------------------------------------------ internals

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self.busy():
            self.refresh()  # what the office looks like now, each time the page opens

    def _tabs(self) -> list:
        tabs = (self.orders_tab, self.people_tab, self.stats_tab, self.quality_tab, self.dashboard_tab)
        return [tab for tab in tabs if tab is not None]

    def _show_snapshot(self, snap: OfficeSnapshot) -> None:
        self.message_label.hide()  # a refresh that worked answers the last error
        active = None
        if snap.users is not None and self.people_tab is not None:
            self.people_tab.show_users(snap.users)
            active = {u.id for u in snap.users if u.role == "annotator" and not u.disabled}
        self.orders_tab.set_active_annotators(active)
        self.orders_tab.show_orders(snap.orders, snap.order_id, snap.batches, snap.annotators)
        names = {a.annotator_id: f"{a.display_name} ({a.username})" for a in snap.annotators}
        names.update({u.id: f"{u.display_name} ({u.username})" for u in snap.users or [] if u.role == "annotator"})
        if snap.throughput is not None and snap.pay_sheet is not None:
            self.stats_tab.show_figures(snap.throughput, snap.pay_sheet, names)
        if self.quality_tab is not None:
            self.quality_tab.show_orders(snap.orders)
        if self.dashboard_tab is not None:
            self.dashboard_tab.show_orders(snap.orders)

    def _show(self, text: str, error: bool) -> None:
        if error:
            self.status_label.hide()  # an earlier "done" next to a failure would mislead
            self.message_label.setText(text)
            self.message_label.setVisible(bool(text))
        else:
            self.message_label.hide()
            if text:
                self.status_label.setText(text)
                self.status_label.show()

    def _set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        self.busy_label.setVisible(busy)
        self.refresh_button.setEnabled(not busy)
        for tab in self._tabs():
            tab.set_busy(busy)
