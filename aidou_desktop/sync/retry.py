"""Capped, jittered exponential backoff for ``Offline`` within one sync run.

One ``Retrier`` serves a whole run and holds its time budget, so a dead link
costs the UI a bounded wait (~10 s by default), not a wait per request.
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
    budget_s: float = 10.0  # no retry starts after this long into the run


UI_POLICY = RetryPolicy()
# headless: nobody waits on a window, but cron runs again soon anyway
CLI_POLICY = RetryPolicy(attempts=4, base_s=1.0, cap_s=10.0, budget_s=60.0)
NO_RETRY = RetryPolicy(attempts=1)


class Retrier:
    def __init__(self, policy: RetryPolicy = UI_POLICY, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):  # fmt: skip
        self.policy = policy
        self.sleep = sleep
        self.clock = clock
        self.started = clock()

    def call(self, fn: Callable[[], T], what: str = "request") -> T:
        attempt = 0
        while True:
            attempt += 1
            try:
                return fn()
            except Offline as exc:
                # "full jitter": 50 desks coming back at once do not retry in step
                delay = random.uniform(0, min(self.policy.cap_s, self.policy.base_s * 2 ** (attempt - 1)))
                spent = self.clock() - self.started
                if attempt >= self.policy.attempts or spent + delay > self.policy.budget_s:
                    raise
                log.info("%s offline (%s); retry %d in %.1f s", what, exc, attempt, delay)
                self.sleep(delay)
