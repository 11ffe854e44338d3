"""OCR of transcription items in the background, one item at a time, so each item opens
pre-filled with what the PC read on it.

Items join as their images arrive (a batch downloading, or already here at login); the
one the annotator is on, then the ones after it, go first. The engine runs in one
low-priority worker thread with at most two ONNX Runtime threads (ocr/engine.py), and
its results go to the store; ``suggestion_ready`` tells the UI which item has one now.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QObject, QThread, Signal

from aidou_desktop.model import Item
from aidou_desktop.store import Store
from aidou_desktop.ui.background import JobRunner, ProgressFn

log = logging.getLogger(__name__)


class BackgroundOcr(QObject):
    suggestion_ready = Signal(int)  # item id: its suggestion is in the store now

    def __init__(self, store: Store, current_item: Callable[[], Item | None] = lambda: None,
                 parent: QObject | None = None) -> None:  # fmt: skip
        """``current_item``: the item the annotator is on (None: none), asked before each pick."""
        super().__init__(parent)
        self.store = store
        self._current_item = current_item
        self._runner = JobRunner(self, max_threads=1)
        # ONNX Runtime's own threads start from this one and share its low priority (on
        # Linux; Windows keeps theirs normal): a key press still finds a free core at once
        self._runner.pool.setThreadPriority(QThread.Priority.LowPriority)
        self._waiting: dict[int, Item] = {}
        self._failed: set[int] = set()  # unreadable images: not tried again this session
        self._stopped = False

    def add_waiting(self, batch_id: int | None = None) -> None:
        """Queue the current user's transcription items (of ``batch_id``, or of all their
        batches) whose image is here and that have no suggestion yet."""
        user = self.store.current_user()
        if user is None:
            return
        for item in self.store.items_waiting_for_ocr(batch_id, user.id):
            if item.id not in self._failed:
                self._waiting.setdefault(item.id, item)
        self._next()

    def busy(self) -> bool:
        return self._runner.busy()

    def pending(self) -> int:
        return len(self._waiting) + (1 if self._runner.busy() else 0)

    def stop(self, msecs: int = 10_000) -> bool:
        """No new work; wait for the item being read (closing the window, tests)."""
        self._stopped = True
        self._waiting.clear()
        return self._runner.wait(msecs)

    def _next(self) -> None:
        if self._stopped or self._runner.busy() or not self._waiting:
            return
        current = self._current_item()
        item = self._waiting.pop(min(self._waiting, key=lambda item_id: _priority(self._waiting[item_id], current)))
        self._runner.start(
            lambda _progress: self._read(item, _progress),
            on_success=lambda made: self._done(item, made),
            on_failure=lambda exc: self._failed_on(item, exc),
        )

    def _read(self, item: Item, _progress: ProgressFn) -> bool:
        """In the worker thread; False when the item had a suggestion already (made
        overnight by ``aidou-sync run``, say)."""
        # here, not at the top: the OCR engine (and OpenCV) load when there is work
        from aidou_desktop.ocr.suggest import suggest

        return suggest(self.store, item) is not None

    def _done(self, item: Item, made: bool) -> None:
        if made:
            self.suggestion_ready.emit(item.id)
        self._next()

    def _failed_on(self, item: Item, exc: Exception) -> None:
        log.warning("OCR of item %s failed: %s", item.id, exc)
        self._failed.add(item.id)
        self._next()


def _priority(item: Item, current: Item | None) -> tuple[int, int]:
    """The item the annotator is on, then the ones after it, then back before it; other batches last."""
    if current is not None and item.batch_id == current.batch_id:
        return (0, item.id - current.id) if item.id >= current.id else (1, current.id - item.id)
    return 2, item.id
