"""人员 (the base admin only): the office's accounts; new account, new password, disable / enable."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from aidou_desktop.ui.office_models import Column, RecordTableModel, make_table, select_key, selected_row
from aidou_desktop.ui.office_tab import OfficeTab, RunJob
from aidou_desktop.ui.time_format import local_text
from aidou_desktop.ui.user_dialogs import NewUserDialog, PasswordDialog
from sync_server.protocol import UserRecord


class PeopleTab(OfficeTab):
    def __init__(self, run: RunJob, own_id: int, parent: QWidget | None = None) -> None:
        super().__init__(run, parent)
        self._own_id = own_id  # the admin cannot disable themself (the server refuses too)
        self.dialog = None  # the open account dialog, if any
        roles = {"annotator": self.tr("Annotator"), "lead": self.tr("Lead"), "admin": self.tr("Admin")}
        disabled = lambda r: r.disabled  # noqa: E731
        self.model = RecordTableModel(
            [
                Column(self.tr("Username"), lambda r: r.username, muted=disabled),
                Column(self.tr("Display name"), lambda r: r.display_name, muted=disabled),
                Column(self.tr("Role"), lambda r: roles.get(r.role, r.role), muted=disabled),
                Column(self.tr("State"), lambda r: self.tr("Disabled") if r.disabled else self.tr("Active"),
                       warn=disabled),  # fmt: skip
                Column(self.tr("Last sync"), lambda r: local_text(r.last_sync_at) or self.tr("never"), muted=disabled),
            ],
            parent=self,
        )
        self.table = make_table(self.model, stretch=1)
        self.new_button = QPushButton(self.tr("New account…"))
        self.new_button.setObjectName("primary")
        self.new_button.clicked.connect(self._new_user)
        self.password_button = QPushButton(self.tr("Reset password…"))
        self.password_button.clicked.connect(self._reset_password)
        self.toggle_button = QPushButton(self.tr("Disable"))
        self.toggle_button.clicked.connect(self._toggle)

        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch(1)
        buttons.addWidget(self.password_button)
        buttons.addWidget(self.toggle_button)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        self.table.selectionModel().selectionChanged.connect(self.update_buttons)
        self.update_buttons()

    def show_users(self, users: list[UserRecord]) -> None:
        chosen = selected_row(self.table)
        self.model.set_rows(users)
        if chosen is not None:
            select_key(self.table, chosen.id)
        self.update_buttons()

    def update_buttons(self, *_args) -> None:
        user = selected_row(self.table)
        self.new_button.setEnabled(not self.busy)
        self.password_button.setEnabled(not self.busy and user is not None)
        self.toggle_button.setText(self.tr("Enable") if user is not None and user.disabled else self.tr("Disable"))
        self.toggle_button.setEnabled(not self.busy and user is not None and user.id != self._own_id)
        self.toggle_button.setToolTip(
            self.tr("You cannot disable your own account") if user is not None and user.id == self._own_id else ""
        )

    # ------------------------------------------------------------ actions

    def _new_user(self) -> None:
        self.dialog = NewUserDialog(self)
        self.dialog.accepted.connect(lambda: self._create(self.dialog))
        self.dialog.open()

    def _create(self, dialog: NewUserDialog) -> None:
        self.dialog = None
        username, display_name, role, password = dialog.values()
        done = self.tr("Account %1 was created; they can log in now.").replace("%1", username)
        self.run(lambda office: office.add_user(username, display_name, role, password), done_text=done, refresh=True)

    def _reset_password(self) -> None:
        user = selected_row(self.table)
        if user is None:
            return
        self.dialog = PasswordDialog(f"{user.display_name} ({user.username})", self)
        self.dialog.accepted.connect(lambda: self._set_password(user, self.dialog.password()))
        self.dialog.open()

    def _set_password(self, user: UserRecord, password: str) -> None:
        self.dialog = None
        done = self.tr("The password of %1 was changed.").replace("%1", user.username)
        self.run(lambda office: office.set_password(user.id, password), done_text=done, refresh=True)

    def _toggle(self) -> None:
        user = selected_row(self.table)
        if user is None or user.id == self._own_id:
            return
        who = f"{user.display_name} ({user.username})"
        if user.disabled:
            question = self.tr("Enable %1? They can log in and sync again.").replace("%1", who)
            done = self.tr("%1 is enabled.").replace("%1", who)
            self.confirm(question, self.tr("Enable"),
                         lambda: self.run(lambda office: office.enable_user(user.id), done_text=done, refresh=True))  # fmt: skip
        else:
            question = self.tr("Disable %1? They cannot log in or sync any more; their work stays.").replace("%1", who)
            done = self.tr("%1 is disabled.").replace("%1", who)
            self.confirm(question, self.tr("Disable"),
                         lambda: self.run(lambda office: office.disable_user(user.id), done_text=done, refresh=True))  # fmt: skip
