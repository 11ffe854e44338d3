"""Save office_dashboard.png: the lead's 看板 tab over two weeks of an overlap order with gold
items. The demo holds one day of work, so this script builds its own server data dir: the
demo office, then an order 质检演示 (24 street scenes, every item to two annotators, six gold
items) worked by the three annotators over 14 days (answers drawn from the scenes' true
boxes, with a box missed or shifted now and then), the lead's verdicts on part of it, and
the server's receive times moved back to those days. Then it starts the server on it.

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 python docs/screenshots/take_dashboard_screenshot.py
"""

from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "screenshots"))

from sqlalchemy import select, update  # noqa: E402

from sync_server.db import tables  # noqa: E402
from sync_server.db.accounts import user_info  # noqa: E402
from sync_server.db.blobs import BlobStore  # noqa: E402
from sync_server.db.clock import utc_now  # noqa: E402
from sync_server.db.engine import default_db_url, make_engine, write_transaction  # noqa: E402
from sync_server.db.push import apply_push  # noqa: E402
from sync_server.db.quality import store_gold_answers  # noqa: E402
from sync_server.orders.demo import DEMO_SCHEMA, seed_demo  # noqa: E402
from sync_server.orders.demo_images import make_demo_scenes  # noqa: E402
from sync_server.orders.importing import import_order  # noqa: E402
from sync_server.orders.leasing import lease_batch  # noqa: E402
from sync_server.orders.overlap import Overlap, add_overlap  # noqa: E402
from sync_server.protocol import AnnotationRecord, ReviewRecord, Shape, uuid7  # noqa: E402

OUT = Path(__file__).resolve().parent
DAYS, SCENES, BATCH = 14, 24, 4


def build(data_dir: Path) -> None:
    seed_demo(data_dir)
    rng = random.Random(3)
    engine = make_engine(default_db_url(data_dir))
    now = utc_now()
    with write_transaction(engine) as conn:
        office = conn.execute(select(tables.offices.c.id)).scalar()
        people = dict(conn.execute(select(tables.users.c.username, tables.users.c.id)).all())
        scenes = make_demo_scenes(Path(tempfile.mkdtemp()), SCENES, seed=21)
        truths = {path.name: boxes for path, boxes in scenes}
        order = import_order(conn, BlobStore(data_dir / "blobs"), office, "质检演示", "bbox", DEMO_SCHEMA, "",
                             [path for path, _ in scenes], 12, BATCH)  # fmt: skip
        add_overlap(conn, office, order, Overlap(2), BATCH)
        found = conn.execute(select(tables.items.c.id, tables.items.c.name, tables.items.c.batch_id,
                                    tables.items.c.overlap_group).where(tables.items.c.order_id == order)
                             .order_by(tables.items.c.id)).all()  # fmt: skip
        store_gold_answers(conn, [(i, _wire(truths[n])) for i, n, _b, g in found if g == i][:6])
        batches = sorted({b for _i, _n, b, _g in found})
        annotators = [people["anno1"], people["anno2"], people["anno3"]]
        holder = {}
        for k, batch in enumerate(batches):  # lane 0's batches, then lane 1's: no one holds both copies
            holder[batch] = annotators[(k + k // (SCENES // BATCH)) % 3]  # lane 1 shifted by one person
            lease_batch(conn, batch, holder[batch], now + timedelta(days=3))
        skill = {people["anno1"]: 0.95, people["anno2"]: 0.8, people["anno3"]: 0.6}
        lead = user_info(conn, people["lead"])
        for n, (item_id, name, batch, _group) in enumerate(found):
            who = holder[batch]
            shapes = [Shape("box", label, [[x1, y1], [x2 + (0 if rng.random() < skill[who] else 40), y2]])
                      for label, (x1, y1, x2, y2) in truths[name] if rng.random() < skill[who] + 0.1]  # fmt: skip
            record = AnnotationRecord(uuid7(), item_id, batch, None, shapes, time_spent_ms=30_000)
            apply_push(conn, user_info(conn, who), [record])
            day = now - timedelta(days=DAYS - 1 - (n * DAYS) // len(found), hours=rng.random() * 6)
            conn.execute(update(tables.annotations).where(tables.annotations.c.id == record.id).values(received_at=day))
            if rng.random() < 0.7:
                good = len(shapes) == len(truths[name]) and rng.random() < 0.9
                review = ReviewRecord(uuid7(), record.id, item_id, "accept" if good else "reject",
                                      None if good else "漏标或框不准")  # fmt: skip
                apply_push(conn, lead, [], [review])
                conn.execute(update(tables.reviews).where(tables.reviews.c.id == review.id)
                             .values(received_at=day + timedelta(hours=2)))  # fmt: skip
    engine.dispose()


def _wire(boxes):
    return [{"kind": "box", "label": label, "points": [[x1, y1], [x2, y2]]} for label, (x1, y1, x2, y2) in boxes]


def main() -> int:
    from aidou_desktop.app import create_application, create_main_window
    from take_screenshots import settle, wait_for

    data_dir = Path(tempfile.mkdtemp(prefix="aidou-dashboard-"))
    build(data_dir / "server")
    server = subprocess.Popen([sys.executable, "-m", "sync_server.cli", "serve", "--data-dir", str(data_dir / "server"),
                               "--port", "8791"], cwd=ROOT)  # fmt: skip
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen("http://127.0.0.1:8791/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.3)
        create_application("zh_CN")
        window = create_main_window(data_dir / "desktop", "http://127.0.0.1:8791")
        window.move(0, 0)
        window.resize(1366, 768)
        window.show()
        login = window.login_page
        login.username_edit.setText("lead")
        login.password_edit.setText("lead123")
        login.login_button.click()
        wait_for(lambda: window.pages.currentWidget() is window.home_page and not window.controller.busy(), 120)
        window.home_page.office_button.click()
        page = window.office_page
        wait_for(lambda: page.dashboard_tab is not None and page.dashboard_tab.order_combo.count() > 0, 60)
        page.tabs.setCurrentWidget(page.dashboard_tab)
        combo = page.dashboard_tab.order_combo
        combo.setCurrentIndex(next(i for i in range(combo.count()) if "质检演示" in combo.itemText(i)))
        settle(3)
        window.grab().save(str(OUT / "office_dashboard.png"))
        quality = page.quality_tab  # the same history on the 质量 tab: agreement, gold, gold per task kind
        page.tabs.setCurrentWidget(quality)
        combo = quality.order_combo
        index = next(i for i in range(combo.count()) if "质检演示" in combo.itemText(i))
        combo.setCurrentIndex(index)
        combo.activated.emit(index)  # as a person's choice in the list does
        wait_for(lambda: not window.controller.busy(), 60)
        settle(3)
        window.grab().save(str(OUT / "office_quality.png"))
        window.close()
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
