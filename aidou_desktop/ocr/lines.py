"""OCR lines as plain data: what the engine found, in reading order, as the store keeps them."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass

# two pieces of text whose (deskewed) middles are closer than this share of the smaller
# one's height stand on one row: a receipt's item and its price, set apart, are one line
SAME_ROW = 0.5


@dataclass(frozen=True)
class OcrLine:
    text: str
    box: list[list[float]]  # [[x1, y1], [x2, y2]], axis-aligned, in original image pixels
    score: float  # the recogniser's confidence, 0..1

    def scaled(self, sx: float, sy: float) -> OcrLine:
        """The same line on an image ``sx`` × ``sy`` times as large (display copy → original)."""
        (x1, y1), (x2, y2) = self.box
        return OcrLine(self.text, [[x1 * sx, y1 * sy], [x2 * sx, y2 * sy]], self.score)


@dataclass(frozen=True)
class Piece:
    """One region the detector found: four corners clockwise from the top left."""

    quad: list[list[float]]
    text: str
    score: float

    @property
    def middle(self) -> tuple[float, float]:
        return sum(p[0] for p in self.quad) / 4, sum(p[1] for p in self.quad) / 4

    @property
    def height(self) -> float:
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = self.quad
        return ((abs(y3 - y0) + abs(y2 - y1)) / 2) or 1.0

    @property
    def slope(self) -> float:
        (x0, y0), (x1, y1) = self.quad[0], self.quad[1]
        return (y1 - y0) / (x1 - x0) if x1 != x0 else 0.0

    def box(self) -> list[list[float]]:
        xs = [float(p[0]) for p in self.quad]
        ys = [float(p[1]) for p in self.quad]
        return [[min(xs), min(ys)], [max(xs), max(ys)]]


def in_reading_order(pieces: list[Piece]) -> list[OcrLine]:
    """Top to bottom, then left to right; pieces on one row joined into one line with a space.

    Rows are found after taking out the photo's tilt (the pieces' median slope): on a
    receipt shot 3° askew, an item's price sits a line-height lower than its name."""
    if not pieces:
        return []
    tilt = statistics.median(p.slope for p in pieces)

    def level(piece: Piece) -> float:  # the middle's height with the tilt taken out
        x, y = piece.middle
        return y - tilt * x

    rows: list[list[Piece]] = []
    for piece in sorted(pieces, key=level):
        row = rows[-1] if rows else None
        if row and abs(level(piece) - statistics.fmean(map(level, row))) < SAME_ROW * min(
            piece.height, min(p.height for p in row)
        ):
            row.append(piece)
        else:
            rows.append([piece])
    return [_join(sorted(row, key=lambda p: p.middle[0])) for row in rows]


def _join(row: list[Piece]) -> OcrLine:
    boxes = [p.box() for p in row]
    box = [[min(b[0][0] for b in boxes), min(b[0][1] for b in boxes)],
           [max(b[1][0] for b in boxes), max(b[1][1] for b in boxes)]]  # fmt: skip
    # the row's confidence is its weakest piece's: one doubtful word makes the line doubtful
    return OcrLine(" ".join(p.text for p in row), box, min(p.score for p in row))


def lines_to_json(lines: list[OcrLine]) -> str:
    return json.dumps(
        [{"text": line.text, "box": line.box, "score": line.score} for line in lines], ensure_ascii=False
    )


def lines_from_json(text: str) -> list[OcrLine]:
    return [OcrLine(d["text"], d["box"], d["score"]) for d in json.loads(text)]


def suggestion_text(lines: list[OcrLine]) -> str:
    """The suggestion as the annotator sees it first: one line per detected line."""
    return "\n".join(line.text for line in lines)
