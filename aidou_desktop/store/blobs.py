"""The blob cache on disk: ``DATA/blobs/<sha[:2]>/<sha>``, partial downloads beside it.

A blob enters the cache only through ``commit``: its sha256 is checked, the file
is flushed to disk and moved in place with ``os.replace`` (atomic), so a file
under its final name is always whole and correct.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from aidou_desktop.store.feed import SHA_RE

CHUNK = 1 << 20


def check_sha(sha: str) -> str:
    # the sha comes from the server and becomes a file name: no path tricks
    if not isinstance(sha, str) or not SHA_RE.match(sha):
        raise ValueError(f"not a sha256: {sha!r}")
    return sha


class BlobDir:
    def __init__(self, root: Path):
        self.root = root

    def final_path(self, sha: str) -> Path:
        return self.root / check_sha(sha)[:2] / sha

    def relative(self, sha: str) -> str:
        return f"{sha[:2]}/{sha}"

    def partial_path(self, sha: str) -> Path:
        path = self.final_path(sha).with_name(f"{sha}.part")
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def promote(self, sha: str) -> int | None:
        """Move a verified partial file in place; its size, or None (file deleted) on a bad hash."""
        part = self.partial_path(sha)
        if not part.exists():
            return None
        digest = hashlib.sha256()
        with open(part, "rb+") as f:  # rb+: Windows only fsyncs a file opened for writing
            for chunk in iter(lambda: f.read(CHUNK), b""):
                digest.update(chunk)
            size = f.tell()
            good = digest.hexdigest() == sha
            if good:
                os.fsync(f.fileno())  # the bytes are on disk before the name says "complete"
        if not good:
            part.unlink(missing_ok=True)
            return None
        os.replace(part, self.final_path(sha))
        _fsync_dir(part.parent)
        return size


def _fsync_dir(path: Path) -> None:
    # makes the rename itself durable on POSIX; Windows cannot open directories
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
