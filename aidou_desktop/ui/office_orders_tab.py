"""订单与批次: the office's orders and their progress, one order's batches and people, handing out batches."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from aidou_desktop.sync.office_client import days_from_now
from aidou_desktop.ui.assign_dialogs import AssignDialog, IdleDialog
from aidou_desktop.ui.office_models import Column, RecordTableModel, accept_rate, make_table, select_key, selected_row
from aidou_desktop.ui.office_tab import OfficeTab, RunJob
from aidou_desktop.ui.time_format import local_text
from sync_server.protocol import AnnotatorProgress, BatchProgress, OrderProgress


class OrdersTab(OfficeTab):
    def __init__(self, run: RunJob, parent: QWidget | None = None) -> None:
        super().__init__(run, parent)
        self._order_id: int | None = None  # the order whose batches are shown
        self._annotators: list[AnnotatorProgress] = []
        self._active_annotators: set[int] | None = None  # from the admin's users list; None = not known
        self._filling = False  # selection changes made by a refresh fetch nothing
        self.dialog = None  # the open assign dialog, if any

        progress = [
            Column(self.tr("Items"), lambda r: r.items),
            Column(self.tr("Done"), lambda r: r.done),
            Column(self.tr("Waiting for review"), lambda r: r.submitted),
            Column(self.tr("Accepted"), lambda r: r.accepted),
            Column(self.tr("Sent back"), lambda r: r.rejected, warn=lambda r: r.rejected > 0),
            Column(self.tr("Conflicts"), lambda r: r.conflicted, warn=lambda r: r.conflicted > 0),
        ]
        self.orders_model = RecordTableModel([Column(self.tr("Order"), lambda r: r.name),
                                              Column(self.tr("Batches"), lambda r: r.batches), *progress], parent=self)  # fmt: skip
        self.batches_model = RecordTableModel(
            [
                Column(self.tr("Batch"), lambda r: r.name),
                Column(self.tr("Holder"), self._holder_text),
                Column(self.tr("Lease until"), self._deadline_text, warn=lambda r: r.expired and bool(r.lease_until)),
                *progress,
            ],
            parent=self,
        )
        self.people_model = RecordTableModel(
            [
                Column(self.tr("Annotator"), lambda r: f"{r.display_name} ({r.username})"),
                Column(self.tr("Batches"), lambda r: r.batches),
                Column(self.tr("Items"), lambda r: r.items),
                Column(self.tr("Done"), lambda r: r.done),
                Column(self.tr("Accepted"), lambda r: r.accepted),
                Column(self.tr("Sent back"), lambda r: r.rejected, warn=lambda r: r.rejected > 0),
                Column(self.tr("Accept rate"), lambda r: accept_rate(r.accepted, r.rejected)),
            ],
            key=lambda r: r.annotator_id,
            parent=self,
        )
        self.orders_table = make_table(self.orders_model)
        self.batches_table = make_table(self.batches_model)
        self.people_table = make_table(self.people_model)

        self.assign_button = QPushButton(self.tr("Assign…"))
        self.assign_button.setToolTip(self.tr("Lease the selected batch to an annotator for some days"))
        self.assign_button.clicked.connect(self._assign)
        self.release_button = QPushButton(self.tr("Release"))
        self.release_button.setToolTip(self.tr("Take the selected batch from its holder"))
        self.release_button.clicked.connect(self._release)
        self.idle_button = QPushButton(self.tr("Next batch to idle annotators"))
        self.idle_button.setToolTip(self.tr("Every annotator without unfinished work gets the order's next free batch"))
        self.idle_button.clicked.connect(self._assign_idle)
        self.batches_title = QLabel(self.tr("Batches"))
        self.batches_title.setStyleSheet("font-weight: bold;")

        buttons = QHBoxLayout()
        buttons.addWidget(self.batches_title, 1)
        for button in (self.assign_button, self.release_button, self.idle_button):
            buttons.addWidget(button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.orders_table)
        middle = QWidget()
        middle_layout = QVBoxLayout(middle)
        middle_layout.setContentsMargins(0, 0, 0, 0)
        middle_layout.addLayout(buttons)
        middle_layout.addWidget(self.batches_table)
        splitter.addWidget(middle)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        people_title = QLabel(self.tr("Annotators in this order"))
        people_title.setStyleSheet("font-weight: bold;")
        bottom_layout.addWidget(people_title)
        bottom_layout.addWidget(self.people_table)
        splitter.addWidget(bottom)
        splitter.setSizes([150, 300, 200])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.orders_table.selectionModel().selectionChanged.connect(self._order_selected)
        self.batches_table.selectionModel().selectionChanged.connect(self.update_buttons)
        self.update_buttons()

    # ------------------------------------------------------------ filled by the page

    def selected_order_id(self) -> int | None:
        """The order to show batches for: the one on screen, kept across refreshes."""
        return self._order_id

    def set_active_annotators(self, ids: set[int] | None) -> None:
        self._active_annotators = ids

    def show_orders(
        self, orders: list[OrderProgress], order_id: int | None,
        batches: list[BatchProgress], annotators: list[AnnotatorProgress],
    ) -> None:  # fmt: skip
        self._filling = True
        try:
            self.orders_model.set_rows(orders)
            if order_id is not None:
                select_key(self.orders_table, order_id)
        finally:
            self._filling = False
        self.show_order(order_id, batches, annotators)

    def show_order(self, order_id: int | None, batches: list[BatchProgress], annotators: list[AnnotatorProgress]) -> None:
        batch = selected_row(self.batches_table)
        self._order_id = order_id
        self._annotators = list(annotators)
        self.people_model.set_rows(annotators)
        self.batches_model.set_rows(batches)
        if batch is not None and order_id is not None:
            select_key(self.batches_table, batch.id)
        order = self._order()
        self.batches_title.setText(self.tr("Batches of %1").replace("%1", order.name) if order else self.tr("Batches"))
        self.update_buttons()

    def update_buttons(self, *_args) -> None:
        batch = selected_row(self.batches_table)
        self.assign_button.setEnabled(not self.busy and batch is not None)
        self.release_button.setEnabled(not self.busy and batch is not None and batch.annotator_id is not None)
        self.idle_button.setEnabled(not self.busy and self._order() is not None)

    # ------------------------------------------------------------ actions

    def _order_selected(self, *_args) -> None:
        order = selected_row(self.orders_table)
        if self._filling or order is None or order.id == self._order_id:
            return
        self.run(lambda office: (office.batches(order.id), office.annotators(order.id)),
                 lambda found: self.show_order(order.id, *found))  # fmt: skip

    def _assign(self) -> None:
        batch = selected_row(self.batches_table)
        if batch is None:
            return
        self.dialog = AssignDialog(batch.name, self._candidates(), self)
        self.dialog.accepted.connect(lambda: self._assign_chosen(batch, self.dialog))
        self.dialog.open()

    def _assign_chosen(self, batch: BatchProgress, dialog: AssignDialog) -> None:
        self.dialog = None
        annotator_id, days, force = dialog.annotator_id(), dialog.days(), dialog.force()
        who = dialog.annotator_combo.currentText()
        done = self.tr("Batch %1 is leased to %2 for %n day(s).", "", days).replace("%1", batch.name).replace("%2", who)
        self.run(lambda office: office.assign_batch(batch.id, annotator_id, days_from_now(days), force=force),
                 done_text=done, refresh=True)  # fmt: skip

    def _release(self) -> None:
        batch = selected_row(self.batches_table)
        if batch is None or batch.annotator_id is None:
            return
        question = self.tr("Take batch %1 from %2? Work they upload for it later is kept as a conflict for the lead.")
        done = self.tr("Batch %1 was released; nobody holds it now.").replace("%1", batch.name)
        self.confirm(
            question.replace("%1", batch.name).replace("%2", self._holder_text(batch)),
            self.tr("Release"),
            lambda: self.run(lambda office: office.release_batch(batch.id), done_text=done, refresh=True),
        )

    def _assign_idle(self) -> None:
        order = self._order()
        if order is None:
            return
        self.dialog = IdleDialog(order.name, self)
        self.dialog.accepted.connect(lambda: self._assign_idle_chosen(order, self.dialog.days()))
        self.dialog.open()

    def _assign_idle_chosen(self, order: OrderProgress, days: int) -> None:
        self.dialog = None
        self.run(
            lambda office: office.assign_idle(order.id, days_from_now(days)),
            done_text=lambda assigned: self.tr("%n batch(es) handed to idle annotators.", "", len(assigned)),
            refresh=True,
        )

    # ------------------------------------------------------------ internals

    def _order(self) -> OrderProgress | None:
        number = self.orders_model.row_of(self._order_id)
        return self.orders_model.row(number) if self._order_id is not None else None

    def _candidates(self) -> list[AnnotatorProgress]:
        """Who may get a batch: the order's people, only active annotators when the users list says who."""
        if self._active_annotators is None:
            return self._annotators
        return [a for a in self._annotators if a.annotator_id in self._active_annotators]

    def _holder_text(self, batch: BatchProgress) -> str:
        if batch.annotator_id is None:
            return self.tr("nobody")
        person = next((a for a in self._annotators if a.annotator_id == batch.annotator_id), None)
        return f"{person.display_name} ({person.username})" if person else (batch.annotator_name or f"#{batch.annotator_id}")

    def _deadline_text(self, batch: BatchProgress) -> str:
        if not batch.lease_until:
            return ""
        text = local_text(batch.lease_until)
        return self.tr("%1 (expired)").replace("%1", text) if batch.expired else text
