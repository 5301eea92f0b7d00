"""Layer-level detail for run.py: one Conv2D forward + backward pass.

Conv2D(32, 3x3) on a batch of 64 MNIST-sized images (28x28x1):
nnkit's layer ``forward``/``backward`` against Keras' layer under
``tf.GradientTape`` inside a ``tf.function`` (gradients of the input
and both weights, same upstream gradient; the input gradient is part
of the work here, as for a layer that is not the first).

Products executed, im2col form with a ones column for the bias, (m, k,
n): the forward (N Ho Wo, 10, 32), [dK; db] (10, N Ho Wo, 32) and dx
(N Ho Wo, 32, 9).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from common import matmul_seconds, product_flops, timed

import nnkit
from nnkit.layers import Conv2D

N, HW, F = 64, 28, 32


def row(repeats: int, interleave: Callable) -> dict:
    import tensorflow as tf

    keras = nnkit.interop.import_keras()
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, HW, HW, 1)).astype(np.float32)
    dout = rng.standard_normal((N, HW - 2, HW - 2, F)).astype(np.float32)
    layer = Conv2D(F, 3)
    layer.ensure_built(x.shape[1:], rng)

    def nnkit_step():
        for p in layer.parameters():
            p.zero_grad()
        layer.forward(x, training=True)
        return layer.backward(dout)

    klayer = keras.layers.Conv2D(F, 3)
    klayer.build((None, HW, HW, 1))
    klayer.set_weights(layer.get_weights())
    xt, dt = tf.constant(x), tf.constant(dout)

    @tf.function
    def keras_grads(xb):
        with tf.GradientTape() as tape:
            tape.watch(xb)
            yb = klayer(xb)
        return tape.gradient(yb, [xb] + klayer.trainable_variables,
                             output_gradients=dt)

    def keras_step():
        return [g.numpy() for g in keras_grads(xt)]

    loops = 10                        # one timed run = 10 steps

    def many(step):
        return timed(lambda: [step() for _ in range(loops)])

    rows = N * (HW - 2) ** 2
    products = [(rows, 10, F, loops), (10, rows, F, loops),
                (rows, F, 9, loops)]
    return {"name": f"Conv2D(32, 3x3) forward + backward, {N}x28x28x1, "
                    f"{loops} steps",
            "kind": "layer",
            "times": interleave({"nnkit": many(nnkit_step),
                                 "Keras": many(keras_step)}, repeats),
            "flops": product_flops(products),
            "limit": matmul_seconds(products, repeats)}
