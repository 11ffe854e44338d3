"""What the store raises that a caller must tell apart from a bug."""

from __future__ import annotations

import errno
import sqlite3

# SQLite's extended result code for "database or disk is full" (sqlite3.h: SQLITE_FULL)
SQLITE_FULL = 13


class DiskFull(OSError):
    """The disk (or the database's size limit) is full.

    Raised instead of the raw ``sqlite3.OperationalError`` / ``OSError(ENOSPC)``
    so the app and ``aidou-sync`` can say what happened and what to do. When it is
    raised, the transaction was rolled back: what was saved before is intact.
    """

    def __init__(self, doing: str):
        message = (
            f"The disk is full: could not {doing}. Work saved before is safe. "
            "Free some disk space, then save or sync again."
        )
        super().__init__(errno.ENOSPC, message)
        self.message = message

    def __str__(self) -> str:
        return self.message


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` means "no space left" (SQLite's SQLITE_FULL or the OS's ENOSPC)."""
    if isinstance(exc, DiskFull):
        return True
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF == SQLITE_FULL
        return "disk is full" in str(exc)
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
    return False
