"""``sync_server.quality.agreement`` without a database: each pair is scored once, and the
item's figure is still exactly ``item_agreement``'s (transcriptions too, whose CER is one-way)."""

from __future__ import annotations

import random

import pytest

from sync_server.protocol import Shape
from sync_server.quality.agreement import Copy, Group, agreement_report
from sync_server.quality.metrics import item_agreement


@pytest.mark.parametrize("kind", ["bbox", "transcription", "image_class"])
def test_item_figures_equal_item_agreement(kind):
    rng = random.Random(3)

    def answer():
        if kind == "bbox":
            x = rng.choice([10, 12, 60])
            return [Shape("box", "car", [[x, 10], [x + 30, 40]]) for _ in range(rng.randint(0, 2))]
        if kind == "transcription":
            return [Shape("text", "", [], rng.choice(["收据", "收银", "", "发票号"]))]
        return [Shape("class", rng.choice(["car", "pedestrian"]), [])]

    groups = [Group(g, f"g{g}", [Copy(10 * g + j, j + 1, answer() if rng.random() > 0.2 else None) for j in range(3)])
              for g in range(300)]  # fmt: skip
    report = agreement_report(kind, groups)
    by_id = {it.group_id: it.agreement for it in report.items}
    for group in groups:
        expected = item_agreement(kind, [c.shapes for c in group.copies if c.shapes is not None])
        assert by_id[group.group_id] == pytest.approx(expected) if expected is not None else by_id[group.group_id] is None
    agreements = [it.agreement for it in report.items]
    known = [a for a in agreements if a is not None]
    assert known == sorted(known) and agreements[: len(known)] == known  # lowest first, None last


def test_one_annotator_only_gives_no_figures():
    report = agreement_report("bbox", [Group(1, "a", [Copy(1, 7, []), Copy(2, None, None)])])
    assert (report.items[0].agreement, report.annotators, report.answered_groups) == (None, [], 0)
