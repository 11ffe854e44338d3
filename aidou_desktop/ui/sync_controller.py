"""Everything that talks to the server, run off the UI thread.

Widgets ask this controller to log in, sync or download and listen to its
signals; the HTTP and the SQLite writes of that work happen in worker threads,
each with its own ``Store`` connection (SQLite connections stay in the thread
that opened them; WAL lets the UI keep reading and saving meanwhile).
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from aidou_desktop.store import Store
from aidou_desktop.sync import Offline, SyncClient, SyncLock, download_batch, download_for_review, sync_once
from aidou_desktop.sync.engine import download_blobs
from aidou_desktop.sync.training_sync import sync_training
from aidou_desktop.sync.client import office_ca
from aidou_desktop.sync.office_client import OfficeClient
from aidou_desktop.ui.background import JobRunner, ProgressFn

SYNC_EVERY_MS = 5 * 60 * 1000
PROBE_EVERY_MS = 30 * 1000
PROBE_TIMEOUT = (2, 3)  # seconds (connect, read): a dead link must not stall the probe queue
IMAGES_READY_EVERY_MS = 400  # a fast link stores many images a second: the page hears of them in bursts

ONLINE, OFFLINE = "online", "offline"


class SyncController(QObject):
    online_changed = Signal(bool)
    busy_changed = Signal(bool)
    progress = Signal(int, int, str)
    sync_finished = Signal(object)  # SyncReport
    download_finished = Signal(int, object)  # batch id, DownloadReport
    # batch id: some of its images were stored during a download (the first one at once,
    # then at most every IMAGES_READY_EVERY_MS): the batch can open, an open page can grow
    images_ready = Signal(int)
    _image_stored = Signal(int)  # from the download's worker thread
    work_failed = Signal(object)  # the exception, for ui.messages.error_text
    login_finished = Signal(str, object)  # ONLINE / OFFLINE, UserInfo or None
    login_failed = Signal(object)
    sync_due = Signal()  # the periodic timer: the window starts the sync (and says so on screen)

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.online = False
        self._work = JobRunner(self, max_threads=1)  # sync and downloads, one at a time
        self._probes = JobRunner(self, max_threads=1)
        self._sync_timer = QTimer(self, interval=SYNC_EVERY_MS, timeout=self.sync_due.emit)
        self._probe_timer = QTimer(self, interval=PROBE_EVERY_MS, timeout=self.probe)
        # work asked for while other work runs, by key, run in turn afterwards: a click
        # on 同步 or 下载 that lands during a timer's sync is never dropped
        self._queued: dict[str, Callable[[], bool]] = {}
        self._sizers: dict = {}  # request sizes learned from this PC's link, kept across syncs
        self._stored: set[int] = set()  # batches with images stored since images_ready last said so
        self._ready_timer = QTimer(self, singleShot=True, interval=IMAGES_READY_EVERY_MS, timeout=self._tell_ready)
        self._image_stored.connect(self._note_stored, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------ lifecycle

    def start_background(self) -> None:
        """Periodic sync and online probe, while someone is logged in."""
        self._sync_timer.start()
        self._probe_timer.start()
        self.probe()

    def stop_background(self) -> None:
        self._sync_timer.stop()
        self._probe_timer.stop()
        self._queued.clear()

    def busy(self) -> bool:
        return self._work.busy()

    def wait(self, msecs: int = 15_000) -> bool:
        return self._work.wait(msecs) and self._probes.wait(msecs)

    # ------------------------------------------------------------ work

    def login(self, server_url: str, username: str, password: str) -> None:
        def run(progress: ProgressFn) -> tuple[str, Any]:
            client = SyncClient(server_url, ca_file=office_ca(self.store.data_dir))
            try:
                response = client.login(username, password)
            except Offline:
                return OFFLINE, self.store.offline_login(username, password)
            finally:
                client.close()
            self.store.remember_login(server_url, password, response)
            return ONLINE, response.user

        def done(result: tuple[str, Any]) -> None:
            mode, user = result
            if mode == ONLINE:
                self._set_online(True)
            elif mode == OFFLINE:
                self._set_online(False)
            self.login_finished.emit(mode, user)

        self._work.start(run, on_success=done, on_failure=self.login_failed.emit)

    def sync_now(self) -> bool:
        """Push and pull once. When other work is running, the sync runs after it and this
        returns False."""
        return self._start_or_queue("sync", lambda: self._start_work(self._sync_job, self.sync_finished.emit))

    def _run_queued(self) -> None:
        if self._queued and not self._work.busy():
            key = next(iter(self._queued))
            self._queued.pop(key)()

    def _start_or_queue(self, key: str, start: Callable[[], bool]) -> bool:
        if start():
            return True
        self._queued.setdefault(key, start)  # asked for twice while waiting: runs once
        return False

    def download(self, batch_id: int) -> bool:
        """Fetch a batch's items and images. When other work is running, the download runs
        after it and this returns False."""
        return self._start_or_queue(f"download {batch_id}", lambda: self._start_download(batch_id))

    def _start_download(self, batch_id: int) -> bool:
        def job(progress: ProgressFn) -> Any:
            client = self._client()
            try:
                return download_batch(self.store, client, batch_id, progress,
                                      on_ready=lambda _sha: self._image_stored.emit(batch_id))  # fmt: skip
            finally:
                client.close()

        return self._start_work(job, lambda report: self.download_finished.emit(batch_id, report))

    def _note_stored(self, batch_id: int) -> None:
        self._stored.add(batch_id)
        if not self._ready_timer.isActive():  # the first image is news at once; later ones wait their turn
            self._tell_ready()

    def _tell_ready(self) -> None:
        stored, self._stored = self._stored, set()
        if stored:
            self._ready_timer.start()
        for batch_id in sorted(stored):
            self.images_ready.emit(batch_id)

    def resolve_conflict(self, item_id: int, choose: str) -> bool:
        """Keep revision ``choose`` on the server (a new head by this lead), then sync so the
        PC sees it; False when other work is running."""

        def job(progress: ProgressFn) -> Any:
            with SyncLock(self.store.data_dir):
                client = self._client()
                try:
                    OfficeClient(client).resolve_conflict(item_id, choose)
                    return sync_once(self.store, client, progress)
                finally:
                    client.close()

        return self._start_work(job, self.sync_finished.emit)

    def probe(self) -> None:
        if self._probes.busy():
            return

        def run(progress: ProgressFn) -> bool:
            # a user logged in offline has no account of their own, but the link is still worth
            # showing; no token is read: the OS keyring's first use would cost 0.1-0.2 s here
            url = self.store.server_url() or self.store.get_setting("server_url")
            if not url:
                return False
            client = SyncClient(url, timeout=PROBE_TIMEOUT, ca_file=office_ca(self.store.data_dir))
            try:
                return client.healthy()
            finally:
                client.close()

        self._probes.start(run, on_success=self._set_online, on_failure=lambda exc: self._set_online(False))

    # ------------------------------------------------------------ helpers

    def client_for_office(self) -> SyncClient:
        """A client with the signed-in user's own token, for the office screens' online calls."""
        return self._client()

    def _client(self) -> SyncClient:
        session = self.store.session()
        if session is None:
            raise NotLoggedIn()
        server_url, token, user = session
        client = SyncClient(server_url, token, sizers=self._sizers, ca_file=office_ca(self.store.data_dir))
        client.user_id = user.id  # the sync is theirs even if someone else logs in meanwhile
        return client

    def _sync_job(self, progress: ProgressFn) -> Any:
        # the lock keeps a scheduled ``aidou-sync run`` and the app from syncing at once
        with SyncLock(self.store.data_dir):
            client = self._client()
            try:
                report = sync_once(self.store, client, progress)
                sync_training(self.store, client, client.user_id)  # attempts up, courses down (ADR 0027)
                user = self.store.current_user()
                if user is not None and user.role in ("lead", "admin"):
                    download_for_review(self.store, client, progress)  # the images their queue shows
                download_blobs(self.store, client, self.store.missing_lesson_blobs(), progress)
                return report
            finally:
                client.close()

    def _start_work(self, fn: Callable[[ProgressFn], Any], on_success: Callable[[Any], None]) -> bool:
        if self._work.busy():
            return False

        def succeeded(result: Any) -> None:
            self._set_online(True)
            on_success(result)

        def failed(exc: Exception) -> None:
            if isinstance(exc, Offline):
                self._set_online(False)
            self.work_failed.emit(exc)

        job = self._work.start(fn, on_success=succeeded, on_failure=failed, on_progress=self.progress.emit)
        job.signals.done.connect(lambda: self.busy_changed.emit(self._work.busy()))
        job.signals.done.connect(self._run_queued)
        self.busy_changed.emit(True)
        return True

    def _set_online(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.online_changed.emit(online)


class NotLoggedIn(RuntimeError):
    """Sync was asked for before any online login stored a token."""
