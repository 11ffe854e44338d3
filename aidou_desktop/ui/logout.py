"""Logging out: the token leaves this PC at once, and the server is told in the background.

Telling the server (``POST /logout``) is best effort: a dead link, a slow server or a
token it already refused changes nothing for the person logging out. The token is
gone from this PC either way, and one the server never heard about still expires there.
The network call runs off the UI thread with a short timeout: the login page shows at once.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from aidou_desktop.store import Store
from aidou_desktop.sync import AuthError, SyncClient, SyncError
from aidou_desktop.sync.client import office_ca
from aidou_desktop.ui.background import JobRunner, ProgressFn

log = logging.getLogger(__name__)

LOGOUT_TIMEOUT = (2, 3)  # seconds (connect, read): a revocation nobody answers is not waited for


class Logout(QObject):
    """Drops the signed-in user's token here, then revokes it on the server."""

    finished = Signal(bool)  # True: the token no longer works on the server; False: it was not told

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._jobs = JobRunner(self, max_threads=2)  # a second logout must not queue behind a dead link

    def log_out(self) -> None:
        session = self.store.session()
        self.store.forget_token()  # first, and whatever the server says
        if session is None:  # logged in offline: no token of theirs to revoke
            return
        server_url, token, _user = session
        ca_file = office_ca(self.store.data_dir)

        def run(progress: ProgressFn) -> bool:
            client = SyncClient(server_url, token, timeout=LOGOUT_TIMEOUT, ca_file=ca_file)
            try:
                client.logout()
            except AuthError:
                return True  # the server had already refused it: nothing left to revoke
            except SyncError as exc:
                log.info("logout: the server was not told (%s); the token was dropped on this PC", exc)
                return False
            finally:
                client.close()
            return True

        self._jobs.start(run, on_success=self.finished.emit, on_failure=lambda exc: self.finished.emit(False))

    def busy(self) -> bool:
        return self._jobs.busy()

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until the revocations under way have finished (closing the window, tests)."""
        return self._jobs.wait(msecs)
