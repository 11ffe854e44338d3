"""Issue 10: a damaged local database at start shows a Chinese message and offers repair."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtTest import QTest

from aidou_desktop.app import TRANSLATIONS, start_window
from aidou_desktop.store import Store
from aidou_desktop.store.health import DISK_FULL, DamagedDatabase
from aidou_desktop.ui.damaged_db_page import DamagedDatabasePage
from aidou_desktop.ui.main_window import MainWindow
from tests.gui.gui_helpers import DEAD_SERVER, log_in


@pytest.fixture
def chinese(qapp):
    translator = QTranslator()
    assert translator.load(str(TRANSLATIONS / "aidou_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def damage(data_dir: Path) -> bytes:
    """Random bytes over page 2 of the seeded database (as a bad sector would)."""
    db = data_dir / "aidou.db"
    with db.open("r+b") as f:
        f.seek(4096)
        f.write(os.urandom(4096))
    return db.read_bytes()


def test_a_damaged_database_is_told_in_chinese_and_repaired(qtbot, data_dir, chinese):
    damaged = damage(data_dir)
    page = start_window(data_dir, DEAD_SERVER)
    assert isinstance(page, DamagedDatabasePage)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert "数据库" in page.title_label.text() and "损坏" in page.title_label.text()
    assert str(data_dir / "aidou.db") in page.message_label.text()
    assert page.repair_button.text() == "修复（另存损坏文件，取回未上传的工作，再从服务器重新下载）"
    assert page.quit_button.text() == "退出"

    QTest.mouseClick(page.repair_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.main_window is not None and page.main_window.isVisible())
    window = page.main_window
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow) and not page.isVisible()
    assert window.pages.currentWidget() is window.login_page
    [aside] = [p for p in data_dir.iterdir() if p.name.startswith("damaged-")]
    assert (aside / "aidou.db").read_bytes() == damaged
    assert str(aside) in window.login_page.error_label.text()
    # the saved login came back with the salvage: offline login works, the batch is there
    log_in(qtbot, window)
    assert window.home_page.table.model().rowCount() == 1
    window.close()
    with Store(data_dir) as store:
        assert store.integrity_check() == "ok"


def test_quit_closes_and_changes_nothing(qtbot, tmp_path, chinese):
    data_dir = tmp_path / "data"
    (data_dir / "blobs").mkdir(parents=True)
    (data_dir / "aidou.db").write_bytes(b"")
    page = start_window(data_dir, DEAD_SERVER)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert "空" in page.message_label.text()
    QTest.mouseClick(page.quit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.isVisible())
    assert sorted(p.name for p in data_dir.iterdir()) == ["aidou.db", "blobs"]
    assert (data_dir / "aidou.db").stat().st_size == 0


def test_a_full_disk_only_offers_quit(qtbot, tmp_path, chinese):
    page = DamagedDatabasePage(DamagedDatabase(DISK_FULL, tmp_path / "aidou.db", "10 bytes free"))
    qtbot.addWidget(page)
    page.show()
    assert page.repair_button.isHidden() and page.quit_button.isVisible()
    assert "磁盘" in page.message_label.text() and str(tmp_path) in page.message_label.text()
