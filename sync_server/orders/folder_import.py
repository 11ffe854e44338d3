"""Bringing an order in from a folder (``aidou-server import-order``).

Every file in the folder and its subfolders is accounted for: taken as an item
(named by its path below the folder, "/" between parts), or listed with the
reason it was not. Images we cannot take stop the import with the whole list
(nothing half-made) unless the admin asked to skip them; files that are not
images (schema.json, README.txt, .DS_Store) are listed and never stop it.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from sync_server.db.blobs import BlobStore
from sync_server.orders.image_formats import ignored_reason, unsupported_by_name
from sync_server.orders.importing import (
    CheckedImages,
    FileProblem,
    OrderImportError,
    Progress,
    check_images,
    import_order,
)
from sync_server.protocol import TASK_BBOX


@dataclass
class FolderScan:
    images: list[Path] = field(default_factory=list)  # candidates, still to be decoded
    unsupported: list[FileProblem] = field(default_factory=list)  # images we do not take
    ignored: list[FileProblem] = field(default_factory=list)  # not images at all


@dataclass
class FolderImport:
    order_id: int
    items: int
    batches: int
    left_out: list[FileProblem]  # every file not taken, with the reason


def scan_folder(folder: Path) -> FolderScan:
    """Every file below ``folder`` sorted by relative path, sorted into the three kinds."""
    scan = FolderScan()
    for path in _files_below(folder):
        name = path.relative_to(folder).as_posix()
        reason = ignored_reason(path)
        if reason:
            scan.ignored.append(FileProblem(name, reason))
        elif unsupported := unsupported_by_name(path):
            scan.unsupported.append(FileProblem(name, unsupported))
        else:
            scan.images.append(path)
    return scan


def _files_below(folder: Path) -> list[Path]:
    # os.walk does not follow symlinked folders: a link loop cannot make the import endless
    found = []
    for directory, subdirs, files in os.walk(folder):
        subdirs.sort()
        found.extend(Path(directory) / name for name in files)
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def import_folder(
    conn: Connection, blob_store: BlobStore, office_id: int, folder: Path, spec: dict[str, Any],
    name: str | None = None, skip_bad: bool = False, progress: Progress | None = None,
) -> FolderImport:  # fmt: skip
    """Import the images below ``folder`` as one order, in the caller's transaction.

    ``spec`` is the schema file's content (the schema itself, or an object with
    ``schema`` and optional task_kind, guidelines, price_cents, batch_size). Raises
    ``OrderImportError`` listing every file left out when an image cannot be taken and
    ``skip_bad`` is off, or when no image is left. ``progress(done, total)`` counts
    every candidate image twice, checked then stored (total shrinks by the ones left out).
    """
    folder = Path(folder)
    scan = scan_folder(folder)
    candidates = len(scan.images)

    def checking(done: int, _total: int) -> None:
        progress(done, 2 * candidates)

    def storing(done: int, total: int) -> None:
        progress(candidates + done, candidates + total)

    checked = check_images(scan.images, root=folder, progress=checking if progress else None)
    bad = scan.unsupported + checked.problems
    if bad and not skip_bad:
        raise OrderImportError(_refusal(bad, scan.ignored, len(checked.images)))
    left_out = sorted(bad + scan.ignored, key=lambda problem: problem.name)
    if not checked.images:
        listed = "".join(f"\n{problem}" for problem in left_out)
        raise OrderImportError(f"no image to import in {folder}{listed}")
    batch_size = int(spec.get("batch_size", 20))
    order_id = import_order(
        conn,
        blob_store,
        office_id,
        name or spec.get("name") or folder.name,
        spec.get("task_kind", TASK_BBOX),
        spec.get("schema", spec),
        spec.get("guidelines", ""),
        CheckedImages(checked.images, bad),
        price_cents=int(spec.get("price_cents", 0)),
        batch_size=batch_size,
        progress=storing if progress else None,
    )
    items = len(checked.images)
    return FolderImport(order_id, items, math.ceil(items / batch_size), left_out)


def _refusal(bad: list[FileProblem], ignored: list[FileProblem], good: int) -> str:
    lines = [
        f"{len(bad)} of {len(bad) + good} images cannot be imported; nothing was imported.",
        f"Fix or remove them, or add --skip-bad to import the other {good} without them:",
        *(f"  {problem}" for problem in sorted(bad, key=lambda problem: problem.name)),
    ]
    if ignored:
        lines += ["Also not taken (not images):", *(f"  {problem}" for problem in ignored)]
    return "\n".join(lines)
