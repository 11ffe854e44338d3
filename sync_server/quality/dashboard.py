"""The lead's dashboard (issue 11): per annotator and UTC day, items done, verdicts received,
gold score and agreement; the same tallies summed over a month for the pay sheet.

Plain Python over what ``sync_server.db.dashboard`` reads. Figures are kept as sums and
counts, not means, so days, orders and annotators add up without weighting errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sync_server.protocol import Shape
from sync_server.quality.gold import GoldAnswer
from sync_server.quality.metrics import DEFAULT_IOU, answer_score


@dataclass(frozen=True)
class DatedGold:
    day: str  # "YYYY-MM-DD", UTC: the day the server received the answer
    answer: GoldAnswer


@dataclass(frozen=True)
class DatedCopy:
    """One overlap copy's head revision and the day it was received (None: not answered)."""

    item_id: int
    annotator_id: int | None
    shapes: Sequence[Shape] | None
    day: str | None


@dataclass
class Tally:
    """One annotator's figures over a day (or a month, or everyone)."""

    items: int = 0  # head revisions they made
    accepted: int = 0  # verdicts on revisions they made
    rejected: int = 0
    gold_answered: int = 0
    gold_total: float = 0.0
    agreement_pairs: int = 0  # their answer scored against one other copy's
    agreement_total: float = 0.0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def accept_rate(self) -> float | None:
        reviewed = self.accepted + self.rejected
        return self.accepted / reviewed if reviewed else None

    @property
    def gold_score(self) -> float | None:
        return self.gold_total / self.gold_answered if self.gold_answered else None

    @property
    def agreement(self) -> float | None:
        return self.agreement_total / self.agreement_pairs if self.agreement_pairs else None


Figures = dict[tuple[int, str], Tally]  # (annotator id, day) → tally


def _at(figures: Figures, annotator_id: int, day: str) -> Tally:
    tally = figures.get((annotator_id, day))
    if tally is None:
        tally = figures[(annotator_id, day)] = Tally()
    return tally


def add_items(figures: Figures, heads: Iterable[tuple[int, str]]) -> None:
    """``(annotator id, day)`` of every head revision made in the window."""
    for annotator_id, day in heads:
        _at(figures, annotator_id, day).items += 1


def add_verdicts(figures: Figures, verdicts: Iterable[tuple[int, str, str]]) -> None:
    """``(author of the judged revision, day of the verdict, "accept" | "reject")``: each verdict
    counts once, on the day the lead gave it (a correction is the lead's own revision)."""
    for annotator_id, day, verdict in verdicts:
        tally = _at(figures, annotator_id, day)
        if verdict == "accept":
            tally.accepted += 1
        else:
            tally.rejected += 1


def add_gold(figures: Figures, task_kind: str, answers: Iterable[DatedGold], threshold: float | None = None) -> None:
    threshold = DEFAULT_IOU if threshold is None else threshold
    for dated in answers:
        found = dated.answer
        tally = _at(figures, found.annotator_id, dated.day)
        tally.gold_answered += 1
        tally.gold_total += answer_score(task_kind, found.answer, found.gold, threshold)


def add_agreement(figures: Figures, task_kind: str, groups: Iterable[Sequence[DatedCopy]], first_day: str,
                  last_day: str, threshold: float | None = None) -> None:  # fmt: skip
    """Each copy answered within [first_day, last_day] scored against every other answered copy
    of its group, on the day it was answered: the quality tab's per-annotator mean, split by day."""
    threshold = DEFAULT_IOU if threshold is None else threshold
    for copies in groups:
        answered = [c for c in copies if c.shapes is not None]
        for own in answered:
            if own.annotator_id is None or own.day is None or not first_day <= own.day <= last_day:
                continue
            for other in answered:
                if other is not own:
                    tally = _at(figures, own.annotator_id, own.day)
                    tally.agreement_pairs += 1
                    tally.agreement_total += answer_score(task_kind, own.shapes, other.shapes, threshold)


def per_annotator(figures: Figures) -> dict[int, Tally]:
    """The days summed: one tally per annotator (the pay sheet's month)."""
    out: dict[int, Tally] = {}
    for (annotator_id, _day), tally in figures.items():
        out.setdefault(annotator_id, Tally()).add(tally)
    return out


def tally_wire(tally: Tally) -> dict[str, Any]:
    return {
        "items": tally.items, "accepted": tally.accepted, "rejected": tally.rejected, "accept_rate": tally.accept_rate,
        "gold_answered": tally.gold_answered, "gold_score": tally.gold_score,
        "agreement_pairs": tally.agreement_pairs, "agreement": tally.agreement,
    }  # fmt: skip


def dashboard_wire(figures: Figures, people: dict[int, tuple[str, str]]) -> list[dict[str, Any]]:
    """The ``annotators`` of ``GET /quality/dashboard``: the office's annotators with any figure,
    by username, each with the window's totals and the days that have one, oldest first.
    ``people``: annotator id → (username, display name); anyone else (a lead's correction) is left out."""
    days: dict[int, list[tuple[str, Tally]]] = {}
    for (annotator_id, day), tally in figures.items():
        if annotator_id in people:
            days.setdefault(annotator_id, []).append((day, tally))
    totals = per_annotator({key: t for key, t in figures.items() if key[0] in people})
    return [
        {"annotator_id": who, "username": people[who][0], "display_name": people[who][1], **tally_wire(totals[who]),
         "days": [{"day": day, **tally_wire(tally)} for day, tally in sorted(days[who])]}
        for who in sorted(days, key=lambda who: (people[who][0], who))
    ]  # fmt: skip

