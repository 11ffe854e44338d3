"""The order a batch's images download in: the order the annotator will open its items.

The annotate page opens a batch where it resumes (``batches._RESUME``: the first item the
lead sent back, else the first unlabelled one) and steps on with Next, so the image of
that item comes first, then those after it in item order, then the ones before it,
nearest first (Previous). On a thin link the first image is on screen after one image's
download, not a whole batch's (issue 12); the page takes in the rest as they arrive.
"""

from __future__ import annotations

import sqlite3

from aidou_desktop.store import batches

# ``batches._RESUME`` counts only items whose image is here, the ones the page can show;
# before a download, where the batch will open is the same rule over every item. Once
# that item's image is in, the page's own query finds it: it is then the first ready one
# the rule picks (every item before it is done, or not sent back).
_RESUME_ANY_ITEM = batches._RESUME.replace(" AND i.ready = 1", "")  # noqa: SLF001 - same package, same rule

_MISSING = (
    "SELECT id, blob, blob_size FROM items WHERE batch_id = ? AND ready = 0 AND blob != '' ORDER BY id"
)


def resume_point(conn: sqlite3.Connection, batch_id: int, annotator_id: int | None) -> int | None:
    """The item the batch will open at once all its images are here; None: all done
    (or nobody to resume for)."""
    if annotator_id is None:
        return None
    found = conn.execute(_RESUME_ANY_ITEM, batches.resume_params(batch_id, annotator_id)).fetchone()
    return found[0] if found else None


def missing_blobs(conn: sqlite3.Connection, batch_id: int, annotator_id: int | None) -> list[tuple[str, int]]:
    """(sha, size) of the batch's images not here yet, each once, in opening order."""
    missing = conn.execute(_MISSING, (batch_id,)).fetchall()
    start = resume_point(conn, batch_id, annotator_id)
    if start is not None:
        after = [row for row in missing if row[0] >= start]
        before = [row for row in missing if row[0] < start]
        missing = after + before[::-1]
    sizes: dict[str, int] = {}
    for _item, sha, size in missing:  # an image two items share comes once, when first needed
        sizes[sha] = max(size, sizes.get(sha, 0))
    return list(sizes.items())
