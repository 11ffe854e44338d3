"""One sync at a time per local database: a lock file holding the owner's PID.

A lock left by a process that died (kill, power cut) is noticed by its PID and
cleared, so a crashed run never blocks the scheduler for good.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

LOCK_NAME = "sync.lock"
FRESH_S = 10.0  # a lock file this new without a PID is being written, not stale


class SyncBusy(Exception):
    """Another sync holds the lock."""

    def __init__(self, pid: int | None):
        super().__init__(f"another sync is running (pid {pid})")
        self.pid = pid


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _pid_alive_windows(pid: int) -> bool:
    # os.kill on Windows would terminate the process: ask the kernel instead
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return False
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


class SyncLock:
    """``with SyncLock(data_dir): ...`` — raises ``SyncBusy`` when a live process holds it."""

    def __init__(self, data_dir: Path):
        self.path = Path(data_dir) / LOCK_NAME
        self.held = False

    def acquire(self) -> None:
        for _ in range(2):  # second try after clearing a stale lock
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                pid = self._owner()
                if pid is not None and pid_alive(pid):
                    raise SyncBusy(pid) from None
                if pid is None and self._age() < FRESH_S:
                    raise SyncBusy(None) from None  # its owner is still writing the PID
                log.warning("clearing stale sync lock (pid %s)", pid)
                self.path.unlink(missing_ok=True)
                continue
            with os.fdopen(fd, "w") as f:
                f.write(str(os.getpid()))
            self.held = True
            return
        raise SyncBusy(self._owner())

    def release(self) -> None:
        if self.held:
            self.held = False
            if self._owner() == os.getpid():
                self.path.unlink(missing_ok=True)

    def _owner(self) -> int | None:
        try:
            return int(self.path.read_text().strip())
        except (OSError, ValueError):
            return None

    def _age(self) -> float:
        try:
            return time.time() - self.path.stat().st_mtime
        except OSError:
            return FRESH_S

    def __enter__(self) -> SyncLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
