"""One sync at a time per local database: an OS lock on ``DATA/sync.lock``.

The kernel holds the lock for the process (``flock`` on POSIX, ``msvcrt.locking``
on Windows) and drops it the instant that process dies — kill -9, a crash, a
power cut — so a dead run can never block the scheduler, and a reused PID can
never fake an owner (the weakness of a plain PID file). The PID written into
the file is only there to say *who* holds the lock in the message.

The file itself stays on disk: deleting a lock file while another process has
it open would let two processes lock two different files.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_NAME = "sync.lock"
# Windows locks are mandatory: lock a byte past the PID text so others can still read it
_LOCK_OFFSET = 1024


class SyncBusy(Exception):
    """Another sync holds the lock."""

    def __init__(self, pid: int | None):
        who = f"pid {pid}" if pid else "pid unknown"
        super().__init__(
            f"another aidou-sync or the app is already syncing this data directory ({who}); "
            "this run did nothing — it will catch up next time"
        )
        self.pid = pid


def _try_lock(fd: int) -> bool:
    if os.name == "nt":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        # flock, not lockf: its lock belongs to this open file, so two SyncLocks in
        # one process (the app's thread and a test) exclude each other too
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (BlockingIOError, PermissionError):
        return False
    return True


def _unlock(fd: int) -> None:
    if os.name == "nt":
        import msvcrt

        os.lseek(fd, _LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


class SyncLock:
    """``with SyncLock(data_dir): ...`` — raises ``SyncBusy`` when another process (or
    another ``SyncLock`` here) holds it. Never waits."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / LOCK_NAME
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None:
            raise SyncBusy(os.getpid())
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            os.close(fd)
            raise SyncBusy(self.owner())
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        except OSError:  # the PID is only informative; the lock is what counts
            log.warning("could not write the pid into %s", self.path)
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            _unlock(fd)
        finally:
            os.close(fd)

    def owner(self) -> int | None:
        """The PID written by the holder (informative; may be stale when nobody holds it)."""
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return int(text) if text.isdigit() else None

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
