"""Medians and percentiles for the benchmark printouts."""

import statistics


def summary(samples_ms: list[float]) -> str:
    s = sorted(samples_ms)
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))]
    return f"median {statistics.median(s):7.2f} ms   p95 {p95:7.2f} ms   (n={len(s)})"
