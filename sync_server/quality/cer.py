"""Character error rate: how far one text is from another (an OCR suggestion from the final
text, a transcription from its gold answer or from another annotator's)."""

from __future__ import annotations


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance over code points (insert, delete, substitute: 1 each).

    The common start and end are cut off first: an annotator fixes a few characters of
    a suggestion, so what is left for the two-row table (O(m × n)) is small."""
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end = 0
    while end < len(a) - start and end < len(b) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def character_error_rate(suggestion: str, final: str) -> float:
    """Edit distance from ``suggestion`` to ``final`` over the length of ``final``
    (0 = the suggestion was taken as it was). The protocol's rule for an empty final
    text: 0.0 when the suggestion was empty too, else 1.0."""
    if not final:
        return 0.0 if not suggestion else 1.0
    return edit_distance(suggestion, final) / len(final)
