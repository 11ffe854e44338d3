"""OpenCV image helpers. No Qt: the UI turns these arrays into QImages."""

from aidou_desktop.imaging.decode import DecodeError, decode_bgra

__all__ = ["DecodeError", "decode_bgra"]
