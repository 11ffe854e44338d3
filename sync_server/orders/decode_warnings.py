"""What libjpeg says while OpenCV decodes: its warnings are damage OpenCV hides.

A JPEG with corrupt entropy-coded data, or one cut short, still decodes: libjpeg
fills the damaged part with grey and only prints a warning to the C stderr
(fd 2), and OpenCV returns the image. The only trace is that text, so the import
captures fd 2 around a decode and treats any such libjpeg message as an error.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# libjpeg's warnings that mean damaged pixels (jerror.h: JWRN_*); the JFIF revision and
# Adobe transform warnings are about headers and leave the pixels whole
_DAMAGE = re.compile(
    r"Corrupt JPEG data|Premature end of JPEG file|Invalid SOS parameters"
    r"|Inconsistent progression sequence|Application transferred too many scanlines"
)
# fd 2 belongs to the whole process: one capture at a time
_lock = threading.Lock()


def run_capturing_stderr(decode: Callable[[], T]) -> tuple[T, str]:
    """``decode()``'s result and what the C libraries wrote to fd 2 meanwhile."""
    with _lock, tempfile.TemporaryFile() as captured:
        sys.stderr.flush()  # Python's own pending text goes where it was meant to
        saved = os.dup(2)
        try:
            os.dup2(captured.fileno(), 2)
            try:
                result = decode()
            finally:
                os.dup2(saved, 2)
        finally:
            os.close(saved)
        captured.seek(0)
        text = captured.read().decode("utf-8", "replace")
    return result, text


def decode_damage(decode: Callable[[], T]) -> tuple[T, list[str]]:
    """``decode()``'s result and libjpeg's damage warnings; other stderr text is passed on."""
    result, text = run_capturing_stderr(decode)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    damage = [line for line in lines if _DAMAGE.search(line)]
    rest = [line for line in lines if not _DAMAGE.search(line)]
    if rest:  # e.g. OpenCV's own warnings: not ours to swallow
        print("\n".join(rest), file=sys.stderr)
    return result, damage
