"""Scores against gold answers (质检题, ADR 0026): per annotator, the items they answered,
the mean ``answer_score`` against the known answer, the gold items they got wrong, and
whether they fall below the order's pass mark (then their recent work is flagged for the
lead's review queue). ``gold_by_kind``: the same score per task kind across the office's
orders. Plain Python over what ``sync_server.db.quality`` reads.
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


@dataclass(frozen=True)
class KindAnswer:
    """A gold answer of one of the office's orders, with what scoring it needs from the order."""

    task_kind: str
    threshold: float | None  # the order's IoU threshold; None = the default
    answer: GoldAnswer


@dataclass
class AnnotatorKindGold:
    annotator_id: int
    task_kind: str
    answered: int = 0
    mean_score: float = 0.0
    flagged: bool = False
    total: float = field(default=0.0, repr=False)


def gold_by_kind(found: Iterable[KindAnswer], pass_mark: float = DEFAULT_GOLD_PASS) -> list[AnnotatorKindGold]:
    """Per annotator and task kind, over every order: the mean of the very score
    ``gold_scores`` gives each item (each order's own IoU threshold), flagged below the pass
    mark. By task kind, then lowest mean first."""
    people: dict[tuple[str, int], AnnotatorKindGold] = {}
    for found_answer in found:
        answer = found_answer.answer
        threshold = DEFAULT_IOU if found_answer.threshold is None else found_answer.threshold
        score = answer_score(found_answer.task_kind, answer.answer, answer.gold, threshold)
        key = (found_answer.task_kind, answer.annotator_id)
        person = people.get(key)
        if person is None:
            person = people[key] = AnnotatorKindGold(answer.annotator_id, found_answer.task_kind)
        person.answered += 1
        person.total += score
    for person in people.values():
        person.mean_score = person.total / person.answered
        person.flagged = person.mean_score < pass_mark
    return sorted(people.values(), key=lambda p: (p.task_kind, p.mean_score, p.annotator_id))
