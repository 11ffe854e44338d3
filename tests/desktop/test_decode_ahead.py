"""The decode-ahead cache's keeping policy (issue 12), with a fake decoder: no Qt, no files.

A viewer at item i calls ``get(i)`` then ``prefetch([i+1, i+2, i-1])``, as the annotate
page does. From any starting item, stepping forward must find the next item decoded.
"""

from __future__ import annotations

import threading
import time

import pytest

from aidou_desktop.imaging import DecodeAhead

AHEAD = 2


class FakeDecoder:
    """Decodes key k to ("img", k) of ``size`` bytes; can hold decodes until released."""

    def __init__(self, size: int = 10) -> None:
        self.size = size
        self.calls: list[int] = []
        self.gate = threading.Event()
        self.gate.set()
        self.lock = threading.Lock()

    def __call__(self, key: int) -> tuple[str, int]:
        self.gate.wait(5)
        with self.lock:
            self.calls.append(key)
        if key < 0:
            raise ValueError(f"broken {key}")
        return ("img", key)

    def size_of(self, _value) -> int:
        return self.size


def view(cache: DecodeAhead, index: int, step: int = 1, count: int = 100_000):
    """What the annotate page does on showing ``index`` while moving by ``step``."""
    value = cache.get(index)
    wanted = [index + step * k for k in range(1, AHEAD + 1)] + [index - step]
    cache.prefetch([i for i in wanted if 0 <= i < count])
    return value


def settle(cache: DecodeAhead, keys, timeout_s: float = 5) -> None:
    """The annotator looks at the item: the decodes ahead of it finish meanwhile (those
    still held: an evicted one never will, and the test's own assert says so)."""
    deadline = time.monotonic() + timeout_s
    while any(k in cache.held() and not cache.is_decoded(k) for k in keys) and time.monotonic() < deadline:
        time.sleep(0.001)


@pytest.fixture
def make():
    caches = []

    def build(**kwargs) -> tuple[DecodeAhead, FakeDecoder]:
        decoder = FakeDecoder(kwargs.pop("size", 10))
        cache = DecodeAhead(decoder, decoder.size_of, **kwargs)
        caches.append(cache)
        return cache, decoder

    yield build
    for cache in caches:
        cache.shutdown()


@pytest.mark.parametrize("start", [0, 1, 10, 4_999])
def test_stepping_forward_from_any_start_finds_the_next_item_decoded(make, start):
    cache, decoder = make(capacity=4)
    view(cache, start)
    for index in range(start + 1, start + 30):
        settle(cache, [index])
        assert cache.is_decoded(index), f"item {index} was evicted before it was needed (started at {start})"
        before = cache.stats.ready
        assert view(cache, index) == ("img", index)
        assert cache.stats.ready == before + 1
    assert cache.stats.missed == 1  # only the item the batch opened at was decoded on demand
    assert sorted(cache.held()) == [start + 28, start + 29, start + 30, start + 31]
    assert len(decoder.calls) == len(set(decoder.calls)), "nothing is decoded twice"


def test_prefetch_refreshes_recency_of_what_it_keeps(make):
    cache, _ = make(capacity=3)
    cache.prefetch([1, 2, 3])  # most needed first: 1 is the most recently needed
    assert cache.held() == [3, 2, 1]
    cache.get(9)  # something else shown: the least needed (3) goes
    assert cache.held() == [2, 1, 9]
    cache.prefetch([2])  # asked again: refreshed, so 1 is the oldest now
    cache.get(8)
    assert cache.held() == [9, 2, 8]


def test_a_hit_refreshes_recency(make):
    cache, _ = make(capacity=2)
    cache.get(1)
    cache.get(2)
    cache.get(1)  # a hit: 2 is now the least recently used
    cache.get(3)
    assert cache.held() == [1, 3]
    assert (cache.stats.ready, cache.stats.missed, cache.stats.evicted) == (1, 3, 1)


def test_walking_back_prefetches_behind_and_keeps_the_item_ahead(make):
    cache, _ = make(capacity=4)
    view(cache, 50)
    settle(cache, [51, 52, 49])
    for index in range(49, 40, -1):
        settle(cache, [index])
        before = cache.stats.ready
        view(cache, index, step=-1)
        assert cache.stats.ready == before + 1, f"item {index} was not decoded ahead going back"
    # turning round: the item just left (kept "behind") is there at once
    settle(cache, [42])
    before = cache.stats.ready
    view(cache, 42, step=1)
    assert cache.stats.ready == before + 1


def test_bounded_by_count_and_by_bytes(make):
    cache, _ = make(capacity=10, max_bytes=35, size=10)  # room for 3 decoded images of 10 bytes
    for key in range(6):
        cache.get(key)
    assert cache.held() == [3, 4, 5] and cache.held_bytes() == 30
    # a running decode counts as big as the biggest seen: prefetching cannot overshoot
    cache.prefetch([6, 7])
    assert cache.held_bytes() <= 35 and cache.held() == [5, 7, 6]
    count_bound, _ = make(capacity=2)
    for key in range(5):
        count_bound.get(key)
    assert count_bound.held() == [3, 4]


def test_the_most_recently_needed_stays_even_when_over_the_byte_bound(make):
    cache, _ = make(max_bytes=5, size=10)  # one image is already too big
    assert cache.get(1) == ("img", 1)
    assert cache.held() == [1]
    cache.get(2)
    assert cache.held() == [2]


def test_a_decode_in_flight_is_waited_for_and_counted(make):
    cache, decoder = make(capacity=4)
    decoder.gate.clear()
    cache.prefetch([1])
    assert not cache.is_decoded(1)
    threading.Timer(0.05, decoder.gate.set).start()
    assert cache.get(1) == ("img", 1)
    assert (cache.stats.ready, cache.stats.waited, cache.stats.missed) == (0, 1, 0)


def test_a_broken_file_is_raised_and_not_kept(make):
    cache, decoder = make(capacity=4)
    cache.prefetch([-1])
    with pytest.raises(ValueError):
        cache.get(-1)
    assert -1 not in cache.held()
    with pytest.raises(ValueError):  # tried afresh, not served from a stored failure
        cache.get(-1)
    assert decoder.calls.count(-1) == 2


def test_clear_forgets_everything(make):
    cache, _ = make(capacity=4)
    cache.prefetch([1, 2])
    cache.clear()
    assert cache.held() == [] and cache.held_bytes() == 0
    cache.get(1)
    assert cache.stats.missed == 1
