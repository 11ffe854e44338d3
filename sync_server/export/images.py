"""The image files an export ships: safe unique names, pixels stored upright."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

import cv2
import numpy as np

from sync_server.export.errors import ExportError
from sync_server.export.orientation import UPRIGHT, exif_orientation, image_format

# re-encoding a turned JPEG loses a little; 95 keeps that below what annotators can see
JPEG_QUALITY = 95
# OpenCV's defaults for the others are lossless (PNG, TIFF, WebP without a quality)
_ENCODINGS = {"jpeg": (".jpg", [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]), "png": (".png", []),
              "webp": (".webp", []), "tiff": (".tiff", [])}  # fmt: skip


def unique_file_name(name: str, taken: set[str]) -> str:
    """A file name for item ``name`` that stays inside ``images/`` and is not in ``taken``.

    Item names come from uploaded files and may hold folders ("cam1/0001.jpg"): the
    folder parts are joined with "_" so two cameras' 0001.jpg stay told apart, and
    "..", "." and empty parts are dropped so nothing escapes the folder.
    """
    parts = [p for p in PurePosixPath(name.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    base = "_".join(parts) or "image"
    candidate, n = base, 1
    while candidate in taken:
        stem, suffix = Path(base).stem, Path(base).suffix
        n += 1
        candidate = f"{stem}_{n}{suffix}"
    taken.add(candidate)
    return candidate


def write_upright(source: Path, target: Path) -> bool:
    """Write ``source``'s image to ``target`` with its pixels stored upright and no turn
    left to apply; returns True when it had to be turned (and so re-encoded).

    A file with no EXIF turn is copied byte for byte. A turned one is decoded the way
    the import measured it (IMREAD_COLOR applies the turn) and encoded again in its own
    format without metadata, so every reader sees the pixels the boxes were drawn on.
    """
    if exif_orientation(source) == UPRIGHT:
        shutil.copyfile(source, target)
        return False
    data = np.fromfile(source, np.uint8)
    kind = image_format(data[:12].tobytes())
    pixels = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if pixels is None or kind not in _ENCODINGS:
        raise ExportError(f"{target.name}: the original image cannot be decoded to turn it upright")
    suffix, params = _ENCODINGS[kind]
    ok, encoded = cv2.imencode(suffix, pixels, params)
    if not ok:
        raise ExportError(f"{target.name}: could not encode the upright image")
    target.write_bytes(encoded.tobytes())
    return True
