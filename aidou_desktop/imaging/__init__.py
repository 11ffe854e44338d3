"""OpenCV image helpers and decoding ahead. No Qt: the UI turns these arrays into QImages."""

from aidou_desktop.imaging.decode import DecodeError, decode_bgra
from aidou_desktop.imaging.prefetch import CacheStats, DecodeAhead

__all__ = ["CacheStats", "DecodeAhead", "DecodeError", "decode_bgra"]
