"""Running long work off the UI thread.

A ``Job`` wraps a plain function in a QRunnable; its signals cross back to the
UI thread through queued connections, so widgets only ever see results.
The function receives a ``progress(done, total, text)`` callable, the same
shape ``aidou_desktop.sync`` takes.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from aidou_desktop.sync import SyncError

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]


class JobSignals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception
    # after succeeded or failed, emitted on the UI thread in the same event as the result:
    # nobody can see the runner idle before they hear that it is
    done = Signal()


class Job(QRunnable):
    def __init__(self, fn: Callable[[ProgressFn], Any]) -> None:
        super().__init__()
        self.fn = fn
        self.signals = JobSignals()
        # we keep a Python reference until ``done``; Qt must not delete us first
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progress.emit)
        except Exception as exc:  # noqa: BLE001 - reported to the UI, never swallowed silently
            # a dead link is daily life here: one line; anything else gets its traceback
            expected = isinstance(exc, SyncError)
            log.warning("background job failed: %s", exc, exc_info=not expected)
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)


class JobRunner(QObject):
    """Starts jobs on a private pool and keeps them alive until they finish."""

    def __init__(self, parent: QObject | None = None, max_threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._running: set[Job] = set()

    def start(
        self,
        fn: Callable[[ProgressFn], Any],
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
    ) -> Job:
        job = Job(fn)

        def finishing(callback):
            # the job no longer counts as running when its callback runs: a callback
            # may start the next job (login → first sync)
            def handler(value):
                self._running.discard(job)
                try:
                    if callback:
                        callback(value)
                finally:
                    job.signals.done.emit()

            return handler

        job.signals.succeeded.connect(finishing(on_success))
        job.signals.failed.connect(finishing(on_failure))
        if on_progress:
            job.signals.progress.connect(on_progress)
        self._running.add(job)
        self.pool.start(job)
        return job

    def busy(self) -> bool:
        return bool(self._running)

    def wait(self, msecs: int = 10_000) -> bool:
        """Block until every job has finished (tests, and closing the window)."""
        return self.pool.waitForDone(msecs)
