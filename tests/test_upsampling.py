"""UpSampling2D and Conv2DTranspose: gradients, adjointness, Keras parity.

Parity as in tests/test_keras_parity.py: max |nnkit - keras| /
max(1, max |keras|) within 1e-10 (float64) and 1e-5 (float32), except
bilinear upsampling in float64, where TensorFlow computes in float32
(the documented difference in nnkit.layers.upsampling).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nnkit
from nnkit import Sequential
from nnkit.gradcheck import check_layer, check_model
from nnkit.layers import (
    Conv2D,
    Conv2DTranspose,
    MaxPooling2D,
    UpSampling2D,
)
from nnkit.layers.conv_transpose import conv_transpose_output_length
from nnkit.layers.upsampling import bilinear_matrix

from .test_conv import close, keras_forward_backward, nnkit_forward_backward

PASS = 1e-7


# ----- UpSampling2D ------------------------------------------------------
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("size", [2, (3, 2), (1, 4)])
def test_upsampling_gradients_match_central_differences(interpolation,
                                                        size, rng):
    layer = UpSampling2D(size, interpolation=interpolation,
                         dtype="float64")
    x = rng.standard_normal((2, 3, 4, 2))
    assert check_layer(layer, x)["x"] < PASS


def test_nearest_upsampling_copies_blocks():
    x = np.arange(4.0).reshape(1, 2, 2, 1)
    out = UpSampling2D((2, 3))(x)[0, :, :, 0]
    assert out.tolist() == [[0, 0, 0, 1, 1, 1]] * 2 + [[2, 2, 2, 3, 3, 3]] * 2


def test_bilinear_matrix_uses_half_pixel_centres():
    a = bilinear_matrix(3, 2)
    assert np.allclose(a.sum(axis=1), 1)
    # output pixel 1 sits at input coordinate 0.25: 3/4 of 0, 1/4 of 1
    assert np.allclose(a[1], [0.75, 0.25, 0.0])
    assert np.allclose(a[0], [1.0, 0.0, 0.0])        # clamped at the edge
    assert np.allclose(a[5], [0.0, 0.0, 1.0])
    ramp = np.arange(3.0).reshape(1, 3, 1, 1)
    out = UpSampling2D((2, 1), interpolation="bilinear",
                       dtype="float64")(ramp)[0, :, 0, 0]
    assert np.allclose(out, [0, 0.25, 0.75, 1.25, 1.75, 2])


@pytest.mark.keras
@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("size", [2, (3, 2), (1, 4)])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_upsampling_matches_keras(keras, interpolation, size, dtype, rng):
    x = rng.standard_normal((2, 3, 5, 2)).astype(dtype)
    layer = UpSampling2D(size, interpolation=interpolation, dtype=dtype)
    klayer = keras.layers.UpSampling2D(size, interpolation=interpolation,
                                       dtype=dtype)
    dout = rng.standard_normal(
        (2,) + layer.compute_output_shape(x.shape[1:])).astype(dtype)
    out, (dx,) = nnkit_forward_backward(layer, x, dout)
    kout, (kdx,) = keras_forward_backward(klayer, x, dout)
    assert out.dtype == dx.dtype == np.dtype(dtype)
    tol = "float32" if interpolation == "bilinear" else dtype
    close(out, kout, tol)
    close(dx, kdx, tol)
    if interpolation == "bilinear" and dtype == "float64":
        # the documented difference: Keras' float64 result is its
        # float32 result, so it cannot be closer than float32 precision
        k32, _ = keras_forward_backward(
            keras.layers.UpSampling2D(size, interpolation="bilinear",
                                      dtype="float32"),
            x.astype(np.float32), dout.astype(np.float32))
        assert np.max(np.abs(kout - k32)) < 1e-6
        assert np.max(np.abs(kout - out)) > 1e-10


# ----- Conv2DTranspose ----------------------------------------------------
ct_cases = dict(
    h=st.integers(1, 5), w=st.integers(1, 5), c=st.integers(1, 3),
    f=st.integers(1, 3), kh=st.integers(1, 4), kw=st.integers(1, 4),
    s=st.integers(1, 3), d=st.integers(1, 2), op=st.integers(0, 2),
    use_op=st.booleans(), padding=st.sampled_from(["valid", "same"]),
    seed=st.integers(0, 999))


def make_transpose(f, kh, kw, s, d, op, use_op, padding, **kwargs):
    if use_op:
        assume(op < s)
    # 'same' with an even kernel and output_padding 0 has no geometry
    assume(not (padding == "same" and use_op and op == 0
                and (d * (kh - 1) + 1) % 2 == 0)
           and not (padding == "same" and use_op and op == 0
                    and (d * (kw - 1) + 1) % 2 == 0))
    return Conv2DTranspose(f, (kh, kw), s, padding,
                           output_padding=op if use_op else None,
                           dilation_rate=d, dtype="float64", **kwargs)


@given(**ct_cases, act=st.sampled_from(["linear", "tanh"]))
@settings(max_examples=40, deadline=None)
def test_conv_transpose_gradients_match_central_differences(
        h, w, c, f, kh, kw, s, d, op, use_op, padding, seed, act):
    layer = make_transpose(f, kh, kw, s, d, op, use_op, padding,
                           activation=act, bias_initializer="random_normal")
    x = np.random.default_rng(seed).standard_normal((2, h, w, c))
    errors = check_layer(layer, x, seed=seed)
    assert set(errors) == {"x", "kernel", "bias"}
    assert max(errors.values()) < PASS, errors


@given(**ct_cases)
@settings(max_examples=40, deadline=None)
def test_conv_transpose_is_the_adjoint_of_conv2d(h, w, c, f, kh, kw, s, d,
                                                 op, use_op, padding,
                                                 seed):
    """<convT(x), y> = <x, conv(y)> for the conv going the other way.

    That is the docstring's claim: the transposed convolution's forward
    pass is the convolution's input gradient.
    """
    rng = np.random.default_rng(seed)
    up = make_transpose(f, kh, kw, s, d, op, use_op, padding,
                        use_bias=False)
    x = rng.standard_normal((2, h, w, c))
    out = up(x)
    assert out.shape[1:3] == tuple(
        conv_transpose_output_length(n, k, s, padding,
                                     op if use_op else None, d)
        for n, k in ((h, kh), (w, kw)))
    down = Conv2D(c, (kh, kw), s, padding, dilation_rate=d, use_bias=False,
                  dtype="float64")
    down.ensure_built(out.shape[1:])
    down.set_weights([up.kernel.data])          # (kh, kw, f, c) both
    y = rng.standard_normal(out.shape)
    cy = down(y)
    assert cy.shape == x.shape
    assert np.isclose(np.sum(out * y), np.sum(x * cy), rtol=1e-12)


def test_stride_two_transpose_stamps_the_kernel():
    """Each input pixel stamps kernel * value; stamps add where they
    overlap (stride 2 < kernel 3)."""
    layer = Conv2DTranspose(1, 3, strides=2, use_bias=False,
                            dtype="float64")
    layer.ensure_built((2, 1, 1))
    k = np.arange(1.0, 10.0).reshape(3, 3)
    layer.set_weights([k[:, :, None, None]])
    x = np.array([1.0, 10.0]).reshape(1, 2, 1, 1)
    out = layer(x)[0, :, :, 0]
    assert out.shape == (5, 3)
    expected = np.zeros((5, 3))
    expected[0:3] += k
    expected[2:5] += 10 * k
    assert np.array_equal(out, expected)


@pytest.mark.keras
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides,output_padding", [
    (1, None), (2, None), (3, None), ((2, 3), None), (2, 1), (3, (2, 1))])
@pytest.mark.parametrize("kernel", [(3, 3), (2, 3), (4, 1)])
def test_conv_transpose_matches_keras(keras64, padding, strides,
                                      output_padding, kernel):
    rng = np.random.default_rng(sum(kernel) + len(str(strides)))
    x = rng.standard_normal((2, 4, 3, 3))
    try:
        layer = Conv2DTranspose(4, kernel, strides, padding,
                                output_padding=output_padding,
                                activation="tanh", dtype="float64",
                                bias_initializer="random_normal")
        layer.ensure_built(x.shape[1:], rng)
    except ValueError as err:      # even kernel, 'same', output_padding
        assert "does not map back" in str(err)
        return
    klayer = keras64.layers.Conv2DTranspose(
        4, kernel, strides, padding, output_padding=output_padding,
        activation="tanh", dtype="float64")
    klayer.build((None,) + x.shape[1:])
    assert [w.shape for w in klayer.get_weights()] == \
        [w.shape for w in layer.get_weights()]
    klayer.set_weights(layer.get_weights())
    dout = rng.standard_normal(
        (2,) + layer.compute_output_shape(x.shape[1:]))
    out, grads = nnkit_forward_backward(layer, x, dout)
    kout, kgrads = keras_forward_backward(klayer, x, dout)
    close(out, kout)
    for ours, theirs in zip(grads, kgrads):       # dx, dkernel, dbias
        close(ours, theirs)


@pytest.mark.keras
def test_conv_transpose_matches_keras_in_float32(keras, rng):
    x = rng.standard_normal((3, 5, 4, 2)).astype(np.float32)
    layer = Conv2DTranspose(3, 3, strides=2, padding="same",
                            activation="relu")
    layer.ensure_built(x.shape[1:], rng)
    klayer = keras.layers.Conv2DTranspose(3, 3, strides=2, padding="same",
                                          activation="relu",
                                          dtype="float32")
    klayer.build((None,) + x.shape[1:])
    klayer.set_weights(layer.get_weights())
    dout = rng.standard_normal((3, 10, 8, 3)).astype(np.float32)
    out, grads = nnkit_forward_backward(layer, x, dout)
    kout, kgrads = keras_forward_backward(klayer, x, dout)
    assert out.dtype == grads[0].dtype == np.float32
    close(out, kout, "float32")
    for ours, theirs in zip(grads, kgrads):
        close(ours, theirs, "float32")


def conv_autoencoder(dtype, seed=2):
    return Sequential([
        Conv2D(4, 3, padding="same", activation="relu",
               input_shape=(8, 8, 1)),
        MaxPooling2D(2),
        Conv2D(2, 3, strides=2, padding="same", activation="tanh"),
        UpSampling2D(2),
        Conv2DTranspose(3, 3, strides=2, padding="same",
                        activation="relu"),
        Conv2D(1, 3, padding="same", activation="sigmoid")],
        seed=seed, dtype=dtype)


def keras_conv_autoencoder(keras, dtype):
    k, f = keras.layers, dict(dtype=dtype)
    return keras.Sequential([
        keras.Input((8, 8, 1), dtype=dtype),
        k.Conv2D(4, 3, padding="same", activation="relu", **f),
        k.MaxPooling2D(2, **f),
        k.Conv2D(2, 3, strides=2, padding="same", activation="tanh", **f),
        k.UpSampling2D(2, **f),
        k.Conv2DTranspose(3, 3, strides=2, padding="same",
                          activation="relu", **f),
        k.Conv2D(1, 3, padding="same", activation="sigmoid", **f)])


@pytest.mark.keras
def test_convolutional_autoencoder_trains_like_keras(floatx, rng):
    import keras
    model = conv_autoencoder(floatx)
    model.compile(nnkit.optimizers.SGD(0.5, momentum=0.5),
                  "binary_crossentropy")
    kmodel = keras_conv_autoencoder(keras, floatx)
    kmodel.set_weights(model.get_weights())
    kmodel.compile(keras.optimizers.SGD(0.5, momentum=0.5),
                   "binary_crossentropy")
    x = rng.random((5, 6, 8, 8, 1)).astype(floatx)
    for xb in x:
        close(model.train_on_batch(xb, xb), kmodel.train_on_batch(xb, xb),
              floatx)
    for ours, theirs in zip(model.get_weights(), kmodel.get_weights()):
        close(ours, theirs, floatx)


def test_autoencoder_gradients_and_save_load_round_trip(tmp_path, rng):
    model = conv_autoencoder("float64")
    model.compile(nnkit.optimizers.Adam(0.01), "mse")
    x = rng.random((3, 8, 8, 1))
    errors = check_model(model, x, x)
    assert len(errors) == 8 and max(errors.values()) < PASS, errors
    model.fit(x, x, epochs=2, batch_size=2, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "ae"))
    assert loaded.get_config() == model.get_config()
    assert np.array_equal(loaded.predict(x), model.predict(x))


# ----- config and errors --------------------------------------------------
@pytest.mark.parametrize("layer", [
    UpSampling2D((2, 3), interpolation="bilinear"),
    Conv2DTranspose(3, (2, 3), strides=2, padding="same", output_padding=1,
                    activation="relu", kernel_regularizer="l2")])
def test_config_round_trips(layer):
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert nnkit.layers.get(type(layer).__name__) is type(layer)


def test_bad_arguments_name_the_layer_argument_and_value():
    with pytest.raises(ValueError, match=r"UpSampling2D 'up_sampling2d': "
                       r"interpolation must be 'nearest' or 'bilinear'.*"
                       r"got 'bicubic'"):
        UpSampling2D(interpolation="bicubic")
    with pytest.raises(ValueError, match=r"UpSampling2D 'up_sampling2d': "
                       r"size must be a positive integer or a pair"):
        UpSampling2D(0)
    with pytest.raises(ValueError, match=r"Conv2DTranspose "
                       r"'conv2d_transpose': output_padding must be None "
                       r"or non-negative integers smaller than the strides "
                       r"\(2, 2\), got 2"):
        Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match=r"Conv2DTranspose 'ct': with "
                       r"padding='same'.*does not map back"):
        Conv2DTranspose(2, 2, strides=2, padding="same", output_padding=0,
                        name="ct")(np.zeros((1, 3, 3, 1)))
    with pytest.raises(ValueError, match=r"Conv2DTranspose "
                       r"'conv2d_transpose': padding must be 'valid' or "
                       r"'same', got 'causal'"):
        Conv2DTranspose(2, 3, padding="causal")


@pytest.mark.keras
def test_autoencoder_converts_to_keras_and_back(keras64, rng):
    from nnkit.interop import from_keras, to_keras
    model = conv_autoencoder("float64")
    model.add(UpSampling2D((1, 2), interpolation="bilinear"))
    model.add(Conv2DTranspose(2, (2, 3), strides=2, output_padding=1))
    x = rng.random((3, 8, 8, 1))
    kmodel = to_keras(model)
    assert [type(k).__name__ for k in kmodel.layers] == \
        [type(layer).__name__ for layer in model.layers]
    # bilinear: float32 inside TensorFlow (the documented difference)
    close(model.predict(x), kmodel.predict(x, verbose=0), "float32")
    back = from_keras(kmodel)
    for ours, theirs in zip(back.layers, model.layers):
        assert ours.get_config() == theirs.get_config()
    close(back.predict(x), model.predict(x))
