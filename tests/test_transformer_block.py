"""A Transformer encoder block as a functional graph, nnkit and Keras.

Multi-head self-attention, residual connections, layer normalization and
a feed-forward network (Vaswani et al. 2017), built once with nnkit's
layers and once with Keras' from the same code (``Lib``): gradients by
central differences, the same outputs, and a few epochs of ``fit`` to
1e-10 in float64 and 1e-5 in float32. key_dim is 4 so that Keras'
float32-rounded 1/sqrt(key_dim) is exact (see tests/test_attention.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit.gradcheck import check_model

from .conftest import close, fit_alike
from .test_functional_keras import Lib


def encoder(lib, dtype, steps=6, features=8, causal=False):
    L = lib.L
    x = lib.Input((steps, features), name="x", dtype=dtype)
    att = L.MultiHeadAttention(2, 4, name="mha")(x, x,
                                                 use_causal_mask=causal)
    h = L.LayerNormalization(epsilon=1e-6, name="ln1")(
        L.Add(name="res1")([x, att]))
    ff = L.Dense(16, activation="relu", name="ff1")(h)
    ff = L.Dense(features, name="ff2")(ff)
    h = L.LayerNormalization(epsilon=1e-6, name="ln2")(
        L.Add(name="res2")([h, ff]))
    pooled = L.GlobalAveragePooling1D(name="pool")(h)
    y = L.Dense(3, activation="softmax", name="y")(pooled)
    return lib.Model(x, y, name="encoder")


def data(n=20, steps=6, features=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, steps, features))
    y = (x[:, :, 0].mean(axis=1) > 0).astype(int) + (x[:, 0, 1] > 0.5)
    return x, y


def test_encoder_block_gradients_match_central_differences():
    model = encoder(Lib(), "float64", causal=True)
    model.compile("sgd", "sparse_categorical_crossentropy")
    x, y = data(n=5)
    errors = check_model(model, x, y)
    assert len(errors) == 8 + 2 * 2 + 4 + 2
    for path, err in errors.items():
        if path.endswith("key/bias"):       # softmax ignores it: 0
            continue
        assert err < 1e-7, (path, err)


def test_positions_enter_through_the_embeddings():
    """Attention alone is order-blind: permuting the steps permutes the
    outputs. Adding a sinusoidal encoding breaks that symmetry."""
    L = nnkit.layers
    x_in = nnkit.Input((5, 4), dtype="float64")
    mha = L.MultiHeadAttention(1, 4)
    plain = nnkit.Model(x_in, mha(x_in, x_in))
    h = L.Add()([x_in, L.SinePositionEncoding()(x_in)])
    with_pos = nnkit.Model(x_in, mha(h, h))
    x = np.random.default_rng(1).standard_normal((2, 5, 4))
    perm = [4, 2, 0, 1, 3]
    assert np.allclose(plain.predict(x[:, perm]), plain.predict(x)[:, perm])
    assert not np.allclose(with_pos.predict(x[:, perm]),
                           with_pos.predict(x)[:, perm])
    # the encoding's gradient reaches the table-free input only via Add
    model = nnkit.Model(x_in, L.GlobalAveragePooling1D()(mha(h, h)))
    model.compile("sgd", "mse")
    errors = check_model(model, x, np.zeros((2, 4)))
    assert max(v for k, v in errors.items()
               if not k.endswith("key/bias")) < 1e-7


@pytest.mark.keras
@pytest.mark.parametrize("causal", [False, True])
def test_encoder_block_trains_like_keras(floatx, causal):
    import keras
    ours = encoder(Lib(), floatx, causal=causal)
    theirs = encoder(Lib(keras), floatx, causal=causal)
    assert [w.shape for w in theirs.get_weights()] == \
        [w.shape for w in ours.get_weights()]
    theirs.set_weights(ours.get_weights())
    x, y = data()
    x = x.astype(floatx)
    close(ours.predict(x), theirs.predict(x, verbose=0), floatx, "predict")
    # SGD, not Adam: the key bias' gradient is 0 up to rounding noise
    # (~1e-17), which Adam's m / sqrt(v) would blow up into full-size
    # steps, different in each library (harmless: that bias cannot
    # change the output, but the weights would not compare)
    ours.compile(nnkit.optimizers.SGD(0.125, momentum=0.5),
                 "sparse_categorical_crossentropy", metrics=["accuracy"])
    theirs.compile(keras.optimizers.SGD(0.125, momentum=0.5),
                   "sparse_categorical_crossentropy", metrics=["accuracy"])
    fit_alike(ours, theirs, x, y, floatx, epochs=3, batch_size=8)


@pytest.mark.keras
def test_encoder_block_converts_to_keras_and_back(keras64):
    from nnkit.interop import from_keras, to_keras
    model = encoder(Lib(), "float64", causal=True)
    x, _ = data(n=4)
    kmodel = to_keras(model)
    close(model.predict(x), kmodel.predict(x, verbose=0), "float64")
    back = from_keras(kmodel)
    close(back.predict(x), model.predict(x), "float64")
    # the causal flag travelled both ways
    mha = [lay for lay in back.layers
           if isinstance(lay, nnkit.layers.MultiHeadAttention)][0]
    assert mha.inbound_nodes[0].kwargs.get("use_causal_mask") is True


def test_attention_weights_as_a_second_model_output():
    L = nnkit.layers
    x_in = nnkit.Input((4, 6), dtype="float64")
    out, weights = L.MultiHeadAttention(3, 2)(x_in, x_in,
                                              return_attention_scores=True)
    model = nnkit.Model(x_in, [L.GlobalAveragePooling1D()(out), weights])
    x = np.random.default_rng(2).standard_normal((2, 4, 6))
    y_out, y_w = model.predict(x)
    assert y_w.shape == (2, 3, 4, 4)
    assert np.allclose(y_w.sum(axis=-1), 1.0)
    # train on the first output only: the weights' gradient is None
    model.compile("sgd", ["mse", None])
    before = model.get_weights()[0].copy()
    model.fit(x, [np.zeros((2, 6)), np.zeros((2, 3, 4, 4))], epochs=1,
              verbose=0)
    assert not np.allclose(before, model.get_weights()[0])
