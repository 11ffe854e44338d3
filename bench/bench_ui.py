"""Desktop speed and memory: next item on screen, cold start, RSS.

Budgets (design.md): next item ≤ 10 ms p95 (prefetched); cold start to a usable
window with an image ≤ 0.6 s; RSS ≤ 200 MiB with a 1080p image, ≤ 300 MiB with a
5,000-item batch. Runs offscreen unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.fixtures import fill_store  # noqa: E402
from bench.stats import summary  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
THINK_S = 0.04  # the annotator looks at each item at least this long; prefetch works meanwhile


def next_item_samples(items: int = 200, prefetch: bool = True) -> list[float]:
    from PySide6.QtWidgets import QApplication

    from aidou_desktop.app import create_application, create_main_window

    with tempfile.TemporaryDirectory() as tmp:
        fill_store(Path(tmp), items).close()
        app = create_application("zh_CN")
        window = create_main_window(tmp)
        window.resize(1366, 768)
        window.show()
        window.open_batch(1)
        page = window.annotate_page
        samples = []
        for _ in range(items - 1):
            deadline = time.perf_counter() + THINK_S
            while time.perf_counter() < deadline:
                QApplication.processEvents()
                time.sleep(0.002)
            if not prefetch:
                page.cache.clear()
            t0 = time.perf_counter()
            page.next_item()
            page.canvas.viewport().repaint()  # painted, not merely scheduled
            samples.append((time.perf_counter() - t0) * 1000)
        window.close()
        app.processEvents()
    return samples


def _child(mode: str, data_dir: str) -> tuple[float, str]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "bench.ui_child", mode, data_dir], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return time.perf_counter() - t0, out.strip().splitlines()[-1]


def cold_start(runs: int = 5) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        fill_store(Path(tmp), 20).close()
        _child("cold", tmp)  # first run warms the OS file cache, as on a PC used every day
        return [_child("cold", tmp)[0] for _ in range(runs)]


def rss(count: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        fill_store(Path(tmp), count, files=30).close()
        return float(_child("rss", tmp)[1].split()[1])


def run() -> str:
    warm = next_item_samples(200, prefetch=True)
    cold = next_item_samples(60, prefetch=False)
    starts = cold_start()
    lines = [
        f"next item on screen (prefetched)   {summary(warm)}   budget p95 ≤ 10 ms",
        f"next item on screen (no prefetch)  {summary(cold)}",
        f"cold start to a usable window      median {statistics.median(starts) * 1000:7.0f} ms   "
        f"min {min(starts) * 1000:.0f} ms (n={len(starts)})   budget ≤ 600 ms",
        f"RSS, 1080p batch of 20 open        {rss(20):7.1f} MiB   budget ≤ 200 MiB",
        f"RSS, 5,000-item batch open         {rss(5000):7.1f} MiB   budget ≤ 300 MiB",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
