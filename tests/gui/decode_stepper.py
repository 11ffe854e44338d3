"""Child process of test_decode_memory: steps through 1080p photos as the annotate page
does (the item's image from the cache, the next two and the one behind decoded ahead),
in a process set up as the app's ``main`` sets it up, then prints two figures in MiB:
how much the process grew, and what the cache holds (its frames, decoded)."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QGuiApplication  # noqa: E402

from aidou_desktop.app import tune_process  # noqa: E402
from aidou_desktop.ui.annotate_page import PREFETCH_AHEAD  # noqa: E402
from aidou_desktop.ui.image_cache import ImageCache  # noqa: E402
from bench.fixtures import scene_jpegs  # noqa: E402
from bench.ui_child import rss_mib  # noqa: E402

STEPS = 20


def main(folder: Path) -> None:
    tune_process()
    app = QGuiApplication([])  # noqa: F841  (QImage wants one)
    paths = [folder / f"{n}.jpg" for n in range(STEPS + PREFETCH_AHEAD)]
    for path, jpeg in zip(paths, scene_jpegs(len(paths), distinct=2)):
        path.write_bytes(jpeg)
    base = rss_mib()
    cache = ImageCache()
    for n in range(STEPS):
        image = cache.get(paths[n])
        cache.prefetch(paths[n + 1 : n + 1 + PREFETCH_AHEAD] + paths[max(0, n - 1) : n])
    del image
    deadline = time.monotonic() + 30
    while not all(cache.is_decoded(key) for key in cache.held()) and time.monotonic() < deadline:
        time.sleep(0.01)  # the decodes ahead finish: their working buffers are gone
    time.sleep(0.1)
    print(f"{rss_mib() - base:.1f} {cache.held_bytes() / 2**20:.1f}", flush=True)
    cache.shutdown()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
