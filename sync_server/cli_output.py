"""What the admin commands print: a refusal on stderr with exit code 2, and tables whose
columns line up with Chinese names in them."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence

EXIT_REFUSED = 2  # every admin command answers bad input so, for a cron job to tell


def refuse(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_REFUSED


def text_width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]], indent: str = "") -> None:
    cells = [[str(v) for v in row] for row in [header, *rows]]
    widths = [max(text_width(row[i]) for row in cells) for i in range(len(header))]
    for row in cells:
        print(indent + "  ".join(v + " " * (w - text_width(v)) for v, w in zip(row, widths)).rstrip())
