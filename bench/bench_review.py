"""The lead's review page with a 10,000-item queue: next item, verdicts, the queue query.

Budget (issue 7): the review queue shows the next item in ≤ 10 ms p95 with 10,000
items in the queue. The queue itself is one SQL query, run when the page opens and
on every filter change; a verdict moves the accept rate by one instead of recounting.
Runs offscreen unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.fixtures import PASSWORD, USER, fill_store  # noqa: E402
from bench.stats import summary  # noqa: E402

QUEUE = 10_000
THINK_S = 0.04  # the lead looks at each item at least this long; prefetch works meanwhile
LEAD_ID = 2


def fill_review_store(data_dir: Path, count: int = QUEUE):
    """The bench batch, each item with the annotator's revision from the feed, and a lead
    logged in on the PC (as after the lead's first sync)."""
    from aidou_desktop.model import UserInfo
    from sync_server.protocol import AnnotationRecord, Change, LoginResponse, Shape, to_wire, uuid7

    store = fill_store(data_dir, count, files=30)
    lead = UserInfo(LEAD_ID, "lead", "组长", "lead", USER.office_id, USER.office_name)
    store.remember_login("http://127.0.0.1:9", PASSWORD, LoginResponse("bench-lead", lead, "2026-11-25T00:00:00Z"))
    shape = Shape("box", "car", [[100, 100], [600, 400]])
    seq = count + 3  # after the order, batch and items fill_store applied
    for start in range(1, count + 1, 2_000):
        changes = []
        for item_id in range(start, min(start + 2_000, count + 1)):
            record = AnnotationRecord(uuid7(), item_id, 1, None, [shape], 20_000, annotator_id=USER.id,
                                      received_at="2026-11-25T09:00:00Z")  # fmt: skip
            changes.append(Change(seq, "annotation", to_wire(record)))
            seq += 1
        store.apply_changes(changes, str(seq - 1))
    return store


def timed(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def page_samples(data_dir: str, moves: int = 200, verdicts: int = 50) -> tuple[list[float], list[float], float]:
    from PySide6.QtWidgets import QApplication

    from aidou_desktop.app import create_application, create_main_window

    app = create_application("zh_CN")
    window = create_main_window(data_dir)
    window.resize(1366, 768)
    window.show()
    t0 = time.perf_counter()
    window.open_review()
    app.processEvents()
    opened_ms = (time.perf_counter() - t0) * 1000
    page = window.review_page
    assert page.model.rowCount() == QUEUE, page.model.rowCount()

    def look() -> None:
        deadline = time.perf_counter() + THINK_S
        while time.perf_counter() < deadline:
            QApplication.processEvents()
            time.sleep(0.002)

    moving, judging = [], []
    for _ in range(moves):
        look()
        t0 = time.perf_counter()
        page.next_item()
        page.canvas.viewport().repaint()  # painted, not merely scheduled
        moving.append((time.perf_counter() - t0) * 1000)
    for _ in range(verdicts):
        look()
        t0 = time.perf_counter()
        page.accept_current()  # what Enter does: save the verdict, recount, show the next item
        page.canvas.viewport().repaint()
        judging.append((time.perf_counter() - t0) * 1000)
    window.close()
    app.processEvents()
    return moving, judging, opened_ms


def run() -> str:
    from aidou_desktop.model.review import SUBMITTED

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        store = fill_review_store(Path(tmp))
        seeded_s = time.perf_counter() - t0
        query = timed(lambda: store.review_queue(status=SUBMITTED), 20)
        sampled = timed(lambda: store.review_queue(status=SUBMITTED, sample_percent=20, seed="lead:2026-11-25"), 20)
        rate = timed(lambda: store.accept_rate(), 20)
        store.close()
        moving, judging, opened_ms = page_samples(tmp)
    lines = [
        f"queue of {QUEUE:,} items seeded in {seeded_s:.1f} s (bulk apply_changes)",
        f"next item on screen (J / ↓)        {summary(moving)}   budget p95 ≤ 10 ms",
        f"accept + next item (Enter)         {summary(judging)}   (the verdict written durably)",
        f"queue query, {QUEUE:,} items        {summary(query)}",
        f"queue query, 20 % sample           {summary(sampled)}",
        f"accept rate                        {summary(rate)}",
        f"review page opened (all queries)   {opened_ms:7.0f} ms",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
