"""Blobs on disk, addressed by sha256: ``<root>/<sha[:2]>/<sha>``."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from sqlalchemy import Connection, select

from sync_server.db.private_files import private_dir, private_file_fd
from sync_server.db.tables import blobs, course_items, items, leases, orders
from sync_server.protocol import UserInfo

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def is_sha256_hex(text: str) -> bool:
    """True for 64 lowercase hex digits: the only names that ever reach the file system."""
    return bool(_SHA256_HEX.fullmatch(text))


class BlobStore:
    """Folders 0700, files 0600: the originals are the customer's (issue 10)."""

    def __init__(self, root: Path) -> None:
        self.root = private_dir(Path(root))

    def path(self, sha: str) -> Path:
        if not is_sha256_hex(sha):
            raise ValueError(f"not a sha256: {sha!r}")
        return self.root / sha[:2] / sha

    def has(self, sha: str) -> bool:
        return self.path(sha).is_file()

    def put(self, data: bytes) -> str:
        """Store ``data`` once; returns its sha256."""
        sha = hashlib.sha256(data).hexdigest()
        target = self.path(sha)
        if target.is_file():
            return sha
        private_dir(target.parent)
        # write aside then rename: a crash never leaves a short file under a valid name
        partial = target.with_name(f"{sha}.{os.getpid()}.partial")
        with os.fdopen(private_file_fd(partial), "wb") as f:
            f.write(data)
        os.replace(partial, target)
        return sha


def record_blob(conn: Connection, sha: str, size: int, kind: str) -> None:
    """Note a stored blob in the database (once; a second import of it is a no-op)."""
    if conn.execute(select(blobs.c.sha256).where(blobs.c.sha256 == sha)).first() is None:
        conn.execute(blobs.insert().values(sha256=sha, size=size, kind=kind))




def display_blob_visible(conn: Connection, user: UserInfo, sha: str) -> bool:
    """Whether ``user`` may download this display copy: an item of their office, and
    for annotators an item of a batch that was leased to them or a lesson of a course."""
    query = (
        select(items.c.id)
        .join(orders, orders.c.id == items.c.order_id)
        .where(items.c.display_sha256 == sha, orders.c.office_id == user.office_id)
    )
    if user.role == "annotator":
        leased = query.join(leases, leases.c.batch_id == items.c.batch_id).where(leases.c.annotator_id == user.id)
        taught = query.join(course_items, course_items.c.item_id == items.c.id)  # a lesson of the office's courses
        return any(conn.execute(q.limit(1)).first() is not None for q in (leased, taught))
    return conn.execute(query.limit(1)).first() is not None
