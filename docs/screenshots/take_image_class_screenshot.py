"""Save image_class.png: a multi-label image-classification order of the demo's street
scenes, its first scene classed by number keys on the annotate page.

The demo has no image-class order, so this script makes its own server: the demo office
in a fresh data dir, plus that order, one batch leased to anno1; then the real app logs
in, syncs, downloads and classes.

    Xvfb :99 -screen 0 1366x768x24 &
    DISPLAY=:99 python docs/screenshots/take_image_class_screenshot.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs" / "screenshots"))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from sqlalchemy import select  # noqa: E402

from aidou_desktop.app import create_application, create_main_window  # noqa: E402
from sync_server.db.accounts import first_office_id  # noqa: E402
from sync_server.db.blobs import BlobStore  # noqa: E402
from sync_server.db.clock import utc_now  # noqa: E402
from sync_server.db.engine import default_db_url, make_engine, write_transaction  # noqa: E402
from sync_server.db.tables import batches, users  # noqa: E402
from sync_server.orders.demo import seed_demo  # noqa: E402
from sync_server.orders.demo_images import make_demo_images  # noqa: E402
from sync_server.orders.importing import import_order  # noqa: E402
from sync_server.orders.leasing import lease_batch  # noqa: E402
from sync_server.protocol import TASK_IMAGE_CLASS, Label, LabelSchema  # noqa: E402
from take_screenshots import settle, wait_for  # noqa: E402

OUT = Path(__file__).resolve().parent
PORT = 8791
SCHEMA = LabelSchema(1, [Label("crowded", "拥堵", "#e6194b"), Label("pedestrians", "有行人", "#3cb44b"),
                         Label("bus", "有公交车", "#4363d8"), Label("cyclists", "有骑行者", "#f58231"),
                         Label("clear", "路面通畅", "#911eb4")], multi_label=True)  # fmt: skip
GUIDELINES = "# 街景属性分类\n\n每张图可选 **多个** 属性（数字键 1–5，再按一次取消）；都不符合时按 E。"


def make_server_data(data_dir: Path) -> None:
    seed_demo(data_dir)
    engine = make_engine(default_db_url(data_dir))
    with write_transaction(engine) as conn, tempfile.TemporaryDirectory() as scratch:
        images = make_demo_images(Path(scratch), 20, seed=11)
        order_id = import_order(conn, BlobStore(data_dir / "blobs"), first_office_id(conn), "街景属性分类",
                                TASK_IMAGE_CLASS, SCHEMA, GUIDELINES, images, price_cents=4, batch_size=20)  # fmt: skip
        batch_id = conn.execute(select(batches.c.id).where(batches.c.order_id == order_id)).scalar_one()
        anno1 = conn.execute(select(users.c.id).where(users.c.username == "anno1")).scalar_one()
        lease_batch(conn, batch_id, anno1, utc_now() + timedelta(days=3))
    engine.dispose()


def main() -> int:
    scratch = Path(tempfile.mkdtemp(prefix="aidou-shots-"))
    make_server_data(scratch / "server")
    server = subprocess.Popen([sys.executable, "-m", "sync_server.cli", "serve", "--data-dir", str(scratch / "server"),
                               "--port", str(PORT)], cwd=ROOT)  # fmt: skip
    try:
        create_application("zh_CN")
        window = create_main_window(scratch / "desk", f"http://127.0.0.1:{PORT}")
        window.move(0, 0)
        window.resize(1366, 768)
        window.show()
        window.activateWindow()
        wait_for(window.isActiveWindow, 10)
        settle(2.0)  # the server starting
        login = window.login_page
        login.username_edit.setText("anno1")
        login.password_edit.setText("anno123")
        login.login_button.click()
        home = window.home_page
        wait_for(lambda: window.pages.currentWidget() is home and home.model.rowCount() > 0
                 and not window.controller.busy())  # fmt: skip
        row = next(r for r in range(home.model.rowCount())
                   if window.store.order(home.model.summary(r).order_id).task_kind == TASK_IMAGE_CLASS)  # fmt: skip
        home.table.selectRow(row)
        home.download_button.click()
        wait_for(lambda: not window.controller.busy() and home.selected_batch().downloaded == home.selected_batch().total)
        home.annotate_button.click()
        wait_for(lambda: window.pages.currentWidget() is window.annotate_page)
        settle(0.5)
        page = window.annotate_page
        view = page.editor.focus_widget()
        for key in (Qt.Key.Key_4, Qt.Key.Key_5):  # a cyclist on a clear road
            QTest.keyClick(view, key)
        settle(0.5)
        window.grab().save(str(OUT / "image_class.png"))
        print("image class:", page.current_item().name, [s.label for s in page.editor.shapes()])
        window.close()
    finally:
        server.terminate()
        server.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
