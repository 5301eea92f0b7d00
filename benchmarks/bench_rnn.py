"""Layer-level detail for run.py: one LSTM forward + backward pass.

One LSTM(128) layer (return_sequences=False) on a batch of 64 sequences
of 100 steps with 32 features, float32: one forward and one backward
pass from a fixed upstream gradient (gradients of the kernel, recurrent
kernel, bias and the input). nnkit calls ``layer.forward`` and
``layer.backward``; Keras runs the layer under ``tf.GradientTape``
inside a ``tf.function`` (traced in the warm-up run).

Products executed, (m, k, n, times): x W for all steps at once, h U
once per step, dW, dU and dx after the loop, and dh_{t-1} = da U^T
once per step but the first.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from common import matmul_seconds, product_flops, timed

N, T, D, H = 64, 100, 32, 128

PRODUCTS = [(N * T, D, 4 * H, 1),       # xz = x W
            (N, H, 4 * H, T),           # hz = h U, once per step
            (D, N * T, 4 * H, 1),       # dW = x^T dxz
            (H, N * T, 4 * H, 1),       # dU = h^T dhz
            (N * T, 4 * H, D, 1),       # dx = dxz W^T
            (N, 4 * H, H, T - 1)]       # dh = dhz U^T, per step


def row(repeats: int, interleave: Callable) -> dict:
    import tensorflow as tf

    import nnkit
    from nnkit.layers import LSTM

    keras = nnkit.interop.import_keras()
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
    def keras_grads(xb, g):
        with tf.GradientTape() as tape:
            tape.watch(xb)
            out = klayer(xb, training=True)
        return tape.gradient(out, klayer.trainable_variables + [xb],
                             output_gradients=g)

    def keras_step():
        return [g.numpy() for g in keras_grads(tx, tdout)]

    return {"name": f"LSTM({H}) forward + backward, batch {N}, {T} steps, "
                    f"{D} features",
            "kind": "layer",
            "times": interleave({"nnkit": timed(nnkit_step),
                                 "Keras": timed(keras_step)}, repeats),
            "flops": product_flops(PRODUCTS),
            "limit": matmul_seconds(PRODUCTS, repeats)}
