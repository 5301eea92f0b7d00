"""Mask plumbing in models (Keras' rules), with a test-only layer pair:
``ZeroMasking`` creates a mask (as ``keras.layers.Masking(0.0)``) and
``MaskedMean`` consumes it (as ``keras.layers.GlobalAveragePooling1D``).
Models call ``compute_mask`` after each layer and pass ``mask=`` to the
layers that support masking; a masked output masks the loss."""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Input, Model, Sequential
from nnkit.gradcheck import check_model
from nnkit.layers import Add, Dense, Flatten, Layer

from .conftest import close, fit_alike

PASS = 1e-7


class ZeroMasking(Layer):
    """Masks the time steps whose features are all zero."""

    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return np.any(np.asarray(inputs) != 0, axis=-1)

    def forward(self, x, training=False, mask=None):
        x = self.check_input(x)
        self.keep = np.any(x != 0, axis=-1, keepdims=True)
        self.out = x * self.keep
        return self.out

    def backward(self, dout):
        return dout * self.keep


class MaskedMean(Layer):
    """The mean over the kept time steps (consumes the mask)."""

    supports_masking = True
    seen: list = []

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[1:])

    def compute_mask(self, inputs, mask=None):
        return None

    def forward(self, x, training=False, mask=None):
        x = self.check_input(x)
        MaskedMean.seen.append(mask)
        w = np.ones(x.shape[:2] + (1,), x.dtype) if mask is None \
            else np.asarray(mask, x.dtype)[..., None]
        self.w = w / w.sum(axis=1, keepdims=True)
        return (x * self.w).sum(axis=1)

    def backward(self, dout):
        return dout[:, None, :] * self.w


def sequences(n=6, t=5, d=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, t, d))
    lengths = rng.integers(1, t + 1, n)
    for i, k in enumerate(lengths):
        x[i, k:] = 0.0                        # padding at the end
    return x, np.arange(t)[None, :] < lengths[:, None]


def test_sequential_passes_the_mask_through_dense_to_its_consumer():
    x, mask = sequences()
    model = Sequential([Input((5, 3)), ZeroMasking(), Dense(4),
                        MaskedMean(), Dense(1)], dtype="float64")
    MaskedMean.seen.clear()
    model.predict(x)
    assert np.array_equal(MaskedMean.seen[-1], mask)


def test_a_layer_without_masking_support_drops_the_mask():
    x, _ = sequences()
    model = Sequential([Input((5, 3)), ZeroMasking(), Flatten(),
                        Dense(2)], dtype="float64")
    model.predict(x)
    assert model._out_masks == [None]


def test_functional_models_carry_masks_through_merges():
    x, mask = sequences()
    inp = Input((5, 3), dtype="float64")
    m = ZeroMasking()(inp)
    a, b = Dense(4, name="a")(m), Dense(4, name="b")(m)
    y = Dense(1)(MaskedMean()(Add()([a, b])))
    model = Model(inp, y)
    MaskedMean.seen.clear()
    model.predict(x)
    assert np.array_equal(MaskedMean.seen[-1], mask)


def test_gradients_of_a_masked_model_match_central_differences():
    x, _ = sequences()
    y = np.random.default_rng(1).standard_normal((6, 1))
    inp = Input((5, 3), dtype="float64")
    h = Dense(4, activation="tanh")(ZeroMasking()(inp))
    out = Dense(1)(MaskedMean()(h))
    model = Model(inp, out)
    model.compile("sgd", "mse")
    errors = check_model(model, x, y)
    assert max(errors.values()) < PASS, errors


def test_a_masked_output_masks_the_loss():
    """Only the kept time steps count, and the mean is over them."""
    x, mask = sequences()
    y = np.random.default_rng(2).standard_normal((6, 5, 2))
    model = Sequential([Input((5, 3)), ZeroMasking(), Dense(2)],
                       dtype="float64", seed=0)
    model.compile("sgd", "mse")
    pred = model.predict(x)
    per_step = np.mean((pred - y) ** 2, axis=-1)
    assert model.evaluate(x, y) == pytest.approx(per_step[mask].mean())
    errors = check_model(model, x, y)
    assert max(errors.values()) < PASS, errors


# ----- against Keras ------------------------------------------------------------
def build(lib, dtype):
    if lib == "keras":
        import keras
        L, inp, model = keras.layers, keras.Input, keras.Model
        masking, mean = L.Masking(0.0), L.GlobalAveragePooling1D()
    else:
        L, inp, model = nnkit.layers, nnkit.Input, nnkit.Model
        masking, mean = ZeroMasking(), MaskedMean()
    x = inp((5, 3), dtype=dtype)
    m = masking(x)
    steps = L.Dense(2, name="steps")(L.Dense(4, activation="tanh",
                                             name="h")(m))
    pooled = L.Dense(1, name="pooled")(mean(steps))
    return model(x, [steps, pooled])



@pytest.mark.keras
def test_masked_sequences_train_like_keras(floatx, keras):
    ours, theirs = build("nnkit", floatx), build("keras", floatx)
    theirs.set_weights(ours.get_weights())
    x, _ = sequences(16, seed=3)
    x = x.astype(floatx)
    rng = np.random.default_rng(4)
    ys = [rng.standard_normal((16, 5, 2)), rng.standard_normal((16, 1))]
    for o, k in zip(ours.predict(x), theirs.predict(x, verbose=0)):
        close(o, k, floatx, "output")
    ours.compile(nnkit.optimizers.SGD(0.05), ["mse", "mae"])
    theirs.compile(keras.optimizers.SGD(0.05), ["mse", "mae"])
    fit_alike(ours, theirs, x, ys, floatx, epochs=2, batch_size=4)
