"""Pooling, Flatten, Reshape: gradients, naive reference, Keras parity.

Max pooling has a kink wherever two pixels of a window tie, so its
gradient checks use inputs whose values are all distinct and at least
1e-3 apart (h = 1e-5 then never changes a window's winner).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nnkit import Dense, Sequential
from nnkit.gradcheck import check_layer
from nnkit.layers import (
    AveragePooling2D,
    Conv2D,
    Flatten,
    GlobalAveragePooling2D,
    GlobalMaxPooling2D,
    MaxPooling2D,
    Reshape,
    conv_output_size,
)
from nnkit.layers.conv_reference import (
    pool_naive_backward,
    pool_naive_forward,
)

from .test_conv import close, keras_forward_backward, nnkit_forward_backward

PASS = 1e-7
POOLS = {"max": MaxPooling2D, "average": AveragePooling2D}


def distinct(rng, shape):
    """Values a shuffled 0.01 apart: no ties, no winner changes within h."""
    size = int(np.prod(shape))
    return (rng.permutation(size) * 0.01 - size * 0.005).reshape(shape)


pool_cases = dict(
    n=st.integers(1, 2), h=st.integers(2, 7), w=st.integers(2, 7),
    c=st.integers(1, 3), ph=st.integers(1, 3), pw=st.integers(1, 3),
    s=st.one_of(st.none(), st.integers(1, 3)),
    padding=st.sampled_from(["valid", "same"]),
    mode=st.sampled_from(["max", "average"]), seed=st.integers(0, 999))


def fits(h, w, ph, pw, padding):
    return padding == "same" or (ph <= h and pw <= w)


@given(**pool_cases)
@settings(max_examples=30, deadline=None)
def test_pooling_gradients_match_central_differences(
        n, h, w, c, ph, pw, s, padding, mode, seed):
    assume(fits(h, w, ph, pw, padding))
    layer = POOLS[mode]((ph, pw), s, padding, dtype="float64")
    x = distinct(np.random.default_rng(seed), (n, h, w, c))
    errors = check_layer(layer, x, seed=seed)
    assert errors["x"] < PASS, errors


@given(**pool_cases)
@settings(max_examples=30, deadline=None)
def test_pooling_fast_path_equals_the_naive_reference(
        n, h, w, c, ph, pw, s, padding, mode, seed):
    assume(fits(h, w, ph, pw, padding))
    rng = np.random.default_rng(seed)
    layer = POOLS[mode]((ph, pw), s, padding, dtype="float64")
    x = rng.standard_normal((n, h, w, c))
    if seed % 2:                 # ties too: both route to the first max
        x = np.round(x)
    out, cache = pool_naive_forward(x, (ph, pw), s, padding, mode)
    dout = rng.standard_normal(out.shape)
    fast, (dx,) = nnkit_forward_backward(layer, x, dout)
    assert np.allclose(fast, out, rtol=0, atol=1e-12)
    assert np.allclose(dx, pool_naive_backward(dout, cache), rtol=0,
                       atol=1e-12)


def test_seven_by_seven_with_two_by_two_stride_two_pooling():
    x = np.arange(49.0).reshape(1, 7, 7, 1)
    assert conv_output_size(7, 2, 0, 2) == 3
    out = MaxPooling2D(2)(x)[0, :, :, 0]
    assert out.tolist() == [[8, 10, 12], [22, 24, 26], [36, 38, 40]]
    same = MaxPooling2D(2, padding="same")(x)[0, :, :, 0]
    assert same.shape == (4, 4)
    assert same[:, 3].tolist() == [13, 27, 41, 48]
    avg = AveragePooling2D(2, padding="same")(x)[0, :, :, 0]
    assert avg[3, 3] == 48.0          # a 1x1 corner: divided by 1, not 4
    assert avg[0, 0] == (0 + 1 + 7 + 8) / 4


@pytest.mark.parametrize("layer", [
    GlobalAveragePooling2D(dtype="float64"),
    GlobalAveragePooling2D(keepdims=True, dtype="float64"),
    GlobalMaxPooling2D(dtype="float64"),
    GlobalMaxPooling2D(keepdims=True, dtype="float64"),
    Flatten(dtype="float64"), Reshape((-1, 2), dtype="float64")])
def test_shape_layers_gradients_match_central_differences(layer, rng):
    x = distinct(rng, (3, 4, 5, 2))
    assert check_layer(layer, x)["x"] < PASS


def test_flatten_uses_keras_row_major_order(rng):
    x = rng.standard_normal((2, 3, 4, 5))
    out = Flatten()(x)
    assert out.shape == (2, 60)
    assert out[1, 5 * 4 + 5 * 2 + 3] == np.float32(x[1, 1, 2, 3])


# ----- Keras parity -------------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides", [1, 2, 3])
@pytest.mark.parametrize("size", [(7, 9), (8, 6)])
def test_pooling_output_and_input_gradient_match_keras(
        keras64, mode, padding, strides, size):
    rng = np.random.default_rng(strides + size[0])
    x = distinct(rng, (2,) + size + (3,))
    layer = POOLS[mode]((3, 2), strides, padding, dtype="float64")
    cls = {"max": keras64.layers.MaxPooling2D,
           "average": keras64.layers.AveragePooling2D}[mode]
    klayer = cls((3, 2), strides, padding, dtype="float64")
    dout = rng.standard_normal(
        (2,) + layer.compute_output_shape(x.shape[1:]))
    out, (dx,) = nnkit_forward_backward(layer, x, dout)
    kout, (kdx,) = keras_forward_backward(klayer, x, dout)
    close(out, kout)
    close(dx, kdx)


@pytest.mark.keras
@pytest.mark.parametrize("mode", ["max", "average"])
def test_pooling_matches_keras_in_float32(keras, mode, rng):
    x = distinct(rng, (2, 9, 8, 3)).astype(np.float32)
    layer = POOLS[mode](3, 2, "same")
    cls = {"max": keras.layers.MaxPooling2D,
           "average": keras.layers.AveragePooling2D}[mode]
    dout = rng.standard_normal((2, 5, 4, 3)).astype(np.float32)
    out, (dx,) = nnkit_forward_backward(layer, x, dout)
    kout, (kdx,) = keras_forward_backward(cls(3, 2, "same",
                                              dtype="float32"), x, dout)
    assert out.dtype == dx.dtype == np.float32
    close(out, kout, "float32")
    close(dx, kdx, "float32")


@pytest.mark.keras
def test_max_pooling_ties_route_the_gradient_like_tensorflow(keras64, rng):
    x = np.round(rng.standard_normal((2, 6, 7, 2)))      # many ties
    for strides, padding in [(2, "valid"), (1, "same"), (1, "valid")]:
        layer = MaxPooling2D(2, strides, padding, dtype="float64")
        klayer = keras64.layers.MaxPooling2D(2, strides, padding,
                                             dtype="float64")
        dout = rng.standard_normal(
            (2,) + layer.compute_output_shape(x.shape[1:]))
        _, (dx,) = nnkit_forward_backward(layer, x, dout)
        _, (kdx,) = keras_forward_backward(klayer, x, dout)
        close(dx, kdx)


@pytest.mark.keras
def test_relu_conv_then_max_pooling_ties_match_keras_in_float32(keras,
                                                                 rng):
    """Integer images and weights: the conv's outputs are exact small
    integers, so windows tie often, among ReLU zeros and positive values
    alike; the gradients still route as TensorFlow's (the first maximum
    in row-major order), through the in-place ReLU."""
    import tensorflow as tf
    x = rng.integers(-2, 3, (3, 8, 10, 2)).astype(np.float32)
    kernel = rng.integers(-1, 2, (3, 3, 2, 4)).astype(np.float32)
    bias = np.array([-3, 1, -1, -2], np.float32)
    conv, pool = Conv2D(4, 3, activation="relu"), MaxPooling2D(2)
    conv.ensure_built(x.shape[1:])
    conv.set_weights([kernel, bias])
    kconv = keras.layers.Conv2D(4, 3, activation="relu", dtype="float32")
    kpool = keras.layers.MaxPooling2D(2, dtype="float32")
    kconv.build(x.shape)
    kconv.set_weights([kernel, bias])
    out = pool.forward(conv.forward(x, training=True), training=True)
    dout = rng.integers(1, 4, out.shape).astype(np.float32)
    dx = conv.backward(pool.backward(dout))
    xt = tf.Variable(x)
    with tf.GradientTape() as tape:
        kout = kpool(kconv(xt))
    kdx, kdk, kdb = tape.gradient(kout, [xt] + kconv.trainable_variables,
                                  output_gradients=tf.constant(dout))
    assert np.mean(out == 0) > 0.1             # windows of ReLU zeros
    pre = conv.out.reshape(3, 3, 2, 4, 2, 4).transpose(0, 1, 3, 5, 2, 4)
    wins = pre.reshape(3, 3, 4, 4, 4).max(axis=-1, keepdims=True)
    tied = (pre.reshape(3, 3, 4, 4, 4) == wins).sum(axis=-1) > 1
    assert np.mean(tied & (out > 0)) > 0.02    # ties among positives
    assert np.array_equal(out, kout.numpy())
    assert np.array_equal(dx, kdx.numpy())
    assert np.array_equal(conv.kernel.grad, kdk.numpy())
    assert np.array_equal(conv.bias.grad, kdb.numpy())


@pytest.mark.keras
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_and_flatten_match_keras(keras64, rng, keepdims):
    x = np.round(rng.standard_normal((3, 5, 4, 2)))   # global-max ties
    pairs = [(GlobalAveragePooling2D(keepdims=keepdims, dtype="float64"),
              keras64.layers.GlobalAveragePooling2D(keepdims=keepdims,
                                                    dtype="float64")),
             (GlobalMaxPooling2D(keepdims=keepdims, dtype="float64"),
              keras64.layers.GlobalMaxPooling2D(keepdims=keepdims,
                                                dtype="float64")),
             (Flatten(dtype="float64"),
              keras64.layers.Flatten(dtype="float64")),
             (Reshape((2, -1), dtype="float64"),
              keras64.layers.Reshape((2, -1), dtype="float64"))]
    for layer, klayer in pairs:
        layer.ensure_built(x.shape[1:])
        dout = rng.standard_normal((3,) + layer.output_shape)
        out, (dx,) = nnkit_forward_backward(layer, x, dout)
        kout, (kdx,) = keras_forward_backward(klayer, x, dout)
        close(out, kout)
        close(dx, kdx)


@pytest.mark.keras
def test_all_convolutional_model_round_trips_through_keras(keras64, rng):
    from nnkit.interop import from_keras, to_keras
    model = Sequential([Conv2D(3, 3, padding="same", input_shape=(9, 8, 2)),
                        AveragePooling2D(3, 2, "same"),
                        MaxPooling2D(2, 1),
                        GlobalMaxPooling2D(keepdims=True),
                        Reshape((-1,)), Dense(2)], seed=0, dtype="float64")
    x = rng.standard_normal((4, 9, 8, 2))
    kmodel = to_keras(model)
    close(model.predict(x), kmodel.predict(x, verbose=0))
    back = from_keras(kmodel)
    assert [type(lay).__name__ for lay in back.layers] == \
        [type(lay).__name__ for lay in model.layers]
    close(back.predict(x), model.predict(x))


# ----- bad input ----------------------------------------------------------
@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D])
def test_pooling_rejects_bad_hyperparameters(cls):
    name = cls.__name__
    with pytest.raises(ValueError, match=rf"{name} '.*': pool_size must be "
                       r"a positive integer.*got 0"):
        cls(0)
    with pytest.raises(ValueError, match=rf"{name} '.*': strides must be "
                       r"a positive integer.*got \(2, -1\)"):
        cls(2, strides=(2, -1))
    with pytest.raises(ValueError, match=rf"{name} '.*': padding must be "
                       r"'valid' or 'same', got 'causal'"):
        cls(2, padding="causal")


def test_pooling_rejects_a_window_larger_than_a_valid_input():
    with pytest.raises(ValueError, match=r"MaxPooling2D 'max_pooling2d': "
                       r"with padding='valid' a 3x3 window does not fit "
                       r"an input of 2x5 pixels"):
        MaxPooling2D(3)(np.zeros((1, 2, 5, 1)))
    assert MaxPooling2D(3, padding="same")(np.zeros((1, 2, 5, 1))).shape \
        == (1, 1, 2, 1)


def test_pooling_rejects_wrong_ranks_and_channels():
    with pytest.raises(ValueError, match=r"AveragePooling2D "
                       r"'average_pooling2d' expects inputs of rank 4"):
        AveragePooling2D()(np.zeros((3, 4, 4)))
    layer = GlobalMaxPooling2D(name="g")
    layer(np.zeros((1, 4, 4, 2)))
    with pytest.raises(ValueError, match=r"GlobalMaxPooling2D 'g' expects "
                       r"images of shape \(batch, height, width, 2\), got "
                       r"an input of shape \(1, 4, 4, 3\)"):
        layer(np.zeros((1, 4, 4, 3)))


def test_reshape_rejects_impossible_targets():
    with pytest.raises(ValueError, match=r"Reshape 'reshape': "
                       r"target_shape must hold positive integers and at "
                       r"most one -1, got \(-1, -1\)"):
        Reshape((-1, -1))
    with pytest.raises(ValueError, match=r"cannot reshape examples of "
                       r"shape \(2, 3\) \(6 values\) to \(4, -1\)"):
        Reshape((4, -1))(np.zeros((1, 2, 3)))
