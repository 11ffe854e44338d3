"""Spans are stored as code-point offsets into the exact text the server sent (Python str
indices); Qt's text positions count UTF-16 code units. The two differ after every
character outside the BMP (an emoji, a rare CJK Extension B character), so every position
crosses between them here, and nowhere else.

Qt's text document also folds a few characters when it takes a text in ("\\r\\n" becomes
one line break, a leading byte-order mark is dropped), which would move every later
position. ``display_text`` swaps those for look-alikes of the same length, so position n
of the display is position n of the text; the stored text itself never changes.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

_ZERO_WIDTH_SPACE = "\u200b"
_WORD_JOINER = "\u2060"  # zero width too, and never dropped


def display_text(text: str) -> str:
    """``text`` as the text view shows it: the same length in UTF-16 code units,
    character for character, with the ones Qt would fold swapped for look-alikes."""
    shown = text.replace("\r\n", _ZERO_WIDTH_SPACE + "\n")
    if shown.startswith("\ufeff"):
        shown = _WORD_JOINER + shown[1:]
    if any("\ud800" <= ch <= "\udfff" for ch in shown):  # a lone surrogate cannot cross into Qt
        shown = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in shown)
    return shown


class Utf16Index:
    """Code-point offsets of ``text`` to UTF-16 positions and back, in O(log n)."""

    def __init__(self, text: str) -> None:
        # code-point offsets of the characters that take two UTF-16 units, and where each starts in UTF-16
        self._wide = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self._wide16 = [i + k for k, i in enumerate(self._wide)]
        self.length = len(text)
        self.length16 = len(text) + len(self._wide)

    def to_utf16(self, offset: int) -> int:
        return offset + bisect_left(self._wide, offset)

    def to_code_point(self, position: int) -> int:
        """A UTF-16 position as a code-point offset; a position inside a surrogate pair
        (Qt never puts a cursor there) counts as after that character."""
        return position - bisect_right(self._wide16, position - 2)
