"""Requests sized to the link: each push or pull page should take about ``target_s``.

A base office shares ≈ 1 Mbit/s among dozens of seats, so one seat may see
16 kB/s or less. A request that moves more than the link carries within the
client's timeout fails every time and never gets smaller by itself. So the
engine times every request and scales the next one by ``target / elapsed``
(at most ×2 or ÷2 per step, like TCP's slow start), and halves it after a
failure. On a LAN the size quickly reaches the protocol's cap; on a slow link
it settles where one request takes about the target, well inside the timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from aidou_desktop.sync.errors import Offline


class RequestSizer:
    def __init__(self, maximum: int, target_s: float, start: int = 32, minimum: int = 1,
                 clock: Callable[[], float] = time.monotonic):  # fmt: skip
        self.maximum = maximum
        self.minimum = minimum
        self.target_s = target_s
        self.size = max(minimum, min(start, maximum))
        self.clock = clock
        self.history: list[tuple[int, float]] = []  # (records, seconds) of each request

    @classmethod
    def for_timeout(cls, maximum: int, read_timeout_s: float) -> RequestSizer:
        # a quarter of the timeout: a request that takes 2–3 times longer than usual still lands
        return cls(maximum, target_s=max(0.5, read_timeout_s / 4))

    def observe(self, count: int, elapsed_s: float) -> None:
        self.history.append((count, elapsed_s))
        if count <= 0:
            return
        ideal = count * self.target_s / max(elapsed_s, 1e-3)
        if count < self.size and ideal > count:
            ideal = max(ideal, self.size)  # a short last page says nothing against growing
        self.size = int(max(self.minimum, min(self.maximum, self.size * 2, max(self.size // 2, ideal))))

    def failed(self) -> None:
        self.size = max(self.minimum, self.size // 2)

    def timed(self, count: int, fn: Callable[[], object]):
        """Run ``fn`` (a request carrying ``count`` records) and learn from how long it took."""
        start = self.clock()
        try:
            result = fn()
        except Offline:  # a timeout or a cut may mean "too big for this link"; a 4xx does not
            self.failed()
            raise
        self.observe(count, self.clock() - start)
        return result
