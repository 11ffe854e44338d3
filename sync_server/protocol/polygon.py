"""Plane geometry of a polygon's vertices: its area and whether its outline is simple.
Standard library only; both sides run it (the server on every push, the desktop before a save).

Points are ``[[x, y], …]`` of plain numbers, already checked by ``check_shape``; the outline
closes from the last vertex back to the first. Edge ``i`` runs from vertex ``i`` to vertex
``i + 1`` (the last one back to vertex 0). The arithmetic is plain floats: the same code on
both sides, so the desktop and the server always agree on an answer.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["is_simple", "polygon_area", "self_intersection"]


def polygon_area(points: Sequence[Sequence[float]]) -> float:
    """The area the outline encloses (shoelace formula), ≥ 0; 0 for fewer than 3 points."""
    n = len(points)
    if n < 3:
        return 0.0
    twice = 0.0
    px, py = points[-1]
    for x, y in points:
        twice += px * y - x * py
        px, py = x, y
    return abs(twice) / 2


def is_simple(points: Sequence[Sequence[float]]) -> bool:
    """Whether the outline is a simple polygon: at least 3 vertices, no vertex the same as the
    next, no edge folding back over the one before it, and no two other edges crossing or
    touching. (A zero area is ``polygon_area``'s question: three points on a line fold back.)"""
    return len(points) >= 3 and duplicate_vertex(points) is None and self_intersection(points) is None


def duplicate_vertex(points: Sequence[Sequence[float]]) -> int | None:
    """The index of the first vertex equal to the next one (the last one wraps to the first), or None."""
    px, py = points[-1]
    for i, (x, y) in enumerate(points):
        if x == px and y == py:
            return (i - 1) % len(points)
        px, py = x, y
    return None


def self_intersection(points: Sequence[Sequence[float]]) -> tuple[int, int] | None:
    """Two edges (indices, the lower first) that meet where they should not, or None: a pair
    of edges that are not neighbours crossing or touching anywhere, or neighbours that fold
    back over each other (a spike). Expects no vertex equal to the next (``duplicate_vertex``).

    This runs on the server for every polygon of every push, so its worst case matters, not
    only its usual one. First a cheap sweep along x: edges sorted by their left end, each
    tested against the edges still open there (x-extents overlap) whose y-extents overlap
    too. An outline traced round an object keeps a few edges open at a time: ~1 ms for
    1,000 vertices. Long edges open together (a star, a comb) make that quadratic (45 ms for
    a 1,000-point star), so past a budget of work it hands over to ``_shamos_hoey``, which is
    n log n whatever the outline (~5 ms for the same star, budget spent included)."""
    n = len(points)
    if n < 3:
        return None
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    # neighbours share one vertex; they go wrong only by folding back along each other
    for i in range(n):
        a, v, b = i - 1, i, (i + 1) % n
        ax, ay, vx, vy, bx, by = xs[a], ys[a], xs[v], ys[v], xs[b], ys[b]
        if (ax - vx) * (by - vy) == (ay - vy) * (bx - vx) and (ax - vx) * (bx - vx) + (ay - vy) * (by - vy) > 0:
            return (min(a % n, v), max(a % n, v))
    if n == 3:
        return None  # every pair of a triangle's edges is a pair of neighbours
    # edges as (x-left, x-right, y-low, y-high, index), in order of their left end
    edges = []
    for i in range(n):
        j = i + 1 if i + 1 < n else 0
        x1, x2, y1, y2 = xs[i], xs[j], ys[i], ys[j]
        edges.append((x1 if x1 < x2 else x2, x2 if x1 < x2 else x1, y1 if y1 < y2 else y2, y2 if y1 < y2 else y1, i))
    edges.sort()
    open_edges: list[tuple[float, float, float, float, int]] = []
    last = n - 1
    budget = 6 * n  # pairs looked at: a traced outline needs 2n to 4n
    for edge in edges:
        left, _, low, high, i = edge
        if open_edges and open_edges[0][1] < left:  # some have closed (cheap test on one)
            open_edges = [e for e in open_edges if e[1] >= left]
        budget -= len(open_edges)
        if budget < 0:
            return _shamos_hoey(xs, ys)
        for other in open_edges:
            if other[3] < low or other[2] > high:
                continue  # the y-extents do not overlap
            j = other[4]
            d = i - j
            if d == 1 or d == -1 or d == last or d == -last:
                continue  # neighbours: tested above
            if _segments_meet(xs, ys, i, j, n):
                return (min(i, j), max(i, j))
        open_edges.append(edge)
    return None


def _shamos_hoey(xs: list[float], ys: list[float]) -> tuple[int, int] | None:
    """The first pair of non-neighbour edges that meet, by the Shamos–Hoey sweep: events
    are the edges' ends from left to right (lowest first, a start before an end at the
    same point, so edges that only touch are open together); the open edges are kept in
    order from bottom to top, and an edge is tested only against its neighbours in that
    order when it opens, and they against each other when it closes. The leftmost meeting
    point is found before the sweep passes it, while that order is still right."""
    n = len(xs)
    last = n - 1
    lx, ly, rx, ry = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n  # each edge's left and right end
    events = []
    for i in range(n):
        j = i + 1 if i < last else 0
        ax, ay, bx, by = xs[i], ys[i], xs[j], ys[j]
        if (bx, by) < (ax, ay):
            ax, ay, bx, by = bx, by, ax, ay
        lx[i], ly[i], rx[i], ry[i] = ax, ay, bx, by
        events.append((ax, ay, 0, i))
        events.append((bx, by, 1, i))
    events.sort()
    status: list[int] = []
    for px, py, kind, e in events:
        if kind:
            k = status.index(e)
            del status[k]
            if 0 < k < len(status):
                a, b = status[k - 1], status[k]
                d = a - b
                if not (d == 1 or d == -1 or d == last or d == -last) and _segments_meet(xs, ys, a, b, n):
                    return (min(a, b), max(a, b))
            continue
        # where the new edge goes: above every open edge its start is above
        ex, ey = rx[e], ry[e]
        lo, hi = 0, len(status)
        while lo < hi:
            mid = (lo + hi) // 2
            t = status[mid]
            tx, ty = lx[t], ly[t]
            dx, dy = rx[t] - tx, ry[t] - ty
            o = dx * (py - ty) - dy * (px - tx)
            if o == 0:
                d = t - e
                if not (d == 1 or d == -1 or d == last or d == -last):
                    return (min(t, e), max(t, e))  # its start lies on t
                o = dx * (ey - ty) - dy * (ex - tx)  # neighbours from one vertex: by direction
            if o > 0:
                lo = mid + 1
            else:
                hi = mid
        status.insert(lo, e)
        for k in (lo - 1, lo + 1):
            if 0 <= k < len(status):
                t = status[k]
                d = t - e
                if not (d == 1 or d == -1 or d == last or d == -last) and _segments_meet(xs, ys, t, e, n):
                    return (min(t, e), max(t, e))
    return None


def _segments_meet(xs: list[float], ys: list[float], i: int, j: int, n: int) -> bool:
    """Whether edges i and j, as closed segments, share any point."""
    i2 = i + 1 if i + 1 < n else 0
    j2 = j + 1 if j + 1 < n else 0
    ax, ay, bx, by = xs[i], ys[i], xs[i2], ys[i2]
    cx, cy, dx, dy = xs[j], ys[j], xs[j2], ys[j2]
    # which side of each segment's line the other's ends lie on
    d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx)
    d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx)
    d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax)
    if ((d1 > 0 and d2 < 0) or (d1 < 0 and d2 > 0)) and ((d3 > 0 and d4 < 0) or (d3 < 0 and d4 > 0)):
        return True  # a proper crossing
    # an end on the other segment (a touch, or collinear overlap)
    return (
        (d1 == 0 and _within(ax, ay, cx, cy, dx, dy))
        or (d2 == 0 and _within(bx, by, cx, cy, dx, dy))
        or (d3 == 0 and _within(cx, cy, ax, ay, bx, by))
        or (d4 == 0 and _within(dx, dy, ax, ay, bx, by))
    )


def _within(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> bool:
    """Whether p, known to lie on the line through a and b, lies on the segment ab."""
    return min(ax, bx) <= px <= max(ax, bx) and min(ay, by) <= py <= max(ay, by)
