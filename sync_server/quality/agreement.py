"""Agreement between the annotators of an overlap order (ADR 0026): per item, per
annotator and, for class orders, Cohen's or Fleiss' kappa.

Plain Python over what ``sync_server.db.quality`` reads (the head revision of every copy
of every group); the measures are ``metrics``'. One pass over the groups: memory holds a
figure per group and per annotator, never the answers of the whole order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from sync_server.protocol import TASK_IMAGE_CLASS, TASK_TEXT_CLASS, TASK_TRANSCRIPTION, Shape
from sync_server.quality.metrics import DEFAULT_IOU, answer_score, class_table, cohen_kappa, fleiss_kappa

CLASS_TASKS = (TASK_IMAGE_CLASS, TASK_TEXT_CLASS)
NO_CLASS = "(none)"  # the class of an answer that chose none, for the kappa tables


@dataclass(frozen=True)
class Copy:
    """One copy of an overlap item and its head revision (None: nobody answered it yet)."""

    item_id: int
    annotator_id: int | None
    shapes: Sequence[Shape] | None


@dataclass(frozen=True)
class Group:
    group_id: int  # the first copy's id
    name: str
    copies: Sequence[Copy]


@dataclass
class ItemAgreement:
    group_id: int
    name: str
    agreement: float | None  # mean pairwise score of its answers; None with fewer than two
    answered: int  # copies with an answer
    copies: int
    item_ids: list[int]
    annotator_ids: list[int | None]  # who answered each copy (None: nobody yet)


@dataclass
class AnnotatorAgreement:
    annotator_id: int
    items: int  # groups where they answered and someone else did too
    mean_score: float  # their answers scored against each other copy's answer, averaged
    total: float = field(default=0.0, repr=False)
    pairs: int = field(default=0, repr=False)


@dataclass
class AgreementReport:
    task_kind: str
    iou_threshold: float
    groups: int
    answered_groups: int  # groups with two answers or more
    items: list[ItemAgreement]  # lowest agreement first; not yet comparable last
    annotators: list[AnnotatorAgreement]  # lowest mean first
    kappa: float | None = None  # class orders: over groups where every copy is answered
    kappa_kind: str | None = None  # "cohen" (two annotators per item) or "fleiss" (more)
    kappa_items: int = 0


def answer_class(shapes: Sequence[Shape]) -> str:
    """One category per answer: its class, several joined by "+" (multi-label), or NO_CLASS."""
    labels = sorted({shape.label for shape in shapes})
    return "+".join(labels) if labels else NO_CLASS


def agreement_report(task_kind: str, groups: Iterable[Group], threshold: float | None = None) -> AgreementReport:
    threshold = DEFAULT_IOU if threshold is None else threshold
    found: list[ItemAgreement] = []
    people: dict[int, AnnotatorAgreement] = {}
    full_ratings: list[list[str]] = []  # class orders: groups with every copy answered
    copies_per_group = 0
    for group in groups:
        answered = [c for c in group.copies if c.shapes is not None]
        score = _pair_scores(task_kind, answered, threshold, people)
        found.append(ItemAgreement(group.group_id, group.name, score, len(answered), len(group.copies),
                                   [c.item_id for c in group.copies],
                                   [c.annotator_id if c.shapes is not None else None for c in group.copies]))  # fmt: skip
        copies_per_group = max(copies_per_group, len(group.copies))
        if task_kind in CLASS_TASKS and answered and len(answered) == len(group.copies):
            full_ratings.append([answer_class(c.shapes) for c in answered])
    found.sort(key=lambda it: (it.agreement is None, it.agreement if it.agreement is not None else 0.0, it.group_id))
    annotators = sorted(people.values(), key=lambda a: (a.mean_score, a.annotator_id))
    report = AgreementReport(task_kind, threshold, len(found), sum(it.agreement is not None for it in found), found, annotators)
    rated = [r for r in full_ratings if len(r) == copies_per_group >= 2]
    if rated:
        report.kappa_items = len(rated)
        if copies_per_group == 2:
            report.kappa_kind = "cohen"
            report.kappa = cohen_kappa([r[0] for r in rated], [r[1] for r in rated])
        else:
            report.kappa_kind = "fleiss"
            classes = sorted({c for r in rated for c in r})
            report.kappa = fleiss_kappa(class_table(rated, classes))
    return report


def _pair_scores(task_kind: str, answered: list[Copy], threshold: float, people: dict[int, AnnotatorAgreement]) -> float | None:
    """The item's agreement, and each answerer's scores against the others added to ``people``.

    Every pair is scored once each way (``answer_score`` is symmetric but for the CER of
    transcriptions, so the other way is only computed there): the item's figure is then
    ``item_agreement``'s — the mean over pairs of the pair's score, both ways averaged —
    without matching each pair again (matching is most of the time: 100,000 items × 3)."""
    if len(answered) < 2:
        return None
    both_ways = task_kind == TASK_TRANSCRIPTION
    pair_means = []
    for a, b in combinations(answered, 2):
        ab = answer_score(task_kind, a.shapes, b.shapes, threshold)
        ba = answer_score(task_kind, b.shapes, a.shapes, threshold) if both_ways else ab
        pair_means.append((ab + ba) / 2 if both_ways else ab)
        _add(people, a.annotator_id, ab)
        _add(people, b.annotator_id, ba)
    for own in answered:
        if own.annotator_id is not None:
            people[own.annotator_id].items += 1
    return sum(pair_means) / len(pair_means)


def _add(people: dict[int, AnnotatorAgreement], annotator_id: int | None, score: float) -> None:
    if annotator_id is None:
        return
    person = people.get(annotator_id)
    if person is None:
        person = people[annotator_id] = AnnotatorAgreement(annotator_id, 0, 0.0)
    person.total += score
    person.pairs += 1
    person.mean_score = person.total / person.pairs


def report_wire(report: AgreementReport, limit: int | None = None) -> dict:
    """The answer of ``GET /quality/agreement``: JSON-ready, the first ``limit`` items."""
    shown = report.items if limit is None else report.items[:limit]
    return {
        "task_kind": report.task_kind,
        "iou_threshold": report.iou_threshold,
        "groups": report.groups,
        "answered_groups": report.answered_groups,
        "kappa": report.kappa,
        "kappa_kind": report.kappa_kind,
        "kappa_items": report.kappa_items,
        "items": [
            {"group_id": it.group_id, "name": it.name, "agreement": it.agreement, "answered": it.answered,
             "copies": it.copies, "item_ids": it.item_ids, "annotator_ids": it.annotator_ids}
            for it in shown
        ],  # fmt: skip
        "annotators": [{"annotator_id": a.annotator_id, "items": a.items, "mean_score": a.mean_score} for a in report.annotators],
    }
