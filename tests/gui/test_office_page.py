"""The office page (leads, admins) against the real sync server, driven with mouse and keys.

One demo server for the module (seeding draws images: too slow per test); the tests
run in file order and each says what it changes: the lead's figures first, then an
admin's accounts, then handing out batches, then the server gone.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox

from aidou_desktop.sync import AuthError, SyncClient
from aidou_desktop.sync.office_client import OfficeClient
from aidou_desktop.ui.office_page import OfficePage
from sync_server.protocol import AnnotationRecord, ReviewRecord, Shape, uuid7
from tests.desktop.server_process import ServerProcess
from tests.gui.gui_helpers import ROOT

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    process = ServerProcess(tmp_path_factory.mktemp("office") / "server")
    process.start()
    yield process
    process.stop()


@pytest.fixture(autouse=True)
def chinese(qapp):
    """The page as the offices see it: the error texts must be Chinese, never the server's English."""
    translator = QTranslator()
    assert translator.load(str(ROOT / "resources" / "i18n" / "aidou_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def log_in(server, username: str, password: str) -> SyncClient:
    client = SyncClient(server.url)
    client.login(username, password)
    return client


@pytest.fixture
def open_page(qtbot, server):
    def make(username: str, password: str) -> OfficePage:
        client = SyncClient(server.url)
        user = client.login(username, password).user
        page = OfficePage(lambda: SyncClient(server.url, client.token), user)
        qtbot.addWidget(page)
        page.resize(1300, 760)
        page.show()
        qtbot.waitExposed(page)
        wait_idle(qtbot, page)
        return page

    return make


def wait_idle(qtbot, page: OfficePage) -> None:
    qtbot.waitUntil(lambda: not page.busy(), timeout=20_000)


def click(widget) -> None:
    assert widget.isEnabled(), f"{widget.text() if hasattr(widget, 'text') else widget} is disabled"
    QTest.mouseClick(widget, LEFT)


def click_row(table, row: int) -> None:
    rect = table.visualRect(table.model().index(row, 0))
    QTest.mouseClick(table.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, rect.center())


def row_where(model, test) -> int:
    return next(i for i, r in enumerate(model.rows()) if test(r))


def open_tab(page: OfficePage, title: str) -> None:
    bar = page.tabs.tabBar()
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    QTest.mouseClick(bar, LEFT, Qt.KeyboardModifier.NoModifier, bar.tabRect(index).center())
    assert page.tabs.currentIndex() == index


def type_into(edit, text: str) -> None:
    QTest.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    for char in text:
        if char.isascii():
            QTest.keyClicks(edit, char)
        else:  # what an input method delivers: a key event carrying the character
            QTest.sendKeyEvent(QTest.KeyAction.Click, edit, Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier)


def answer_yes(qtbot, tab) -> None:
    qtbot.waitUntil(lambda: tab.confirm_box is not None and tab.confirm_box.isVisible())
    box = tab.confirm_box
    yes = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole)
    click(yes)


# ---------------------------------------------------------------- the lead


def test_lead_sees_orders_and_figures_but_not_people(qtbot, open_page):
    page = open_page("lead", "lead123")
    bar = page.tabs.tabBar()
    assert [bar.tabText(i) for i in range(bar.count())] == ["订单与批次", "统计", "质量", "看板"]
    assert page.people_tab is None
    assert page.orders_tab.orders_model.rowCount() == 5  # the box order, then one of each other kind (text, NER, transcription, polygon)
    assert page.orders_tab.batches_model.rowCount() == 3
    assert page.message_label.isHidden()


def test_pay_sheet_export_writes_the_rows_the_server_returned(qtbot, server, open_page, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # the export dialog starts in Documents, else home
    # anno2 labels one item of their batch and the lead accepts it: one paid item this month
    anno2 = log_in(server, "anno2", "anno123")
    feed = anno2.changes()
    batch = next(c.data for c in feed.changes if c.kind == "batch")
    item_id = batch["item_ids"][0]
    # the demo may come with work on it: the new revision replaces the item's head
    head = [c.data["id"] for c in feed.changes if c.kind == "annotation" and c.data["item_id"] == item_id
            and not c.data.get("status")]  # fmt: skip
    box = [Shape("box", "car", [[10, 10], [90, 90]])]
    revision = AnnotationRecord(uuid7(), item_id, batch["id"], head[-1] if head else None, box)
    assert anno2.push([revision])[0].status == "accepted"
    lead = log_in(server, "lead", "lead123")
    verdict = ReviewRecord(uuid7(), revision.id, revision.item_id, "accept")
    assert lead.push([], [verdict])[0].status == "accepted"

    page = open_page("lead", "lead123")
    open_tab(page, "统计")
    stats = page.stats_tab
    month = datetime.now().strftime("%Y-%m")
    assert stats.month_combo.currentText() == month
    expected = OfficeClient(lead).pay_sheet(month)
    assert sum(r.accepted_items for r in expected.rows) == 1
    throughput = stats.throughput_model.rows()
    assert sum(sum(r[2].values()) for r in throughput) >= 1

    click(stats.export_button)
    qtbot.waitUntil(lambda: stats.file_dialog is not None and stats.file_dialog.isVisible())
    name_edit = stats.file_dialog.findChild(QLineEdit, "fileNameEdit")
    out = tmp_path / "pay.csv"
    assert stats.file_dialog.directory().absolutePath() == str(tmp_path)  # home: no Documents folder here
    type_into(name_edit, out.name)
    save = stats.file_dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    click(save)
    qtbot.waitUntil(out.exists)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][0] == "用户名 username"
    body, total = rows[1:-1], rows[-1]
    assert [(r[0], r[1], int(r[2]), float(r[3])) for r in body] == [
        (p.username, p.display_name, p.accepted_items, p.amount_cents / 100) for p in expected.rows
    ]
    assert float(total[3]) == expected.total_cents / 100
    # the month's quality, as ``aidou-server paysheet`` writes it: percent, empty when unmeasured
    assert rows[0][5:] == ["通过率(%) accept rate", "质检题得分(%) gold score", "一致性(%) agreement"]

    def cells(*shares):
        return ["" if share is None else str(round(share * 100, 1)) for share in shares]

    assert [r[5:] for r in body] == [cells(p.accept_rate, p.gold_score, p.agreement) for p in expected.rows]
    assert total[5:] == cells(expected.accept_rate, expected.gold_score, expected.agreement)
    paid = next(p for p in expected.rows if p.username == "anno2")
    assert paid.reviewed >= 1 and paid.accept_rate is not None
    on_screen = stats.pay_model
    row = next(r for r in range(on_screen.rowCount()) if on_screen.row(r).username == "anno2")
    assert on_screen.data(on_screen.index(row, 5)) == f"{round(100 * paid.accept_rate)}%"  # the accept rate column
    assert "已导出" in page.status_label.text() or str(out) in page.status_label.text()


# ---------------------------------------------------------------- the admin's accounts


def test_admin_creates_resets_and_disables_an_account(qtbot, server, open_page):
    page = open_page("admin", "admin123")
    open_tab(page, "人员")
    people = page.people_tab
    assert people.model.rowCount() == 5

    click(people.new_button)
    dialog = people.dialog
    qtbot.waitUntil(dialog.isVisible)
    type_into(dialog.username_edit, "anno7")
    type_into(dialog.display_name_edit, "马七七")
    type_into(dialog.password_edit, "secret77")
    type_into(dialog.repeat_edit, "secret7")  # a typo: the dialog stays open and says why
    click(dialog.ok_button)
    assert dialog.isVisible() and "不一致" in dialog.error_label.text()
    type_into(dialog.repeat_edit, "secret77")
    click(dialog.ok_button)
    wait_idle(qtbot, page)
    assert page.message_label.isHidden()
    row = row_where(people.model, lambda u: u.username == "anno7")
    assert people.model.row(row).role == "annotator"
    log_in(server, "anno7", "secret77")  # the new hire can log in

    # the same username again: the server refuses, in Chinese
    click(people.new_button)
    dialog = people.dialog
    for edit, text in ((dialog.username_edit, "anno7"), (dialog.display_name_edit, "重名"),
                       (dialog.password_edit, "secret88"), (dialog.repeat_edit, "secret88")):  # fmt: skip
        type_into(edit, text)
    click(dialog.ok_button)
    wait_idle(qtbot, page)
    assert "用户名已被占用" in page.message_label.text()

    click_row(people.table, row_where(people.model, lambda u: u.username == "anno7"))
    click(people.password_button)
    dialog = people.dialog
    type_into(dialog.password_edit, "newpass77")
    type_into(dialog.repeat_edit, "newpass77")
    click(dialog.ok_button)
    wait_idle(qtbot, page)
    with pytest.raises(AuthError):
        log_in(server, "anno7", "secret77")
    hire = log_in(server, "anno7", "newpass77")
    hire.changes()

    click_row(people.table, row_where(people.model, lambda u: u.username == "anno7"))
    assert people.toggle_button.text() == "停用"
    click(people.toggle_button)
    answer_yes(qtbot, people)
    wait_idle(qtbot, page)
    with pytest.raises(AuthError):
        hire.changes()  # their token opens nothing any more
    row = row_where(people.model, lambda u: u.username == "anno7")
    assert people.model.row(row).disabled
    assert people.model.data(people.model.index(row, 3)) == "停用"
    assert people.toggle_button.text() == "启用"  # the row stays selected after the refresh

    # the admin's own row cannot be disabled
    click_row(people.table, row_where(people.model, lambda u: u.username == "admin"))
    assert not people.toggle_button.isEnabled()


# ---------------------------------------------------------------- handing out batches


def test_release_assign_and_assign_idle(qtbot, server, open_page):
    page = open_page("admin", "admin123")
    orders = page.orders_tab
    api = OfficeClient(log_in(server, "admin", "admin123"))
    users = {u.username: u.id for u in api.users()}
    order_id = api.orders()[0].id
    # the demo leases every annotator a batch of each of its other orders: anno1 is free of
    # those, so it is idle once its box batch is gone below
    for other in api.orders()[1:]:
        for held in api.batches(other.id):
            if held.annotator_id == users["anno1"]:
                api.release_batch(held.id)

    click_row(orders.orders_table, 0)
    first = row_where(orders.batches_model, lambda b: b.annotator_name == "anno1")
    batch_id = orders.batches_model.row(first).id
    click_row(orders.batches_table, first)
    click(orders.release_button)
    answer_yes(qtbot, orders)
    wait_idle(qtbot, page)
    assert page.message_label.isHidden()
    assert next(b for b in api.batches(order_id) if b.id == batch_id).annotator_id is None
    row = orders.batches_model.row_of(batch_id)
    assert orders.batches_model.data(orders.batches_model.index(row, 1)) == "无人"

    # the batch stays selected: give it to anno3 for 3 days
    click(orders.assign_button)
    dialog = orders.dialog
    qtbot.waitUntil(dialog.isVisible)
    dialog.annotator_combo.setFocus()
    QTest.keyClicks(dialog.annotator_combo, "anno3")
    assert dialog.annotator_combo.currentData() == users["anno3"]
    type_into(dialog.days_spin, "3")
    click(dialog.ok_button)
    wait_idle(qtbot, page)
    batch = next(b for b in api.batches(order_id) if b.id == batch_id)
    assert batch.annotator_id == users["anno3"]
    until = datetime.fromisoformat(batch.lease_until.replace("Z", "+00:00"))
    assert abs(until - (datetime.now(timezone.utc) + timedelta(days=3))) < timedelta(minutes=5)
    assert "王春花" in orders.batches_model.data(orders.batches_model.index(orders.batches_model.row_of(batch_id), 1))

    # anno3's other (unfinished) batch freed too: assign-idle gives it to the only idle
    # annotator, anno1 (anno2 holds batches of the demo's other orders)
    second = row_where(orders.batches_model, lambda b: b.annotator_name == "anno3" and b.id != batch_id)
    freed_id = orders.batches_model.row(second).id
    click_row(orders.batches_table, second)
    click(orders.release_button)
    answer_yes(qtbot, orders)
    wait_idle(qtbot, page)
    click(orders.idle_button)
    dialog = orders.dialog
    qtbot.waitUntil(dialog.isVisible)
    type_into(dialog.days_spin, "5")
    click(dialog.ok_button)
    wait_idle(qtbot, page)
    assert next(b for b in api.batches(order_id) if b.id == freed_id).annotator_id == users["anno1"]
    assert "1" in page.status_label.text() and page.message_label.isHidden()
    people = {a.username: a for a in orders.people_model.rows()}
    assert people["anno3"].batches == 1 and people["anno1"].batches == 1


# ---------------------------------------------------------------- no server


def test_server_gone_says_so_in_chinese_and_changes_nothing(qtbot, server, open_page):
    page = open_page("admin", "admin123")
    orders = page.orders_tab
    before = [(b.id, b.annotator_id) for b in orders.batches_model.rows()]
    click_row(orders.batches_table, 0)
    server.stop()
    try:
        click(orders.release_button)
        answer_yes(qtbot, orders)
        wait_idle(qtbot, page)
        text = page.message_label.text()
        assert page.message_label.isVisible() and "无法连接服务器" in text
        assert not any(c.isascii() and c.isalpha() for c in text)  # no English from anywhere
        assert [(b.id, b.annotator_id) for b in orders.batches_model.rows()] == before
        click(page.refresh_button)
        wait_idle(qtbot, page)
        assert "无法连接服务器" in page.message_label.text()
        assert [(b.id, b.annotator_id) for b in orders.batches_model.rows()] == before
    finally:
        server.start()
    api = OfficeClient(log_in(server, "admin", "admin123"))
    assert [(b.id, b.annotator_id) for b in api.batches(api.orders()[0].id)] == before
    click(page.refresh_button)
    wait_idle(qtbot, page)
    assert page.message_label.isHidden()
