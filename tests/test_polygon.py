"""Polygon shapes: ``check_shape``'s rules (docs/interfaces.md, "Payloads") and the geometry
behind them (``sync_server.protocol.polygon``); problems as ``Problem``s with codes; the
new ``PushResult`` fields on the wire. Pure Python, no QApplication."""

from __future__ import annotations

import math
import pickle
import random
import time

import pytest

from sync_server.protocol import (
    MAX_POLYGON_POINTS,
    REJECT_BOX_OUTSIDE,
    REJECT_POLYGON_DUPLICATE_POINT,
    REJECT_POLYGON_INVALID,
    REJECT_POLYGON_OUTSIDE,
    REJECT_POLYGON_SELF_INTERSECTS,
    REJECT_POLYGON_TOO_FEW_POINTS,
    REJECT_POLYGON_TOO_MANY_POINTS,
    REJECT_POLYGON_ZERO_AREA,
    REJECT_UNKNOWN_LABEL,
    REJECT_UNKNOWN_SHAPE_KIND,
    REJECTED,
    Problem,
    PushResponse,
    PushResult,
    Shape,
    check_shape,
    from_wire,
    is_simple,
    polygon_area,
    rejection,
    to_wire,
)
from sync_server.protocol.polygon import _segments_meet, _shamos_hoey, self_intersection

W, H = 200, 100
LABELS = ["car"]


def check(points, width=W, height=H):
    return check_shape(Shape("polygon", "car", points), width, height, LABELS)


@pytest.mark.parametrize(
    "points",
    [
        [[10, 10], [50, 10], [30, 40]],  # triangle
        [[10, 10], [60, 10], [60, 60], [35, 30], [10, 60]],  # concave (an arrow's notch)
        [[10, 60], [35, 30], [60, 60], [60, 10], [10, 10]],  # the same, clockwise
        [[0, 0], [200, 0], [200, 100], [0, 100]],  # the whole image: its edges are inside
        [[0.5, 0.5], [10.25, 0.5], [10.25, 7.75]],  # floats
        [[10, 10], [20, 10], [30, 10], [30, 30]],  # three on a line, passing straight on
    ],
)
def test_a_simple_polygon_inside_the_image_is_valid(points):
    assert check(points) is None
    assert is_simple(points)
    assert polygon_area(points) > 0


@pytest.mark.parametrize(
    "points, code, params",
    [
        ([[10, 10], [50, 10], [10, 50], [50, 50]], REJECT_POLYGON_SELF_INTERSECTS, {"edge": 2, "other": 4}),  # bow-tie
        # a vertex on a non-neighbouring edge: touching counts
        ([[10, 10], [50, 10], [50, 50], [30, 10], [10, 50]], REJECT_POLYGON_SELF_INTERSECTS, {}),
        # the same point visited twice (a figure 8 pinched at a vertex)
        ([[10, 10], [30, 30], [50, 10], [50, 50], [30, 30], [10, 50]], REJECT_POLYGON_SELF_INTERSECTS, {}),
        # a spike: an edge folding back along the one before it
        ([[10, 10], [50, 10], [50, 50], [50, 30], [10, 50]], REJECT_POLYGON_SELF_INTERSECTS, {}),
        # collinear overlap of two edges that are not neighbours
        ([[10, 10], [40, 10], [40, 30], [20, 30], [20, 10], [30, 10], [30, 50], [10, 50]],
         REJECT_POLYGON_SELF_INTERSECTS, {}),
        ([[10, 10], [50, 10]], REJECT_POLYGON_TOO_FEW_POINTS, {"count": 2}),
        ([], REJECT_POLYGON_TOO_FEW_POINTS, {"count": 0}),
        ([[10, 10], [50, 10], [50, 10], [30, 40]], REJECT_POLYGON_DUPLICATE_POINT, {"vertex": 2}),
        ([[10, 10], [50, 10], [30, 40], [10, 10]], REJECT_POLYGON_DUPLICATE_POINT, {"vertex": 4}),  # closed by hand
        ([[10, 10], [250, 10], [30, 40]], REJECT_POLYGON_OUTSIDE, {"vertex": 2, "width": W, "height": H}),
        ([[10, -1], [50, 10], [30, 40]], REJECT_POLYGON_OUTSIDE, {"vertex": 1}),
        ([[10, 10], [50, 10], [30, 101]], REJECT_POLYGON_OUTSIDE, {"vertex": 3}),
        ([[10, 10], [float("nan"), 10], [30, 40]], REJECT_POLYGON_INVALID, {"vertex": 2}),
        ([[10, 10], [float("inf"), 10], [30, 40]], REJECT_POLYGON_INVALID, {"vertex": 2}),
        ([[10, 10], [2**53 + 1, 10], [30, 40]], REJECT_POLYGON_INVALID, {"vertex": 2}),
        ([[10, 10], [True, 10], [30, 40]], REJECT_POLYGON_INVALID, {"vertex": 2}),
        ([[10, 10], ["5", 10], [30, 40]], REJECT_POLYGON_INVALID, {"vertex": 2}),
        ([[10, 10], [5, 10, 3], [30, 40]], REJECT_POLYGON_INVALID, {"vertex": 2}),
        ([[10, 10], None, [30, 40]], REJECT_POLYGON_INVALID, {"vertex": 2}),
        ([[10, 10], [20, 20], [30, 30]], REJECT_POLYGON_ZERO_AREA, {}),
        ([[10, 10], [30, 10], [20, 10]], REJECT_POLYGON_ZERO_AREA, {}),
        ([[i % 100, i // 100] for i in range(MAX_POLYGON_POINTS + 1)], REJECT_POLYGON_TOO_MANY_POINTS,
         {"count": MAX_POLYGON_POINTS + 1, "max": MAX_POLYGON_POINTS}),
    ],
    ids=["bow-tie", "touching", "pinched", "spike", "collinear-overlap", "two-points", "no-points", "duplicate",
         "closed-by-hand", "outside-right", "outside-top", "outside-bottom", "nan", "infinity", "past-2^53", "bool",
         "text", "three-numbers", "null", "on-a-line", "folded-line", "too-many"],
)
def test_a_bad_polygon_is_refused_with_its_code(points, code, params):
    problem = check(points)
    assert isinstance(problem, Problem) and problem.code == code, problem
    assert params.items() <= problem.params.items(), problem.params
    assert str(problem)  # the English reason, for logs and older clients


def test_a_polygon_with_many_points_is_fine_up_to_the_limit():
    circle = _circle(MAX_POLYGON_POINTS, 40, 100, 50)
    assert check(circle) is None


def test_labels_and_kinds_are_checked_first():
    problem = check_shape(Shape("polygon", "bus", [[1, 1]]), W, H, LABELS)
    assert (problem.code, problem.params) == (REJECT_UNKNOWN_LABEL, {"label": "bus"})
    assert check_shape(Shape("circle", "car", []), W, H, LABELS).code == REJECT_UNKNOWN_SHAPE_KIND


# ---------------------------------------------------------------- Problem


def test_a_problem_is_its_english_text_with_a_code_and_params():
    problem = check_shape(Shape("box", "car", [[10, 10], [500, 50]]), 120, 80, LABELS)
    assert problem == "box lies outside the 120×80 image"  # as every caller read it before
    assert (problem.code, problem.params) == (REJECT_BOX_OUTSIDE, {"width": 120, "height": 80})
    second = problem.at_shape(1)
    assert second == "shape 2: box lies outside the 120×80 image"
    assert second.params == {"width": 120, "height": 80, "shape": 2}
    again = pickle.loads(pickle.dumps(second))
    assert (again, again.code, again.params) == (second, second.code, second.params)


def test_params_never_carry_a_huge_value_back():
    problem = check_shape(Shape("box", "x" * 1_000_000, [[1, 1], [2, 2]]), 120, 80, LABELS)
    assert len(problem.params["label"]) <= 80 and len(problem) < 200
    huge = Problem("unknown_item", "unknown item", item=10**30)
    assert isinstance(huge.params["item"], str)  # an int past 2^53 goes as text: every JSON reader takes it


def test_the_new_push_result_fields_round_trip_and_stay_optional():
    result = rejection("r1", check(MY_BOW_TIE).at_shape(0))
    wire = to_wire(result)
    assert wire == {"id": "r1", "status": REJECTED, "reason": "shape 1: a polygon's outline crosses or touches "
                    "itself (edges 2 and 4)", "code": "polygon_self_intersects",
                    "params": {"edge": 2, "other": 4, "shape": 1}}  # fmt: skip
    assert from_wire(PushResult, wire) == result
    # an older server's answer has neither field; an accepted one leaves them out
    old = from_wire(PushResponse, {"results": [{"id": "r2", "status": REJECTED, "reason": "box has zero size"}]})
    assert old.results[0].code is None and old.results[0].params is None
    assert to_wire(PushResult("r3", "accepted")) == {"id": "r3", "status": "accepted"}
    with pytest.raises(ValueError, match="params"):
        from_wire(PushResult, {"id": "r4", "status": REJECTED, "params": [1]})


MY_BOW_TIE = [[10, 10], [50, 10], [10, 50], [50, 50]]


# ---------------------------------------------------------------- geometry


def test_area_by_the_shoelace():
    assert polygon_area([[0, 0], [4, 0], [4, 3]]) == 6
    assert polygon_area([[0, 0], [4, 3], [4, 0]]) == 6  # either way round
    assert polygon_area([[0, 0], [4, 0]]) == 0


def _brute_meets(points) -> bool:
    n = len(points)
    xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
    return any(_segments_meet(xs, ys, i, j, n) for i in range(n) for j in range(i + 2, n) if not (i == 0 and j == n - 1))


def _spike(points) -> bool:
    n = len(points)
    for i in range(n):
        (ax, ay), (vx, vy), (bx, by) = points[i - 1], points[i], points[(i + 1) % n]
        if (ax - vx) * (by - vy) == (ay - vy) * (bx - vx) and (ax - vx) * (bx - vx) + (ay - vy) * (by - vy) > 0:
            return True
    return False


@pytest.mark.parametrize("seed", range(3))
def test_the_sweeps_agree_with_testing_every_pair(seed):
    """Small grids make every degenerate case (touching, collinear, shared points) common."""
    rng = random.Random(seed)
    for _ in range(4000):
        n = rng.randint(4, 12)
        grid = rng.choice([3, 4, 6, 10])
        points = [[rng.randint(0, grid), rng.randint(0, grid)] for _ in range(n)]
        if any(points[i] == points[i - 1] for i in range(n)) or _spike(points):
            continue
        expected = _brute_meets(points)
        assert (self_intersection(points) is not None) == expected, points
        xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
        assert (_shamos_hoey(xs, ys) is not None) == expected, points


def _circle(n, r, cx, cy):
    return [[cx + r * math.cos(2 * math.pi * k / n), cy + r * math.sin(2 * math.pi * k / n)] for k in range(n)]


def _star(n, inner, outer, cx, cy):
    return [[cx + (outer if k % 2 else inner) * math.cos(2 * math.pi * k / n),
             cy + (outer if k % 2 else inner) * math.sin(2 * math.pi * k / n)] for k in range(n)]  # fmt: skip


def _comb(n):
    return [[1 if i % 2 == 0 else 999, 1 + i] for i in range(n - 1)] + [[0, n + 5]]


@pytest.mark.parametrize("outline", ["circle", "star", "comb"])
def test_a_thousand_points_check_far_faster_than_every_pair(outline):
    """The server checks every polygon of every push: at 1000 points, even where many long
    edges overlap (the star, the comb), the n log n sweep stays far below testing every pair.
    A ratio in one process, not a time: a loaded CI machine slows both alike (the figures
    themselves are the bench's)."""
    points = {"circle": _circle(1000, 400, 500, 500), "star": _star(1000, 150, 400, 500, 500), "comb": _comb(1000)}[outline]
    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        assert check(points, 1000, 1010) is None
        best = min(best, time.perf_counter() - t0)
    t0 = time.perf_counter()
    assert not _brute_meets(points)
    brute = time.perf_counter() - t0
    assert best * 10 < brute, f"sweep {best * 1000:.1f} ms, every pair {brute * 1000:.1f} ms"
