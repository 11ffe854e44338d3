"""Login throttling, in memory in the server process: too many wrong passwords for one
account, or from one address, lock further attempts out for a while.

A lockout ends ``window`` after the last counted failure (sliding with failures); attempts
refused while locked check no password and are not counted. Usernames nobody has are
counted like real ones, so guessing names locks out too and the answer tells nothing.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

from sync_server.api.errors import ApiError

ACCOUNT_LIMIT = 5  # failed logins per username within the window
ADDRESS_LIMIT = 20  # failed logins per client address within the window
WINDOW_SECONDS = 15 * 60
_SWEEP_AT = 10_000  # keys held before forgotten ones are swept out


class _Failures:
    def __init__(self) -> None:
        self.times: deque[float] = deque()  # failures within the window, oldest first
        self.locked_until = 0.0


class LoginThrottle:
    """Thread-safe counts of failed logins per username and per address."""

    def __init__(
        self,
        account_limit: int = ACCOUNT_LIMIT,
        address_limit: int = ADDRESS_LIMIT,
        window_seconds: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.account_limit = account_limit
        self.address_limit = address_limit
        self.window = window_seconds
        self.clock = clock
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], _Failures] = {}

    def retry_after(self, username: str, address: str) -> int | None:
        """Whole seconds until this attempt may be tried, or None when it may go ahead."""
        now = self.clock()
        with self._lock:
            waits = [self._wait(("account", username), now), self._wait(("address", address), now)]
        wait = max(waits)
        return max(1, math.ceil(wait)) if wait > 0 else None

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) >= _SWEEP_AT:
                self._sweep(now)
            for key, limit in ((("account", username), self.account_limit), (("address", address), self.address_limit)):
                failures = self._failures.setdefault(key, _Failures())
                self._prune(failures, now)
                failures.times.append(now)
                if len(failures.times) >= limit:
                    failures.locked_until = now + self.window

    def succeeded(self, username: str) -> None:
        """A right password clears the account's count (not the address's: one right
        login does not license another hundred guesses at other names)."""
        with self._lock:
            self._failures.pop(("account", username), None)

    def _wait(self, key: tuple[str, str], now: float) -> float:
        failures = self._failures.get(key)
        return failures.locked_until - now if failures and failures.locked_until > now else 0.0

    def _prune(self, failures: _Failures, now: float) -> None:
        while failures.times and failures.times[0] <= now - self.window:
            failures.times.popleft()

    def _sweep(self, now: float) -> None:
        stale = [
            key
            for key, failures in self._failures.items()
            if failures.locked_until <= now and (not failures.times or failures.times[-1] <= now - self.window)
        ]
        for key in stale:
            del self._failures[key]


def refuse_if_locked(throttle: LoginThrottle, username: str, address: str) -> None:
    """429 ``too_many_attempts`` with ``Retry-After`` while the account or address is locked."""
    wait = throttle.retry_after(username, address)
    if wait is None:
        return
    minutes = math.ceil(wait / 60)
    message = f"too many failed logins; try again in {minutes} minutes / 登录失败次数过多，请 {minutes} 分钟后再试"
    error = ApiError(429, "too_many_attempts", message)
    error.headers = {"Retry-After": str(wait)}
    raise error
