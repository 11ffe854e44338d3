"""The office page's 质量 (quality) tab against the real sync server, driven with mouse and keys.

One demo server for the module; an order with overlap 2 and gold answers is imported into
it with the server's own ``import-order --overlap 2 --gold``, its two lanes leased to anno1
and anno2, and answers pushed as they would from their PCs:

    item     anno1 (lane 0)     anno2 (lane 1)     gold        agreement
    img_00   car box            car box            car box     100%
    img_01   car box            a box far away     car box       0%  → anno2's gold 50%: flagged
    img_02   car + pedestrian   car box            —            67%
    img_03   —                  —                  —             —

Gold per task kind over the office (the demo's gold items are a course's: left out): boxes,
anno1 2 items 100%, anno2 2 items 50% (flagged).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from aidou_desktop.sync import SyncClient
from aidou_desktop.sync.office_client import OfficeClient, days_from_now
from aidou_desktop.ui.office_page import OfficePage
from aidou_desktop.ui.training_page import kind_name
from sync_server.cli import main as server_cli
from sync_server.protocol import AnnotationRecord, Shape, uuid7
from tests.desktop.server_process import ServerProcess
from tests.gui.gui_helpers import ROOT
from tests.server.server_helpers import SCHEMA, write_images

LEFT = Qt.MouseButton.LeftButton
ORDER = "质检订单"
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
    folder = tmp_path_factory.mktemp("quality")
    server = ServerProcess(folder / "server")
    server.start()
    try:
        yield _seed(server, folder)
    finally:
        server.stop()


def _seed(server: ServerProcess, folder) -> Seeded:
    images = folder / "order"
    write_images(images, 4, seed=21)
    (images / "schema.json").write_text(
        json.dumps({"schema": SCHEMA, "task_kind": "bbox", "batch_size": 2}),
        encoding="utf-8",
    )
    gold = folder / "gold.jsonl"
    gold.write_text("\n".join(json.dumps({"name": name, "shapes": [_wire(CAR)]}) for name in ("img_00.jpg", "img_01.jpg")),
                    encoding="utf-8")  # fmt: skip
    db = ["--db", server.db_url] if server.db_url else []
    assert server_cli(["import-order", str(images), "--name", ORDER, "--overlap", "2", "--gold", str(gold),
                       "--data-dir", str(server.data_dir), *db]) == 0  # fmt: skip

    admin = OfficeClient(log_in(server, "admin", "admin123"))
    users = {u.username: u for u in admin.users()}
    order_id = next(o.id for o in admin.orders() if o.name == ORDER)
    batches = sorted(b.id for b in admin.batches(order_id))
    assert len(batches) == 4  # two of the originals, two of their copies
    until = days_from_now(3)
    for batch_id, who in zip(
        batches, ["anno1", "anno1", "anno2", "anno2"]
    ):  # lane 0 first, then lane 1
        admin.assign_batch(batch_id, users[who].id, until)
    admin.close()

    answers = {
        "anno1": {
            "img_00.jpg": [CAR],
            "img_01.jpg": [CAR],
            "img_02.jpg": [CAR, PEDESTRIAN],
        },
        "anno2": {"img_00.jpg": [CAR], "img_01.jpg": [FAR], "img_02.jpg": [CAR]},
    }
    for username, shapes_by_name in answers.items():
        client = log_in(server, username, "anno123")
        items = _items_of_order(client, order_id)
        records = [AnnotationRecord(uuid7(), items[name][0], items[name][1], None, shapes)
                   for name, shapes in shapes_by_name.items()]  # fmt: skip
        assert [r.status for r in client.push(records)] == ["accepted"] * len(records)
        client.close()
    names = {u.username: f"{u.display_name} ({u.username})" for u in users.values()}
    return Seeded(server, order_id, names)


def _wire(shape: Shape) -> dict:
    return {"kind": shape.kind, "label": shape.label, "points": shape.points}


def _items_of_order(client: SyncClient, order_id: int) -> dict[str, tuple[int, int]]:
    """name → (item id, batch id) of the items of the order this annotator was given."""
    found, cursor = {}, ""
    while True:
        page = client.changes(cursor)
        for change in page.changes:
            if change.kind == "item" and change.data["order_id"] == order_id:
                found[change.data["name"]] = (
                    change.data["id"],
                    change.data["batch_id"],
                )
        cursor = page.cursor
        if not page.has_more:
            return found


def log_in(server, username: str, password: str) -> SyncClient:
    client = SyncClient(server.url)
    client.login(username, password)
    return client


@pytest.fixture(autouse=True)
def chinese(qapp):
    translator = QTranslator()
    assert translator.load(str(ROOT / "resources" / "i18n" / "aidou_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


@pytest.fixture
def open_page(qtbot, seeded):
    def make(username: str, password: str) -> OfficePage:
        client = SyncClient(seeded.server.url)
        user = client.login(username, password).user
        page = OfficePage(lambda: SyncClient(seeded.server.url, client.token), user)
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
    assert widget.isEnabled(), f"{widget} is disabled"
    QTest.mouseClick(widget, LEFT)


def open_quality_tab(qtbot, page: OfficePage) -> None:
    bar = page.tabs.tabBar()
    index = page.tabs.indexOf(page.quality_tab)
    assert index >= 0
    QTest.mouseClick(
        bar, LEFT, Qt.KeyboardModifier.NoModifier, bar.tabRect(index).center()
    )
    assert page.tabs.currentWidget() is page.quality_tab
    wait_idle(qtbot, page)


def choose_order(qtbot, page: OfficePage, name: str) -> None:
    """Open the order chooser with the mouse and click the order in its list."""
    combo = page.quality_tab.order_combo
    click(combo)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    row = combo.findText(name)
    assert row >= 0, f"{name} is not offered"
    rect = view.visualRect(view.model().index(row, 0))
    QTest.qWait(
        QApplication.doubleClickInterval() + 50
    )  # a popup ignores a release this soon after opening
    QTest.mouseClick(
        view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, rect.center()
    )
    qtbot.waitUntil(lambda: not view.isVisible())
    assert combo.currentText() == name
    wait_idle(qtbot, page)


def cell(model, row: int, column: int) -> str:
    return model.data(model.index(row, column))


# ---------------------------------------------------------------- tests


def test_lead_sees_the_lowest_agreement_first_and_the_flagged_annotator(
    qtbot, seeded, open_page
):
    page = open_page("lead", "lead123")
    open_quality_tab(qtbot, page)
    tab = page.quality_tab
    choose_order(qtbot, page, ORDER)
    click(page.refresh_button)  # the page's one Refresh loads the open tab's figures too
    wait_idle(qtbot, page)
    assert page.message_label.isHidden()

    items = tab.items_model
    assert [cell(items, r, 0) for r in range(items.rowCount())] == [
        "img_01.jpg",
        "img_02.jpg",
        "img_00.jpg",
        "img_03.jpg",
    ]
    assert [cell(items, r, 1) for r in range(items.rowCount())] == [
        "0%",
        "67%",
        "100%",
        "—",
    ]
    assert cell(items, 0, 3) == f"{seeded.names['anno1']}、{seeded.names['anno2']}"
    of = tab.tr("%1 of %2")  # answers of copies, as the translation words it
    assert [cell(items, r, 2) for r in (0, 3)] == [
        of.replace("%1", "2").replace("%2", "2"),
        of.replace("%1", "0").replace("%2", "2"),
    ]
    assert (
        tab.items_table.isVisible() and not tab.kappa_label.isVisible()
    )  # boxes: no kappa

    people = tab.people_model
    assert people.rowCount() == 2
    first, second = people.row(0), people.row(1)
    assert first.name == seeded.names["anno2"] and first.flagged  # the flagged first
    assert [cell(people, 0, c) for c in range(4)] == [
        seeded.names["anno2"],
        "2",
        "50%",
        "56%",
    ]  # agreement: (0 + 67% + 100%) / 3
    assert (
        cell(people, 0, 4) and first.since and first.since[:4] in cell(people, 0, 4)
    )  # the mark and the date since
    assert (
        people.data(people.index(0, 4), Qt.ItemDataRole.ForegroundRole) is not None
    )  # shown red
    assert second.name == seeded.names["anno1"] and not second.flagged
    assert [cell(people, 1, c) for c in range(5)] == [
        seeded.names["anno1"],
        "2",
        "100%",
        "56%",
        "",
    ]


def test_a_lenient_pass_mark_flags_nobody(qtbot, seeded, open_page):
    page = open_page("admin", "admin123")
    open_quality_tab(qtbot, page)
    tab = page.quality_tab
    choose_order(qtbot, page, ORDER)
    assert any(person.flagged for person in tab.people_model.rows())
    tab.pass_spin.setFocus()
    QTest.keyClick(tab.pass_spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(tab.pass_spin, "40")
    QTest.qWait(50)
    assert page.busy() is False  # typing alone asks nothing of the server
    QTest.keyClick(tab.pass_spin, Qt.Key.Key_Return)  # the mark counts once entered
    wait_idle(qtbot, page)
    assert tab.pass_spin.value() == 40
    assert not any(person.flagged for person in tab.people_model.rows())
    assert not any(row.flagged for row in tab.kinds_model.rows()) and tab.kinds_model.rowCount() == 2


def test_opening_the_tab_shows_the_order_already_chosen(qtbot, seeded, open_page):
    """A lead who only clicks the tab sees the figures of the order in the chooser, not the
    "choose an order" sentence beside a chosen order."""
    page = open_page("lead", "lead123")
    tab = page.quality_tab
    assert tab.order_combo.currentIndex() >= 0  # the page's refresh chose the first order
    choose_nothing = tab.tr("Choose an order to see its quality figures.")
    assert tab.people_note.text() == choose_nothing  # nothing asked for while the tab was hidden
    open_quality_tab(qtbot, page)
    assert page.message_label.isHidden()
    assert tab.people_note.text() != choose_nothing
    assert tab.people_table.isVisible() or tab.people_note.isVisible()
    if tab.order_combo.currentText() != ORDER:  # the other order holds neither gold nor overlap
        assert tab.items_note.isVisible() and tab.items_note.text()
    else:
        assert tab.items_model.rowCount() == 4
    assert tab.kinds_table.isVisible()  # the office-wide table loads with it: anno1 and anno2 answered gold


def test_an_order_without_overlap_or_gold_says_so(qtbot, seeded, open_page):
    page = open_page("lead", "lead123")
    open_quality_tab(qtbot, page)
    tab = page.quality_tab
    plain = next(
        tab.order_combo.itemText(i)
        for i in range(tab.order_combo.count())
        if tab.order_combo.itemText(i) != ORDER
    )
    choose_order(qtbot, page, plain)
    assert page.message_label.isHidden()
    assert tab.people_note.isVisible() and tab.people_note.text()
    assert not tab.people_table.isVisible()
    assert tab.items_note.isVisible() and tab.items_note.text()
    assert not tab.items_table.isVisible() and tab.items_model.rowCount() == 0


def test_the_server_gone_is_said_in_chinese(qtbot, seeded, open_page):
    page = open_page("lead", "lead123")
    open_quality_tab(qtbot, page)
    tab = page.quality_tab
    choose_order(qtbot, page, ORDER)
    shown = tab.items_model.rowCount()
    seeded.server.stop()
    try:
        click(page.refresh_button)
        wait_idle(qtbot, page)
        assert (
            page.message_label.isVisible()
            and "无法连接服务器" in page.message_label.text()
        )
        assert tab.items_model.rowCount() == shown  # what was shown stays
    finally:
        seeded.server.start()


def test_an_annotator_never_sees_the_tab_and_the_server_refuses_them(qtbot, seeded):
    client = log_in(seeded.server, "anno1", "anno123")
    page = OfficePage(
        lambda: SyncClient(seeded.server.url, client.token),
        client.login("anno1", "anno123").user,
    )
    qtbot.addWidget(page)
    assert page.quality_tab is None
    bar = page.tabs.tabBar()
    assert all(
        page.tabs.widget(i).__class__.__name__ != "QualityTab"
        for i in range(bar.count())
    )
    from aidou_desktop.sync import ServerError

    with pytest.raises(ServerError) as refused:
        OfficeClient(client).agreement(seeded.order_id)
    assert refused.value.code == "forbidden"


def test_the_gold_accuracy_per_task_kind_sits_beside_the_order(qtbot, seeded, open_page):
    page = open_page("lead", "lead123")
    open_quality_tab(qtbot, page)
    tab = page.quality_tab
    choose_order(qtbot, page, ORDER)
    assert tab.kinds_table.isVisible() and not tab.kinds_note.isVisible()
    assert tab.kinds_table.geometry().top() == tab.people_table.geometry().top()  # side by side
    kinds = tab.kinds_model
    boxes = kind_name("bbox")
    flag = tab.tr("Below the pass mark")
    assert [[cell(kinds, r, c) for c in range(5)] for r in range(kinds.rowCount())] == [
        [seeded.names["anno2"], boxes, "2", "50%", flag],  # the lowest first
        [seeded.names["anno1"], boxes, "2", "100%", ""],
    ]
    assert kinds.data(kinds.index(0, 3), Qt.ItemDataRole.ForegroundRole) is not None  # shown red
    assert kinds.data(kinds.index(1, 3), Qt.ItemDataRole.ForegroundRole) is None
    # another order of the office: its own figures, the same office-wide row
    plain = next(tab.order_combo.itemText(i) for i in range(tab.order_combo.count()) if tab.order_combo.itemText(i) != ORDER)
    choose_order(qtbot, page, plain)
    assert not tab.people_table.isVisible() and tab.kinds_model.rowCount() == 2 and tab.kinds_table.isVisible()


def test_the_page_has_one_refresh_button(qtbot, seeded, open_page):
    page = open_page("admin", "admin123")
    open_quality_tab(qtbot, page)
    buttons = [b for b in page.findChildren(QPushButton) if b.text() == page.refresh_button.text()]
    assert buttons == [page.refresh_button]


def test_the_client_parses_both_answers(seeded):
    lead = OfficeClient(log_in(seeded.server, "lead", "lead123"))
    agreement = lead.agreement(seeded.order_id)
    assert (agreement.groups, agreement.answered_groups, agreement.kappa_kind) == (
        4,
        3,
        None,
    )
    assert agreement.items[0].name == "img_01.jpg" and agreement.items[0].agreement == 0
    gold = lead.gold_scores(seeded.order_id, 0.8)
    assert gold.gold_items == 4  # two names, each held by both copies
    flagged = [p for p in gold.annotators if p.flagged]
    assert (
        len(flagged) == 1
        and flagged[0].below[0].name == "img_01.jpg"
        and flagged[0].recent_items == 3
    )
    kinds = lead.gold_by_kind(days=30)
    assert (kinds.days, [(k.task_kind, k.gold_items) for k in kinds.kinds]) == (30, [("bbox", 4)])
    assert [(p.username, p.answered, p.mean_score, p.flagged) for p in kinds.annotators] == [
        ("anno2", 2, 0.5, True), ("anno1", 2, 1.0, False)]  # fmt: skip
    lead.close()


def test_a_class_order_shows_its_kappa_with_name_and_hint(qtbot):
    """The kappa line on its own (no server: the figures as the client parses them)."""
    from aidou_desktop.sync.office_client import Agreement, AgreementItem, GoldScores
    from aidou_desktop.ui.office_quality_tab import QualityFigures, QualityTab
    from sync_server.protocol import OrderProgress

    tab = QualityTab(lambda *args, **kwargs: None)
    qtbot.addWidget(tab)
    tab.show()
    tab.show_orders([OrderProgress(7, "分类", "image_class", 0, 1, 4, 4, 0, 0, 0, 0)])
    items = [AgreementItem(1, "a.jpg", 0.0, 2, 2, [1, 2], [5, 6])]
    for kind, name in (("cohen", "Cohen's κ"), ("fleiss", "Fleiss' κ")):
        agreement = Agreement(
            7,
            "image_class",
            4,
            4,
            kappa=0.5,
            kappa_kind=kind,
            kappa_items=4,
            items=items,
        )
        tab.show_figures(
            QualityFigures(
                7, agreement, GoldScores(7, 0, 0.8), {5: "甲 (a)", 6: "乙 (b)"}
            )
        )
        assert tab.kappa_label.isVisible() and tab.kappa_label.text().startswith(
            tab.tr(name)
        )
        assert (
            "0.50" in tab.kappa_label.text()
            and tab.kappa_hint.isVisible()
            and tab.kappa_hint.text()
        )
    assert tab.items_model.data(tab.items_model.index(0, 3)) == "甲 (a)、乙 (b)"
    tab.show_figures(
        QualityFigures(7, Agreement(7, "bbox", 4, 1), GoldScores(7, 0, 0.8), {})
    )
    assert not tab.kappa_label.isVisible()
