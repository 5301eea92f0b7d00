"""Timing helpers shared by the benchmarks (run.py, bench_*.py).

Every comparison runs its libraries *interleaved*: one run of each in
turn (nnkit, Keras, [PyTorch], nnkit, Keras, ...), after one warm-up run
each, so a change in the machine's load during the measurement hits
every library alike. Each run reports its own seconds (an epoch is timed
from the start to the end of the epoch by a callback, so the set-up of
a ``fit`` call is not counted); a row keeps every run's time and is
reported as the median with the min-max range.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np

Timed = Callable[[], float]           # runs once, returns its seconds


def timed(fn: Callable[[], object]) -> Timed:
    """``fn`` as a Timed: the wall time of one call."""
    def run() -> float:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    return run


def interleaved_times(runs: dict[str, Timed], repeats: int,
                      warmup: int = 1) -> dict[str, list[float]]:
    """Seconds of ``repeats`` runs of each entry, taken in turn.

    The warm-up runs (one round of every entry, by default) are not
    recorded: they include tracing, caches and first allocations.
    """
    for _ in range(warmup):
        for run in runs.values():
            run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            times[name].append(run())
    return times


def spread(times: list[float]) -> tuple[float, float, float]:
    """(median, min, max)."""
    return statistics.median(times), min(times), max(times)


def matmul_seconds(products: list[tuple[int, int, int, int]],
                   repeats: int) -> float:
    """What the BLAS needs for a list of float32 products.

    Each product (m, k, n, times) is an (m, k) @ (k, n) matmul done
    ``times`` times; it is timed alone as the best of several runs (the
    limit is what the BLAS *can* do, so a run slowed by another process
    should not raise it) and its time multiplied by ``times``.
    """
    rng = np.random.default_rng(0)
    total = 0.0
    for m, k, n, times in products:
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)
        a @ b
        best = float("inf")
        for _ in range(max(3, repeats * 4)):
            t0 = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - t0)
        total += times * best
    return total


def product_flops(products: list[tuple[int, int, int, int]]) -> float:
    """2 m k n per product, times its count."""
    return sum(2.0 * m * k * n * t for m, k, n, t in products)
