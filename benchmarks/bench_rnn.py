"""LSTM workload for benchmarks/run.py: nnkit vs Keras, forward+backward.

Workload: one LSTM(128) layer (return_sequences=False) on a batch of 64
sequences of 100 steps with 32 features, float32; one forward pass and
one backward pass from a fixed random dout (gradients of the kernel,
recurrent kernel, bias and the input). nnkit calls ``layer.forward`` and
``layer.backward``; Keras runs the layer under ``tf.GradientTape`` inside
a ``tf.function`` (traced once, in the warm-up run).

FLOPs counted: the matmuls only, 3 x (2 N T D 4H + 2 N T H 4H) (forward,
then two matmuls of the same size per forward one in backward). The
"limit" is the BLAS' float32 throughput on those same matmul shapes, so
the fraction shows how much time goes to the Python loop over steps and
elementwise gate arithmetic rather than to matmuls.

A second row times nnkit with the BLAS limited to one thread (via
threadpoolctl, when installed). The per-step matmuls are small (64 x 128
by 128 x 512), and a multi-threaded OpenBLAS synchronises its threads
for each of them: on an idle machine two threads help a little, but
when other processes load the cores the threads wait for each other and
the same step can take several times longer (seen on the 2-core build
machine: 0.05 s idle, 0.2-1.3 s under load, against a steady 0.07 s
with one thread). Setting ``OPENBLAS_NUM_THREADS=1`` gives the same
effect without threadpoolctl.
"""

from __future__ import annotations

import numpy as np
from common import matmul_gflops, one_blas_thread, paired_median_times

N, T, D, H = 64, 100, 32, 128


# The matmuls of one training step; the per-step ones happen T times.
SHAPES = [(N * T, D, 4 * H),       # xz = x W
          (N, H, 4 * H),           # hz = h U, once per step
          (D, N * T, 4 * H),       # dW = x^T dxz
          (N * T, 4 * H, D),       # dx = dxz W^T
          (H, N * T, 4 * H),       # dU = h^T dhz
          (N, 4 * H, H)]           # dh = dhz U^T, once per step
WEIGHTS = [1, T, 1, 1, 1, T]


def run(repeats: int, median_time, keras_module) -> list[dict]:
    """Time the workload; one result row (see run.py's table)."""
    keras = keras_module()
    import tensorflow as tf

    from nnkit.layers import LSTM

    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, T, D)).astype(np.float32)
    dout = rng.standard_normal((N, H)).astype(np.float32)

    layer = LSTM(H)
    layer(x)                                    # build

    def nnkit_step():
        for p in layer.parameters():
            p.zero_grad()
        layer.forward(x, training=True)
        return layer.backward(dout)

    klayer = keras.layers.LSTM(H)
    klayer.build((None, T, D))
    klayer.set_weights(layer.get_weights())
    tx, tdout = tf.constant(x), tf.constant(dout)

    @tf.function
    def keras_step(xb, g):
        with tf.GradientTape() as tape:
            tape.watch(xb)
            out = klayer(xb, training=True)
        return tape.gradient(out, klayer.trainable_variables + [xb],
                             output_gradients=g)

    t_nn, t_k = paired_median_times(
        nnkit_step, lambda: keras_step(tx, tdout), repeats)
    flops = 3 * (2.0 * N * T * D * 4 * H + 2.0 * N * T * H * 4 * H)
    name = f"LSTM({H}) forward+backward, batch {N}, {T} steps, {D} features"
    limit = matmul_gflops(SHAPES, repeats, WEIGHTS)
    row = {"name": name, "nnkit": t_nn, "keras": t_k,
           "gflops": flops / t_nn / 1e9, "limit": limit}
    one = one_blas_thread()
    if one is None:
        return [row]
    with one:
        t_1 = median_time(nnkit_step, repeats)
        limit_1 = matmul_gflops(SHAPES, repeats, WEIGHTS)
    return [row, {**row, "name": name + " (nnkit: 1 BLAS thread)",
                  "nnkit": t_1, "gflops": flops / t_1 / 1e9,
                  "limit": limit_1}]
