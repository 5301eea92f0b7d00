"""The three training epochs that ``make bench`` times (run.py, memory).

Each workload is one epoch of ``fit`` on fixed data, the same model in
every library: nnkit's is built here, Keras' is its ``to_keras`` twin
(same weights), PyTorch's (when torch is importable) is built from the
same weights in ``bench_torch.py``. Batches are taken in order
(``shuffle=False``), so every library sees the same batches.

* MLP: 784-256-128-10 (relu, relu, softmax), 10,000 random examples,
  batch 128, Adam;
* CNN: Conv2D(32, 3x3, relu) -> MaxPooling2D 2x2 -> Flatten ->
  Dense(10, softmax), 2,048 MNIST images 28x28, batch 64, SGD;
* LSTM: LSTM(128) -> Dense(1), 640 random sequences of 100 steps with 8
  features, batch 64, SGD, mean squared error.

For each, ``executed`` lists the matrix products one epoch performs,
as (m, k, n, times): the forward products, the weight gradients, and
the input gradients every layer but the first needs (the data's own
gradient is computed by no library), with the shapes nnkit gives the
BLAS under the thread setting at hand (the LSTM's step products go in
row blocks on one thread). Their FLOPs (2 m k n each) divide
a time into GFLOP/s; the BLAS' time on exactly those products is the
"matmul limit" (``common.matmul_seconds``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

import nnkit
from nnkit import Input, Sequential
from nnkit._blas import small_blocks
from nnkit.layers import LSTM, Conv2D, Dense, Flatten, MaxPooling2D

Product = tuple[int, int, int, int]          # (m, k, n, times per epoch)


@dataclass
class Workload:
    """One epoch's data, model and matrix products."""

    name: str
    title: str
    x: np.ndarray
    y: np.ndarray
    batch_size: int
    build: Any                  # () -> compiled nnkit model
    executed: list[Product] = field(default_factory=list)

    @property
    def flops(self) -> float:
        return sum(2.0 * m * k * n * t for m, k, n, t in self.executed)

    @property
    def steps(self) -> int:
        return -(-len(self.x) // self.batch_size)


def dense_products(sizes: list[int], batch: int, steps: int
                   ) -> list[Product]:
    """Forward, dW and (except for the first layer) dx of a Dense chain."""
    out = []
    for layer, (d, h) in enumerate(zip(sizes[:-1], sizes[1:])):
        out += [(batch, d, h, steps), (d, batch, h, steps)]
        if layer > 0:
            out.append((batch, h, d, steps))
    return out


def mlp() -> Workload:
    rng = np.random.default_rng(0)
    n, batch, sizes = 10_000, 128, [784, 256, 128, 10]
    x = rng.standard_normal((n, 784)).astype(np.float32)
    y = rng.integers(0, 10, n)

    def build():
        model = Sequential([Input((784,)), Dense(256, activation="relu"),
                            Dense(128, activation="relu"),
                            Dense(10, activation="softmax")], seed=0)
        model.compile(nnkit.optimizers.Adam(1e-3),
                      "sparse_categorical_crossentropy")
        return model

    # 10,000 = 78 * 128 + 16: the products of the last, short batch
    # are counted at full size (a 0.2 % overcount).
    steps = -(-n // batch)
    return Workload("MLP", "MLP 784-256-128-10, 10,000 examples, "
                    "batch 128, Adam", x, y, batch, build,
                    dense_products(sizes, batch, steps))


def cnn() -> Workload:
    x, y = nnkit.datasets.load_mnist()[:2]
    n, batch, f = 2048, 64, 32
    x = np.asarray(x[:n], np.float32)[..., None]        # (2048, 28, 28, 1)
    y = np.asarray(y[:n])

    def build():
        model = Sequential([Input((28, 28, 1)),
                            Conv2D(f, 3, activation="relu"),
                            MaxPooling2D(2), Flatten(),
                            Dense(10, activation="softmax")], seed=0)
        model.compile(nnkit.optimizers.SGD(0.01),
                      "sparse_categorical_crossentropy")
        return model

    steps, rows, flat = n // batch, batch * 26 * 26, 13 * 13 * f
    # im2col with a ones column (the bias rides in the products); no dx,
    # the data's gradient
    conv = [(rows, 10, f, steps),         # z = [cols 1] [K; b]
            (10, rows, f, steps)]         # [dK; db] = [cols 1]^T dz
    return Workload("CNN", "CNN Conv2D(32, 3x3, relu)-MaxPool 2x2-"
                    "Dense(10), 2,048 images 28x28, batch 64, SGD",
                    x, y, batch, build,
                    conv + dense_products([flat, 10], batch, steps)
                    + [(batch, 10, flat, steps)])     # dx of the Dense


def lstm() -> Workload:
    rng = np.random.default_rng(0)
    n, t, d, h, batch = 640, 100, 8, 128, 64
    x = rng.standard_normal((n, t, d)).astype(np.float32)
    y = rng.standard_normal((n, 1)).astype(np.float32)

    def build():
        model = Sequential([Input((t, d)), LSTM(h), Dense(1)], seed=0)
        model.compile(nnkit.optimizers.SGD(0.01), "mse")
        return model

    steps = n // batch
    k = h + d + 1                             # rows of [U; W; b]
    # a step's two products go in p and q row blocks on one OpenBLAS
    # thread (``nnkit._blas.small_blocks``), 1 on several
    p, q = small_blocks(batch, k, 4 * h), small_blocks(batch, 4 * h, h)
    lstm_products = [
        (batch // p, k, 4 * h, steps * t * p),  # [h_{t-1}, x_t, 1] [U; W; b]
        (k, batch * t, 4 * h, steps),         # [dU; dW; db], all steps
        (batch // q, 4 * h, h, steps * t * q),  # dh_{t-1} = da U^T
    ]                                         # (no dx: x is the data)
    dense = [(batch, h, 1, steps), (h, batch, 1, steps),
             (batch, 1, h, steps)]
    return Workload("LSTM", "LSTM(128)-Dense(1), 640 sequences x 100 "
                    "steps x 8 features, batch 64, SGD", x, y, batch,
                    build, lstm_products + dense)


WORKLOADS = {"MLP": mlp, "CNN": cnn, "LSTM": lstm}
