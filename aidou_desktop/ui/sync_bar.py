"""The strip on the home page that says where this PC stands with the server."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QWidget,
)

from aidou_desktop.model import SyncState
from aidou_desktop.model.domain import SyncRun
from aidou_desktop.ui.look import MUTED, OFFLINE, ONLINE
from aidou_desktop.ui.time_format import local_text


class SyncBar(QFrame):
    sync_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncBar")
        self.online_label = QLabel()
        self.last_sync_label = QLabel()
        self.waiting_label = QLabel()
        self.rejected_label = QLabel()
        self.rejected_label.setObjectName("errorText")
        self.scheduled_label = QLabel()  # the last `aidou-sync run` from cron / Task Scheduler
        self.scheduled_label.setObjectName("muted")
        self.progress_bar = QProgressBar()
        self.progress_bar.setFixedWidth(180)
        self.progress_text = QLabel()
        self.progress_text.setObjectName("muted")
        self.sync_button = QPushButton(self.tr("Sync"))
        self.sync_button.setToolTip(self.tr("Upload your work and fetch new batches now"))
        self.sync_button.clicked.connect(self.sync_requested)

        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.setSpacing(18)
        for widget in (self.online_label, self.last_sync_label, self.waiting_label, self.rejected_label,
                       self.scheduled_label):  # fmt: skip
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.progress_text)
        row.addWidget(self.progress_bar)
        row.addWidget(self.sync_button)
        self.set_busy(False)

    def set_state(self, state: SyncState) -> None:
        color = ONLINE if state.online else OFFLINE
        word = self.tr("Online") if state.online else self.tr("Offline")
        self.online_label.setText(f'<span style="color:{color}; font-size:14pt">●</span> <b>{word}</b>')
        last = local_text(state.last_sync)
        self.last_sync_label.setText(self.tr("Last sync: %1").replace("%1", last) if last else self.tr("Never synced"))
        self.waiting_label.setText(self.tr("%n item(s) waiting to upload", "", state.waiting))
        self.waiting_label.setStyleSheet("" if state.waiting else f"color: {MUTED}")
        self.rejected_label.setText(self.tr("%n sent back to fix", "", state.rejected))
        self.rejected_label.setVisible(state.rejected > 0)

    def set_scheduled_run(self, run: SyncRun | None) -> None:
        """The last scheduled (command-line) sync: when, and how it ended."""
        self.scheduled_label.setVisible(run is not None)
        if run is None:
            return
        outcomes = {
            "ok": self.tr("in sync"),
            "offline": self.tr("offline, nothing sent"),
            "auth": self.tr("needs a login"),
            "attention": self.tr("items need a lead"),
            "error": self.tr("local error, see the log"),
            "disk_full": self.tr("disk full"),
            "busy": self.tr("another sync was running"),
            "update": self.tr("the app needs an update"),
        }
        if run.finished_at is None:
            outcome = self.tr("running or interrupted")
        else:
            outcome = outcomes.get(run.outcome or "", run.outcome or "")
        when = local_text(run.finished_at or run.started_at)
        text = self.tr("Scheduled sync %1: %2").replace("%1", when).replace("%2", outcome)
        self.scheduled_label.setText(text)
        self.scheduled_label.setToolTip(run.message or "")
        self.scheduled_label.setStyleSheet("" if run.outcome in ("ok", None) else "color: #b42318")

    def set_busy(self, busy: bool, activity: str = "") -> None:
        """``activity`` names the running work in the UI's own (translated) words:
        the sync layer's progress texts are for logs, not for people."""
        self.sync_button.setEnabled(not busy)
        self.progress_bar.setVisible(busy)
        self.progress_text.setVisible(busy)
        if busy:
            self.progress_bar.setRange(0, 0)  # busy indicator until the first figure arrives
            self.progress_text.setText(activity or self.tr("Working…"))

    def set_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(min(done, total))
