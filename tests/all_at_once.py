"""Run one call in several threads released together: races between writers, openers, servers."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any


def all_at_once(call: Callable[..., Any], args: Iterable[tuple], timeout_s: float = 60) -> tuple[list, list]:
    """``call(*a)`` for each ``a`` of ``args``, each in a thread of its own; a barrier lets
    them go at the same moment. Returns (what the calls returned, in the order they finished;
    the exceptions they raised), so a test asserts both without a thread dying unseen."""
    jobs = list(args)
    start = threading.Barrier(len(jobs))
    results: list = []
    errors: list = []

    def run(*a):
        try:
            start.wait(10)
            results.append(call(*a))
        except BaseException as exc:  # noqa: BLE001 — handed to the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=a) for a in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout_s)
    return results, errors
