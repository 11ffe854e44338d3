"""The admin's account dialogs: a new account, and a new password for one.

They check what the server would refuse (username characters, password length,
the two passwords alike) before sending, so the admin reads why at once.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from sync_server.protocol import MAX_DISPLAY_NAME_LENGTH, MAX_USERNAME_LENGTH, MIN_PASSWORD_LENGTH, ROLES

_USERNAME = re.compile(rf"[A-Za-z0-9._-]{{1,{MAX_USERNAME_LENGTH}}}")


class _FormDialog(QDialog):
    """OK/Cancel, an error line, and ``check()`` deciding whether OK closes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModal(True)
        self.form = QFormLayout()
        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def _password_fields(self) -> tuple[QLineEdit, QLineEdit]:
        first, second = QLineEdit(), QLineEdit()
        for edit in (first, second):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        first.setPlaceholderText(self.tr("At least %n characters", "", MIN_PASSWORD_LENGTH))
        return first, second

    def _password_problem(self, first: QLineEdit, second: QLineEdit) -> str:
        if len(first.text()) < MIN_PASSWORD_LENGTH:
            return self.tr("The password needs at least %n characters.", "", MIN_PASSWORD_LENGTH)
        if first.text() != second.text():
            return self.tr("The two passwords are not the same.")
        return ""

    def check(self) -> str:
        return ""

    def accept(self) -> None:
        problem = self.check()
        self.error_label.setText(problem)
        self.error_label.setVisible(bool(problem))
        if not problem:
            super().accept()


class NewUserDialog(_FormDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New account"))
        self.ok_button.setText(self.tr("Create account"))
        self.username_edit = QLineEdit()
        self.username_edit.setMaxLength(MAX_USERNAME_LENGTH)
        self.username_edit.setPlaceholderText(self.tr("Letters and digits, e.g. anno7"))
        self.display_name_edit = QLineEdit()
        self.display_name_edit.setMaxLength(MAX_DISPLAY_NAME_LENGTH)
        self.display_name_edit.setPlaceholderText(self.tr("The person's name, e.g. 马小燕"))
        self.role_combo = QComboBox()
        titles = {"annotator": self.tr("Annotator"), "lead": self.tr("Lead"), "admin": self.tr("Admin")}
        for role in ROLES:
            self.role_combo.addItem(titles[role], role)
        self.password_edit, self.repeat_edit = self._password_fields()
        self.form.addRow(self.tr("Username"), self.username_edit)
        self.form.addRow(self.tr("Display name"), self.display_name_edit)
        self.form.addRow(self.tr("Role"), self.role_combo)
        self.form.addRow(self.tr("Password"), self.password_edit)
        self.form.addRow(self.tr("Password again"), self.repeat_edit)

    def values(self) -> tuple[str, str, str, str]:
        """(username, display name, role, password) as the server takes them."""
        return (
            self.username_edit.text().strip(),
            self.display_name_edit.text().strip(),
            self.role_combo.currentData(),
            self.password_edit.text(),
        )

    def check(self) -> str:
        username, display_name, _role, _password = self.values()
        if not _USERNAME.fullmatch(username):
            return self.tr("A username is letters, digits, “.”, “_” or “-”, without spaces.")
        if not display_name:
            return self.tr("Enter the person's name: it is what leads and the pay sheet show.")
        return self._password_problem(self.password_edit, self.repeat_edit)


class PasswordDialog(_FormDialog):
    def __init__(self, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Reset password"))
        self.ok_button.setText(self.tr("Set password"))
        note = QLabel(self.tr("New password for %1. The old one stops working at once, and %1 must log in again on every PC.").replace("%1", who))
        note.setWordWrap(True)
        self.form.addRow(note)
        self.password_edit, self.repeat_edit = self._password_fields()
        self.form.addRow(self.tr("New password"), self.password_edit)
        self.form.addRow(self.tr("Password again"), self.repeat_edit)

    def password(self) -> str:
        return self.password_edit.text()

    def check(self) -> str:
        return self._password_problem(self.password_edit, self.repeat_edit)
