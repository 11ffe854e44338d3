"""The optimal one-to-one matching of two sets (boxes of two annotators, or an answer's
and the gold's): the Hungarian method, written once in plain Python so the office PCs
score training offline without SciPy (tests/test_quality_metrics.py checks it against
``scipy.optimize.linear_sum_assignment``). O(n² m) for n ≤ m: a few ms for 100 × 100."""

from __future__ import annotations

INF = float("inf")


def min_cost_assignment(cost: list[list[float]]) -> list[tuple[int, int]]:
    """Pairs (row, column) covering min(rows, columns) of them, with the least total cost."""
    if not cost or not cost[0]:
        return []
    rows, columns = len(cost), len(cost[0])
    if rows > columns:  # the method below needs rows ≤ columns: solve the transpose
        transposed = [[cost[r][c] for r in range(rows)] for c in range(columns)]
        return sorted((r, c) for c, r in min_cost_assignment(transposed))
    # potentials u (rows) and v (columns), 1-based with a virtual column 0 (e-maxx's form)
    u, v = [0.0] * (rows + 1), [0.0] * (columns + 1)
    owner = [0] * (columns + 1)  # owner[c]: the row matched to column c (0: none)
    way = [0] * (columns + 1)
    for row in range(1, rows + 1):
        owner[0], column0 = row, 0
        least = [INF] * (columns + 1)
        used = [False] * (columns + 1)
        while True:
            used[column0] = True
            r0, delta, column1 = owner[column0], INF, 0
            costs = cost[r0 - 1]
            ur0 = u[r0]
            for c in range(1, columns + 1):
                if not used[c]:
                    reduced = costs[c - 1] - ur0 - v[c]
                    if reduced < least[c]:
                        least[c], way[c] = reduced, column0
                    if least[c] < delta:
                        delta, column1 = least[c], c
            for c in range(columns + 1):
                if used[c]:
                    u[owner[c]] += delta
                    v[c] -= delta
                else:
                    least[c] -= delta
            column0 = column1
            if owner[column0] == 0:
                break
        while column0:  # flip the augmenting path
            column1 = way[column0]
            owner[column0] = owner[column1]
            column0 = column1
    return sorted((owner[c] - 1, c - 1) for c in range(1, columns + 1) if owner[c])
