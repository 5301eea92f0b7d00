"""nnkit vs Keras (and PyTorch, if installed) on the same workloads.

Run with ``make bench``; writes ``benchmarks/results.md``, which the
book's performance appendix includes. How:

* **Same threads for every library, one process per setting.**
  TensorFlow fixes its thread pools when it starts, so each setting
  runs in a fresh process: "one thread" sets NumPy's BLAS to one thread
  (``OPENBLAS_NUM_THREADS=1`` etc. and threadpoolctl), TensorFlow's
  intra-op and inter-op pools to one thread, and PyTorch's likewise;
  "default threads" leaves every library at its defaults. The table of
  each setting states what the libraries reported.
* **Whole training epochs** (``workloads.py``): the same model, the same
  weights, the same batches in order, one epoch of ``fit`` timed from
  its start to its end by a callback (the set-up of a ``fit`` call is
  not counted), in wall time and in the process' CPU time (robust to
  other load on the machine). Layer-level rows (``bench_conv.py``, ``bench_rnn.py``)
  and the latency of ``predict`` are extra detail.
* **Interleaved, repeated**: one warm-up run each, then ``--repeats``
  rounds (default 7) of nnkit, Keras, [PyTorch] in turn; the median is
  reported with the min-max range (``common.py``).
* **The matmul limit**: the matrix products one epoch actually executes
  (forward, weight gradients, and input gradients for every layer but
  the first), timed alone on the same thread setting, best of several
  runs. nnkit's share of the limit is that time over nnkit's epoch.
* **Peak memory**: a fresh process per library and workload, one
  thread, that loads the data, builds the model and trains two epochs
  (the first includes Keras' tracing): the peak resident set of the
  process while it trains (Linux' VmHWM, reset after the set-up) and
  how far it rose above the resident set after the set-up.

Options: ``--quick`` (3 repeats, a smoke run), ``--repeats R``,
``--only NAME`` (print the rows whose name contains NAME; results.md
is not written).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.md"
SETTINGS = {"one": "One thread each", "default": "Default threads"}
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
               "MKL_NUM_THREADS")
# The targets for a training epoch, nnkit / Keras (medians).
TARGETS = {"MLP": 0.5, "CNN": 1.0, "LSTM": 0.8}


# ----- the child processes -------------------------------------------------
def child_env(setting: str) -> dict[str, str]:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    for var in THREAD_VARS:
        if setting == "one":
            env[var] = "1"
        else:
            env.pop(var, None)
    return env


def run_child(args: list[str], setting: str = "one") -> dict:
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()),
                          *args], capture_output=True, text=True,
                         env=child_env(setting))
    if out.returncode:
        raise RuntimeError(f"benchmark process {args} failed:\n"
                           f"{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def setup_threads(setting: str) -> dict:
    """Fix every library's threads (before TensorFlow starts); report.

    Returns what each library then reports: the BLAS libraries loaded
    (threadpoolctl), TensorFlow's intra-op and inter-op pool sizes (0
    means TensorFlow chooses: as many threads as cores), PyTorch's.
    """
    sys.path.insert(0, str(HERE))
    import numpy  # noqa: F401
    import tensorflow as tf
    from threadpoolctl import threadpool_info, threadpool_limits

    torch = optional_torch()
    if setting == "one":
        threadpool_limits(1)
        tf.config.threading.set_intra_op_parallelism_threads(1)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        if torch is not None:
            torch.set_num_threads(1)
            torch.set_num_interop_threads(1)
    info = {"blas": [{"api": i.get("internal_api"),
                      "version": i.get("version"),
                      "threads": i.get("num_threads"),
                      "arch": i.get("architecture"),
                      "path": i.get("filepath", "")}
                     for i in threadpool_info()],
            "tf": [tf.config.threading.get_intra_op_parallelism_threads(),
                   tf.config.threading.get_inter_op_parallelism_threads()],
            "tf_version": tf.__version__}
    if torch is not None:
        info["torch"] = [torch.get_num_threads(),
                         torch.get_num_interop_threads()]
        info["torch_version"] = torch.__version__
    return info


def optional_torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def epoch_timers(keras):
    """Callbacks (nnkit's, Keras') that time one epoch of ``fit``."""
    import nnkit

    def make(base):
        class EpochTimer(base):
            seconds = 0.0

            cpu: list[float] = []

            def on_epoch_begin(self, epoch, logs=None):
                self.t0 = time.perf_counter()
                self.c0 = time.process_time()

            def on_epoch_end(self, epoch, logs=None):
                self.seconds = time.perf_counter() - self.t0
                self.cpu = [*self.cpu, time.process_time() - self.c0]
        return EpochTimer()

    return make(nnkit.callbacks.Callback), make(keras.callbacks.Callback)


def epoch_runs(w, keras) -> dict:
    """Timed epochs of workload ``w`` for each library, same weights."""
    import nnkit

    model = w.build()
    kmodel = nnkit.interop.to_keras(model)
    nn_timer, k_timer = epoch_timers(keras)
    fit = dict(epochs=1, batch_size=w.batch_size, verbose=0,
               shuffle=False)

    def nnkit_epoch():
        model.fit(w.x, w.y, callbacks=[nn_timer], **fit)
        return nn_timer.seconds

    def keras_epoch():
        kmodel.fit(w.x, w.y, callbacks=[k_timer], **fit)
        return k_timer.seconds

    runs = {"nnkit": nnkit_epoch, "Keras": keras_epoch}
    if optional_torch() is not None:
        import bench_torch
        runs["PyTorch"] = bench_torch.twin(w.name, model, w.x, w.y,
                                           w.batch_size)
    return runs, {"nnkit": nn_timer, "Keras": k_timer}


def inference_rows(repeats: int, keras) -> list[dict]:
    """Latency of predict on one example and on 1,000."""
    import numpy as np
    from common import interleaved_times, timed

    import nnkit
    from nnkit import Dense, Input, Sequential

    rng = np.random.default_rng(1)
    model = Sequential([Input((784,)), Dense(256, activation="relu"),
                        Dense(128, activation="relu"),
                        Dense(10, activation="softmax")], seed=0)
    kmodel = nnkit.interop.to_keras(model, compile=False)
    rows = []
    for n, loops in ((1, 200), (1000, 20)):
        x = rng.standard_normal((n, 784)).astype(np.float32)
        # Keras' predict() builds a dataset each call; calling the model
        # is its fast path for small inputs: both are timed, the faster
        # is reported.
        times = interleaved_times({
            "nnkit": timed(lambda x=x, k=loops: [model.predict(x)
                                                 for _ in range(k)]),
            "predict": timed(lambda x=x, k=loops: [
                kmodel.predict(x, verbose=0) for _ in range(k)]),
            "call": timed(lambda x=x, k=loops: [
                kmodel(x, training=False) for _ in range(k)])}, repeats)
        best = min(("predict", "call"),
                   key=lambda k: sorted(times[k])[len(times[k]) // 2])
        rows.append({"name": f"predict on {n} example(s), per call "
                             f"(Keras: the faster of predict() and "
                             f"model(x))",
                     "kind": "latency",
                     "times": {"nnkit": [t / loops for t in times["nnkit"]],
                               "Keras": [t / loops for t in times[best]]},
                     "flops": None, "limit": None})
    return rows


def measure(setting: str, repeats: int, only: str | None) -> dict:
    """Child: every row under one thread setting."""
    info = setup_threads(setting)
    import bench_conv
    import bench_rnn
    from common import interleaved_times, matmul_seconds, product_flops
    from workloads import WORKLOADS

    from nnkit.interop import import_keras

    keras = import_keras()
    keras.utils.set_random_seed(0)
    info["keras_version"] = keras.__version__
    rows = []
    for make in WORKLOADS.values():
        w = make()
        if only and only not in w.title:
            continue
        runs, timers = epoch_runs(w, keras)
        times = interleaved_times(runs, repeats)
        # the process' CPU seconds of the same epochs (warm-up dropped):
        # what the epoch cost, whatever else the machine ran
        cpu = {lib: t.cpu[-repeats:] for lib, t in timers.items()}
        rows.append({"name": f"{w.title}, one epoch",
                     "workload": w.name, "kind": "epoch",
                     "times": times, "cpu": cpu,
                     "flops": product_flops(w.executed),
                     "limit": matmul_seconds(w.executed, repeats)})
    for module in (bench_conv, bench_rnn):
        if not only or only in module.__name__:
            rows.append(module.row(repeats, interleaved_times))
    if not only or only in "predict":
        rows.extend(inference_rows(repeats, keras))
    return {"info": info, "rows": rows}


def memory(lib: str, name: str) -> dict:
    """Child: resident memory of one epoch of workload ``name``."""
    sys.path.insert(0, str(HERE))
    from workloads import WORKLOADS

    w = WORKLOADS[name]()
    model = w.build()
    fit = dict(epochs=1, batch_size=w.batch_size, verbose=0,
               shuffle=False)
    if lib == "nnkit":
        def epoch():
            model.fit(w.x, w.y, **fit)
    elif lib == "Keras":
        import nnkit
        kmodel = nnkit.interop.to_keras(model)

        def epoch():
            kmodel.fit(w.x, w.y, **fit)
    else:
        import bench_torch
        epoch = bench_torch.twin(name, model, w.x, w.y, w.batch_size)
    before = status_kib("VmRSS")          # data loaded, model built
    reset = reset_peak()
    epoch()                               # the first (Keras traces)
    epoch()
    peak = status_kib("VmHWM")
    return {"before": before, "peak": peak, "reset": reset,
            "tensorflow_loaded": "tensorflow" in sys.modules}


def status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> bool:
    """Reset the process' peak resident set (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


# ----- the report ------------------------------------------------------------
def fmt_times(times: list[float]) -> str:
    from common import spread
    med, lo, hi = spread(times)
    return f"{med:.3g} ({lo:.3g}–{hi:.3g})"


def median(times: list[float]) -> float:
    from common import spread
    return spread(times)[0]


def table(rows: list[dict], libs: list[str]) -> str:
    head = (["workload"] + [f"{lib} (s)" for lib in libs]
            + [f"nnkit / {lib}" for lib in libs[1:]]
            + ["nnkit GFLOP/s", "matmul limit (s)",
               "nnkit's share of the limit"])
    out = ["| " + " | ".join(head) + " |",
           "|---|" + "---:|" * (len(head) - 1)]
    for r in rows:
        t = r["times"]
        nn = median(t["nnkit"])
        cells = [r["name"]]
        cells += [fmt_times(t[lib]) if lib in t else "–" for lib in libs]
        cells += [f"{nn / median(t[lib]):.2f}" if lib in t else "–"
                  for lib in libs[1:]]
        if r["flops"]:
            cells += [f"{r['flops'] / nn / 1e9:.1f}", f"{r['limit']:.3g}",
                      f"{r['limit'] / nn:.0%}"]
        else:
            cells += ["–"] * 3
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def cpu_table(rows: list[dict]) -> str:
    """CPU seconds of the process per epoch (all its threads)."""
    out = ["| training epoch | nnkit CPU (s) | Keras CPU (s) | "
           "nnkit / Keras |", "|---|---:|---:|---:|"]
    for r in rows:
        if "cpu" not in r:
            continue
        c = r["cpu"]
        out.append(f"| {r['workload']} | {fmt_times(c['nnkit'])} | "
                   f"{fmt_times(c['Keras'])} | "
                   f"{median(c['nnkit']) / median(c['Keras']):.2f} |")
    return "\n".join(out)


def blas_words(blas: list[dict]) -> str:
    """The BLAS libraries loaded, named by the package that ships them."""
    names = {"openblas": "OpenBLAS", "mkl": "MKL", "blis": "BLIS"}
    words = []
    for b in blas:
        if b["api"] not in names:
            continue                  # OpenMP runtimes: not a BLAS
        owner = next((p for p in ("numpy", "scipy", "torch", "tensorflow")
                      if f"{p}." in b["path"] or f"/{p}/" in b["path"]),
                     "another package")
        arch = f", {b['arch']} kernels" if b.get("arch") else ""
        words.append(f"{names[b['api']]} {b['version']} ({owner}{arch}, "
                     f"{b['threads']} thread{'s' * (b['threads'] != 1)})")
    return "; ".join(words)


def threads_words(info: dict) -> str:
    intra, inter = info["tf"]
    tf = (f"TensorFlow intra-op {intra} and inter-op {inter}"
          if intra or inter else
          "TensorFlow's own choice of pool sizes (intra-op and inter-op "
          f"0: as many threads as cores, here {os.cpu_count()})")
    words = f"BLAS: {blas_words(info['blas'])}; {tf}"
    if "torch" in info:
        words += (f"; PyTorch intra-op {info['torch'][0]} and inter-op "
                  f"{info['torch'][1]}")
    return words + "."


def targets_table(results: dict) -> str:
    out = ["| training epoch | target nnkit / Keras | "
           + " | ".join(SETTINGS[s] for s in results) + " |",
           "|---|---:|" + "---:|" * len(results)]
    for name, target in TARGETS.items():
        cells = []
        for res in results.values():
            row = next((r for r in res["rows"]
                        if r.get("workload") == name), None)
            if row is None:
                cells.append("–")
                continue
            ratio = median(row["times"]["nnkit"]) / median(
                row["times"]["Keras"])
            cells.append(f"{ratio:.2f}, "
                         f"{'met' if ratio <= target else 'not met'}")
        out.append(f"| {name} | ≤ {target:.1f} | " + " | ".join(cells)
                   + " |")
    return "\n".join(out)


def memory_table(mem: dict) -> str:
    libs = sorted({lib for per in mem.values() for lib in per},
                  key=["nnkit", "Keras", "PyTorch"].index)
    head = ["workload"]
    for lib in libs:
        head += [f"{lib}: peak", f"{lib}: rise"]
    out = ["| " + " | ".join(head) + " |",
           "|---|" + "---:|" * (len(head) - 1)]
    for name, per in mem.items():
        cells = [name]
        for lib in libs:
            m = per.get(lib)
            cells += ([f"{m['peak'] / 1024:.0f}",
                       f"{(m['peak'] - m['before']) / 1024:.0f}"]
                      if m else ["–", "–"])
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def machine(info: dict) -> str:
    import numpy as np
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((ln.split(":", 1)[1].strip() for ln in f
                        if ln.startswith("model name")), cpu)
    except OSError:
        pass
    libs = f"TensorFlow {info['tf_version']}, Keras {info['keras_version']}"
    libs += (f", PyTorch {info['torch_version']}" if "torch_version" in info
             else ", PyTorch not installed (no third column)")
    return "\n".join([
        f"- {cpu}, {os.cpu_count()} logical CPUs, {platform.machine()}; "
        f"Python {platform.python_version()}, NumPy {np.__version__}",
        f"- {libs}"])


def report(results: dict, mem: dict, repeats: int, loads) -> str:
    first = next(iter(results.values()))
    libs = ["nnkit", "Keras"] + (["PyTorch"] if "torch" in first["info"]
                                 else [])
    parts = [
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
        f"with `make bench`: {repeats} interleaved repeats after a "
        f"warm-up run, median (min–max) in seconds; a ratio below 1 "
        f"means nnkit is faster. Load average {loads[0]:.1f} at the "
        f"start and {loads[1]:.1f} at the end (2 or more on a 2-core "
        f"machine means other work shared the cores).",
        machine(first["info"])]
    for setting, res in results.items():
        parts += [f"**{SETTINGS[setting]}.** {threads_words(res['info'])}",
                  table(res["rows"], libs),
                  f"CPU time of the same epochs ({SETTINGS[setting].lower()}"
                  "; the process' user + system seconds, all threads: "
                  "unlike wall time, it hardly depends on what else the "
                  "machine runs):",
                  cpu_table(res["rows"])]
    parts += ["**Targets** (training epochs, nnkit / Keras, medians):",
              targets_table(results)]
    if mem:
        parts += ["**Peak memory of training** (a fresh process per "
                  "library and workload, one thread, two epochs; "
                  "resident set in MiB: the process' peak while it "
                  "trains, and its rise above the resident set after "
                  "loading the data and building the model):",
                  memory_table(mem)]
    return "\n\n".join(parts) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="3 repeats (a smoke run)")
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--only", help="only rows whose name contains this")
    ap.add_argument("--measure", choices=SETTINGS, help=argparse.SUPPRESS)
    ap.add_argument("--memory", nargs=2, metavar=("LIB", "WORKLOAD"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    repeats = 3 if args.quick else args.repeats
    if args.measure:
        print(json.dumps(measure(args.measure, repeats, args.only)))
        return 0
    if args.memory:
        print(json.dumps(memory(*args.memory)))
        return 0

    loads = [os.getloadavg()[0]]
    results = {}
    for setting in SETTINGS:
        print(f"timing, {SETTINGS[setting].lower()}", flush=True)
        cmd = ["--measure", setting, "--repeats", str(repeats)]
        results[setting] = run_child(
            cmd + (["--only", args.only] if args.only else []), setting)
    mem: dict = {}
    if not args.only:
        sys.path.insert(0, str(HERE))
        from workloads import WORKLOADS
        libs = ["nnkit", "Keras"] + (["PyTorch"] if "torch" in
                                     results["one"]["info"] else [])
        for name in WORKLOADS:
            print(f"memory, {name}", flush=True)
            mem[name] = {lib: run_child(["--memory", lib, name])
                         for lib in libs}
            if mem[name]["nnkit"]["tensorflow_loaded"]:
                raise RuntimeError("the nnkit memory process imported "
                                   "TensorFlow")
    loads.append(os.getloadavg()[0])
    text = report(results, mem, repeats, loads)
    print(text)
    if not args.only:
        RESULTS.write_text(text, encoding="utf-8")
        print(f"written to {RESULTS.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
