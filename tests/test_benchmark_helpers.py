"""The timing helpers of ``benchmarks/`` (the numbers of the
performance appendix come from them)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import common  # noqa: E402


def test_paired_median_times_alternates_the_two_workloads():
    calls = []
    a, b = (lambda: calls.append("a")), (lambda: calls.append("b"))
    t_a, t_b = common.paired_median_times(a, b, repeats=3, warmup=1)
    assert calls == ["a", "b"] * 4          # one warm-up pair + 3 pairs
    assert t_a >= 0 and t_b >= 0


def test_paired_median_times_reports_each_side_median(monkeypatch):
    # A fake clock: each call of a takes 1 s, of b 3 s, except one
    # slow outlier of a (10 s) that the median ignores.
    clock = iter(np.cumsum([0, 1, 0, 3, 0, 10, 0, 3, 0, 1, 0, 3]))
    monkeypatch.setattr(common.time, "perf_counter", lambda: next(clock))
    t_a, t_b = common.paired_median_times(lambda: None, lambda: None,
                                          repeats=3, warmup=0)
    assert (t_a, t_b) == (1, 3)


def test_matmul_gflops_is_positive_and_finite():
    rate = common.matmul_gflops([(16, 32, 8)], repeats=1)
    assert np.isfinite(rate) and rate > 0
