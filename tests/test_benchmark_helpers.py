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


# --- benchmarks/book_cost.py ---------------------------------------------------

import book_cost  # noqa: E402

TIMINGS = """# make test, 2026-11-24T15:00Z
  lint         ok           1s
  test-fast    ok          61s
  book         FAILED     200s
  total        -          262s
"""


def test_test_timings_reads_the_makefile_record():
    header, steps = book_cost.test_timings(TIMINGS)
    assert header == "make test, 2026-11-24T15:00Z"
    assert steps == [("lint", "ok", 1), ("test-fast", "ok", 61),
                     ("book", "FAILED", 200), ("total", "-", 262)]


def test_report_flags_chapters_and_runs_over_budget():
    when = book_cost.dt.datetime(2026, 11, 24, 15, 0)
    runs = [book_cost.Run("01_a.ipynb", 12.0, when),
            book_cost.Run("02_b.ipynb", 75.0, when)]
    header, steps = book_cost.test_timings(TIMINGS)
    text = book_cost.report(runs, header, steps)
    assert "| **all chapters** | **87.0** |" in text
    assert "over budget: 02_b.ipynb" in text
    assert "| book | FAILED | 3.3 min |" in text and "4.4 min" in text
    slow = [("book", "ok", 1500), ("total", "-", 1500)]
    assert "**over budget**" in book_cost.report(runs, header, slow)
    assert "within it" in book_cost.report(runs[:1], header, steps)


def test_notebook_times_keeps_the_last_run_of_each_chapter(tmp_path):
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    chapters = tmp_path / "chapters"
    chapters.mkdir()
    cache = get_cache(str(tmp_path / "cache"))
    for name, seconds, src in [("01_a.ipynb", 5.0, "1"),
                               ("01_a.ipynb", 7.0, "2"),
                               ("02_b.ipynb", 3.0, "3"),
                               ("gone.ipynb", 9.0, "4")]:
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(src)],
            metadata={"kernelspec": {"name": "python3",
                                     "display_name": "Python 3"}})
        if name != "gone.ipynb":
            nbformat.write(nb, chapters / name)
        cache.cache_notebook_bundle(
            CacheBundleIn(nb, str(chapters / name),
                       data={"execution_seconds": seconds}),
            check_validity=False)
    runs = book_cost.notebook_times(tmp_path / "cache", chapters)
    assert [(r.name, r.seconds) for r in runs] == [("01_a.ipynb", 7.0),
                                                   ("02_b.ipynb", 3.0)]


def test_nnkit_alone_times_workload_one_without_tensorflow():
    import json
    import subprocess

    run = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
    out = subprocess.run([sys.executable, str(run), "--nnkit-alone", "1"],
                         capture_output=True, text=True, timeout=300,
                         check=True)
    alone = json.loads(out.stdout.strip().splitlines()[-1])
    assert alone["tensorflow_loaded"] is False
    assert alone["nnkit"] > 0 and 0 < alone["gflops"]
    assert alone["limit"] > 0
