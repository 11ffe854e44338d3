"""Heap settings for the app process on Linux (glibc).

Every image decode makes blocks of several MB (OpenCV's pixels, then the QImage's own
copy), on the decode threads. glibc hands a freed block of that size out from its heaps
afterwards (its mmap threshold rises to the largest block freed), and those heaps seldom
shrink: stepping through 1080p photos kept 20–27 MiB of freed decode buffers resident on
top of the cache's own frames. A fixed threshold keeps every block of 1 MiB or more in a
mapping of its own, given back to the system when it is freed; small objects are as
before. Windows' heap gives big blocks back by itself; elsewhere this does nothing.
"""

from __future__ import annotations

import ctypes
import sys

M_MMAP_THRESHOLD = -3  # glibc's malloc.h; setting it also stops the threshold moving
BIG_BLOCK = 1 << 20


def return_big_blocks() -> bool:
    """Ask glibc to map blocks ≥ 1 MiB on their own; True when it took the setting."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # a libc without mallopt
        return False
    return mallopt(M_MMAP_THRESHOLD, BIG_BLOCK) == 1
