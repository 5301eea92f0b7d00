"""Conv2D, im2col/col2im, Residual: gradients, naive reference, Keras.

Parity tolerances as in tests/test_keras_parity.py: 1e-10 (float64) of
max |nnkit - keras| / max(1, max |keras|).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nnkit
from nnkit import Dense, Sequential
from nnkit.gradcheck import check_layer, check_model
from nnkit.interop import to_keras
from nnkit.layers import (
    Conv2D,
    Flatten,
    MaxPooling2D,
    Residual,
    col2im,
    conv_output_size,
    im2col,
)
from nnkit.layers.conv_reference import (
    conv2d_naive_backward,
    conv2d_naive_forward,
)

from .conftest import TOL

PASS = 1e-7


def close(a, b, dtype="float64"):
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert a.shape == b.shape, (a.shape, b.shape)
    err = np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b)))
    assert err <= TOL[dtype], f"max scaled difference {err:.3g}"
    return err


def keras_forward_backward(klayer, x, dout):
    """Keras' output and d(sum(out * dout))/d(x, weights...)."""
    import tensorflow as tf
    xt = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = klayer(xt)
    grads = tape.gradient(y, [xt] + klayer.trainable_variables,
                          output_gradients=tf.constant(dout))
    return y.numpy(), [g.numpy() for g in grads]


def nnkit_forward_backward(layer, x, dout):
    for p in layer.parameters():
        p.zero_grad()
    out = layer.forward(x, training=True)
    dx = layer.backward(dout)
    return out, [dx] + [p.grad for p in layer.parameters()]


# ----- geometry ---------------------------------------------------------
def test_worked_examples_of_the_output_size_formula():
    assert conv_output_size(28, 5, 0, 1) == 24        # 28x28 (*) 5x5
    assert conv_output_size(39, 3, 0, 1) == 37        # (39 - 3)/1 + 1
    assert conv_output_size(7, 2, 0, 2) == 3          # 7x7, 2x2 pool /2
    assert conv_output_size(7, 3, 1, 2) == 4
    assert conv_output_size(10, 3, 0, 1, d=2) == 6    # spans 5 pixels
    out = Conv2D(6, 5)(np.zeros((1, 28, 28, 1)))
    assert out.shape == (1, 24, 24, 6)


def test_output_size_formula_agrees_with_nnkit_and_keras(keras):
    for n in (1, 2, 5, 6, 7, 8, 11):
        for f in (1, 2, 3, 4):
            for s in (1, 2, 3):
                for d in (1, 2):
                    for padding in ("valid", "same"):
                        want = (math.ceil(n / s) if padding == "same"
                                else conv_output_size(n, f, 0, s, d))
                        if want <= 0:
                            continue
                        ours = Conv2D(1, f, s, padding, dilation_rate=d)
                        assert ours.compute_output_shape((n, n, 1)) \
                            == (want, want, 1)
                        if s > 1 and d > 1:   # Keras refuses the combo
                            continue
                        theirs = keras.layers.Conv2D(1, f, s, padding,
                                                     dilation_rate=d)
                        assert theirs.compute_output_shape(
                            (None, n, n, 1)) == (None, want, want, 1)


def test_explicit_symmetric_padding_follows_the_formula(rng):
    x = rng.standard_normal((2, 9, 7, 3))
    for p, s, f in [(1, 1, 3), (2, 2, 5), (1, 3, 2)]:
        cols = im2col(x, f, s, padding=p)
        ho, wo = conv_output_size(9, f, p, s), conv_output_size(7, f, p, s)
        assert cols.shape == (2 * ho * wo, f * f * 3)


def test_same_padding_puts_the_extra_pixel_after():
    # n=6, f=2, s=1: one pixel of padding in total, at the end.
    x = np.arange(6.0).reshape(1, 1, 6, 1)
    cols = im2col(x, (1, 2), padding="same")
    assert cols[-1].tolist() == [5.0, 0.0]
    assert cols[0].tolist() == [0.0, 1.0]


def test_im2col_rows_are_patches_in_kernel_order(rng):
    x = rng.standard_normal((2, 5, 6, 3))
    cols = im2col(x, (2, 3), strides=(1, 2))
    # Row (n=1, i=2, j=1) of a 4x2 output grid: the patch at (2, 2).
    assert np.array_equal(cols[1 * 8 + 2 * 2 + 1],
                          x[1, 2:4, 2:5, :].ravel())


@pytest.mark.parametrize("c", [1, 3])
def test_im2col_ones_column_appends_ones_to_the_same_patches(c, rng):
    """The bias trick's matrix: the patches, then a column of ones, so
    [cols 1] @ [K2; b] = cols @ K2 + b."""
    x = rng.standard_normal((2, 6, 5, c))
    args = ((3, 2), (2, 1), "same", (1, 2))
    cols, cols1 = im2col(x, *args), im2col(x, *args, ones_column=True)
    assert np.array_equal(cols1[:, :-1], cols)
    assert np.all(cols1[:, -1] == 1.0)
    k2 = rng.standard_normal((cols.shape[1], 4))
    b = rng.standard_normal(4)
    np.testing.assert_allclose(cols1 @ np.vstack([k2, b]), cols @ k2 + b,
                               rtol=1e-12)


@given(h=st.integers(3, 8), w=st.integers(3, 8), k=st.integers(1, 3),
       s=st.integers(1, 3), d=st.integers(1, 2),
       padding=st.sampled_from(["valid", "same"]), seed=st.integers(0, 99))
@settings(max_examples=25, deadline=None)
def test_col2im_is_the_adjoint_of_im2col(h, w, k, s, d, padding, seed):
    """<im2col(x), c> == <x, col2im(c)> for all x, c."""
    assume(padding == "same" or d * (k - 1) < min(h, w))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, h, w, 2))
    cols = im2col(x, k, s, padding, d)
    c = rng.standard_normal(cols.shape)
    lhs = np.sum(cols * c)
    rhs = np.sum(x * col2im(c, x.shape, k, s, padding, d))
    assert abs(lhs - rhs) < 1e-10 * max(1.0, abs(lhs))


# ----- gradients and the naive reference ----------------------------------
conv_cases = dict(
    n=st.integers(1, 2), h=st.integers(3, 7), w=st.integers(3, 7),
    c=st.integers(1, 3), f=st.integers(1, 3), kh=st.integers(1, 3),
    kw=st.integers(1, 3), s=st.integers(1, 3), d=st.integers(1, 2),
    padding=st.sampled_from(["valid", "same"]), seed=st.integers(0, 999))


def fits(h, w, kh, kw, d, padding):
    return padding == "same" or (d * (kh - 1) < h and d * (kw - 1) < w)


@given(**conv_cases, act=st.sampled_from(["linear", "tanh"]))
@settings(max_examples=30, deadline=None)
def test_conv2d_gradients_match_central_differences(
        n, h, w, c, f, kh, kw, s, d, padding, seed, act):
    assume(fits(h, w, kh, kw, d, padding))
    layer = Conv2D(f, (kh, kw), s, padding, dilation_rate=d, activation=act,
                   dtype="float64", bias_initializer="random_normal")
    x = np.random.default_rng(seed).standard_normal((n, h, w, c))
    errors = check_layer(layer, x, seed=seed)
    assert set(errors) == {"x", "kernel", "bias"}
    assert max(errors.values()) < PASS, errors


@given(**conv_cases)
@settings(max_examples=30, deadline=None)
def test_conv2d_fast_path_equals_the_naive_reference(
        n, h, w, c, f, kh, kw, s, d, padding, seed):
    assume(fits(h, w, kh, kw, d, padding))
    rng = np.random.default_rng(seed)
    layer = Conv2D(f, (kh, kw), s, padding, dilation_rate=d, dtype="float64",
                   bias_initializer="random_normal")
    x = rng.standard_normal((n, h, w, c))
    layer.ensure_built(x.shape[1:], rng)
    out, cache = conv2d_naive_forward(x, layer.kernel.data,
                                      layer.bias.data, s, padding, d)
    dout = rng.standard_normal(out.shape)
    fast, (dx, dk, db) = nnkit_forward_backward(layer, x, dout)
    ref_dx, ref_dk, ref_db = conv2d_naive_backward(dout, cache)
    for a, b in [(fast, out), (dx, ref_dx), (dk, ref_dk), (db, ref_db)]:
        assert np.allclose(a, b, rtol=0, atol=1e-12)


def test_vertical_edge_detector_finds_the_edge():
    """The classic example: 6x6 image, left half 10s, right half 0s."""
    image = np.zeros((1, 6, 6, 1))
    image[..., :3, 0] = 10.0
    kernel = np.array([[1.0, 0.0, -1.0]] * 3)[:, :, None, None]
    layer = Conv2D(1, 3, use_bias=False, dtype="float64")
    layer.ensure_built((6, 6, 1))
    layer.set_weights([kernel])
    out = layer(image)[0, :, :, 0]
    assert out.tolist() == [[0.0, 30.0, 30.0, 0.0]] * 4
    ref, _ = conv2d_naive_forward(image, kernel)
    assert np.array_equal(ref[0, :, :, 0], out)


def test_conv2d_softmax_output_fuses_with_cross_entropy(rng):
    """Per-pixel classes: the logits' gradient skips the softmax."""
    model = Sequential([Conv2D(3, 2, activation="tanh",
                               input_shape=(5, 4, 2)),
                        Conv2D(4, 1, activation="softmax")],
                       seed=1, dtype="float64")
    model.compile("sgd", "categorical_crossentropy")
    x = rng.standard_normal((3, 5, 4, 2))
    y = np.eye(4)[rng.integers(0, 4, (3, 4, 3))]
    assert model.compiled_loss.fused(0, model.layers[-1]) is not None
    errors = check_model(model, x, y)
    assert len(errors) == 4
    assert max(errors.values()) < PASS, errors


# ----- Keras parity -----------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides", [1, 2, 3])
@pytest.mark.parametrize("size", [(7, 9), (8, 6)])
def test_conv2d_output_and_gradients_match_keras(keras64, padding,
                                                 strides, size):
    rng = np.random.default_rng(strides * 10 + size[0])
    x = rng.standard_normal((2,) + size + (3,))
    layer = Conv2D(4, (3, 2), strides, padding, activation="tanh",
                   dtype="float64", bias_initializer="random_normal")
    layer.ensure_built(x.shape[1:], rng)
    klayer = keras64.layers.Conv2D(4, (3, 2), strides, padding,
                                   activation="tanh", dtype="float64")
    klayer.build((None,) + x.shape[1:])
    klayer.set_weights(layer.get_weights())
    dout = rng.standard_normal(
        (2,) + layer.compute_output_shape(x.shape[1:]))
    kout, kgrads = keras_forward_backward(klayer, x, dout)
    out, grads = nnkit_forward_backward(layer, x, dout)
    close(out, kout)
    for ours, theirs in zip(grads, kgrads):    # dx, dkernel, dbias
        close(ours, theirs)


@pytest.mark.keras
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_dilated_conv2d_matches_keras(keras64, padding, rng):
    x = rng.standard_normal((2, 9, 8, 2))
    layer = Conv2D(3, 3, padding=padding, dilation_rate=(2, 3),
                   dtype="float64")
    layer.ensure_built(x.shape[1:], rng)
    klayer = keras64.layers.Conv2D(3, 3, padding=padding,
                                   dilation_rate=(2, 3), dtype="float64")
    klayer.build((None,) + x.shape[1:])
    klayer.set_weights(layer.get_weights())
    dout = rng.standard_normal(
        (2,) + layer.compute_output_shape(x.shape[1:]))
    out, grads = nnkit_forward_backward(layer, x, dout)
    kout, kgrads = keras_forward_backward(klayer, x, dout)
    close(out, kout)
    for ours, theirs in zip(grads, kgrads):
        close(ours, theirs)


@pytest.mark.keras
def test_conv2d_matches_keras_in_float32(keras, rng):
    x = rng.standard_normal((3, 10, 9, 2)).astype(np.float32)
    layer = Conv2D(5, 3, strides=2, padding="same", activation="relu")
    layer.ensure_built(x.shape[1:], rng)
    klayer = keras.layers.Conv2D(5, 3, strides=2, padding="same",
                                 activation="relu", dtype="float32")
    klayer.build((None,) + x.shape[1:])
    klayer.set_weights(layer.get_weights())
    dout = rng.standard_normal((3, 5, 5, 5)).astype(np.float32)
    out, grads = nnkit_forward_backward(layer, x, dout)
    kout, kgrads = keras_forward_backward(klayer, x, dout)
    assert out.dtype == grads[0].dtype == np.float32
    close(out, kout, "float32")
    for ours, theirs in zip(grads, kgrads):
        close(ours, theirs, "float32")


def small_cnn(dtype):
    layers = [Conv2D(4, 3, activation="relu", input_shape=(8, 7, 2)),
              MaxPooling2D(2)]
    if hasattr(nnkit.layers, "Dropout"):
        # rate 0: the layer is in the graph, but its random masks (which
        # differ between the libraries) do not break exact parity.
        layers.append(nnkit.layers.Dropout(0.0))
    layers += [Flatten(), Dense(3, activation="softmax")]
    return Sequential(layers, seed=3, dtype=dtype)


@pytest.mark.keras
def test_small_cnn_trains_like_keras_for_five_sgd_steps(keras64, rng):
    model = small_cnn("float64")
    # float32-exact hyperparameters (see the optimizers' docstring).
    model.compile(nnkit.optimizers.SGD(0.125, momentum=0.5),
                  "sparse_categorical_crossentropy")
    kmodel = to_keras(model)
    x = rng.standard_normal((5, 6, 8, 7, 2))
    y = rng.integers(0, 3, (5, 6))
    for xb, yb in zip(x, y):
        model.train_on_batch(xb, yb)
        kmodel.train_on_batch(xb, yb)
    for ours, theirs in zip(model.get_weights(), kmodel.get_weights()):
        close(ours, theirs)
    assert not np.allclose(model.get_weights()[0],
                           small_cnn("float64").get_weights()[0])


def test_cnn_save_load_round_trip_is_exact(tmp_path, rng):
    model = small_cnn("float32")
    model.compile(nnkit.optimizers.SGD(0.1, momentum=0.9),
                  "sparse_categorical_crossentropy")
    x = rng.standard_normal((16, 8, 7, 2)).astype(np.float32)
    y = rng.integers(0, 3, 16)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "cnn"))
    assert loaded.get_config() == model.get_config()
    assert np.array_equal(loaded.predict(x), model.predict(x))
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        assert np.array_equal(a, b)


# ----- bad input ----------------------------------------------------------
def test_conv2d_rejects_a_2d_array_naming_the_shapes():
    with pytest.raises(ValueError, match=r"Conv2D 'conv2d' expects inputs "
                       r"of rank 4 .*got an input of shape \(batch, 5\)"):
        Conv2D(2, 3)(np.zeros((4, 5)))


def test_conv2d_rejects_a_wrong_channel_count_after_build():
    layer = Conv2D(2, 3, name="c1")
    layer(np.zeros((1, 6, 6, 3)))
    with pytest.raises(ValueError, match=r"Conv2D 'c1' expects images of "
                       r"shape \(batch, height, width, 3\), got an input "
                       r"of shape \(1, 6, 6, 4\)"):
        layer(np.zeros((1, 6, 6, 4)))
    with pytest.raises(ValueError, match=r"got an input of shape \(6, 6\)"):
        layer.forward(np.zeros((6, 6)))


def test_conv2d_accepts_other_image_sizes_after_build_like_keras():
    layer = Conv2D(2, 3, padding="same")
    layer(np.zeros((1, 6, 6, 1)))
    assert layer(np.zeros((2, 9, 5, 1))).shape == (2, 9, 5, 2)


def test_kernel_larger_than_a_valid_input_is_refused():
    with pytest.raises(ValueError, match=r"Conv2D 'conv2d'.*spanning 5x5 "
                       r"pixels.*does not fit an input of 3x4 pixels"):
        Conv2D(2, 5)(np.zeros((1, 3, 4, 1)))
    with pytest.raises(ValueError, match="spanning 5x5 pixels"):
        Conv2D(2, 3, dilation_rate=2)(np.zeros((1, 4, 9, 1)))


@pytest.mark.parametrize("kwargs,arg,shown", [
    (dict(filters=0, kernel_size=3), "filters", "0"),
    (dict(filters=-2, kernel_size=3), "filters", "-2"),
    (dict(filters=2.5, kernel_size=3), "filters", "2.5"),
    (dict(filters=2, kernel_size=0), "kernel_size", "0"),
    (dict(filters=2, kernel_size=(3, -1)), "kernel_size", r"\(3, -1\)"),
    (dict(filters=2, kernel_size=(3, 3, 3)), "kernel_size",
     r"\(3, 3, 3\)"),
    (dict(filters=2, kernel_size=3, strides=0), "strides", "0"),
    (dict(filters=2, kernel_size=3, strides=(1, -2)), "strides",
     r"\(1, -2\)"),
    (dict(filters=2, kernel_size=3, dilation_rate=0), "dilation_rate",
     "0"),
])
def test_conv2d_rejects_non_positive_hyperparameters(kwargs, arg, shown):
    with pytest.raises(ValueError, match=rf"Conv2D 'conv2d': {arg} must be "
                       rf"a positive integer.*got {shown}"):
        Conv2D(**kwargs)


def test_conv2d_rejects_an_unknown_padding():
    with pytest.raises(ValueError, match=r"Conv2D 'conv2d': padding must "
                       r"be 'valid' or 'same', got 'full'"):
        Conv2D(2, 3, padding="full")


def test_strided_dilated_conv_has_no_keras_twin():
    model = Sequential([Conv2D(2, 2, strides=2, dilation_rate=2,
                               input_shape=(9, 9, 1))])
    with pytest.raises(ValueError, match="which Keras refuses"):
        to_keras(model)


# ----- Residual ---------------------------------------------------------
def res_block(act="tanh"):
    """A downsampling block: its shortcut needs a 1x1 projection."""
    return Residual([Conv2D(4, 3, strides=2, padding="same",
                            activation="tanh"),
                     Conv2D(4, 3, padding="same")],
                    projection=Conv2D(4, 1, strides=2), activation=act,
                    dtype="float64")


@pytest.mark.parametrize("projection", [True, False])
def test_residual_gradients_add_both_paths(projection, rng):
    if projection:
        block = res_block()
        x = rng.standard_normal((2, 6, 5, 3))
    else:
        block = Residual([Conv2D(3, 3, padding="same", activation="tanh"),
                          Conv2D(3, 3, padding="same")],
                         activation="tanh", dtype="float64")
        x = rng.standard_normal((2, 5, 4, 3))
    errors = check_layer(block, x)
    n_weights = 6 if projection else 4
    assert len(errors) == 1 + n_weights
    assert max(errors.values()) < PASS, errors


def test_residual_identity_path_passes_the_gradient_through(rng):
    """With F's weights at zero, out = x and dx = dout exactly."""
    block = Residual([Conv2D(2, 3, padding="same",
                             kernel_initializer="zeros")],
                     dtype="float64")
    x = rng.standard_normal((2, 4, 4, 2))
    assert np.array_equal(block(x), x)
    dout = rng.standard_normal(x.shape)
    assert np.array_equal(block.backward(dout), dout)


@pytest.mark.keras
def test_residual_block_matches_a_keras_functional_model(keras64, rng):
    block = res_block(act="relu")
    x = rng.standard_normal((3, 7, 6, 3))
    out = block(x)
    k = keras64.layers
    # An explicit dtype everywhere: Keras caches its default dtype
    # policy the first time it is needed, whatever floatx is later.
    f64 = dict(dtype="float64")
    inp = keras64.Input((7, 6, 3), **f64)
    h = k.Conv2D(4, 3, strides=2, padding="same", activation="tanh",
                 **f64)(inp)
    h = k.Conv2D(4, 3, padding="same", **f64)(h)
    s = k.Conv2D(4, 1, strides=2, **f64)(inp)
    out_k = k.Activation("relu", **f64)(k.Add(**f64)([h, s]))
    kmodel = keras64.Model(inp, out_k)
    kmodel.set_weights(block.get_weights())
    close(out, kmodel(x).numpy())


def test_residual_in_sequential_trains_and_round_trips(tmp_path, rng):
    model = Sequential([Conv2D(4, 3, padding="same", activation="relu",
                               input_shape=(6, 6, 1)),
                        Residual([Conv2D(4, 3, padding="same",
                                         activation="relu"),
                                  Conv2D(4, 3, padding="same")],
                                 activation="relu"),
                        Residual([Conv2D(8, 3, strides=2, padding="same")],
                                 projection=Conv2D(8, 1, strides=2)),
                        Flatten(), Dense(2, activation="softmax")],
                       seed=0, dtype="float64")
    model.compile(nnkit.optimizers.SGD(0.05, momentum=0.9),
                  "sparse_categorical_crossentropy")
    x = rng.standard_normal((6, 6, 6, 1))
    y = rng.integers(0, 2, 6)
    errors = check_model(model, x, y)
    assert len(errors) == 2 + 4 + 4 + 2
    assert max(errors.values()) < PASS, errors
    paths = [p.path for p in model.parameters()]
    assert len(set(paths)) == len(paths)
    assert "residual/conv2d_1/kernel" in paths
    model.fit(x, y, epochs=2, batch_size=3, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "resnet"))
    assert np.array_equal(loaded.predict(x), model.predict(x))
    model.fit(x, y, epochs=1, batch_size=3, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=3, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        assert np.array_equal(a, b)


def test_residual_without_projection_rejects_a_shape_change():
    block = Residual([Conv2D(4, 3, strides=2)], name="res")
    with pytest.raises(ValueError, match=r"Residual 'res': the residual "
                       r"branch gives shape \(2, 2, 4\) but the shortcut "
                       r"gives \(5, 5, 1\); add a projection"):
        block(np.zeros((1, 5, 5, 1)))


def test_residual_needs_a_list_of_layers():
    with pytest.raises(ValueError, match="Residual 'residual': layers must "
                       "be a non-empty list"):
        Residual([])


def test_residual_refuses_to_convert_to_a_keras_sequential():
    block = Residual([Conv2D(4, 3, padding="same")])
    model = Sequential([block], dtype="float64")
    model.build((4, 4, 4))
    with pytest.raises(ValueError, match="functional model"):
        to_keras(model)
