"""The home page: who is signed in, the sync strip, and their batches."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from aidou_desktop.model import BatchSummary, SyncState, UserInfo
from aidou_desktop.ui.batch_table_model import BATCH, ORDER, BatchTableModel
from aidou_desktop.ui.earnings_strip import EarningsStrip
from aidou_desktop.ui.sync_bar import SyncBar


class HomePage(QWidget):
    sync_requested = Signal()
    download_requested = Signal(int)  # batch id
    training_requested = Signal()
    annotate_requested = Signal(int)  # batch id
    review_requested = Signal()
    office_requested = Signal()  # leads and admins: orders, batches, people, figures (online)
    logout_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._busy = False
        self._reviewer = False  # leads and admins: the review queue comes first
        self.greeting_label = QLabel()
        self.greeting_label.setObjectName("pageTitle")
        self.office_label = QLabel()
        self.office_label.setObjectName("muted")
        self.offline_note = QLabel(self.tr("Offline login (using the account cached on this PC)"))
        self.offline_note.setObjectName("offlineNote")
        self.offline_note.hide()
        self.logout_button = QPushButton(self.tr("Log out"))
        self.logout_button.clicked.connect(self.logout_requested)

        self.sync_bar = SyncBar()
        self.sync_bar.sync_requested.connect(self.sync_requested)
        self.earnings = EarningsStrip()  # annotators: what they see first
        self.earnings.hide()
        self.message_label = QLabel()
        self.message_label.setObjectName("errorText")
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        self.model = BatchTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(34)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ORDER, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(BATCH, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda index: self._emit_for_selected(self.annotate_requested))
        self.empty_label = QLabel(
            self.tr("You have no batches yet. Press Sync to fetch the batches your lead has given you.")
        )
        self.empty_label.setObjectName("muted")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.download_button = QPushButton(self.tr("Download batch"))
        self.download_button.setToolTip(self.tr("Download the batch's images to work without the network"))
        self.download_button.clicked.connect(lambda: self._emit_for_selected(self.download_requested))
        self.training_button = QPushButton(self.tr("Training"))
        self.training_button.setToolTip(self.tr("Courses that certify you for a kind of work; they work offline too"))
        self.training_button.clicked.connect(self.training_requested)
        self.annotate_button = QPushButton(self.tr("Start labelling"))
        self.annotate_button.setObjectName("primary")
        self.annotate_button.setToolTip(self.tr("Open the first unlabelled item of the batch (Enter)"))
        self.annotate_button.clicked.connect(lambda: self._emit_for_selected(self.annotate_requested))

        top = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(self.greeting_label)
        names.addWidget(self.office_label)
        names.addWidget(self.offline_note)
        top.addLayout(names, 1)
        top.addWidget(self.logout_button, 0, Qt.AlignmentFlag.AlignTop)

        self.review_count_label = QLabel()
        self.review_count_label.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.review_button = QPushButton(self.tr("Review queue"))
        self.review_button.setObjectName("primary")
        self.review_button.setToolTip(self.tr("Accept, send back or correct the annotators' work (Enter)"))
        self.review_button.clicked.connect(self.review_requested)
        self.office_button = QPushButton(self.tr("Office management"))
        self.office_button.setToolTip(self.tr("Orders and batches, people, throughput and the pay sheet (needs the server)"))
        self.office_button.clicked.connect(self.office_requested)
        self.review_row = QWidget()
        review = QHBoxLayout(self.review_row)
        review.setContentsMargins(0, 0, 0, 0)
        review.addWidget(self.review_count_label, 1)
        review.addWidget(self.office_button)
        review.addWidget(self.review_button)
        self.review_row.hide()

        title = QLabel(self.tr("My batches"))
        title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.batches_title = title
        buttons = QHBoxLayout()
        buttons.addWidget(self.training_button)
        buttons.addStretch(1)
        buttons.addWidget(self.download_button)
        buttons.addWidget(self.annotate_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.setSpacing(12)
        layout.addLayout(top)
        layout.addWidget(self.sync_bar)
        layout.addWidget(self.earnings)
        layout.addWidget(self.message_label)
        layout.addWidget(self.review_row)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(buttons)
        # takes the table's room when a lead has no batches: the rows above stay at the top
        self.filler = QWidget()
        self.filler.hide()
        layout.addWidget(self.filler, 1)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # ------------------------------------------------------------ filled by the window

    def show_user(self, user: UserInfo, offline_login: bool) -> None:
        name = user.display_name or user.username
        self.greeting_label.setText(self.tr("Hello, %1").replace("%1", name))
        self.office_label.setText(user.office_name)
        self.offline_note.setVisible(offline_login)
        self._reviewer = user.role in ("lead", "admin")
        self.review_row.setVisible(self._reviewer)
        self.earnings.setVisible(not self._reviewer)

    def set_review_count(self, waiting: int) -> None:
        """Leads and admins: how many items wait for a verdict on this PC."""
        self.review_count_label.setText(self.tr("%n item(s) waiting for review", "", waiting))

    def set_summaries(self, summaries: list[BatchSummary]) -> None:
        selected = self.selected_batch()
        self.model.set_summaries(summaries)
        row = self.model.row_of(selected.id) if selected else -1
        if row < 0 and summaries:
            row = next((i for i, s in enumerate(summaries) if s.done < s.total), 0)
        if row >= 0:
            self.table.selectRow(row)
        # a lead with no batches of their own sees the review queue only, not the annotator's hint
        self.empty_label.setVisible(not summaries and not self._reviewer)
        for widget in (self.batches_title, self.table, self.download_button, self.annotate_button):
            widget.setVisible(bool(summaries) or not self._reviewer)
        self.filler.setVisible(not summaries and self._reviewer)
        self._update_buttons()

    def set_sync_state(self, state: SyncState) -> None:
        self.sync_bar.set_state(state)
        if state.online:
            self.offline_note.hide()  # the link is back: an "offline" note would mislead

    def set_busy(self, busy: bool, activity: str = "") -> None:
        self.sync_bar.set_busy(busy, activity)
        self._busy = busy
        self._update_buttons()

    def show_message(self, text: str) -> None:
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))

    def selected_batch(self) -> BatchSummary | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.summary(rows[0].row()) if rows else None

    # ------------------------------------------------------------ internals

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._reviewer and self.selected_batch() is None:
                self.review_requested.emit()
            else:
                self._emit_for_selected(self.annotate_requested)
            return
        super().keyPressEvent(event)

    def _emit_for_selected(self, signal) -> None:
        batch = self.selected_batch()
        if batch is not None:
            signal.emit(batch.id)

    def _update_buttons(self, *_args) -> None:
        batch = self.selected_batch()
        self.annotate_button.setEnabled(batch is not None and batch.downloaded > 0)
        self.download_button.setEnabled(batch is not None and not self._busy and batch.downloaded < batch.total)
