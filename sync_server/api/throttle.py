"""Login throttling, in memory in the server process: too many wrong passwords for one
account, or from one address, lock further attempts out for a while.

A lockout ends ``window`` after the last counted failure (sliding with failures); attempts
refused while locked check no password and are not counted. Usernames nobody has are
counted like real ones, so guessing names locks out too and the answer tells nothing.

The limits hold under a burst, too: an attempt is admitted only while the failures so far
plus the attempts still being checked stay under the limit, and otherwise waits for one of
those to finish. Counting failures only after the slow hash let 58 parallel guesses from one
address through a limit of 20; now a burst of guesses is checked at most ``limit`` times,
while a burst of right passwords (an office behind one address at 8 o'clock) only queues.
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
ADMIT_WAIT_SECONDS = 30.0  # how long a queued attempt waits for others to finish
BUSY_RETRY_SECONDS = 5  # Retry-After when it waited that long in vain


class _Failures:
    def __init__(self) -> None:
        self.times: deque[float] = deque()  # failures within the window, oldest first
        self.locked_until = 0.0
        self.pending = 0  # admitted attempts whose password is still being checked


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
        self._settled = threading.Condition(self._lock)
        self._failures: dict[tuple[str, str], _Failures] = {}

    def _keys(self, username: str, address: str) -> tuple[tuple[tuple[str, str], int], ...]:
        return (("account", username), self.account_limit), (("address", address), self.address_limit)

    def admit(self, username: str, address: str, wait_seconds: float = ADMIT_WAIT_SECONDS) -> int | None:
        """None when this attempt may check its password (``settle`` must follow), or the
        whole seconds to wait: the account or address is locked, or stayed full too long."""
        deadline = time.monotonic() + wait_seconds
        with self._lock:
            while True:
                now = self.clock()
                wait = max(self._wait(key, now) for key, _limit in self._keys(username, address))
                if wait > 0:
                    return max(1, math.ceil(wait))
                if len(self._failures) >= _SWEEP_AT:
                    self._sweep(now)
                entries = []
                for key, limit in self._keys(username, address):
                    failures = self._failures.setdefault(key, _Failures())
                    self._prune(failures, now)
                    entries.append((failures, limit))
                if all(len(f.times) + f.pending < limit for f, limit in entries):
                    for failures, _limit in entries:
                        failures.pending += 1
                    return None
                left = deadline - time.monotonic()
                if left <= 0 or not self._settled.wait(left):
                    return BUSY_RETRY_SECONDS

    def settle(self, username: str, address: str, ok: bool | None) -> None:
        """The admitted attempt's outcome. A right password clears the account's count (not
        the address's: one right login does not license another hundred guesses at other
        names); a wrong one counts against both and may lock them; None (no password was
        judged: the database failed) only frees its place."""
        now = self.clock()
        with self._lock:
            for key, limit in self._keys(username, address):
                failures = self._failures.setdefault(key, _Failures())
                failures.pending = max(0, failures.pending - 1)
                if ok is not False:
                    continue
                self._prune(failures, now)
                failures.times.append(now)
                if len(failures.times) >= limit:
                    failures.locked_until = now + self.window
            if ok:
                account = self._failures.get(("account", username))
                if account is not None:
                    account.times.clear()
            self._settled.notify_all()

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
            if failures.pending == 0
            and failures.locked_until <= now
            and (not failures.times or failures.times[-1] <= now - self.window)
        ]
        for key in stale:
            del self._failures[key]


def admit_or_refuse(throttle: LoginThrottle, username: str, address: str) -> None:
    """Admit the attempt (the caller then settles it), or 429 ``too_many_attempts`` with
    ``Retry-After`` while the account or address is locked."""
    wait = throttle.admit(username, address)
    if wait is None:
        return
    minutes = math.ceil(wait / 60)
    message = f"too many failed logins; try again in {minutes} minutes / 登录失败次数过多，请 {minutes} 分钟后再试"
    error = ApiError(429, "too_many_attempts", message)
    error.headers = {"Retry-After": str(wait)}
    raise error
