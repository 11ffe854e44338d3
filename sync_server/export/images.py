"""The image files an export ships: safe unique names, pixels stored upright."""

from __future__ import annotations

import hashlib
import shutil
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from sync_server.export.errors import ExportError
from sync_server.export.orientation import UPRIGHT, exif_orientation, image_format

# re-encoding a turned JPEG loses a little; 95 keeps that below what annotators can see
JPEG_QUALITY = 95
# OpenCV's defaults for the others are lossless (PNG, TIFF, WebP without a quality);
# cv2 is imported only to turn a photo (an --annotations-only export never loads it)
_SUFFIXES = {"jpeg": ".jpg", "png": ".png", "webp": ".webp", "tiff": ".tiff"}
# names that clashed whose next free suffix is remembered (FileNames.unique); beyond
# that, a clash searches from "_2" again: slower, same names
MAX_SUFFIX_HINTS = 4096


class NameSet(Protocol):
    def __contains__(self, name: object) -> bool: ...
    def add(self, name: str) -> None: ...


class FileNames:
    """The set of file names an export has given out, in 16 bytes a name.

    A million-item export must not keep a million ``str`` in a ``set`` (some 100
    bytes each). A name is kept as its 128-bit BLAKE2b digest in an open-addressing
    table of two ``array('Q')`` words a slot, at most half full: 32–64 bytes a name.
    Two different names sharing a digest (about 1 in 10^27 at a million names) would
    only give the second a "_2" suffix it did not need.
    """

    def __init__(self, names: Iterable[str] = (), capacity: int = 1024) -> None:
        self._size = 1 << max(3, (max(capacity, 1) * 2 - 1).bit_length())
        self._slots = array("Q", bytes(16 * self._size))  # hi, lo per slot; (0, 0) is empty
        self._count = 0
        self._last: tuple[str, int, int, int, bool] | None = None  # the lookup ``add`` usually follows
        self._next_suffix: dict[str, int] = {}
        for name in names:
            self.add(name)

    def __len__(self) -> int:
        return self._count

    def unique(self, name: str) -> str:
        """``unique_file_name(name, self)``, remembering where clashing names' suffixes got to."""
        return unique_file_name(name, self, self._next_suffix)

    @staticmethod
    def _digest(name: str) -> tuple[int, int]:
        digest = hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        hi, lo = int.from_bytes(digest[:8], "little"), int.from_bytes(digest[8:], "little")
        return (hi, lo) if hi or lo else (0, 1)

    def _find(self, hi: int, lo: int) -> tuple[int, bool]:
        """The slot holding (hi, lo), or the empty slot where it would go; and whether found."""
        slots, mask = self._slots, self._size - 1
        slot = lo & mask
        while True:
            have_hi, have_lo = slots[2 * slot], slots[2 * slot + 1]
            if have_hi == hi and have_lo == lo:
                return slot, True
            if not have_hi and not have_lo:
                return slot, False
            slot = (slot + 1) & mask

    def _lookup(self, name: str) -> tuple[str, int, int, int, bool]:
        last = self._last
        if last is None or last[0] is not name:
            hi, lo = self._digest(name)
            last = self._last = (name, hi, lo, *self._find(hi, lo))
        return last

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._lookup(name)[4]

    def add(self, name: str) -> None:
        _, hi, lo, slot, found = self._lookup(name)
        self._last = None
        if found:
            return
        self._slots[2 * slot], self._slots[2 * slot + 1] = hi, lo
        self._count += 1
        if 2 * self._count > self._size:
            self._grow()

    def _grow(self) -> None:
        self._last = None
        old = self._slots
        self._size *= 2
        self._slots = array("Q", bytes(16 * self._size))
        for i in range(0, len(old), 2):
            if old[i] or old[i + 1]:
                slot, _ = self._find(old[i], old[i + 1])
                self._slots[2 * slot], self._slots[2 * slot + 1] = old[i], old[i + 1]


class StemNames(FileNames):
    """``FileNames`` where two names clash when they share a stem ("a.jpg", "a.png"): for the
    formats that keep a file per image named by the image's stem (YOLO's ``labels/a.txt``,
    VOC's ``Annotations/a.xml``, labelme's ``a.json``)."""

    @staticmethod
    def _digest(name: str) -> tuple[int, int]:
        dot = name.rfind(".")
        return FileNames._digest(name[:dot] if dot > 0 else name)


def unique_file_name(name: str, taken: NameSet, next_suffix: dict[str, int] | None = None) -> str:
    """A file name for item ``name`` that stays inside ``images/`` and is not in ``taken``.

    Item names come from uploaded files and may hold folders ("cam1/0001.jpg"): the
    folder parts are joined with "_" so two cameras' 0001.jpg stay told apart, and
    "..", "." and empty parts are dropped so nothing escapes the folder.
    """
    # a plain split, not PurePosixPath: that keeps a leading "//" as a root part, and
    # "//_srv_x.jpg" would be an absolute path outside the folder
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    base = "_".join(parts) or "image"
    candidate = base
    if candidate in taken:
        # "stem_2.jpg", "stem_3.jpg", …: the first not taken. Names are never given back,
        # so a search may start where the last one for this base ended (``next_suffix``):
        # the same names, without 1,000 items called "image.jpg" costing 500,000 lookups.
        stem, suffix = Path(base).stem, Path(base).suffix
        n = next_suffix.get(base, 2) if next_suffix is not None else 2
        candidate = f"{stem}_{n}{suffix}"
        while candidate in taken:
            n += 1
            candidate = f"{stem}_{n}{suffix}"
        if next_suffix is not None and (base in next_suffix or len(next_suffix) < MAX_SUFFIX_HINTS):
            next_suffix[base] = n + 1
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
    import cv2
    import numpy as np

    data = np.fromfile(source, np.uint8)
    kind = image_format(data[:12].tobytes())
    pixels = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if pixels is None or kind not in _SUFFIXES:
        raise ExportError(f"{target.name}: the original image cannot be decoded to turn it upright")
    params = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY] if kind == "jpeg" else []
    ok, encoded = cv2.imencode(_SUFFIXES[kind], pixels, params)
    if not ok:
        raise ExportError(f"{target.name}: could not encode the upright image")
    target.write_bytes(encoded.tobytes())
    return True
