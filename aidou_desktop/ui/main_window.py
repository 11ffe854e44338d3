"""The main window: login → home → annotate (annotators) or review (leads), on one QStackedWidget.

The window wires pages to the store (reads, saves) and to the sync controller
(everything that talks to the server). Pages only emit what the user asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QThreadPool, QTimer
from PySide6.QtWidgets import QMainWindow, QStackedWidget

from aidou_desktop.model import SyncState
from aidou_desktop.model.review import SUBMITTED
from aidou_desktop.store import Store
from aidou_desktop.sync import AuthError
from aidou_desktop.sync.client import load_http
from aidou_desktop.ui.annotate_page import AnnotatePage
from aidou_desktop.ui.background_ocr import BackgroundOcr
from aidou_desktop.ui.home_page import HomePage
from aidou_desktop.ui.image_cache import ImageCache
from aidou_desktop.ui.login_page import LoginPage
from aidou_desktop.ui.logout import Logout
from aidou_desktop.ui.messages import (
    error_text,
    login_error_text,
    offline_login_failed_text,
)
from aidou_desktop.ui.sync_controller import OFFLINE, SyncController

if TYPE_CHECKING:  # imported when a lead opens it: its charts (pyqtgraph) cost an annotator's start ~0.3 s
    from aidou_desktop.ui.office_page import OfficePage
    from aidou_desktop.ui.review_page import ReviewPage
    from aidou_desktop.ui.training_page import TrainingPage

LOAD_AHEAD_AFTER_MS = 300
SETTINGS_FILE = "desktop.ini"  # UI preferences live with the data: each data dir (and test) has its own


def load_ahead() -> None:
    """What the login page does without and the next steps need: the HTTP stack for the
    login, OpenCV and numpy for the first image (~0.25 s of imports the first paint skipped)."""
    load_http()
    import cv2  # noqa: F401 — and numpy with it: aidou_desktop.imaging decodes with them


class MainWindow(QMainWindow):
    def __init__(self, store: Store, server_url: str | None = None, owns_store: bool = False) -> None:
        super().__init__()
        self.store = store
        self._owns_store = owns_store
        self.settings = QSettings(str(Path(store.data_dir) / SETTINGS_FILE), QSettings.Format.IniFormat)
        self.controller = SyncController(store, self)
        self.logout = Logout(store, self)  # revokes the token on the server, off the UI thread
        self.image_cache = ImageCache()
        self.setWindowTitle(self.tr("AI豆 Annotation"))
        self.setMinimumSize(1024, 640)
        self.resize(1366, 768)

        self.login_page = LoginPage()
        self.home_page = HomePage()
        self.annotate_page = AnnotatePage(store, self.image_cache)
        # transcription items are read by OCR as their images arrive, the annotator's first
        self.ocr = BackgroundOcr(store, self.annotate_page.current_item, self)
        # the review and training pages are made when first opened: ~50 ms of every start
        # that an annotator who never reviews, on a day without a course, need not wait for
        self._review_page: ReviewPage | None = None
        self._training_page: TrainingPage | None = None
        self.office_page: OfficePage | None = None  # made when a lead or admin opens it
        self.pages = QStackedWidget()
        for page in (self.login_page, self.home_page, self.annotate_page):
            self.pages.addWidget(page)
        self.setCentralWidget(self.pages)
        self._activity = ""
        self._connect_pages()
        self._restore(server_url)
        # after the first paint (the import's thread would compete with it for the GIL), and
        # long before a person has typed their name and password: the login waits for no import
        QTimer.singleShot(LOAD_AHEAD_AFTER_MS, lambda: QThreadPool.globalInstance().start(load_ahead))

    # ------------------------------------------------------------ wiring

    def _connect_pages(self) -> None:
        c = self.controller
        self.login_page.login_requested.connect(self._log_in)
        c.login_finished.connect(self._logged_in)
        c.login_failed.connect(lambda exc: self.login_page.show_error(login_error_text(exc)))

        self.home_page.sync_requested.connect(self.sync_now)
        self.home_page.download_requested.connect(self.download)
        self.home_page.annotate_requested.connect(self.open_batch)
        self.home_page.review_requested.connect(self.open_review)
        self.home_page.training_requested.connect(self.open_training)
        self.home_page.office_requested.connect(self.open_office)
        self.home_page.logout_requested.connect(self.log_out)
        c.busy_changed.connect(lambda busy: self.home_page.set_busy(busy, self._activity))
        c.progress.connect(lambda done, total, _text: self.home_page.sync_bar.set_progress(done, total))
        c.online_changed.connect(self._online_changed)
        c.sync_finished.connect(self._synced)
        c.sync_due.connect(self.sync_now)
        c.download_finished.connect(self._downloaded)
        c.images_ready.connect(self._images_arrived)
        self.ocr.suggestion_ready.connect(self.annotate_page.show_suggestion)
        c.work_failed.connect(self._work_failed)

        self.annotate_page.home_requested.connect(self.show_home)
        self.annotate_page.side.guidelines.toggled.connect(
            lambda expanded: self.settings.setValue("annotate/guidelines_expanded", expanded)
        )

    @property
    def review_page(self) -> ReviewPage:
        if self._review_page is None:
            from aidou_desktop.ui.review_page import ReviewPage

            page = self._review_page = ReviewPage(self.store, self.image_cache)
            self.pages.addWidget(page)
            page.home_requested.connect(self.show_home)
            page.saved.connect(self.refresh_sync_state)
            page.conflict_chosen.connect(self.keep_revision)
            user = self.store.current_user()
            if user is not None:
                self._restore_review_choices(user)
            page.filters.changed.connect(self._keep_review_choices)
        return self._review_page

    @property
    def training_page(self) -> TrainingPage:
        if self._training_page is None:
            from aidou_desktop.ui.training_page import TrainingPage

            page = self._training_page = TrainingPage(self.store)
            self.pages.addWidget(page)
            page.home_requested.connect(self.show_home)
            page.attempt_finished.connect(self._attempt_finished)
        return self._training_page

    def _restore(self, server_url: str | None) -> None:
        server = server_url or self.settings.value("login/server", "") or self.store.get_setting("server_url", "")
        self.login_page.remember(server, self.settings.value("login/username", ""))
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        expanded = str(self.settings.value("annotate/guidelines_expanded", "true")).lower() == "true"
        self.annotate_page.side.guidelines.set_expanded(expanded)

    def _restore_review_choices(self, user) -> None:
        """A lead checking a share of the work sorted by disagreement finds it so after a
        restart; kept per account, so leads sharing the PC in shifts each find their own."""
        key = f"review/{user.id}"
        try:
            share = min(max(int(self.settings.value(f"{key}/share", 100)), 1), 100)
        except (TypeError, ValueError):  # a hand-edited or damaged ini: the default
            share = 100
        self.review_page.filters.restore(self.settings.value(f"{key}/sort", "") or None, share)

    def _keep_review_choices(self) -> None:
        user = self.store.current_user()
        if user is None:
            return
        filters = self.review_page.filters
        self.settings.setValue(f"review/{user.id}/sort", filters.sort() or "")
        self.settings.setValue(f"review/{user.id}/share", filters.sample_spin.value())

    # ------------------------------------------------------------ login / logout

    def _log_in(self, server_url: str, username: str, password: str) -> None:
        self.settings.setValue("login/server", server_url)
        self.settings.setValue("login/username", username)
        self.controller.login(server_url, username, password)

    def _logged_in(self, mode: str, user) -> None:
        if user is None:
            self.login_page.show_error(offline_login_failed_text())
            return
        self.login_page.reset()
        if self._review_page is not None:  # else its choices are restored when it is made
            self._restore_review_choices(user)
        self.home_page.show_user(user, offline_login=mode == OFFLINE)
        self.home_page.show_message("")
        self.show_home()
        self.controller.start_background()
        self.ocr.add_waiting()  # batches downloaded before: their transcription items too
        if mode != OFFLINE:
            self.sync_now()

    def log_out(self) -> None:
        self.controller.stop_background()
        self.logout.log_out()  # the token goes at once; the server is told in the background
        self.login_page.reset()
        self.pages.setCurrentWidget(self.login_page)

    # ------------------------------------------------------------ home

    def show_home(self) -> None:
        self.refresh_home()
        self.pages.setCurrentWidget(self.home_page)
        self.home_page.table.setFocus()

    def refresh_home(self) -> None:
        user = self.store.current_user()
        if user is not None:
            self.home_page.set_summaries(self.store.batch_summaries(user.id))
            if user.role in ("lead", "admin"):
                self.home_page.set_review_count(len(self.store.review_queue(status=SUBMITTED)))
            else:
                self.home_page.earnings.show_earnings(self.store.earnings(user.id))
        self.refresh_sync_state()

    def refresh_sync_state(self) -> None:
        user = self.store.current_user()
        state = SyncState(
            online=self.controller.online,
            last_sync=self.store.last_sync(),
            # this user's own work: another shift's waits for them (ADR 0015)
            waiting=self.store.outbox_count(user.id) if user else 0,
            rejected=len(self.store.rejected()),
        )
        self.home_page.set_sync_state(state)
        self.annotate_page.header.show_link(state.online)
        self.home_page.sync_bar.set_scheduled_run(self.store.last_sync_run("cli"))

    def sync_now(self) -> None:
        self._activity = self.tr("Syncing: uploading your work and fetching new batches…")
        if self.controller.sync_now():
            self.home_page.show_message("")

    def download(self, batch_id: int) -> None:
        self._activity = self.tr("Downloading the batch's images…")
        if self.controller.download(batch_id):
            self.home_page.show_message("")
        else:
            self.home_page.show_message(self.tr("The download starts as soon as the work running now has finished."))

    def _online_changed(self, online: bool) -> None:
        self.refresh_sync_state()
        # back online after working offline: upload at once, don't wait for the timer
        if online and self.store.has_token() and self.pages.currentWidget() is not self.login_page:
            self.sync_now()

    def _synced(self, report) -> None:
        self.refresh_home()
        if self.pages.currentWidget() is self.annotate_page:
            self.annotate_page.refresh_status()
        elif self._review_page is not None and self.pages.currentWidget() is self._review_page:
            self._review_page.reload()  # new work (and verdicts) from the feed join the queue
        elif self._training_page is not None and self.pages.currentWidget() is self._training_page:
            self._training_page.reload_list()  # new courses, a certificate confirmed

    def _images_arrived(self, batch_id: int) -> None:
        """Images of a batch are here while the rest download: it can be opened (its first item
        comes first), and the annotator already in it can step on to the new ones."""
        self.refresh_home()
        self.ocr.add_waiting(batch_id)
        page = self.annotate_page
        if page.batch_id == batch_id:
            page.add_ready_items(self.store.ready_item_pages(batch_id))

    def _downloaded(self, batch_id: int, report) -> None:
        self._images_arrived(batch_id)
        if report is None or not report.failed:
            self.home_page.show_message("")
        else:
            self.home_page.show_message(
                self.tr(
                    "%n image(s) could not be downloaded. Press Download batch to try again.", "", len(report.failed)
                )
            )

    def _work_failed(self, exc: Exception) -> None:
        self.refresh_sync_state()
        self.home_page.show_message(error_text(exc))
        if self._review_page is not None and self.pages.currentWidget() is self._review_page:
            self._review_page.show_error(error_text(exc))
        if isinstance(exc, AuthError):
            self.controller.stop_background()

    # ------------------------------------------------------------ annotate

    def open_batch(self, batch_id: int) -> bool:
        user = self.store.current_user()
        # rework first: an item the lead sent back opens before the first unlabelled one
        opened = self.store.open_batch(batch_id, user.id) if user else None
        if opened is None or not opened[1]:
            self.home_page.show_message(self.tr("Download the batch first: none of its images are on this PC yet."))
            return False
        order, items, start = opened
        self.annotate_page.open_batch(order, items, start)
        self.pages.setCurrentWidget(self.annotate_page)
        return True

    # ------------------------------------------------------------ review

    def open_review(self) -> None:
        user = self.store.current_user()
        if user is None or user.role not in ("lead", "admin"):
            return
        self.review_page.open(user)
        self.pages.setCurrentWidget(self.review_page)
        self.review_page.canvas.setFocus()

    def keep_revision(self, item_id: int, annotation_id: str) -> None:
        """A lead settles a conflict on the review page: done on the server, then synced back."""
        self._activity = self.tr("Keeping the chosen revision on the server…")
        if not self.controller.resolve_conflict(item_id, annotation_id):
            self.review_page.show_error(self.tr("Another sync is running: try again in a moment."))

    # ------------------------------------------------------------ training (everyone; offline too)

    def open_training(self) -> None:
        self.training_page.refresh()
        self.pages.setCurrentWidget(self.training_page)

    def _attempt_finished(self) -> None:
        if self.controller.online:  # the server scores it and confirms a certificate
            self.sync_now()

    # ------------------------------------------------------------ office (leads, admins; online)

    def open_office(self) -> None:
        user = self.store.current_user()
        if user is None or user.role not in ("lead", "admin"):
            return
        from aidou_desktop.ui.office_page import OfficePage

        if self.office_page is not None:  # one per sign-in: the user decides what it shows
            self.pages.removeWidget(self.office_page)
            self.office_page.deleteLater()
        self.office_page = OfficePage(self.controller.client_for_office, user)
        self.office_page.home_requested.connect(self.show_home)
        self.pages.addWidget(self.office_page)
        self.pages.setCurrentWidget(self.office_page)
        self.office_page.refresh()

    # ------------------------------------------------------------ closing

    def closeEvent(self, event) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()
        self.controller.stop_background()
        # sync work is safe to cut at any point (the outbox keeps it); wait briefly so the store closes cleanly
        self.controller.wait(5_000)
        self.logout.wait(5_000)  # a logout just clicked: let the server hear it (short timeouts)
        self.ocr.stop(5_000)  # the item being read: its suggestion is stored, or made again next time
        # answers of finished jobs may still wait in the event queue: they must not reach a closed store
        self.controller.blockSignals(True)
        self.ocr.blockSignals(True)
        self.image_cache.shutdown()
        if self._owns_store:
            self.store.close()
        super().closeEvent(event)
