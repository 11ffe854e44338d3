"""Scores against gold answers (质检题, ADR 0026): per annotator, the items they answered,
the mean ``answer_score`` against the known answer, the gold items they got wrong, and
whether they fall below the order's pass mark (then their recent work is flagged for the
lead's review queue). Plain Python over what ``sync_server.db.quality`` reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sync_server.protocol import Shape
from sync_server.quality.metrics import DEFAULT_IOU, answer_score

DEFAULT_GOLD_PASS = 0.8  # a mean gold score below this flags the annotator's recent work
FLAG_DAYS = 7  # a flagged annotator's work of these last days goes to the lead's review queue


@dataclass(frozen=True)
class GoldAnswer:
    """A gold item's head revision, as the annotator who made it answered."""

    item_id: int
    name: str
    annotator_id: int
    answer: Sequence[Shape]
    gold: Sequence[Shape]


@dataclass
class GoldMiss:
    item_id: int
    name: str
    score: float


@dataclass
class AnnotatorGold:
    annotator_id: int
    answered: int = 0
    mean_score: float = 0.0
    below: list[GoldMiss] = field(default_factory=list)  # gold items scored under the pass mark
    flagged: bool = False
    total: float = field(default=0.0, repr=False)


def gold_scores(task_kind: str, found: Iterable[GoldAnswer], pass_mark: float = DEFAULT_GOLD_PASS,
                threshold: float | None = None) -> list[AnnotatorGold]:  # fmt: skip
    """Each annotator who answered a gold item, lowest mean first."""
    threshold = DEFAULT_IOU if threshold is None else threshold
    people: dict[int, AnnotatorGold] = {}
    for answer in found:
        score = answer_score(task_kind, answer.answer, answer.gold, threshold)
        person = people.setdefault(answer.annotator_id, AnnotatorGold(answer.annotator_id))
        person.answered += 1
        person.total += score
        if score < pass_mark:
            person.below.append(GoldMiss(answer.item_id, answer.name, score))
    for person in people.values():
        person.mean_score = person.total / person.answered
        person.flagged = person.mean_score < pass_mark
        person.below.sort(key=lambda miss: (miss.score, miss.item_id))
    return sorted(people.values(), key=lambda p: (p.mean_score, p.annotator_id))
