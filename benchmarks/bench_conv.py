"""Convolution workloads for ``benchmarks/run.py`` (nnkit vs Keras).

1. Forward + backward of Conv2D(32, 3x3) on a batch of 64 MNIST-sized
   images (28x28x1): nnkit's layer ``forward``/``backward`` against
   Keras' layer under ``tf.GradientTape`` inside a ``tf.function``
   (gradients for the input and both weights, same upstream gradient).
2. One training epoch of the chapter's CNN, Conv(32, 5x5, relu) ->
   MaxPool 2x2 -> Dropout 0.2 -> Flatten -> Dense(128, relu) ->
   Dense(10, softmax), on MNIST-5k, batch 32, same optimizer both sides.

FLOPs: 2 N Ho Wo kh kw C F per convolution product, three products per
training step (forward, dK, dx); Dense layers as in run.py (6 N in out).
"limit" is the machine's float32 matmul rate (best of several runs) on
the matrix products of the workload, i.e. what the BLAS does with
nnkit's own im2col formulation.

Each workload is also timed with nnkit's BLAS limited to one thread
(threadpoolctl, if installed), in a row of its own. On a shared machine
whose cores are busy, a multi-threaded OpenBLAS call waits for a thread
the scheduler has not run yet, and nnkit's small matrix products can
take 10-50x longer than on an idle machine; TensorFlow's thread pool
does not wait that way. The one-thread row shows nnkit without that
effect; Keras keeps its default threads in both rows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from common import matmul_gflops, paired_median_times, with_one_thread

import nnkit
from nnkit import Dense, Input, Sequential
from nnkit.layers import Conv2D, Flatten, MaxPooling2D


def conv_shapes(n: int, ho: int, wo: int, k: int, f: int
                ) -> list[tuple[int, int, int]]:
    """The three matmuls of an im2col convolution step, (m, k) @ (k, n)."""
    rows = n * ho * wo
    return [(rows, k, f), (k, rows, f), (rows, f, k)]


def conv_layer(repeats: int, median_time: Callable,
               keras_module: Callable) -> list[dict]:
    keras_module()
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 28, 28, 1)).astype(np.float32)
    dout = rng.standard_normal((64, 26, 26, 32)).astype(np.float32)
    layer = Conv2D(32, 3)
    layer.ensure_built(x.shape[1:], rng)

    def nnkit_step():
        for p in layer.parameters():
            p.zero_grad()
        layer.forward(x, training=True)
        return layer.backward(dout)

    klayer = nnkit.interop.import_keras().layers.Conv2D(32, 3)
    klayer.build((None, 28, 28, 1))
    klayer.set_weights(layer.get_weights())
    xt, dt = tf.constant(x), tf.constant(dout)

    @tf.function
    def keras_grads(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = klayer(x)
        return tape.gradient(y, [x] + klayer.trainable_variables,
                             output_gradients=dt)

    def keras_step():
        return [g.numpy() for g in keras_grads(xt)]

    t_nn, t_k = paired_median_times(nnkit_step, keras_step, repeats * 10)
    shapes = conv_shapes(64, 26, 26, 9, 32)
    flops = sum(2.0 * m * k * n for m, k, n in shapes)
    row = {"name": "Conv2D(32, 3x3) forward+backward, 64x28x28x1",
           "nnkit": t_nn, "keras": t_k, "gflops": flops / t_nn / 1e9,
           "limit": matmul_gflops(shapes, repeats)}
    return with_one_thread(row, nnkit_step, repeats * 10,
                           shapes)


def chapter_cnn() -> Sequential:
    return Sequential([Input((28, 28, 1)), Conv2D(32, 5, activation="relu"),
                       MaxPooling2D(2), nnkit.layers.Dropout(0.2, seed=0),
                       Flatten(), Dense(128, activation="relu"),
                       Dense(10, activation="softmax")], seed=0)


def cnn_epoch(repeats: int, median_time: Callable,
              keras_module: Callable) -> list[dict]:
    keras_module()
    x, y = nnkit.datasets.load_mnist()[:2]
    x = np.asarray(x, np.float32)[..., None]       # (5000, 28, 28, 1)
    opt, opt_name = nnkit.optimizers.Adam(1e-3), "Adam"
    model = chapter_cnn()
    model.compile(opt, "sparse_categorical_crossentropy")
    kmodel = nnkit.interop.to_keras(model)
    fit = dict(epochs=1, batch_size=32, verbose=0)
    def nnkit_epoch():
        model.fit(x, y, **fit)

    t_nn, t_k = paired_median_times(
        nnkit_epoch, lambda: kmodel.fit(x, y, **fit), repeats)
    n = len(x)
    conv = conv_shapes(32, 24, 24, 25, 32)
    flops = (n / 32 * sum(2.0 * m * k * c for m, k, c in conv)
             + 6.0 * n * (4608 * 128 + 128 * 10))
    dense = [(32, 4608, 128), (4608, 32, 128), (32, 128, 4608)]
    row = {"name": f"CNN conv5x5(32)-pool-dropout-"
                   f"dense128-10 on MNIST-5k, 1 epoch, batch 32, "
                   f"{opt_name}",
           "nnkit": t_nn, "keras": t_k, "gflops": flops / t_nn / 1e9,
           "limit": matmul_gflops(conv + dense, repeats)}
    return with_one_thread(row, nnkit_epoch, repeats,
                           conv + dense)


def run(repeats: int, median_time: Callable,
        keras_module: Callable) -> list[dict]:
    """The rows this module adds to the benchmark table."""
    print("running conv workloads", flush=True)
    return (conv_layer(repeats, median_time, keras_module)
            + cnn_epoch(repeats, median_time, keras_module))
