"""An image file's EXIF orientation, read from its metadata without decoding pixels.

OpenCV turns pixels upright when it decodes (``IMREAD_COLOR`` applies the tag), so
items' sizes and shapes are in upright pixels. Readers that ignore the tag
(Pillow without ``exif_transpose``, torchvision) would see other pixels; the
export needs to know which originals carry a turn. OpenCV has no cheap reader for
the tag, and Pillow is not worth a dependency for one number, so this walks the
container (JPEG segments, PNG chunks, WebP chunks, TIFF) to the first IFD.
Anything malformed reads as 1 (upright): such files are then copied as they are.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

UPRIGHT = 1
_ORIENTATION_TAG = 0x0112
_SHORT = 3
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_EXIF_BYTES = 1 << 20  # orientation sits in the first IFD; a bigger chunk is not worth reading
_MAX_IFD_ENTRIES = 1000

ReadAt = Callable[[int, int], bytes]


def image_format(head: bytes) -> str | None:
    """The container of a file from its first 12 bytes: jpeg, png, webp, tiff, or None."""
    if head[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if head[:8] == _PNG_SIGNATURE:
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    return None


def exif_orientation(path: Path) -> int:
    """The EXIF orientation (1–8) of the image at ``path``; 1 when it has none."""
    with open(path, "rb") as file:
        kind = image_format(file.read(12))
        if kind == "tiff":
            return _tiff_orientation(lambda offset, size: _read_at(file, offset, size))
        find_exif = {"jpeg": _jpeg_exif, "png": _png_exif, "webp": _webp_exif}.get(kind)
        exif = find_exif(file) if find_exif else None
    if not exif:
        return UPRIGHT
    return _tiff_orientation(lambda offset, size: exif[offset : offset + size])


def _read_at(file: BinaryIO, offset: int, size: int) -> bytes:
    file.seek(offset)
    return file.read(size)


def _jpeg_exif(file: BinaryIO) -> bytes | None:
    # metadata segments come before the first scan (SOS); each says its own length
    file.seek(2)
    while True:
        marker = file.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        code = marker[1]
        if code == 0xFF:  # fill byte before a marker
            file.seek(-1, 1)
            continue
        if code == 0x01 or 0xD0 <= code <= 0xD8:  # markers without a length
            continue
        if code in (0xDA, 0xD9):  # start of scan, end of image: no EXIF before them
            return None
        length = file.read(2)
        if len(length) < 2 or struct.unpack(">H", length)[0] < 2:
            return None
        size = struct.unpack(">H", length)[0] - 2
        if code == 0xE1:
            body = file.read(size)
            if body[:6] == b"Exif\x00\x00":
                return body[6:]
        else:
            file.seek(size, 1)


def _png_exif(file: BinaryIO) -> bytes | None:
    file.seek(len(_PNG_SIGNATURE))
    while True:
        header = file.read(8)
        if len(header) < 8:
            return None
        size, kind = struct.unpack(">I", header[:4])[0], header[4:]
        if kind == b"IEND":
            return None
        if kind == b"eXIf" and size <= _MAX_EXIF_BYTES:
            return file.read(size)
        file.seek(size + 4, 1)  # the data and its CRC


def _webp_exif(file: BinaryIO) -> bytes | None:
    # extended WebP may put its EXIF chunk after the image data, so walk every chunk
    file.seek(12)
    while True:
        header = file.read(8)
        if len(header) < 8:
            return None
        kind, size = header[:4], struct.unpack("<I", header[4:])[0]
        if kind == b"EXIF" and size <= _MAX_EXIF_BYTES:
            body = file.read(size)
            return body[6:] if body[:6] == b"Exif\x00\x00" else body
        file.seek(size + (size & 1), 1)  # chunks are padded to an even size


def _tiff_orientation(read_at: ReadAt) -> int:
    header = read_at(0, 8)
    order = {b"II*\x00": "<", b"MM\x00*": ">"}.get(header[:4])
    if order is None or len(header) < 8:
        return UPRIGHT
    ifd = struct.unpack(order + "I", header[4:8])[0]
    count = read_at(ifd, 2)
    if len(count) < 2:
        return UPRIGHT
    entries = read_at(ifd + 2, 12 * min(struct.unpack(order + "H", count)[0], _MAX_IFD_ENTRIES))
    for start in range(0, len(entries) - 11, 12):
        tag, kind, number = struct.unpack(order + "HHI", entries[start : start + 8])
        if tag == _ORIENTATION_TAG and kind == _SHORT and number >= 1:
            value = struct.unpack(order + "H", entries[start + 8 : start + 10])[0]
            return value if 1 <= value <= 8 else UPRIGHT
    return UPRIGHT
