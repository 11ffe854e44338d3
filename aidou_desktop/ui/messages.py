"""What to tell the annotator when work fails: one place for every error text."""

from __future__ import annotations

import logging
import math
from typing import Any

from PySide6.QtCore import QCoreApplication

from aidou_desktop.imaging import DecodeError
from aidou_desktop.store.errors import DiskFull
from aidou_desktop.sync import AuthError, Offline, ServerError, SyncBusy, UpdateRequired
from aidou_desktop.ui.editors.problems import code_text
from aidou_desktop.ui.sync_controller import NotLoggedIn

log = logging.getLogger(__name__)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, DiskFull):
        return QCoreApplication.translate(
            "Messages",
            "The disk is full. Everything saved before is safe, but new changes cannot be saved. "
            "Free some disk space (or ask your base admin), then carry on.",
        )
    if isinstance(exc, Offline):
        return QCoreApplication.translate(
            "Messages", "Cannot reach the server. Your work is kept on this PC and will be uploaded later."
        )
    if isinstance(exc, AuthError):
        return QCoreApplication.translate(
            "Messages", "The server did not accept your login. Please log out and log in again."
        )
    if isinstance(exc, UpdateRequired):
        return QCoreApplication.translate(
            "Messages", "This app is too old for the server. Please ask your base admin to install the new version."
        )
    if isinstance(exc, SyncBusy):
        return QCoreApplication.translate(
            "Messages", "Another sync is already running on this PC. Try again in a minute."
        )
    if isinstance(exc, NotLoggedIn):
        return QCoreApplication.translate("Messages", "Log in online once before syncing.")
    if isinstance(exc, DecodeError):
        return QCoreApplication.translate("Messages", "This image file is damaged. Download the batch again.")
    if isinstance(exc, ServerError) and exc.code == "tls_untrusted":
        return QCoreApplication.translate(
            "Messages",
            "The server's certificate cannot be verified, so nothing was sent. Ask your base admin for the "
            "office's CA file (office-ca.pem) and put it in this PC's data folder.",
        )
    if isinstance(exc, ServerError):
        log.info("server refused: %s (%s, %s)", exc.message, exc.status, exc.code)
        return server_error_text(exc.code)
    log.error("unexpected error", exc_info=exc)
    return QCoreApplication.translate(
        "Messages", "Something went wrong. Your saved work is safe; the details are in the log file (desktop.log)."
    )


def server_error_text(code: str) -> str:
    """A sentence for a server refusal, chosen by its code: the server's own message is
    English for the log, and never reaches the screen."""
    if code in ("bad_json", "bad_request", "invalid_request", "too_large", "too_many_records", "rejected"):
        return QCoreApplication.translate(
            "Messages",
            "The server could not take what this PC sent. Your work is kept on this PC; tell your base admin.",
        )
    if code in ("not_found", "method_not_allowed"):
        return QCoreApplication.translate(
            "Messages", "The server does not know this request: check the server address, or the server is too old."
        )
    if code == "forbidden":
        return QCoreApplication.translate("Messages", "Your account may not do this.")
    if code == "unknown_blob":
        return QCoreApplication.translate(
            "Messages", "An image of this batch is no longer on the server. Tell your team lead."
        )
    if code == "account_disabled":
        return QCoreApplication.translate("Messages", "This account is disabled. Ask your base admin.")
    if code in ("bad_credentials", "bad_token"):
        return QCoreApplication.translate(
            "Messages", "The server did not accept your login. Please log out and log in again."
        )
    if code in ("please_update", "server_too_old"):
        return QCoreApplication.translate(
            "Messages", "This app and the server are different versions. Please ask your base admin to update."
        )
    return QCoreApplication.translate(
        "Messages", "The server refused the request (%1). Your work is kept on this PC; try again later."
    ).replace("%1", code or "?")


def login_error_text(exc: BaseException) -> str:
    if isinstance(exc, AuthError):
        return QCoreApplication.translate("Messages", "Wrong username or password.")
    if isinstance(exc, ServerError) and exc.code == "too_many_attempts":
        minutes = max(1, math.ceil((exc.retry_after or 15 * 60) / 60))
        return QCoreApplication.translate(
            "Messages", "Too many failed logins; please try again in %n minute(s).", "", minutes
        )
    return error_text(exc)


def offline_login_failed_text() -> str:
    return QCoreApplication.translate(
        "Messages",
        "The server cannot be reached, and offline login failed: either the password is wrong, or this user has never logged in on this PC. Connect to the network for the first login.",
    )


def sync_state_text(state: str | None, code: str | None = None, params: dict[str, Any] | None = None) -> str:
    """The item's standing with the server, as the status line shows it. A rejection is
    worded from its code and params (``REJECT_*``): the server's English reason stays in
    the log, and an answer without a code (an older server) gets a sentence of our own."""
    if state is None:
        return QCoreApplication.translate("Messages", "Not labelled yet")
    if state in ("queued", "sending"):
        return QCoreApplication.translate("Messages", "Waiting to upload")
    if state == "synced":
        return QCoreApplication.translate("Messages", "Uploaded")
    if state == "conflict":
        return QCoreApplication.translate(
            "Messages", "Uploaded; another annotator also labelled it, the lead will decide"
        )
    if state == "rejected":
        return QCoreApplication.translate("Messages", "Sent back: %1").replace("%1", code_text(code, params))
    return state
