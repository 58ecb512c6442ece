"""Repeated timings, the one shape every benchmark reports."""

from __future__ import annotations

import gc
import statistics
import time


def timed(fn, repeats: int = 3) -> dict:
    """min / median / max seconds of `repeats` calls of `fn` (garbage collected between)."""
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return {
        "min": min(times),
        "median": statistics.median(times),
        "max": max(times),
        "runs": repeats,
    }
