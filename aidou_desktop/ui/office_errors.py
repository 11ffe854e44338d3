"""What the office screens say when the server refuses or cannot be reached.

The server's ``message`` is English for the log; people read a sentence chosen
here by the error's kind and ``code``, so no English ever reaches the screen.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication

from aidou_desktop.sync import AuthError, Offline, ServerError, UpdateRequired

log = logging.getLogger(__name__)


from aidou_desktop.ui.sync_controller import NotLoggedIn  # noqa: E402 — a lead who logged in offline holds no token


def office_error_text(exc: BaseException) -> str:
    if isinstance(exc, Offline):
        return QCoreApplication.translate("OfficeErrors", "Cannot reach the server, so nothing was changed. Check the network, then press Refresh.")
    if isinstance(exc, AuthError):
        return QCoreApplication.translate("OfficeErrors", "The server no longer accepts your login (your password was changed or your account disabled). Log out and log in again.")
    if isinstance(exc, UpdateRequired):
        return QCoreApplication.translate("OfficeErrors", "This app is too old for the server. Please install the new version.")
    if isinstance(exc, NotLoggedIn):
        return QCoreApplication.translate("OfficeErrors", "These screens work on the server: log out and log in again while the server can be reached.")
    if isinstance(exc, ServerError):
        log.info("server refused: %s (%s, %s)", exc.message, exc.status, exc.code)
        return _code_text(exc.code)
    log.error("office screen: unexpected error", exc_info=exc)
    return QCoreApplication.translate("OfficeErrors", "Something went wrong, and nothing was changed. The details are in the log file.")


def _code_text(code: str) -> str:
    if code == "username_taken":
        return QCoreApplication.translate("OfficeErrors", "This username is already taken. Choose another one.")
    if code == "batch_leased":
        return QCoreApplication.translate("OfficeErrors", "Another annotator holds this batch and the lease has not run out. Release it first, or tick “Take it from the holder even if the lease has not run out”.")
    if code == "not_an_annotator":
        return QCoreApplication.translate("OfficeErrors", "Only an active annotator can be given a batch. Choose another person.")
    if code == "forbidden":
        return QCoreApplication.translate("OfficeErrors", "Your account may not do this: only the base admin manages accounts, and only leads and admins hand out batches.")
    if code == "cannot_disable_self":
        return QCoreApplication.translate("OfficeErrors", "You cannot disable your own account.")
    if code == "invalid_request":
        return QCoreApplication.translate("OfficeErrors", "The server did not accept what was filled in. A username is letters, digits, “.”, “_” or “-”; a password has at least 6 characters.")
    if code == "bad_until":
        return QCoreApplication.translate("OfficeErrors", "The lease must end in the future.")
    if code in ("unknown_user", "unknown_batch", "unknown_order"):
        return QCoreApplication.translate("OfficeErrors", "It no longer exists on the server. Press Refresh to see the current state.")
    return QCoreApplication.translate("OfficeErrors", "The server refused the request. Press Refresh and try again.")
