"""The login page: server address, username, password."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class LoginPage(QWidget):
    login_requested = Signal(str, str, str)  # server URL, username, password

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.server_edit = QLineEdit()
        self.server_edit.setPlaceholderText("http://192.168.1.10:8765")
        self.username_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        for edit in (self.server_edit, self.username_edit, self.password_edit):
            edit.setMinimumHeight(34)
        self.login_button = QPushButton(self.tr("Log in"))
        self.login_button.setObjectName("primary")
        self.login_button.setDefault(True)
        self.login_button.setMinimumHeight(38)
        self.status_label = QLabel()
        self.status_label.setObjectName("muted")
        self.status_label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setObjectName("errorText")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        title = QLabel(self.tr("AI豆 Annotation"))
        title.setObjectName("pageTitle")
        subtitle = QLabel(self.tr("Log in with the account your base office gave you."))
        subtitle.setObjectName("muted")
        subtitle.setWordWrap(True)
        offline_hint = QLabel(
            self.tr(
                "No network? If you have logged in on this PC before, you can still log in and keep working offline."
            )
        )
        offline_hint.setObjectName("muted")
        offline_hint.setWordWrap(True)

        form = QFormLayout()
        form.setVerticalSpacing(12)
        form.addRow(self.tr("Server address"), self.server_edit)
        form.addRow(self.tr("Username"), self.username_edit)
        form.addRow(self.tr("Password"), self.password_edit)

        self.card = card = QFrame()
        card.setObjectName("card")
        card.setFixedWidth(460)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(14)
        inner.addWidget(title)
        inner.addWidget(subtitle)
        inner.addLayout(form)
        inner.addWidget(self.error_label)
        inner.addWidget(self.login_button)
        inner.addWidget(self.status_label)
        inner.addWidget(offline_hint)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

        self.login_button.clicked.connect(self._submit)
        for edit in (self.server_edit, self.username_edit, self.password_edit):
            edit.returnPressed.connect(self._submit)

    def remember(self, server_url: str, username: str) -> None:
        self.server_edit.setText(server_url)
        self.username_edit.setText(username)
        self.focus_first_empty()

    def focus_first_empty(self) -> None:
        for edit in (self.server_edit, self.username_edit, self.password_edit):
            if not edit.text():
                edit.setFocus()
                return
        self.password_edit.setFocus()

    def set_busy(self, busy: bool) -> None:
        self.login_button.setEnabled(not busy)
        self.status_label.setText(self.tr("Logging in…") if busy else "")
        self.status_label.setVisible(busy)
        if busy:
            self.error_label.hide()

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error_label.setText(text)
        self.error_label.show()
        # a wrapped label's height is not passed up through the centring layout: say it here
        self.card.setMinimumHeight(self.card.layout().totalHeightForWidth(self.card.width()))
        self.password_edit.selectAll()
        self.password_edit.setFocus()

    def reset(self) -> None:
        """After logout: the password never stays in the field."""
        self.password_edit.clear()
        self.error_label.hide()
        self.set_busy(False)
        self.focus_first_empty()

    def _submit(self) -> None:
        server = self.server_edit.text().strip().rstrip("/")
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        if not server or not username or not password:
            self.show_error(self.tr("Please fill in the server address, username and password."))
            self.focus_first_empty()
            return
        if "://" not in server:
            server = "http://" + server
            self.server_edit.setText(server)
        self.set_busy(True)
        self.login_requested.emit(server, username, password)
