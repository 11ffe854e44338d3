"""The quality measures (sync_server.quality) against hand-computed cases, edge cases
included, and against the well-kept libraries that define them: SciPy's assignment,
scikit-learn's Cohen's kappa, statsmodels' Fleiss' kappa, seqeval's entity F1 and
rapidfuzz's edit distance. The office PCs run our plain-Python copies, not these."""

from __future__ import annotations

import random

import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein
from scipy.optimize import linear_sum_assignment
from seqeval.metrics import f1_score
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss

from sync_server.protocol import Shape
from sync_server.quality.assignment import min_cost_assignment
from sync_server.quality.cer import edit_distance
from sync_server.quality.metrics import (
    answer_score,
    class_table,
    cohen_kappa,
    fleiss_kappa,
    item_agreement,
    match_shapes,
    span_f1,
    text_cer,
)
from sync_server.quality.shape_iou import iou


def box(x1, y1, x2, y2, label="car") -> Shape:
    return Shape("box", label, [[x1, y1], [x2, y2]])


def polygon(points, label="car") -> Shape:
    return Shape("polygon", label, [list(p) for p in points])


def span(start, end, label="PER") -> Shape:
    return Shape("span", label, [[start, end]])


def text(line: str) -> Shape:
    return Shape("text", "", [], line)


# ---------------------------------------------------------------- assignment


@pytest.mark.parametrize("rows,columns", [(1, 1), (3, 3), (4, 7), (7, 4), (12, 12), (30, 25)])
def test_the_assignment_costs_what_scipys_does(rows, columns):
    rng = random.Random(rows * 100 + columns)
    for _ in range(20):
        cost = [[rng.choice([rng.random(), 0.0, -rng.random(), 1.0]) for _ in range(columns)] for _ in range(rows)]
        ours = min_cost_assignment(cost)
        r, c = linear_sum_assignment(np.array(cost))
        assert len(ours) == min(rows, columns) == len(r)
        assert len({i for i, _ in ours}) == len(ours) == len({j for _, j in ours})
        assert sum(cost[i][j] for i, j in ours) == pytest.approx(float(np.array(cost)[r, c].sum()))


def test_the_assignment_of_nothing_is_empty():
    assert min_cost_assignment([]) == [] and min_cost_assignment([[]]) == []


# ---------------------------------------------------------------- IoU and matching


def test_iou_of_boxes_and_polygons_by_hand():
    square = box(0, 0, 100, 100)
    assert iou(square, box(50, 0, 150, 100)) == pytest.approx(1 / 3)
    assert iou(square, box(100, 0, 200, 100)) == 0.0  # touching is not overlapping
    assert iou(square, square) == 1.0
    triangle = polygon([(0, 0), (100, 0), (0, 100)])
    assert iou(triangle, square) == pytest.approx(0.5, abs=0.005)
    l_shape = polygon([(0, 0), (100, 0), (100, 50), (50, 50), (50, 100), (0, 100)])  # area 7,500
    assert iou(l_shape, square) == pytest.approx(0.75, abs=0.005)
    assert iou(l_shape, box(50, 50, 100, 100)) == pytest.approx(0.0, abs=0.005)  # the notch (edges share a raster row)


def test_matching_pairs_the_same_objects_and_counts_the_rest():
    a = [box(0, 0, 100, 100), box(200, 0, 300, 100), box(400, 0, 500, 100, "bus")]
    b = [box(205, 5, 305, 105), box(5, 5, 105, 105), box(400, 0, 500, 100, "truck"), box(600, 0, 700, 100)]
    matched = match_shapes(a, b)
    assert sorted((i, j) for i, j, _ in matched.pairs) == [(0, 1), (1, 0)]
    assert matched.a_only == [2] and matched.b_only == [2, 3]  # another label never matches
    assert matched.f1 == pytest.approx(2 * 2 / 7)
    assert matched.mean_iou == pytest.approx(iou(a[0], b[1]))


def test_matching_prefers_the_pairing_with_the_most_overlap():
    # greedy would give the big box to its first fit and leave the small one unmatched
    a = [box(0, 0, 100, 100), box(0, 0, 60, 100)]
    b = [box(0, 0, 70, 100), box(0, 0, 100, 100)]
    matched = match_shapes(a, b, threshold=0.5)
    assert sorted((i, j) for i, j, _ in matched.pairs) == [(0, 1), (1, 0)] and matched.f1 == 1.0


@pytest.mark.parametrize("a,b,f1", [([], [], 1.0), ([box(0, 0, 10, 10)], [], 0.0), ([], [box(0, 0, 10, 10)], 0.0)])
def test_empty_answers(a, b, f1):
    assert match_shapes(a, b).f1 == f1 and answer_score("bbox", a, b) == f1


def test_a_threshold_below_the_overlap_matches_nothing():
    assert match_shapes([box(0, 0, 100, 100)], [box(50, 0, 150, 100)], threshold=0.5).f1 == 0.0
    assert match_shapes([box(0, 0, 100, 100)], [box(50, 0, 150, 100)], threshold=0.3).f1 == 1.0


# ---------------------------------------------------------------- kappas


def test_cohen_kappa_by_hand_and_against_scikit_learn():
    # the textbook table: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → p_o .7, p_e .5, kappa .4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    rng = random.Random(5)
    for _ in range(50):
        classes = ["咨询", "投诉", "退款", "物流"][: rng.randint(2, 4)]
        n = rng.randint(2, 40)
        x = [rng.choice(classes) for _ in range(n)]
        y = [c if rng.random() < 0.6 else rng.choice(classes) for c in x]
        if len(set(x) | set(y)) > 1:
            assert cohen_kappa(x, y) == pytest.approx(cohen_kappa_score(x, y))


def test_cohen_kappa_edge_cases():
    assert cohen_kappa(["a", "a"], ["a", "a"]) == 1.0  # one class only: scikit-learn says NaN
    assert cohen_kappa(["a", "b"], ["b", "a"]) == pytest.approx(-1.0)
    with pytest.raises(ValueError):
        cohen_kappa([], [])


def test_fleiss_kappa_by_hand_and_against_statsmodels():
    # Fleiss (1971) as Wikipedia works it: 10 items, 14 raters, 5 classes → 0.210
    table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
             [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]  # fmt: skip
    assert fleiss_kappa(table) == pytest.approx(0.20993, abs=1e-5)
    rng = random.Random(7)
    for _ in range(50):
        raters, classes = rng.randint(2, 5), ["a", "b", "c"]
        ratings = [[rng.choice(classes) if rng.random() < 0.5 else "a" for _ in range(raters)] for _ in range(rng.randint(2, 30))]
        counts = class_table(ratings, classes)
        if len({c for item in ratings for c in item}) > 1:
            assert fleiss_kappa(counts) == pytest.approx(statsmodels_fleiss(np.array(counts)))


def test_fleiss_kappa_edge_cases():
    assert fleiss_kappa([[3, 0], [3, 0]]) == 1.0  # everyone chose one class: nothing to disagree on
    with pytest.raises(ValueError):
        fleiss_kappa([[1, 0]])  # one rater
    with pytest.raises(ValueError):
        fleiss_kappa([[2, 0], [1, 0]])  # unequal raters


# ---------------------------------------------------------------- entities and text


def bio(length: int, spans: list[Shape]) -> list[str]:
    tags = ["O"] * length
    for s in spans:
        (start, end), label = s.points[0], s.label
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


def test_span_f1_matches_seqeval():
    rng = random.Random(3)
    for _ in range(100):
        def spans():
            found, at = [], 0
            while at < 60:
                at += rng.randint(0, 6)
                end = at + rng.randint(1, 4)
                if end <= 60 and rng.random() < 0.6:
                    found.append(span(at, end, rng.choice(["PER", "LOC"])))
                at = end + 1
            return found
        gold, guess = spans(), spans()
        if gold or guess:
            assert span_f1(guess, gold) == pytest.approx(f1_score([bio(62, gold)], [bio(62, guess)]))
    assert span_f1([], []) == 1.0 and span_f1([span(0, 2)], []) == 0.0
    assert span_f1([span(0, 2, "PER")], [span(0, 2, "LOC")]) == 0.0  # the label counts


def test_edit_distance_and_cer_against_rapidfuzz():
    rng = random.Random(11)
    alphabet = "收银小票合计￥12.50元谢谢光临 ab"
    for _ in range(300):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        b = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        assert edit_distance(a, b) == Levenshtein.distance(a, b)
    assert text_cer("合计12元", "合计13元") == pytest.approx(1 / 5)
    assert text_cer("", "") == 0.0 and text_cer("", "x") == 1.0


def test_transcription_scores_and_agreement():
    gold = [text("合计 12.50 元"), text("谢谢光临")]
    assert answer_score("transcription", gold, gold) == 1.0
    assert answer_score("transcription", [text("合计 12.50 元")], gold) == pytest.approx(1 - 5 / 15)  # "\n谢谢光临" missing
    assert answer_score("transcription", [], gold) == 0.0
    assert answer_score("transcription", [text("x" * 100)], [text("y")]) == 0.0  # floored, never negative
    # agreement is the same whichever answer comes first
    a, b = [text("合计 12 元")], [text("合计 12.5 元")]
    assert item_agreement("transcription", [a, b]) == item_agreement("transcription", [b, a])


def test_class_answers_and_item_agreement():
    a, b, c = [Shape("class", "退款", [])], [Shape("class", "退款", [])], [Shape("class", "物流", [])]
    assert item_agreement("text_class", [a, b, c]) == pytest.approx(1 / 3)  # pairs ab, ac, bc
    assert item_agreement("text_class", [a]) is None  # one annotator only: no agreement to speak of
    multi = [Shape("class", "road", []), Shape("class", "night", [])]
    assert answer_score("image_class", multi, [Shape("class", "road", [])]) == 0.5
    assert answer_score("image_class", [], []) == 1.0
