"""What every tab of the office page shares: the page's job runner, a busy state, confirmations."""

from __future__ import annotations

from typing import Any, Callable, Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from aidou_desktop.sync.office_client import OfficeClient

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
