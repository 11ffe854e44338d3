"""Capped, jittered exponential backoff for ``Offline`` within one sync run.

One ``Retrier`` serves a whole run and holds its time budget, so a dead link
costs the UI a bounded wait (~10 s by default), not a wait per request.

Delays are "full jitter" (uniform between 0 and the capped exponential
ceiling): 50 desks that lose the server together do not come back in step,
and none retries on a fixed short interval. A download that was cut after it
made progress resets both the attempt count and the budget: the link works,
and a long batch over a flaky link must not run out of retries half way.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from aidou_desktop.sync.errors import Offline

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3  # tries per call, the first one included
    base_s: float = 0.5  # first backoff ceiling; doubles each time
    cap_s: float = 4.0  # largest single backoff
    budget_s: float = 10.0  # no retry starts after this long without progress

    def ceiling(self, attempt: int) -> float:
        """The largest delay after failed try number ``attempt`` (1-based)."""
        return min(self.cap_s, self.base_s * 2 ** (attempt - 1))


UI_POLICY = RetryPolicy()
# headless: nobody waits on a window, but cron runs again soon anyway
CLI_POLICY = RetryPolicy(attempts=4, base_s=1.0, cap_s=10.0, budget_s=60.0)
NO_RETRY = RetryPolicy(attempts=1)


class Retrier:
    def __init__(self, policy: RetryPolicy = UI_POLICY, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic, rng: random.Random | None = None):  # fmt: skip
        self.policy = policy
        self.sleep = sleep
        self.clock = clock
        # one generator per process, seeded from the OS: two desks never share a sequence
        self.rng = rng or random.SystemRandom()
        self.started = clock()
        self.delays: list[float] = []  # every backoff slept, for logs and tests

    def delay(self, attempt: int) -> float:
        return self.rng.uniform(0, self.policy.ceiling(attempt))

    def call(self, fn: Callable[[], T], what: str = "request") -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                return fn()
            except Offline as exc:
                if getattr(exc, "received", 0) > 0:
                    attempt = 1  # progress: the link is alive, start the backoff and budget again
                    self.started = self.clock()
                delay = self.delay(attempt)
                spent = self.clock() - self.started
                if attempt >= self.policy.attempts or spent + delay > self.policy.budget_s:
                    raise
                log.info("%s offline (%s); retry %d in %.2f s", what, exc, attempt, delay)
                self.delays.append(delay)
                self.sleep(delay)
