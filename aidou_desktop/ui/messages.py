"""What to tell the annotator when work fails: one place for every error text."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from aidou_desktop.imaging import DecodeError
from aidou_desktop.sync import AuthError, Offline, ServerError, SyncBusy, UpdateRequired
from aidou_desktop.ui.sync_controller import NotLoggedIn


def tr(text: str) -> str:
    return QCoreApplication.translate("Messages", text)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, Offline):
        return tr("Cannot reach the server. Your work is kept on this PC and will be uploaded later.")
    if isinstance(exc, AuthError):
        return tr("The server did not accept your login. Please log out and log in again.")
    if isinstance(exc, UpdateRequired):
        return tr("This app is too old for the server. Please ask your base admin to install the new version.")
    if isinstance(exc, SyncBusy):
        return tr("Another sync is already running on this PC. Try again in a minute.")
    if isinstance(exc, NotLoggedIn):
        return tr("Log in online once before syncing.")
    if isinstance(exc, DecodeError):
        return tr("This image file is damaged. Download the batch again.")
    if isinstance(exc, ServerError):
        return tr("The server refused the request: %1").replace("%1", str(exc))
    return tr("Something went wrong: %1").replace("%1", str(exc) or type(exc).__name__)


def login_error_text(exc: BaseException) -> str:
    if isinstance(exc, AuthError):
        return tr("Wrong username or password.")
    return error_text(exc)


def offline_login_failed_text() -> str:
    return tr(
        "The server cannot be reached, and this user has not logged in on this PC before "
        "(or the password is wrong). Connect to the network for the first login."
    )


def sync_state_text(state: str | None, reason: str | None = None) -> str:
    """The item's standing with the server, as the status line shows it."""
    if state is None:
        return tr("Not labelled yet")
    if state in ("queued", "sending"):
        return tr("Waiting to upload")
    if state == "synced":
        return tr("Uploaded")
    if state == "conflict":
        return tr("Uploaded; another annotator also labelled it, the lead will decide")
    if state == "rejected":
        return tr("Sent back: %1").replace("%1", reason or "")
    return state
