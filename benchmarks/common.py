"""Timing helpers shared by every benchmark (run.py, bench_*.py)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import numpy as np


def median_time(fn: Callable[[], object], repeats: int,
                warmup: int = 1) -> float:
    """Median wall time of ``fn()`` over ``repeats`` runs, after warm-up."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def paired_median_times(fn_a: Callable[[], object],
                        fn_b: Callable[[], object], repeats: int,
                        warmup: int = 1) -> tuple[float, float]:
    """Median wall times of ``fn_a()`` and ``fn_b()``, run alternately.

    Timing all of nnkit's repeats and then all of Keras' lets a change
    in the machine's load (another process starting) favour one side.
    Alternating a, b, a, b... exposes both to the same conditions, so
    their ratio is steadier than either time.
    """
    for _ in range(warmup):
        fn_a()
        fn_b()
    times_a, times_b = [], []
    for _ in range(repeats):
        for fn, times in ((fn_a, times_a), (fn_b, times_b)):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return statistics.median(times_a), statistics.median(times_b)


def matmul_gflops(shapes: list[tuple[int, int, int]], repeats: int,
                  weights: list[int] | None = None) -> float:
    """float32 GFLOP/s of the BLAS on a mix of (m, k) @ (k, n) products.

    Total FLOPs over total time, each product counted ``weights[i]``
    times (e.g. once per time step) and timed as the best of several
    runs: the limit is what the BLAS *can* do, so a run slowed by
    another process should not lower it.
    """
    rng = np.random.default_rng(0)
    flops = seconds = 0.0
    for (m, k, n), w in zip(shapes, weights or [1] * len(shapes)):
        a = rng.standard_normal((m, k)).astype(np.float32)
        b = rng.standard_normal((k, n)).astype(np.float32)
        a @ b
        best = float("inf")
        for _ in range(repeats * 10):
            t0 = time.perf_counter()
            a @ b
            best = min(best, time.perf_counter() - t0)
        seconds += w * best
        flops += w * 2.0 * m * k * n
    return flops / seconds / 1e9


def one_blas_thread():
    """A context limiting the BLAS to one thread, or None if unavailable.

    On a 2-core machine shared with other work, a multi-threaded
    OpenBLAS can stall on small matrices (a worker waits for a busy
    core); one thread avoids it.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return None
    return threadpool_limits(1, user_api="blas")


def with_one_thread(row: dict, nnkit_run: Callable[[], object],
                    repeats: int, shapes: list[tuple[int, int, int]],
                    flops: float | None = None) -> list[dict]:
    """The row, plus the same workload with nnkit on one BLAS thread
    (the matmul limit measured on one thread too)."""
    limit = one_blas_thread()
    if limit is None:
        return [row]
    with limit:
        t_nn = median_time(nnkit_run, repeats)
        peak = matmul_gflops(shapes, repeats)
    gflops = (flops / t_nn / 1e9 if flops is not None
              else row["gflops"] * row["nnkit"] / t_nn)
    return [row, {**row, "name": row["name"] + " (nnkit: 1 BLAS thread)",
                  "nnkit": t_nn, "gflops": gflops, "limit": peak}]
