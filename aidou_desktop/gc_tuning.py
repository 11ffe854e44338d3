"""Cycle-collector settings for the app process (and the benchmarks that stand in for it).

A sync round builds and drops ~100,000 small dicts, lists and dataclasses per 10,000
annotations. At CPython's default threshold (a collection every 700 new containers)
the collector ran hundreds of times per push, each pass walking the live Qt and
store objects: ~30% of the client's push time. The app's cycles (Qt wrappers, mostly)
do not need to be freed promptly, so collect less often, and never rescan what was
loaded at start.
"""

from __future__ import annotations

import gc

GEN0_THRESHOLD = 10_000


def tune_gc() -> None:
    gc.collect()
    gc.freeze()  # what is alive now (modules, classes) stays alive: not worth rescanning
    gc.set_threshold(GEN0_THRESHOLD, 10, 10)
