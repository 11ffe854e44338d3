"""Text pages: marking an entity in a long dialogue, and opening a large text batch.

Budgets (issue 8): a 5,000-character Chinese dialogue with 500 entities stays fluid,
adding an entity ≤ 16 ms p95; a 10,000-item text batch opens at once. Runs offscreen
unless QT_QPA_PLATFORM says otherwise.

Adding an entity is measured the way a person does it: a mouse drag over the text
(not timed), then the number key — timed from the key press until the page has checked
the rules, saved the revision durably, shown the new tint, tag and list row, and
repainted. Opening goes the real way: the store's ``open_batch`` (ids and the resume
point), the page, the first text painted.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.stats import summary  # noqa: E402

DIALOGUE_CHARS, SPANS, ADDS = 5_000, 500, 100
SLOT = 8  # characters per entity slot: a 3-character entity and the text between (625 slots)
BATCH, TEXT_CHARS = 10_000, 300

ENTITIES = [("PER", "人名", "#e6194b"), ("LOC", "地名", "#3cb44b"), ("PHONE", "电话", "#4363d8"),
            ("PROD", "产品", "#911eb4"), ("ORG", "机构", "#f58231")]  # fmt: skip
PHRASES = ["客服：您好，请问有什么可以帮您？", "客户：我上周买的手机屏幕坏了。", "客服：请提供一下订单号。",
           "客户：我住在北京市朝阳区。", "客服：好的，我帮您登记退货。", "客户：快递什么时候能到？",
           "客服：预计三天内送达。", "客户：谢谢，再见！"]  # fmt: skip


def dialogue(chars: int, seed: int = 8) -> str:
    rng = random.Random(seed)
    parts, size = [], 0
    while size < chars:
        parts.append(rng.choice(PHRASES) + "\n")
        size += len(parts[-1])
    return "".join(parts)[:chars]


def _seed(data_dir: Path, task_kind: str, texts: list[str], saved: dict[int, list] | None = None) -> list[int]:
    from aidou_desktop.store import Store
    from bench.fixtures import PASSWORD, USER
    from sync_server.protocol import Batch, Change, Item, Label, LabelSchema, LoginResponse, Order, to_wire

    schema = LabelSchema(1, [Label(*e) for e in ENTITIES])
    ids = list(range(1, len(texts) + 1))
    store = Store(data_dir)
    store.remember_login("http://127.0.0.1:9", PASSWORD, LoginResponse("bench-token", USER, "2026-11-25T00:00:00Z"))
    order = Order(1, "客服对话", task_kind, schema, "# 标注规范", 8)
    changes = [Change(1, "order", to_wire(order)),
               Change(2, "batch", to_wire(Batch(1, 1, "批次 1", USER.id, "2030-01-01T00:00:00Z", ids)))]  # fmt: skip
    changes += [Change(3 + n, "item", to_wire(Item(i, 1, 1, f"对话_{i:05}", 0, 0, "", 0, 0, 0, text)))
                for n, (i, text) in enumerate(zip(ids, texts))]  # fmt: skip
    store.apply_changes(changes, str(len(changes)))
    for item_id, shapes in (saved or {}).items():
        store.save_shapes(item_id, shapes)
    store.close()
    return ids


def _window(data_dir: Path):
    from aidou_desktop.app import create_application, create_main_window

    app = create_application("zh_CN")
    window = create_main_window(data_dir)
    window.resize(1366, 768)
    window.show()
    window.activateWindow()
    app.processEvents()
    return app, window


def span_adds(data_dir: Path) -> tuple[list[float], list[float], list[float], float]:
    """Mark ``ADDS`` entities in the dialogue already holding ``SPANS``; returns the key-press
    times (wall clock, and this process's CPU time: on a shared machine the wall clock also
    counts waiting for a core), the drag-select times and the time to open the item."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    from sync_server.protocol import Shape

    text = dialogue(DIALOGUE_CHARS)
    slots = [(n * SLOT, n * SLOT + 3) for n in range(DIALOGUE_CHARS // SLOT)]
    random.Random(3).shuffle(slots)
    saved = sorted(slots[:SPANS])
    free = slots[SPANS : SPANS + ADDS]
    assert len(free) == ADDS
    shapes = [Shape("span", ENTITIES[k % len(ENTITIES)][0], [[s, e]]) for k, (s, e) in enumerate(saved)]
    _seed(data_dir, "ner", [text, "下一段对话。"], {1: shapes})
    app, window = _window(data_dir)
    t0 = time.perf_counter()
    window.open_batch(1)  # opens at the first unlabelled item: the second
    page = window.annotate_page
    page.go_to(0)
    page.editor.view.viewport().repaint()
    opened = (time.perf_counter() - t0) * 1000
    view = page.editor.view
    assert len(view.marks) == SPANS

    def at(position: int) -> QPoint:
        cursor = QTextCursor(view.document())
        cursor.setPosition(position)
        rect = view.cursorRect(cursor)
        return QPoint(rect.left() + 1, rect.center().y())

    key_ms, cpu_ms, drag_ms = [], [], []
    for n, (start, end) in enumerate(free):
        view.reveal(start)  # scrolled into sight, as a person would scroll to it
        app.processEvents()
        t0 = time.perf_counter()
        a, b = at(start), at(end)
        QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
        QTest.mouseMove(view.viewport(), (a + b) / 2)
        QTest.mouseMove(view.viewport(), b)  # the selection ends where the mouse last moved
        QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
        drag_ms.append((time.perf_counter() - t0) * 1000)
        assert view.textCursor().selectedText().replace("\u2029", "\n") == text[start:end]
        t0, c0 = time.perf_counter(), time.process_time()
        QTest.keyClick(view, getattr(Qt.Key, f"Key_{1 + n % len(ENTITIES)}"))
        view.viewport().repaint()
        key_ms.append((time.perf_counter() - t0) * 1000)
        cpu_ms.append((time.process_time() - c0) * 1000)
        app.processEvents()
    stored = page.store.annotation(1).shapes
    assert len(stored) == SPANS + ADDS, len(stored)
    window.close()
    app.processEvents()
    return key_ms, cpu_ms, drag_ms, opened


def batch_opens(data_dir: Path, opens: int = 7) -> tuple[list[float], list[float], float]:
    """Open the 10,000-item text batch from the home page ``opens`` times (to the text painted);
    and, for comparison, reading every item's text as the page once did."""
    texts = [f"第{i}条 " + dialogue(TEXT_CHARS, seed=i % 50) for i in range(BATCH)]
    t0 = time.perf_counter()
    _seed(data_dir, "text_class", texts)
    seeded = time.perf_counter() - t0
    app, window = _window(data_dir)
    open_ms, whole_ms = [], []
    for _ in range(opens):
        window.show_home()
        app.processEvents()
        t0 = time.perf_counter()
        window.open_batch(1)
        window.annotate_page.editor.text_view.viewport().repaint()
        open_ms.append((time.perf_counter() - t0) * 1000)
        assert len(window.annotate_page.items) == BATCH
        t0 = time.perf_counter()
        window.store.ready_items(1)
        whole_ms.append((time.perf_counter() - t0) * 1000)
    window.close()
    app.processEvents()
    return open_ms, whole_ms, seeded


def run() -> str:
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        key_ms, cpu_ms, drag_ms, opened = span_adds(Path(tmp) / "ner")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        lines.append(f"NER, {DIALOGUE_CHARS:,}-character dialogue with {SPANS} entities (+{ADDS} added), "
                     f"load average {load:.1f}:")  # fmt: skip
        lines.append(f"{'    add an entity (number key → saved, painted)':<50}{summary(key_ms)}   budget p95 ≤ 16 ms")
        lines.append(f"{'        of which CPU time of this process':<50}{summary(cpu_ms)}")
        lines.append(f"{'    select its text (mouse drag)':<50}{summary(drag_ms)}")
        lines.append(f"{'    open the item (to painted)':<50}{opened:7.1f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        open_ms, whole_ms, seeded = batch_opens(Path(tmp) / "batch")
        lines.append(f"text batch of {BATCH:,} items, {TEXT_CHARS} characters each (seeded in {seeded:.1f} s):")
        lines.append(f"{'    open it (store → page → text painted)':<50}{summary(open_ms)}")
        lines.append(f"{'    reading all its items instead (old way)':<50}{summary(whole_ms)}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
