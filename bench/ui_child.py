"""Runs in its own process for bench_ui: cold start, or memory with a batch open.

    python -m bench.ui_child cold DATA_DIR      prints "usable" when the first image is painted
    python -m bench.ui_child rss DATA_DIR       prints the RSS in MiB with the batch open
"""

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main(mode: str, data_dir: str) -> None:
    from aidou_desktop.app import create_application, create_main_window

    app = create_application("zh_CN")
    window = create_main_window(data_dir)
    window.resize(1366, 768)
    window.show()
    window.open_batch(1)
    window.annotate_page.canvas.viewport().repaint()  # synchronous paint of the first image
    app.processEvents()
    if mode == "cold":
        print("usable", flush=True)
    else:
        for _ in range(20):
            window.annotate_page.next_item()
            app.processEvents()
        print(f"rss {rss_mib():.1f}", flush=True)
    window.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
