"""Bringing an order in: images → blobs (original + display copy), items, batches.

Every image is decoded before anything is written, so a broken file stops the
import with a list of what is wrong and leaves no half-made order behind (or,
when the caller chose so, is left out and listed: ``CheckedImages``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import cv2
import numpy as np
from sqlalchemy import Connection

from sync_server.db.blobs import BlobStore, record_blob
from sync_server.db.clock import utc_now
from sync_server.db.entities import load_batch, load_batch_items, load_order
from sync_server.db.feed import log_changes
from sync_server.db.tables import batches, items, orders
from sync_server.orders.decode_warnings import decode_damage
from sync_server.orders.image_formats import unsupported_by_content, unsupported_by_name
from sync_server.protocol import (
    CHANGE_BATCH,
    CHANGE_ITEM,
    CHANGE_ORDER,
    TASK_KINDS,
    TEXT_TASKS,
    LabelSchema,
    WireError,
    from_wire,
    to_wire,
)

# ADR 0008 (revised, issue 12): a base's ≈ 1 Mbit/s link feeds 50 seats, so a display copy
# is the sharpest WebP that fits DISPLAY_BUDGET_BYTES: the largest of DISPLAY_SIDES (longest
# side, px) at which the lowest quality fits, at the highest of DISPLAY_QUALITIES that fits
# there. 960 px is 2 original pixels per copy pixel for 1080p. A picture too detailed for
# even 640 px at quality 40 goes at that, a little over: never less legible than that.
# Shapes stay in original pixels; the desktop scales the copy up to the original's size.
DISPLAY_FORMAT = ".webp"
DISPLAY_BUDGET_BYTES = 40_000
DISPLAY_SIDES = (960, 800, 720, 640)
DISPLAY_QUALITIES = (75, 60, 50, 40)  # highest first
DISPLAY_MAX_SIDE = DISPLAY_SIDES[0]


Progress = Callable[[int, int], None]  # (done, total), called after each image


class OrderImportError(ValueError):
    """An order that cannot be brought in; the message lists every problem."""


@dataclass(frozen=True)
class FileProblem:
    """A file the import does not take, and why; ``name`` is how people know the file."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}"


@dataclass
class CheckedImages:
    """Images that decoded cleanly, as (path, item name), and the files that did not."""

    images: list[tuple[Path, str]]
    problems: list[FileProblem]

    def problem_message(self) -> str:
        total = len(self.images) + len(self.problems)
        lines = [f"{len(self.problems)} of {total} images cannot be imported:", *map(str, self.problems)]
        return "\n".join(lines)


def decode_upright(data: bytes) -> np.ndarray | None:
    """BGR pixels with EXIF orientation applied (IMREAD_COLOR does that), or None."""
    buffer = np.frombuffer(data, dtype=np.uint8)
    return cv2.imdecode(buffer, cv2.IMREAD_COLOR) if buffer.size else None


def display_copy(image: np.ndarray, original: bytes | None = None) -> tuple[bytes, int, int]:
    """The bytes the desktop downloads for ``image`` (upright BGR), and their width and height.

    The sharpest WebP within DISPLAY_BUDGET_BYTES (see DISPLAY_SIDES): at most one encode
    per side that cannot hold the budget, and two more to choose the quality where it can.
    An ``original`` that needs no shrinking, no turning and is already smaller than the
    re-encode is sent as it is: a display copy is never bigger than the file it stands for.
    """
    shown, data = image, b""
    for side in DISPLAY_SIDES:
        smaller = _shrunk(image, side)
        if data and smaller.shape == shown.shape:
            continue  # an image smaller than this side: the same pixels as the last try
        shown = smaller
        data = _fitting_webp(shown)
        if len(data) <= DISPLAY_BUDGET_BYTES:
            break
    if original is not None and shown is image and len(original) <= len(data) and _already_upright(original, image):
        data = original
    return data, shown.shape[1], shown.shape[0]


def _shrunk(image: np.ndarray, side: int) -> np.ndarray:
    """``image`` with its longest side at most ``side``; INTER_AREA: no aliasing when shrinking."""
    height, width = image.shape[:2]
    scale = side / max(width, height)
    if scale >= 1:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _webp(pixels: np.ndarray, quality: int) -> bytes:
    ok, encoded = cv2.imencode(DISPLAY_FORMAT, pixels, [cv2.IMWRITE_WEBP_QUALITY, quality])
    if not ok:
        raise OrderImportError("could not encode a display copy")
    return encoded.tobytes()


def _fitting_webp(pixels: np.ndarray) -> bytes:
    """The WebP of ``pixels`` at the highest of DISPLAY_QUALITIES within the budget; at the
    lowest when none is (the caller then tries a smaller side). Bytes grow with quality, so
    the qualities are halved: (75, 60, 50, 40) takes at most three encodes."""
    lowest = _webp(pixels, DISPLAY_QUALITIES[-1])
    if len(lowest) > DISPLAY_BUDGET_BYTES:
        return lowest
    fits, lo, hi = lowest, 0, len(DISPLAY_QUALITIES) - 1  # the answer is in [lo, hi]; hi fits
    while lo < hi:
        mid = (lo + hi) // 2
        data = _webp(pixels, DISPLAY_QUALITIES[mid])
        if len(data) <= DISPLAY_BUDGET_BYTES:
            fits, hi = data, mid
        else:
            lo = mid + 1
    return fits


def _already_upright(original: bytes, upright: np.ndarray) -> bool:
    # the desktop decodes with IMREAD_COLOR as well, but only pixels that need no
    # EXIF turn are certain to show the same wherever the file is opened
    raw = cv2.imdecode(np.frombuffer(original, np.uint8), cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    return raw is not None and raw.shape == upright.shape and np.array_equal(raw, upright)


def display_media_type(head: bytes) -> str:
    """The Content-Type of a display copy from its first bytes (WebP, or an original sent as is)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if head[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    return "application/octet-stream"


def _is_cut_short_jpeg(data: bytes) -> bool:
    # OpenCV decodes a truncated JPEG with a grey bottom and only a warning; the missing
    # end-of-image marker gives a half-copied file away
    return data[:2] == b"\xff\xd8" and b"\xff\xd9" not in data[-65536:]


def image_problem(data: bytes) -> str | None:
    """Why these bytes cannot be an item's image, or None when they decode cleanly."""
    unsupported = unsupported_by_content(data[:16])
    if unsupported:
        return unsupported
    if _is_cut_short_jpeg(data):
        return "the JPEG is cut short (no end-of-image marker)"
    pixels, damage = decode_damage(lambda: decode_upright(data))
    if pixels is None:
        return "not an image OpenCV can decode (broken or unsupported)"
    if damage:  # OpenCV returned an image, partly grey: libjpeg's warning is the only trace
        return f"corrupt data ({'; '.join(damage)})"
    return None


def item_name(path: Path, root: Path | None) -> str:
    """An item's name: its path below ``root`` with "/" separators, else the file name."""
    return Path(path).relative_to(root).as_posix() if root is not None else Path(path).name


def check_images(image_paths: list[Path], root: Path | None = None, progress: Progress | None = None) -> CheckedImages:
    """Decode every image once; files are named relative to ``root`` when given.
    ``progress(done, total)`` hears how many were checked, before each and at the end."""
    images, problems = [], []
    for checked, path in enumerate(map(Path, image_paths)):
        if progress is not None:
            progress(checked, len(image_paths))
        name = item_name(path, root)
        shown = name if root is not None else str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            problems.append(FileProblem(shown, f"cannot be read ({exc.strerror or exc})"))
            continue
        reason = unsupported_by_name(path) or image_problem(data)
        if reason:
            problems.append(FileProblem(shown, reason))
        else:
            images.append((path, name))
    if progress is not None:
        progress(len(image_paths), len(image_paths))
    return CheckedImages(images, problems)


def import_order(
    conn: Connection,
    blob_store: BlobStore,
    office_id: int,
    name: str,
    task_kind: str,
    schema: LabelSchema | dict,
    guidelines: str,
    image_paths: list[Path] | CheckedImages,
    price_cents: int = 0,
    batch_size: int = 20,
    due: datetime | None = None,
    progress: Progress | None = None,
) -> int:
    """Create an order with one item per image, in batches of ``batch_size``; returns its id.

    Runs in the caller's transaction; raises ``OrderImportError`` before writing anything
    when an image is broken or the schema is not valid. Given ``CheckedImages``, the
    caller has seen their problems and chosen to go on without those files.
    ``progress(done, total)`` hears of each image stored.
    """
    schema = checked_schema(task_kind, schema, batch_size)
    if task_kind in TEXT_TASKS:
        raise OrderImportError(f"a {task_kind} order takes texts, not images: import a .jsonl, .csv or .txt file")
    if not isinstance(image_paths, CheckedImages):
        if not image_paths:
            raise OrderImportError("an order needs at least one image")
        image_paths = check_images(list(image_paths))
        if image_paths.problems:
            raise OrderImportError(image_paths.problem_message())
    checked = image_paths.images
    if not checked:
        raise OrderImportError("an order needs at least one image")

    order_id = insert_order(conn, office_id, name, task_kind, schema, guidelines, price_cents, due)
    changes = [(CHANGE_ORDER, to_wire(load_order(conn, order_id)), None)]
    for start in range(0, len(checked), batch_size):
        batch_id = insert_batch(conn, order_id, start // batch_size + 1)
        for offset, (path, item) in enumerate(checked[start : start + batch_size], start + 1):
            _store_item(conn, blob_store, order_id, batch_id, path, item)
            if progress is not None:
                progress(offset, len(checked))
        changes.append((CHANGE_BATCH, to_wire(load_batch(conn, batch_id)), None))
        changes.extend((CHANGE_ITEM, to_wire(item), None) for item in load_batch_items(conn, batch_id))
    log_changes(conn, office_id, changes)
    return order_id


def checked_schema(task_kind: str, schema: LabelSchema | dict, batch_size: int = 1) -> LabelSchema:
    """The order's label schema, or ``OrderImportError`` saying what is wrong with it (or
    with the task kind or batch size that come with it)."""
    if task_kind not in TASK_KINDS:
        raise OrderImportError(f"unknown task kind {task_kind!r}; one of {', '.join(TASK_KINDS)}")
    if batch_size < 1:
        raise OrderImportError("batch size must be at least 1")
    try:
        schema = from_wire(LabelSchema, schema) if isinstance(schema, dict) else schema
    except WireError as exc:
        raise OrderImportError(f"label schema: {exc}") from exc
    if not schema.labels or len(set(schema.names())) != len(schema.labels):
        raise OrderImportError("label schema: needs at least one label, and label names must be unique")
    if any(not name.strip() for name in schema.names()):  # "" is a transcribed line's "no label"
        raise OrderImportError("label schema: a label name must not be blank")
    return schema


def insert_order(conn: Connection, office_id: int, name: str, task_kind: str, schema: LabelSchema, guidelines: str,
                 price_cents: int = 0, due: datetime | None = None) -> int:  # fmt: skip
    return conn.execute(
        orders.insert().values(
            office_id=office_id,
            name=name,
            task_kind=task_kind,
            schema=to_wire(schema),
            guidelines=guidelines,
            price_cents=price_cents,
            due=due,
            created_at=utc_now(),
        )
    ).inserted_primary_key[0]


def batch_name(number: int) -> str:
    """The name of an order's ``number``-th batch (from 1), as people count them: 批次 001."""
    return f"批次 {number:03d}"


def insert_batch(conn: Connection, order_id: int, number: int) -> int:
    return conn.execute(batches.insert().values(order_id=order_id, name=batch_name(number))).inserted_primary_key[0]


def _store_item(conn: Connection, blob_store: BlobStore, order_id: int, batch_id: int, path: Path, name: str) -> None:
    original = path.read_bytes()
    pixels = decode_upright(original)
    if pixels is None:  # changed on disk since it was checked
        raise OrderImportError(f"{path}: not an image OpenCV can decode (broken or unsupported)")
    display, display_width, display_height = display_copy(pixels, original)
    original_sha = blob_store.put(original)
    display_sha = blob_store.put(display)
    record_blob(conn, original_sha, len(original), "original")
    record_blob(conn, display_sha, len(display), "display")
    conn.execute(
        items.insert().values(
            order_id=order_id,
            batch_id=batch_id,
            name=name,
            width=pixels.shape[1],
            height=pixels.shape[0],
            original_sha256=original_sha,
            display_sha256=display_sha,
            display_size=len(display),
            display_width=display_width,
            display_height=display_height,
        )
    )

