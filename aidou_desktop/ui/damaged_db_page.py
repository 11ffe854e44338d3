"""The window the app shows instead of a traceback when its local database cannot be used (issue 10).

It only says what happened and what to do, and emits what the person chose; the
repair itself (set aside, salvage, a fresh database) is done by the app (app.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from aidou_desktop.store.health import CORRUPT, DISK_FULL, EMPTY, READ_ONLY, DamagedDatabase


class DamagedDatabasePage(QWidget):
    repair_requested = Signal()
    quit_requested = Signal()

    def __init__(self, damage: DamagedDatabase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.damage = damage
        self.main_window: QWidget | None = None  # the app's window after a repair, kept alive here
        self.setWindowTitle(self.tr("AI豆 Annotation: the local database"))
        self.setMinimumWidth(560)
        self.title_label = QLabel(self._title())
        self.title_label.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.message_label = QLabel(self._message())
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c0392b;")
        self.error_label.hide()
        self.repair_button = QPushButton(
            self.tr("Repair (keep the damaged file aside, take back the work not uploaded yet, "
                    "then download again from the server)")  # fmt: skip
        )
        self.repair_button.setVisible(damage.repairable)
        self.quit_button = QPushButton(self.tr("Quit"))
        self.repair_button.clicked.connect(self.repair_requested)
        self.quit_button.clicked.connect(self.quit_requested)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.repair_button)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(16)
        for widget in (self.title_label, self.message_label, self.error_label):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addLayout(buttons)
        (self.repair_button if damage.repairable else self.quit_button).setDefault(True)

    def _title(self) -> str:
        if self.damage.kind == READ_ONLY:
            return self.tr("The app cannot write to its data folder")
        if self.damage.kind == DISK_FULL:
            return self.tr("The disk is full")
        return self.tr("The local database is damaged")

    def _message(self) -> str:
        path = str(self.damage.path)
        folder = str(self.damage.path.parent)
        if self.damage.kind == READ_ONLY:
            return self.tr(
                "The app keeps your work in %1, but it is not allowed to write there. Ask your base admin "
                "to give your Windows account write access to that folder, then start the app again. "
                "Nothing was changed."
            ).replace("%1", folder)
        if self.damage.kind == DISK_FULL:
            return self.tr(
                "The disk that holds %1 is full, so the app cannot save anything. Free some disk space "
                "(delete files you no longer need, or ask your base admin), then start the app again. "
                "Your work saved before is safe."
            ).replace("%1", folder)
        if self.damage.kind == EMPTY:
            what = self.tr("The database file is empty, although this PC has used it before.")
        elif self.damage.kind == CORRUPT:
            what = self.tr("The database file is damaged (for example after a power cut or a disk error).")
        else:
            what = self.tr("The database file cannot be read.")
        return (
            what
            + "\n\n"
            + self.tr(
                "Nothing has been changed or deleted: the damaged file is kept at %1. Repair moves it into "
                "a folder named damaged-… next to it, takes back the work that was not uploaded yet, and "
                "starts a new database. Log in and sync: everything the server holds is downloaded again. "
                "If this happens again, tell your base admin."
            ).replace("%1", path)
        )

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))

    def repair_failed_text(self, exc: BaseException) -> str:
        return self.tr("The repair did not finish: %1. Nothing was deleted. Tell your base admin.").replace(
            "%1", str(exc) or type(exc).__name__
        )

    def repaired_text(self, revisions: int, aside: str) -> str:
        return self.tr(
            "The database was repaired: %n revision(s) not uploaded yet were taken back. "
            "The damaged file is kept in %1. Log in to sync.",
            "",
            revisions,
        ).replace("%1", aside)
