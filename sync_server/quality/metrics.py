"""How far two answers to one item agree, and how far raters agree over many items: the
measures the lead's agreement view, gold scoring and training feedback share.

Plain Python over the protocol's shapes (plus ``shape_iou``'s raster), so the office PCs
score training answers offline with the same code the server uses. Each measure is
checked against the well-kept library that defines it (scipy, scikit-learn, statsmodels,
seqeval, rapidfuzz) in tests/test_quality_metrics.py.

Edge cases, decided once: two empty answers agree fully (1.0: both say "nothing here");
an empty answer against a non-empty one scores 0.0; a kappa whose chance agreement is
already perfect (every rating the same class) is 1.0 when the raters agree, as there is
nothing left to disagree on (scikit-learn answers NaN there).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from sync_server.protocol import (
    SHAPE_SPAN,
    SHAPE_TEXT,
    TASK_BBOX,
    TASK_IMAGE_CLASS,
    TASK_NER,
    TASK_POLYGON,
    TASK_TEXT_CLASS,
    TASK_TRANSCRIPTION,
    Shape,
)
from sync_server.quality.assignment import min_cost_assignment
from sync_server.quality.cer import edit_distance
from sync_server.quality.shape_iou import iou

DEFAULT_IOU = 0.5  # two marks are the same object from this IoU on (an order may set its own)


@dataclass
class Matching:
    """Marks of answer a paired with marks of answer b (same label, IoU ≥ the threshold)."""

    pairs: list[tuple[int, int, float]]  # (index in a, index in b, IoU)
    a_only: list[int]  # marks of a nobody matched: extra in a, missed by b
    b_only: list[int]

    @property
    def f1(self) -> float:
        marks = 2 * len(self.pairs) + len(self.a_only) + len(self.b_only)
        return 1.0 if marks == 0 else 2 * len(self.pairs) / marks

    @property
    def mean_iou(self) -> float | None:
        return sum(p[2] for p in self.pairs) / len(self.pairs) if self.pairs else None


def match_shapes(a: Sequence[Shape], b: Sequence[Shape], threshold: float = DEFAULT_IOU) -> Matching:
    """The pairing of boxes / polygons with the most total IoU (Hungarian method) among
    pairs of one label that overlap by ``threshold`` or more."""
    ious = [[iou(sa, sb) if sa.label == sb.label else 0.0 for sb in b] for sa in a]
    # the pairs that may match: IoU from the threshold on, and never 0 (its cost below would be 0)
    candidates = [(i, j) for i, row in enumerate(ious) for j, value in enumerate(row) if value >= threshold and value > 0]
    if len({i for i, _ in candidates}) == len({j for _, j in candidates}) == len(candidates):
        # no mark may match two: the best pairing is every candidate (the usual case, and the
        # Hungarian method in plain Python would be most of an agreement report's time)
        chosen = candidates
    else:
        # cost: −IoU where a pair may match, 0 where it may not; pairs at 0 are dropped after
        cost = [[-value if value >= threshold else 0.0 for value in row] for row in ious]
        chosen = [(i, j) for i, j in min_cost_assignment(cost) if cost[i][j] < 0]
    pairs = [(i, j, ious[i][j]) for i, j in chosen]
    matched_a, matched_b = {i for i, _, _ in pairs}, {j for _, j, _ in pairs}
    return Matching(pairs, [i for i in range(len(a)) if i not in matched_a], [j for j in range(len(b)) if j not in matched_b])


def span_f1(a: Sequence[Shape], b: Sequence[Shape]) -> float:
    """Entity-level F1: an entity counts when both answers mark the same characters with
    the same label (seqeval's exact match)."""
    spans_a = Counter((tuple(s.points[0]), s.label) for s in a if s.kind == SHAPE_SPAN)
    spans_b = Counter((tuple(s.points[0]), s.label) for s in b if s.kind == SHAPE_SPAN)
    total = sum(spans_a.values()) + sum(spans_b.values())
    return 1.0 if total == 0 else 2 * sum((spans_a & spans_b).values()) / total


def class_overlap(a: Sequence[Shape], b: Sequence[Shape]) -> float:
    """The classes two answers chose: 1 when the same, else the share they have in common
    (Jaccard: for single-label orders simply 1 or 0)."""
    labels_a, labels_b = {s.label for s in a}, {s.label for s in b}
    union = labels_a | labels_b
    return 1.0 if not union else len(labels_a & labels_b) / len(union)


def transcribed(shapes: Sequence[Shape]) -> str:
    """A transcription's text: its lines in order, one per line."""
    return "\n".join((s.text or "") for s in shapes if s.kind == SHAPE_TEXT)


def text_cer(reference: str, text: str) -> float:
    """Character error rate of ``text`` against ``reference`` (the gold): edits over the
    reference's length; an empty reference: 0 for an empty text, else 1."""
    if not reference:
        return 0.0 if not text else 1.0
    return edit_distance(reference, text) / len(reference)


def answer_score(task_kind: str, answer: Sequence[Shape], reference: Sequence[Shape],
                 threshold: float = DEFAULT_IOU) -> float:  # fmt: skip
    """How well ``answer`` matches ``reference`` (a gold answer, or another annotator's),
    0 … 1, by the measure that fits the task kind: F1 of matched marks (boxes, polygons),
    F1 of entities, the classes in common, or 1 − CER (floored at 0) for transcriptions."""
    if task_kind in (TASK_BBOX, TASK_POLYGON):
        return match_shapes(answer, reference, threshold).f1
    if task_kind == TASK_NER:
        return span_f1(answer, reference)
    if task_kind in (TASK_IMAGE_CLASS, TASK_TEXT_CLASS):
        return class_overlap(answer, reference)
    if task_kind == TASK_TRANSCRIPTION:
        return max(0.0, 1.0 - text_cer(transcribed(reference), transcribed(answer)))
    raise ValueError(f"no agreement measure for task kind {task_kind!r}")


def item_agreement(task_kind: str, answers: Sequence[Sequence[Shape]], threshold: float = DEFAULT_IOU) -> float | None:
    """The mean of ``answer_score`` over every pair of the item's answers (for transcriptions
    the pair's CER is taken both ways and averaged, so the order of the pair does not
    matter); None with fewer than two answers."""
    if len(answers) < 2:
        return None
    scores = []
    for a, b in combinations(answers, 2):
        if task_kind == TASK_TRANSCRIPTION:
            scores.append((answer_score(task_kind, a, b, threshold) + answer_score(task_kind, b, a, threshold)) / 2)
        else:
            scores.append(answer_score(task_kind, a, b, threshold))
    return sum(scores) / len(scores)


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float:
    """Cohen's kappa of two raters who each gave one class to the same items (``a[i]`` and
    ``b[i]`` rate item i)."""
    if len(a) != len(b):
        raise ValueError("both raters must rate the same items")
    if not a:
        raise ValueError("no items rated by both")
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[c] * count_b[c] for c in count_a) / (n * n)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def fleiss_kappa(counts: Sequence[Sequence[int]]) -> float:
    """Fleiss' kappa: ``counts[i][j]`` raters put item i in class j; every item has the same
    number of raters (two or more)."""
    if not counts:
        raise ValueError("no items")
    raters = sum(counts[0])
    if raters < 2 or any(sum(row) != raters for row in counts):
        raise ValueError("every item needs the same number of raters, two or more")
    items = len(counts)
    shares = [sum(row[j] for row in counts) / (items * raters) for j in range(len(counts[0]))]
    per_item = [(sum(c * c for c in row) - raters) / (raters * (raters - 1)) for row in counts]
    observed = sum(per_item) / items
    expected = sum(p * p for p in shares)
    if expected == 1.0:
        return 1.0 if observed == 1.0 else 0.0
    return (observed - expected) / (1 - expected)


def class_table(ratings: Sequence[Sequence[str]], classes: Sequence[str]) -> list[list[int]]:
    """Fleiss' table from each item's ratings (one class per rater)."""
    index = {c: j for j, c in enumerate(classes)}
    table = []
    for item in ratings:
        row = [0] * len(classes)
        for label in item:
            row[index[label]] += 1
        table.append(row)
    return table
