"""Which files an order import takes as images, and what to tell people about the rest."""

from __future__ import annotations

from pathlib import PurePath

# .jfif is a JPEG under another name (Windows saves web images so)
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".jfif", ".png", ".bmp", ".webp", ".tif", ".tiff"}

_CONVERT = "convert it to JPEG or PNG first"
# images customers send that we do not take: each says what to do instead
UNSUPPORTED = {
    "GIF": "unsupported format GIF (may be animated; we take one still image per item): convert it to PNG first",
    "HEIC": "unsupported format HEIC (iPhone photo): convert it to JPEG first "
    "(on the iPhone: Settings > Camera > Formats > Most Compatible)",
    "AVIF": f"unsupported format AVIF: {_CONVERT}",
    "SVG": "unsupported format SVG (a drawing, not pixels): export it to PNG first",
    "PSD": f"unsupported format PSD (Photoshop): {_CONVERT}",
    "RAW": "unsupported format camera RAW: export it to JPEG first",
}
_UNSUPPORTED_SUFFIXES = {
    ".gif": "GIF", ".heic": "HEIC", ".heif": "HEIC", ".avif": "AVIF", ".svg": "SVG", ".psd": "PSD",
    ".cr2": "RAW", ".cr3": "RAW", ".nef": "RAW", ".arw": "RAW", ".dng": "RAW", ".raf": "RAW", ".orf": "RAW", ".rw2": "RAW",
}  # fmt: skip
NOT_AN_IMAGE = "not an image, ignored"
MAC_METADATA = "macOS metadata (._ file), not an image, ignored"


def unsupported_by_name(path: PurePath) -> str | None:
    """The reason an image of a format we do not take is left out, from its name."""
    kind = _UNSUPPORTED_SUFFIXES.get(path.suffix.lower())
    return UNSUPPORTED[kind] if kind else None


def unsupported_by_content(head: bytes) -> str | None:
    """The same from a file's first bytes: a HEIC photo renamed .jpg is still HEIC."""
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return UNSUPPORTED["GIF"]
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
        return UNSUPPORTED["HEIC"]
    if head[4:8] == b"ftyp" and head[8:12] in (b"avif", b"avis"):
        return UNSUPPORTED["AVIF"]
    return None


def ignored_reason(path: PurePath) -> str | None:
    """Why a file in an order folder is not an image at all (None: it may be one)."""
    if path.name.startswith("._"):  # AppleDouble files copied from a Mac carry the image's suffix
        return MAC_METADATA
    if path.suffix.lower() in IMAGE_SUFFIXES or unsupported_by_name(path):
        return None
    return NOT_AN_IMAGE
