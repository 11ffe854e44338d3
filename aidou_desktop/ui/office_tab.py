"""What every tab of the office page shares: the page's job runner, a busy state, confirmations;
and what the tabs of one order's figures (质量, 看板) share: the order picker and when to load."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QMessageBox, QWidget

from aidou_desktop.sync.office_client import OfficeClient
from sync_server.protocol import OrderProgress

Work = Callable[[OfficeClient], Any]


class RunJob(Protocol):
    def __call__(self, work: Work, on_success: Callable[[Any], None] | None = None, done_text: str = "",
                 refresh: bool = False) -> None: ...  # fmt: skip


class OfficeTab(QWidget):
    message = Signal(str, bool)  # text, is an error: work done without the server (an export)

    def __init__(self, run: RunJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run = run  # the page's: off the UI thread, errors shown in Chinese, refresh after actions
        self.busy = False
        self.confirm_box: QMessageBox | None = None  # the open question, if any

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.update_buttons()

    def update_buttons(self) -> None:
        """Enable what the selection allows; nothing acts while a request runs."""

    def confirm(self, text: str, yes_text: str, on_yes: Callable[[], None]) -> QMessageBox:
        """Ask before acting; non-blocking (``open``), so the page keeps painting."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Please confirm"), text, parent=self)
        yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(yes)

        def answered(_result: int) -> None:
            self.confirm_box = None
            if box.clickedButton() is yes:
                on_yes()
            box.deleteLater()

        box.finished.connect(answered)
        self.confirm_box = box
        box.open()
        return box


class OrderFiguresTab(OfficeTab):
    """A tab of one order's figures, which the server computes on request (not free on a big
    order): they load when the tab is shown after a change, when another order is chosen, and
    on the page's Refresh while the tab is on screen. Subclasses fill ``load`` and
    ``show_nothing`` and lay ``order_combo`` out (with a tooltip of their own)."""

    def __init__(self, run: RunJob, parent: QWidget | None = None) -> None:
        super().__init__(run, parent)
        self._orders: list[OrderProgress] = []
        self._stale = True  # the figures on screen are older than the last orders list
        self.order_combo = QComboBox()
        self.order_combo.setMinimumWidth(220)
        self.order_combo.activated.connect(lambda _index: self.load())

    def show_orders(self, orders: list[OrderProgress]) -> None:
        """The office's orders (the page's refresh); the chosen one is kept while it exists."""
        chosen = self.order_id()
        self._orders = list(orders)
        self.order_combo.clear()
        for order in orders:
            self.order_combo.addItem(order.name, order.id)
        index = self.order_combo.findData(chosen) if chosen is not None else -1
        self.order_combo.setCurrentIndex(index if index >= 0 else (0 if orders else -1))
        self._stale = True
        if not orders:
            self.show_nothing(self.tr("This office has no orders yet."))
        elif self.isVisible():
            self.load()
        self.update_buttons()

    def order_id(self) -> int | None:
        return self.order_combo.currentData()

    def has_orders(self) -> bool:
        return bool(self._orders)

    def update_buttons(self, *_args) -> None:
        self.order_combo.setEnabled(not self.busy and self.has_orders())

    def load(self) -> None:
        """Fetch the chosen order's figures; call ``loading`` first."""
        raise NotImplementedError

    def loading(self) -> None:
        """The figures asked for are the newest: showing the tab again need not load them."""
        self._stale = False

    def show_nothing(self, text: str) -> None:
        """Hide the figures and say why, in a sentence."""
        raise NotImplementedError

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale and self.order_id() is not None and not self.busy:
            self.load()  # the figures of the order chosen, each time the tab opens after a change
