"""On-PC OCR of a 1080p receipt photo (issue 8: ≤ 1 s on 2 cores, off the UI thread).

The receipts are drawn by ``aidou_desktop.ocr.demo_receipts`` (Chinese text, tilt, blur,
noise) as a phone takes them, 1080×1920, and lying on a desk, 1920×1080. Reported: the
engine's load time, OCR time per photo (median / p95, warm), the error rate against the
drawn text, how long a 5 ms ticker on another Python thread — the UI thread's stand-in —
was kept waiting while OCR ran (the GIL), and the process's peak memory.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time

from aidou_desktop.ocr import character_error_rate, load_engine, recognize, suggestion_text
from aidou_desktop.ocr.demo_receipts import draw_receipt, plain_text, receipt_lines
from aidou_desktop.ocr.engine import SETTINGS
from bench.stats import summary

BUDGET_S = 1.0
RUNS = 8  # per orientation, each its own receipt
SIZES = {"phone photo 1080×1920": (1080, 1920), "on a desk 1920×1080": (1920, 1080)}


def _peak_rss_mib() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / (1024 * 1024) if sys.platform == "darwin" else kib / 1024


class Ticker:
    """A thread that wakes every 5 ms: its longest late wake-up is how long a UI thread
    would have waited for the GIL while OCR ran beside it."""

    def __init__(self, period_s: float = 0.005) -> None:
        self.period = period_s
        self.worst = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last = time.perf_counter()
        while not self._stop.wait(self.period):
            now = time.perf_counter()
            self.worst = max(self.worst, now - last - self.period)
            last = now

    def __enter__(self) -> Ticker:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def run() -> str:
    rss_before = _peak_rss_mib()
    t0 = time.perf_counter()
    load_engine()
    load_s = time.perf_counter() - t0
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    out = [
        f"engine: RapidOCR PP-OCRv4 (det + rec, no angle classifier) on ONNX Runtime, "
        f"intra-op threads {SETTINGS['intra_op_num_threads']}, inter-op {SETTINGS['inter_op_num_threads']}",
        f"engine load: {load_s * 1000:.0f} ms (once per process, in the OCR worker thread)",
    ]
    if load is not None:
        out.append(f"machine load average at the start: {load:.1f} (on {os.cpu_count()} cores)")
    for name, size in SIZES.items():
        photos = [(draw_receipt(receipt_lines(seed), seed, size=size), plain_text(receipt_lines(seed)))
                  for seed in range(RUNS)]  # fmt: skip
        recognize(photos[0][0])  # the first run of a session pays ONNX Runtime's warm-up
        times, cpu, rates = [], [], []
        with Ticker() as ticker:
            for photo, truth in photos:
                t, c = time.perf_counter(), time.process_time()
                found = recognize(photo)
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
                rates.append(character_error_rate(suggestion_text(found), truth))
        p95 = sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        verdict = "within" if p95 <= BUDGET_S * 1000 else "OVER"
        out.append(f"{name}: OCR {summary(times)}  [{verdict} the {BUDGET_S:.0f} s budget]")
        # CPU time counts every thread and is not stretched by other processes: on two idle
        # cores the wall time is about half of it; well above half means the cores were busy
        out.append(f"    CPU time (all threads): median {statistics.median(cpu):.0f} ms")
        out.append(f"    error rate vs the drawn text: mean {statistics.fmean(rates):.3f}, worst {max(rates):.3f}; "
                   f"a 5 ms ticker thread waited at most {ticker.worst * 1000:.0f} ms")  # fmt: skip
    rss_after = _peak_rss_mib()
    if rss_after is not None:
        out.append(f"peak RSS: {rss_after:.0f} MiB (before the engine: {rss_before:.0f} MiB)")
    return "\n".join(out)


if __name__ == "__main__":
    print(run())
