"""nnkit vs Keras (TensorFlow CPU) on the same workloads, same machine.

Run with ``make bench``. Each workload is timed for nnkit and for Keras
in the same process: same shapes, float32, same batch size; a warm-up
run is excluded and the median of several repeats is reported. The
machine's float32 matmul throughput at the layer sizes involved is
measured too, so Dense training can be reported as a fraction of what
the BLAS can do (FLOPs counted as 6 * N * in * out per Dense layer per
epoch: forward, and two matmuls backward).

Writes ``benchmarks/results.md`` (included by the book's performance
appendix) and prints the table.

Options: ``--quick`` (fewer repeats, for a smoke run), ``--only NAME``.
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

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))      # the bench_*.py modules and common.py

from common import (  # noqa: E402
    matmul_gflops,
    median_time,
    paired_median_times,
    with_one_thread,
)

import nnkit  # noqa: E402
from nnkit import Dense, Input, Sequential  # noqa: E402

RESULTS = HERE / "results.md"


def keras_module():
    from nnkit.interop import import_keras
    keras = import_keras()
    keras.utils.set_random_seed(0)
    return keras


# ----- the machine's limit ---------------------------------------------------
def dense_training_shapes(sizes: list[int], batch: int
                          ) -> list[tuple[int, int, int]]:
    """The three matmuls of each Dense layer in one training step."""
    shapes = []
    for d, h in zip(sizes[:-1], sizes[1:]):
        shapes += [(batch, d, h),      # forward  x W
                   (d, batch, h),      # dW = x^T dz
                   (batch, h, d)]      # dx = dz W^T
    return shapes


def dense_flops(sizes: list[int], n: int) -> float:
    return sum(6.0 * n * a * b for a, b in zip(sizes[:-1], sizes[1:]))


# ----- workloads ---------------------------------------------------------------
def mlp_setup() -> tuple:
    """Data and nnkit model of workload 1 (imports no TensorFlow)."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((10_000, 784)).astype(np.float32)
    y = rng.integers(0, 10, 10_000)
    sizes = [784, 256, 128, 10]
    opt, opt_name = nnkit.optimizers.Adam(1e-3), "Adam"
    model = Sequential([Input((784,)), Dense(256, activation="relu"),
                        Dense(128, activation="relu"),
                        Dense(10, activation="softmax")], seed=0)
    model.compile(opt, "sparse_categorical_crossentropy")
    return x, y, sizes, model, opt_name


def mlp_epoch(repeats: int) -> list[dict]:
    """1. MLP 784-256-128-10, one epoch of 10,000 examples, batch 128."""
    keras_module()                      # seeds Keras' generators
    x, y, sizes, model, opt_name = mlp_setup()
    kmodel = nnkit.interop.to_keras(model)
    t_nn, t_k = paired_median_times(
        lambda: model.fit(x, y, epochs=1, batch_size=128, verbose=0),
        lambda: kmodel.fit(x, y, epochs=1, batch_size=128, verbose=0),
        repeats)
    limit = matmul_gflops(dense_training_shapes(sizes, 128), repeats)
    rate = dense_flops(sizes, len(x)) / t_nn / 1e9
    row = {"name": f"MLP 784-256-128-10, 1 epoch of 10k, batch 128, "
                   f"{opt_name}",
           "nnkit": t_nn, "keras": t_k, "gflops": rate, "limit": limit}
    rows = with_one_thread(
        row, lambda: model.fit(x, y, epochs=1, batch_size=128, verbose=0),
        repeats, dense_training_shapes(sizes, 128))
    return rows + [nnkit_alone_row(row, repeats)]


def nnkit_alone(repeats: int) -> dict:
    """Workload 1 for nnkit only, default BLAS threads, in a process
    where TensorFlow is never imported (run by ``--nnkit-alone``)."""
    x, y, sizes, model, _ = mlp_setup()
    t = median_time(lambda: model.fit(x, y, epochs=1, batch_size=128,
                                      verbose=0), repeats)
    return {"nnkit": t, "gflops": dense_flops(sizes, len(x)) / t / 1e9,
            "limit": matmul_gflops(dense_training_shapes(sizes, 128),
                                   repeats),
            "tensorflow_loaded": "tensorflow" in sys.modules}


def nnkit_alone_row(row: dict, repeats: int) -> dict:
    """The row of workload 1 with nnkit timed in a separate process.

    TensorFlow's thread pools share the cores with the BLAS threads in
    the benchmark's own process; this row shows nnkit (and the matmul
    limit) without them. Keras' time is the same-process one.
    """
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()),
                          "--nnkit-alone", str(repeats)],
                         capture_output=True, text=True, check=True)
    alone = json.loads(out.stdout.strip().splitlines()[-1])
    if alone.pop("tensorflow_loaded"):
        raise RuntimeError("the --nnkit-alone process imported TensorFlow")
    return {**row, **alone,
            "name": row["name"] + " (nnkit in a process without "
                                  "TensorFlow)"}


def digits_training(repeats: int) -> dict:
    """2. An MLP on MNIST-5k (offline), full training: 10 epochs."""
    keras = keras_module()
    x, y = nnkit.datasets.load_mnist(flatten=True)[:2]
    x = np.asarray(x, np.float32)
    sizes = [784, 128, 10]
    opt, opt_name = nnkit.optimizers.Adam(1e-3), "Adam"

    def build():
        m = Sequential([Input((784,)), Dense(128, activation="relu"),
                        Dense(10, activation="softmax")], seed=0)
        m.compile(type(opt).from_config(opt.get_config()),
                  "sparse_categorical_crossentropy")
        return m

    model = build()
    kmodel = nnkit.interop.to_keras(model)

    def keras_run():
        km = keras.models.clone_model(kmodel)
        km.compile(nnkit.interop.optimizer_to_keras(opt),
                   "sparse_categorical_crossentropy")
        km.fit(x, y, epochs=10, batch_size=32, verbose=0)

    t_nn, t_k = paired_median_times(
        lambda: build().fit(x, y, epochs=10, batch_size=32, verbose=0),
        keras_run, repeats)
    rate = dense_flops(sizes, 10 * len(x)) / t_nn / 1e9
    limit = matmul_gflops(dense_training_shapes(sizes, 32), repeats)
    row = {"name": f"MLP 784-128-10 on MNIST-5k, 10 epochs, batch 32, "
                   f"{opt_name}",
           "nnkit": t_nn, "keras": t_k, "gflops": rate, "limit": limit}
    return with_one_thread(
        row, lambda: build().fit(x, y, epochs=10, batch_size=32, verbose=0),
        repeats, dense_training_shapes(sizes, 32))


def inference(repeats: int) -> list[dict]:
    """5. predict latency on one example and on 1,000."""
    keras = keras_module()
    rng = np.random.default_rng(1)
    model = Sequential([Input((784,)), Dense(256, activation="relu"),
                        Dense(128, activation="relu"),
                        Dense(10, activation="softmax")], seed=0)
    kmodel = nnkit.interop.to_keras(model, compile=False)
    rows = []
    for n in (1, 1000):
        x = rng.standard_normal((n, 784)).astype(np.float32)
        loops = range(200 if n == 1 else 20)
        t_nn = median_time(lambda x=x, lp=loops: [model.predict(x)
                                                  for _ in lp], repeats)
        # Keras' predict() builds a dataset each call; calling the model
        # directly is its fast path for small inputs, so time both.
        t_kp = median_time(lambda x=x, lp=loops: [
            kmodel.predict(x, verbose=0) for _ in lp], repeats)
        t_kc = median_time(lambda x=x, lp=loops: [
            kmodel(x, training=False) for _ in lp], repeats)
        rows.append({"name": f"predict on {n} example(s) "
                             f"(Keras: best of predict() and model(x))",
                     "nnkit": t_nn / len(loops),
                     "keras": min(t_kp, t_kc) / len(loops),
                     "gflops": None, "limit": None})
    del keras
    return rows


def optional_workloads(repeats: int) -> list[dict]:
    """Conv and LSTM workloads, when nnkit has those layers."""
    rows = []
    for module in ("bench_conv", "bench_rnn"):
        path = HERE / f"{module}.py"
        if path.exists():
            mod = __import__(module)
            rows.extend(mod.run(repeats, median_time, keras_module))
    return rows


# ----- report ------------------------------------------------------------------
def machine() -> str:
    lines = [f"- Python {platform.python_version()}, numpy "
             f"{np.__version__}, {platform.machine()}, "
             f"{os.cpu_count()} logical CPUs"]
    try:
        with open("/proc/cpuinfo") as f:
            model = next((ln.split(":", 1)[1].strip() for ln in f
                          if ln.startswith("model name")), "unknown CPU")
        lines.append(f"- CPU: {model}")
    except OSError:
        pass
    try:
        from threadpoolctl import threadpool_info
        for info in threadpool_info():
            lines.append(f"- BLAS: {info.get('internal_api')} "
                         f"{info.get('version')} "
                         f"({info.get('num_threads')} threads, "
                         f"{info.get('architecture', '?')})")
    except ImportError:
        pass
    keras = keras_module()
    import tensorflow as tf
    lines.append(f"- TensorFlow {tf.__version__}, Keras {keras.__version__}")
    return "\n".join(lines)


def table(rows: list[dict]) -> str:
    out = ["| workload | nnkit (s) | Keras (s) | nnkit / Keras | "
           "nnkit GFLOP/s | matmul GFLOP/s | fraction of matmul |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        ratio = r["nnkit"] / r["keras"]
        g = f"{r['gflops']:.1f}" if r["gflops"] else "–"
        lim = f"{r['limit']:.1f}" if r["limit"] else "–"
        frac = (f"{r['gflops'] / r['limit']:.0%}" if r["gflops"]
                and r["limit"] else "–")
        out.append(f"| {r['name']} | {r['nnkit']:.4g} | {r['keras']:.4g} | "
                   f"{ratio:.2f} | {g} | {lim} | {frac} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true",
                    help="fewer repeats (a smoke run)")
    ap.add_argument("--only", help="run only workloads whose name "
                    "contains this text")
    ap.add_argument("--nnkit-alone", type=int, metavar="REPEATS",
                    help=argparse.SUPPRESS)    # see nnkit_alone_row
    args = ap.parse_args(argv)
    if args.nnkit_alone:
        print(json.dumps(nnkit_alone(args.nnkit_alone)))
        return 0
    repeats = 2 if args.quick else 5
    rows: list[dict] = []
    for fn in (mlp_epoch, digits_training):
        if args.only and args.only not in fn.__name__:
            continue
        print(f"running {fn.__doc__.splitlines()[0]}", flush=True)
        rows.extend(fn(repeats))
    if not args.only or args.only in "inference":
        print("running inference latency", flush=True)
        rows.extend(inference(repeats))
    if not args.only or args.only in ("conv", "rnn"):
        rows.extend(optional_workloads(repeats))
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text = "\n\n".join([
        f"Measured {stamp} with `make bench`"
        f"{' --quick' if args.quick else ''} (median of {repeats} "
        f"repeats after a warm-up run; times in seconds; ratios below 1 "
        f"mean nnkit is faster).",
        machine(), table(rows)]) + "\n"
    print(text)
    if not args.only:
        RESULTS.write_text(text)
        print(f"written to {RESULTS.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
