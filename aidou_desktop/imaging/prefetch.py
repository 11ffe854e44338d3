"""Decoding ahead of need: a small LRU of decoded images filled by a thread pool.

Plain Python (no Qt): the UI's ``ImageCache`` plugs in the decoder and the size of
what it makes. The policy (issue 12):

- ``prefetch(keys)`` names what the viewer needs next, most needed first. Each key is
  kept — its recency refreshed, so it is the last to go — or starts decoding. A key
  that is already held is never left to age out because it was asked for earlier:
  resuming a batch mid-way once evicted the next item on every step.
- ``get(key)`` refreshes recency too; a key not held is decoded now (and counted).
- Bounded by count and by bytes. The least recently needed goes first; a decode still
  running counts as big as the biggest image seen, so finishing it cannot overshoot.
  The most recently needed entry is never evicted, whatever the bounds.

Not thread-safe: one thread (the UI's) calls it; only the decoding runs in the pool.
Decoders that release the GIL (OpenCV does) make the pool's threads run in parallel.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, Hashable, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass
class CacheStats:
    """What ``get`` found: decoded ahead (``ready``), still decoding (``waited``), or not
    held at all, decoded on demand (``missed``); and how many entries were evicted."""

    ready: int = 0
    waited: int = 0
    missed: int = 0
    evicted: int = 0


class DecodeAhead(Generic[K, V]):
    def __init__(self, load: Callable[[K], V], size_of: Callable[[V], int] = lambda _value: 0,
                 capacity: int = 4, max_bytes: int | None = None, threads: int = 2) -> None:  # fmt: skip
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self._load = load
        self._size_of = size_of
        self._entries: OrderedDict[K, Future] = OrderedDict()  # least recently needed first
        self._sizes: dict[K, int] = {}  # of the decoded entries
        self._largest = 0  # biggest decoded value seen: what a running decode is assumed to take
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="decode")

    # ------------------------------------------------------------ the policy

    def prefetch(self, keys: Iterable[K]) -> None:
        """Keep these (most needed first) and start decoding those not held yet."""
        wanted = list(dict.fromkeys(keys))
        for key in wanted:  # the pool starts on the most needed one first
            if key not in self._entries:
                self._entries[key] = self._pool.submit(self._load, key)
        for key in reversed(wanted):  # ... and it ends up the most recently needed
            self._entries.move_to_end(key)
        self._trim()

    def get(self, key: K) -> V:
        """The decoded value: at once when decoded ahead, else decoded now. A decoder's
        exception is raised, and the key is not kept (a broken file is tried afresh)."""
        future = self._entries.get(key)
        if future is None:
            self.stats.missed += 1
            future = self._entries[key] = self._pool.submit(self._load, key)
        elif future.done():
            self.stats.ready += 1
        else:
            self.stats.waited += 1
        self._entries.move_to_end(key)
        try:
            value = future.result()
        except BaseException:
            self._drop(key)
            raise
        self._trim()
        return value

    def held(self) -> list[K]:
        """The keys held (decoded or decoding), least recently needed first."""
        return list(self._entries)

    def is_decoded(self, key: K) -> bool:
        """Held and decoded without error: ``get`` would return it at once."""
        future = self._entries.get(key)
        return future is not None and future.done() and not future.cancelled() and future.exception() is None

    def held_bytes(self) -> int:
        """The decoded entries' size, plus the assumed size of those still decoding."""
        return sum(self._size(key, future) for key, future in self._entries.items())

    # ------------------------------------------------------------ housekeeping

    def clear(self) -> None:
        for future in self._entries.values():
            future.cancel()
        self._entries.clear()
        self._sizes.clear()

    def shutdown(self) -> None:
        self.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _size(self, key: K, future: Future) -> int:
        if key in self._sizes:
            return self._sizes[key]
        if not future.done():
            return self._largest
        if future.cancelled() or future.exception() is not None:
            return 0
        size = self._sizes[key] = self._size_of(future.result())
        self._largest = max(self._largest, size)
        return size

    def _trim(self) -> None:
        while len(self._entries) > 1 and (len(self._entries) > self.capacity or self._over_bytes()):
            key = next(iter(self._entries))
            self._drop(key)
            self.stats.evicted += 1

    def _over_bytes(self) -> bool:
        return self.max_bytes is not None and self.held_bytes() > self.max_bytes

    def _drop(self, key: K) -> None:
        future = self._entries.pop(key, None)
        self._sizes.pop(key, None)
        if future is not None:
            future.cancel()  # a decode not started yet never runs; a running one is simply dropped
