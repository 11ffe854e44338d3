"""The office page's 看板 (dashboard) tab against the real sync server, driven with mouse and keys.

One demo server for the module; an order with overlap 2 and gold answers is imported with the
server's own ``import-order``, its lanes leased to anno1 and anno2, answers pushed as from
their PCs and two verdicts pushed as from the lead's (all today, UTC):

    item     anno1 (lane 0)     anno2 (lane 1)     gold      lead
    img_00   car box            car box            car box   accepts anno1's
    img_01   car box            a box far away     car box   rejects anno2's
    img_02   car + pedestrian   car box            —
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from aidou_desktop.sync import ServerError, SyncClient
from aidou_desktop.sync.office_client import OfficeClient, days_from_now
from aidou_desktop.ui.office_page import OfficePage
from sync_server.cli import main as server_cli
from sync_server.protocol import AnnotationRecord, ReviewRecord, Shape, uuid7
from tests.desktop.server_process import ServerProcess
from tests.server.server_helpers import SCHEMA, write_images

LEFT = Qt.MouseButton.LeftButton
ORDER = "看板订单"
EMPTY = "还没开工的订单"
CAR = Shape("box", "car", [[10, 10], [50, 40]])
FAR = Shape("box", "car", [[70, 45], [110, 75]])
PEDESTRIAN = Shape("box", "pedestrian", [[61, 10], [100, 70]])


@dataclass
class Seeded:
    server: ServerProcess
    order_id: int
    names: dict[str, str]  # username → the name the tab shows


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("dashboard")
    server = ServerProcess(folder / "server")
    server.start()
    try:
        yield _seed(server, folder)
    finally:
        server.stop()


def _import(server: ServerProcess, folder, name: str, images: int, *extra: str) -> None:
    write_images(folder, images, seed=31)
    (folder / "schema.json").write_text(json.dumps({"schema": SCHEMA, "task_kind": "bbox", "batch_size": 2}),
                                        encoding="utf-8")  # fmt: skip
    db = ["--db", server.db_url] if server.db_url else []
    assert server_cli(["import-order", str(folder), "--name", name, *extra, "--data-dir", str(server.data_dir), *db]) == 0


def _seed(server: ServerProcess, folder) -> Seeded:
    gold = folder / "gold.jsonl"
    car = {"kind": "box", "label": "car", "points": CAR.points}
    gold.write_text("\n".join(json.dumps({"name": f"img_0{i}.jpg", "shapes": [car]}) for i in (0, 1)), encoding="utf-8")
    _import(server, folder / "order", ORDER, 4, "--overlap", "2", "--gold", str(gold))
    _import(server, folder / "empty", EMPTY, 2)

    admin = OfficeClient(log_in(server, "admin", "admin123"))
    users = {u.username: u for u in admin.users()}
    order_id = next(o.id for o in admin.orders() if o.name == ORDER)
    until = days_from_now(3)
    for batch_id, who in zip(sorted(b.id for b in admin.batches(order_id)), ["anno1", "anno1", "anno2", "anno2"]):
        admin.assign_batch(batch_id, users[who].id, until)  # lane 0 first, then lane 1
    admin.close()

    answers = {
        "anno1": {"img_00.jpg": [CAR], "img_01.jpg": [CAR], "img_02.jpg": [CAR, PEDESTRIAN]},
        "anno2": {"img_00.jpg": [CAR], "img_01.jpg": [FAR], "img_02.jpg": [CAR]},
    }
    sent: dict[tuple[str, str], AnnotationRecord] = {}
    for username, shapes_by_name in answers.items():
        client = log_in(server, username, "anno123")
        items = _items_of_order(client, order_id)
        for name, shapes in shapes_by_name.items():
            sent[(username, name)] = AnnotationRecord(uuid7(), items[name][0], items[name][1], None, shapes)
        records = [sent[(username, name)] for name in shapes_by_name]
        assert [r.status for r in client.push(records)] == ["accepted"] * len(records)
        client.close()
    lead = log_in(server, "lead", "lead123")
    accepted, rejected = sent[("anno1", "img_00.jpg")], sent[("anno2", "img_01.jpg")]
    verdicts = [ReviewRecord(uuid7(), accepted.id, accepted.item_id, "accept"),
                ReviewRecord(uuid7(), rejected.id, rejected.item_id, "reject", "框画错了")]  # fmt: skip
    assert [r.status for r in lead.push([], verdicts)] == ["accepted"] * 2
    lead.close()
    names = {u.username: f"{u.display_name} ({u.username})" for u in users.values()}
    return Seeded(server, order_id, names)


def _items_of_order(client: SyncClient, order_id: int) -> dict[str, tuple[int, int]]:
    """name → (item id, batch id) of the items of the order this annotator was given."""
    found, cursor = {}, ""
    while True:
        page = client.changes(cursor)
        for change in page.changes:
            if change.kind == "item" and change.data["order_id"] == order_id:
                found[change.data["name"]] = (change.data["id"], change.data["batch_id"])
        cursor = page.cursor
        if not page.has_more:
            return found


def log_in(server, username: str, password: str) -> SyncClient:
    client = SyncClient(server.url)
    client.login(username, password)
    return client


@pytest.fixture
def open_page(qtbot, seeded):
    def make(username: str, password: str) -> OfficePage:
        client = SyncClient(seeded.server.url)
        user = client.login(username, password).user
        page = OfficePage(lambda: SyncClient(seeded.server.url, client.token), user)
        qtbot.addWidget(page)
        page.resize(1300, 900)
        page.show()
        qtbot.waitExposed(page)
        wait_idle(qtbot, page)
        return page

    return make


def wait_idle(qtbot, page: OfficePage) -> None:
    qtbot.waitUntil(lambda: not page.busy(), timeout=20_000)


def open_dashboard(qtbot, page: OfficePage) -> None:
    bar = page.tabs.tabBar()
    index = page.tabs.indexOf(page.dashboard_tab)
    assert index >= 0 and index == page.tabs.indexOf(page.quality_tab) + 1  # next to 质量
    QTest.mouseClick(bar, LEFT, Qt.KeyboardModifier.NoModifier, bar.tabRect(index).center())
    assert page.tabs.currentWidget() is page.dashboard_tab
    wait_idle(qtbot, page)


def choose_order(qtbot, page: OfficePage, name: str) -> None:
    """Open the order chooser with the mouse and click the order in its list."""
    combo = page.dashboard_tab.order_combo
    assert combo.isEnabled()
    QTest.mouseClick(combo, LEFT)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    row = combo.findText(name)
    assert row >= 0, f"{name} is not offered"
    rect = view.visualRect(view.model().index(row, 0))
    QTest.qWait(QApplication.doubleClickInterval() + 50)  # a popup ignores a release this soon after opening
    QTest.mouseClick(view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, rect.center())
    qtbot.waitUntil(lambda: not view.isVisible())
    assert combo.currentText() == name
    wait_idle(qtbot, page)


def cells(model, row: int) -> list[str]:
    return [model.data(model.index(row, column)) for column in range(model.columnCount())]


def lines(chart) -> dict[str, tuple[list[float], list[float]]]:
    """The chart's lines by their legend name: what a person sees drawn."""
    found = {}
    for item in chart.getPlotItem().listDataItems():
        xs, ys = item.getData()
        found[item.name()] = ([] if xs is None else list(xs), [] if ys is None else list(ys))
    return found


# ---------------------------------------------------------------- tests


def test_lead_picks_the_order_and_sees_the_charts_and_the_table(qtbot, seeded, open_page):
    page = open_page("lead", "lead123")
    open_dashboard(qtbot, page)
    tab = page.dashboard_tab
    choose_order(qtbot, page, EMPTY)
    choose_order(qtbot, page, ORDER)
    assert page.message_label.isHidden()
    assert tab.chart_box.isVisible() and tab.table.isVisible()

    anno1, anno2 = seeded.names["anno1"], seeded.names["anno2"]
    model = tab.table_model
    assert model.rowCount() == 2  # both worked today only
    rows = {row[1]: row for row in (cells(model, 0), cells(model, 1))}
    today = rows[anno1][0]
    assert rows[anno2][0] == today and len(today) == 10
    assert rows[anno1][2:] == ["3", "1", "0", "100%", "100%", "56%"]  # agreement (100% + 0% + 67%) / 3
    assert rows[anno2][2:] == ["3", "0", "1", "0%", "50%", "56%"]

    assert set(tab.charts) == {"items", "accept_rate", "gold_score", "agreement"}
    assert tab.legend.isVisible() and anno1 in tab.legend.text() and anno2 in tab.legend.text()
    for chart in tab.charts.values():
        assert chart.isVisible() and set(lines(chart)) == {anno1, anno2}  # one line per annotator
    done = lines(tab.charts["items"])
    assert len(done[anno1][0]) == 30 and done[anno1][1][-1] == 3 and sum(done[anno1][1]) == 3  # a point a day
    assert lines(tab.charts["accept_rate"]) == {anno1: ([29], [100.0]), anno2: ([29], [0.0])}  # measured today only
    assert lines(tab.charts["gold_score"])[anno2] == ([29], [50.0])
    assert lines(tab.charts["agreement"])[anno1][1] == [pytest.approx(100 * 5 / 9)]


def test_on_a_1366_by_768_screen_the_table_shows_eight_rows_or_more(qtbot, seeded, open_page):
    page = open_page("lead", "lead123")
    page.resize(1366, 768)  # the main window's page, full screen on the office's laptops
    open_dashboard(qtbot, page)
    tab = page.dashboard_tab
    choose_order(qtbot, page, ORDER)
    qtbot.waitUntil(lambda: tab.table.isVisible())
    rows = tab.table.viewport().height() / tab.table.verticalHeader().defaultSectionSize()
    assert rows >= 8, f"room for {rows:.1f} rows"
    assert all(chart.height() >= 150 for chart in tab.charts.values())  # the charts stay readable
    assert len({chart.geometry().top() for chart in tab.charts.values()}) == 1  # one row of four


def test_a_shorter_span_chosen_with_the_keyboard_redraws(qtbot, seeded, open_page):
    page = open_page("admin", "admin123")
    open_dashboard(qtbot, page)
    tab = page.dashboard_tab
    choose_order(qtbot, page, ORDER)
    tab.span_combo.setFocus()
    QTest.keyClick(tab.span_combo, Qt.Key.Key_Up)  # 30 days → 7 days
    wait_idle(qtbot, page)
    assert tab.span_combo.currentData() == 7
    done = lines(tab.charts["items"])
    assert all(len(xs) == 7 and ys[-1] == 3 for xs, ys in done.values())
    assert tab.table_model.rowCount() == 2


def test_an_order_with_nothing_yet_says_so_in_a_sentence(qtbot, seeded, open_page):
    page = open_page("lead", "lead123")
    open_dashboard(qtbot, page)
    tab = page.dashboard_tab
    choose_order(qtbot, page, EMPTY)
    QTest.mouseClick(page.refresh_button, LEFT)  # the page's one Refresh
    wait_idle(qtbot, page)
    assert page.message_label.isHidden()
    assert tab.note.isVisible() and tab.note.text().endswith(".")
    assert not tab.chart_box.isVisible() and not tab.table.isVisible()
    assert tab.table_model.rowCount() == 0


def test_an_annotator_has_no_dashboard_and_the_server_refuses_them(qtbot, seeded):
    client = log_in(seeded.server, "anno1", "anno123")
    page = OfficePage(lambda: SyncClient(seeded.server.url, client.token), client.login("anno1", "anno123").user)
    qtbot.addWidget(page)
    assert page.dashboard_tab is None
    with pytest.raises(ServerError) as refused:
        OfficeClient(client).dashboard(seeded.order_id)
    assert refused.value.code == "forbidden"
