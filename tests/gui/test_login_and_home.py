"""Login (offline fallback), the home page and its batch table."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from aidou_desktop.model import BatchSummary
from aidou_desktop.ui.batch_table_model import BatchTableModel
from aidou_desktop.ui.main_window import SETTINGS_FILE
from tests.gui.gui_helpers import ANNOTATOR, DEAD_SERVER, ITEM_IDS, log_in


def test_offline_login_opens_home_with_batches(qtbot, data_dir, open_window):
    window = open_window(data_dir)
    log_in(qtbot, window)
    home = window.home_page
    assert ANNOTATOR.display_name in home.greeting_label.text()
    assert home.office_label.text() == ANNOTATOR.office_name
    assert home.offline_note.isVisible()
    assert not window.controller.online
    assert home.model.rowCount() == 1
    summary = home.selected_batch()
    assert (summary.total, summary.downloaded, summary.done) == (len(ITEM_IDS), len(ITEM_IDS), 0)
    assert home.annotate_button.isEnabled()
    assert "Offline" in home.sync_bar.online_label.text()


def test_wrong_password_offline_says_so(qtbot, data_dir, open_window):
    window = open_window(data_dir)
    window.login_page.username_edit.setText(ANNOTATOR.username)
    window.login_page.password_edit.setText("wrong")
    window.login_page.login_button.click()
    qtbot.waitUntil(lambda: window.login_page.error_label.isVisible(), timeout=10_000)
    assert "server cannot be reached" in window.login_page.error_label.text()
    assert window.pages.currentWidget() is window.login_page


def test_login_remembers_server_and_username(qtbot, data_dir, open_window):
    window = open_window(data_dir)
    log_in(qtbot, window)
    settings = QSettings(str(data_dir / SETTINGS_FILE), QSettings.Format.IniFormat)
    assert settings.value("login/server") == DEAD_SERVER
    assert settings.value("login/username") == ANNOTATOR.username
    window.home_page.logout_button.click()
    assert window.pages.currentWidget() is window.login_page
    assert window.login_page.password_edit.text() == ""
    again = open_window(data_dir, server=None)
    assert again.login_page.server_edit.text() == DEAD_SERVER
    assert again.login_page.username_edit.text() == ANNOTATOR.username


def test_sync_offline_shows_message_and_keeps_working(qtbot, data_dir, open_window):
    window = open_window(data_dir)
    log_in(qtbot, window)
    window.home_page.sync_bar.sync_button.click()
    qtbot.waitUntil(lambda: window.home_page.message_label.isVisible(), timeout=20_000)
    assert "Cannot reach the server" in window.home_page.message_label.text()
    qtbot.waitUntil(lambda: window.home_page.sync_bar.sync_button.isEnabled())


def test_batch_table_model_is_a_correct_qt_model(qtmodeltester):
    model = BatchTableModel()
    model.set_summaries(
        [
            BatchSummary(1, 1, "道路场景车辆标注", "批次 1", 20, 3, 20, "2030-01-01T00:00:00Z"),
            BatchSummary(2, 1, "道路场景车辆标注", "批次 2", 20, 20, 10, "2020-01-01T00:00:00Z"),
        ]
    )
    qtmodeltester.check(model)
    assert model.data(model.index(0, 2)) == "3 / 20"
    assert "expired" in model.data(model.index(1, 4))
    # same batches with new figures: rows stay, values change
    model.set_summaries([BatchSummary(1, 1, "o", "批次 1", 20, 4, 20, None)])
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and model.data(model.index(0, 4)) == ""


def test_home_shows_the_last_scheduled_sync(qtbot, data_dir, open_window):
    window = open_window(data_dir)
    log_in(qtbot, window)
    label = window.home_page.sync_bar.scheduled_label
    assert not label.isVisible()  # no scheduled run yet: nothing to say
    run_id = window.store.start_sync_run("cli")
    window.store.finish_sync_run(run_id, "offline", 2, message="cannot reach the server")
    window.refresh_sync_state()
    assert label.isVisible()
    assert "Scheduled sync" in label.text() and "offline" in label.text()
    assert label.toolTip() == "cannot reach the server"


def test_sync_clicked_while_busy_runs_afterwards(qtbot, data_dir, open_window):
    window = open_window(data_dir)
    log_in(qtbot, window)
    controller = window.controller
    started = []
    controller.sync_finished.connect(started.append)
    controller.work_failed.connect(started.append)
    # hold the worker with a job of our own, then ask for a sync
    import threading

    release = threading.Event()
    assert controller._start_work(lambda progress: release.wait(10), lambda _r: None)
    assert controller.sync_now() is False  # queued, not dropped
    release.set()
    qtbot.waitUntil(lambda: len(started) == 1, timeout=20_000)  # the queued sync ran (offline here: it failed)
