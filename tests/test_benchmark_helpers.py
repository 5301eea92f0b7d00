"""The timing helpers of ``benchmarks/`` (the numbers of the
performance appendix come from them)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import common  # noqa: E402


def test_interleaved_times_takes_the_libraries_in_turn():
    calls = []

    def run(name, seconds):
        def f():
            calls.append(name)
            return seconds
        return f

    times = common.interleaved_times({"a": run("a", 1.0),
                                      "b": run("b", 3.0)}, repeats=3)
    assert calls == ["a", "b"] * 4          # one warm-up round + 3
    assert times == {"a": [1.0] * 3, "b": [3.0] * 3}
    assert common.spread([3.0, 1.0, 10.0]) == (3.0, 1.0, 10.0)


def test_matmul_seconds_and_flops_count_each_product_times_its_count():
    once = common.matmul_seconds([(16, 32, 8, 1)], repeats=1)
    assert np.isfinite(once) and once > 0
    assert common.product_flops([(16, 32, 8, 3), (2, 2, 2, 1)]) == \
        3 * 2 * 16 * 32 * 8 + 16


import workloads  # noqa: E402


def test_dense_products_skip_the_data_gradient():
    # forward and dW for both layers, dx for the second only
    assert workloads.dense_products([784, 256, 10], 128, 2) == [
        (128, 784, 256, 2), (784, 128, 256, 2),
        (128, 256, 10, 2), (256, 128, 10, 2), (128, 10, 256, 2)]


@pytest.mark.parametrize("name", ["MLP", "CNN", "LSTM"])
def test_workload_products_fit_the_model(name):
    """Each kernel's forward product is counted once per batch (or per
    batch and step for the LSTM); a convolution's has one more row, its
    bias (the bias trick, ``Im2colMixin``); the LSTM's step multiplies
    [h_{t-1}, x_t, 1] by its stacked [U; W; b] (``LSTM._stacked_matmul``),
    in row blocks on one OpenBLAS thread (their rows add up to a batch).
    """
    w = workloads.WORKLOADS[name]()
    model = w.build()
    model.predict(w.x[:2])
    stacked = sum(p.data.shape[0] for p in model.parameters()
                  if p.path.startswith("lstm") and p.data.ndim == 2) + 1
    for p in model.parameters():
        if p.data.ndim < 2:
            continue
        k, n = int(np.prod(p.data.shape[:-1])), p.data.shape[-1]
        rows = ((k, k + 1) if p.data.ndim == 4
                else (stacked,) if p.path.startswith("lstm") else (k,))
        counts = [t * nn // n * min(m, w.batch_size) // w.batch_size
                  for m, kk, nn, t in w.executed
                  if kk in rows and n % nn == 0
                  and (m % w.batch_size == 0 or w.batch_size % m == 0)]
        assert counts and counts[0] in (w.steps, w.steps * 100), p.path
    assert w.flops == common.product_flops(w.executed) > 0


import run as bench_run  # noqa: E402


def test_blas_words_name_blas_libraries_only():
    blas = [{"api": "openmp", "version": None, "threads": 2, "arch": None,
             "path": "/x/scikit_learn.libs/libgomp.so"},
            {"api": "openblas", "version": "0.3.31", "threads": 1,
             "arch": "SkylakeX", "path": "/x/numpy.libs/libopenblas.so"}]
    words = bench_run.blas_words(blas)
    assert words == "OpenBLAS 0.3.31 (numpy, SkylakeX kernels, 1 thread)"
    assert "None" not in words and "?" not in words


def test_report_states_threads_ratios_and_targets_in_words():
    def row(name, workload, nn, k):
        return {"name": name, "workload": workload, "kind": "epoch",
                "times": {"nnkit": [nn, nn * 1.1, nn * 0.9],
                          "Keras": [k, k, k]},
                "flops": 1e9, "limit": nn / 2}
    info = {"blas": [], "tf": [1, 1], "tf_version": "2", "keras_version": "3"}
    rows = [row("MLP epoch", "MLP", 0.4, 1.0), row("CNN epoch", "CNN",
                                                     1.2, 1.0)]
    results = {"one": {"info": info, "rows": rows},
               "default": {"info": {**info, "tf": [0, 0]}, "rows": rows}}
    mem = {"MLP": {"nnkit": {"before": 1024, "peak": 3072},
                   "Keras": {"before": 2048, "peak": 10240}}}
    text = bench_run.report(results, mem, 3, (1.0, 2.0))
    assert "TensorFlow intra-op 1 and inter-op 1" in text
    assert "TensorFlow's own choice" in text
    assert "| MLP epoch | 0.4 (0.36–0.44) | 1 (1–1) | 0.40 |" in text
    assert "0.40, met" in text and "1.20, not met" in text
    assert "50%" in text                       # limit / nnkit time
    assert "| MLP | 3 | 2 | 10 | 8 |" in text   # MiB: peak, rise
    assert not any(ord(ch) > 0x2600 for ch in text)    # no emoji


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
    assert "| **all notebooks** | **87.0** |" in text
    assert "over budget: 02_b.ipynb" in text
    assert "| book | FAILED | 3.3 min |" in text and "4.4 min" in text
    slow = [("book", "ok", 1500), ("total", "-", 1500)]
    assert "**over budget**" in book_cost.report(runs, header, slow)
    assert "within it" in book_cost.report(runs[:1], header, steps)


def test_notebook_times_keeps_the_last_run_of_each_notebook(tmp_path):
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    chapters = tmp_path / "chapters"
    (chapters / "01_a").mkdir(parents=True)
    (chapters / "02_b").mkdir()
    cache = get_cache(str(tmp_path / "cache"))
    for name, seconds, src in [("01_a/01_x.ipynb", 5.0, "1"),
                               ("01_a/01_x.ipynb", 7.0, "2"),
                               ("01_a/04_summary_exercises.ipynb", 2.0,
                                "3"),
                               ("02_b/04_summary_exercises.ipynb", 4.0,
                                "4"),
                               ("03_c.ipynb", 3.0, "5"),
                               ("gone.ipynb", 9.0, "6")]:
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
    assert [(r.name, r.seconds) for r in runs] == [
        ("01_a/01_x.ipynb", 7.0), ("01_a/04_summary_exercises.ipynb", 2.0),
        ("02_b/04_summary_exercises.ipynb", 4.0), ("03_c.ipynb", 3.0)]


def test_memory_process_for_nnkit_never_imports_tensorflow():
    import json
    import subprocess

    run = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
    out = subprocess.run([sys.executable, str(run), "--memory", "nnkit",
                          "MLP"], capture_output=True, text=True,
                         timeout=300, check=True)
    mem = json.loads(out.stdout.strip().splitlines()[-1])
    assert mem["tensorflow_loaded"] is False
    assert mem["peak"] >= mem["before"] > 0
