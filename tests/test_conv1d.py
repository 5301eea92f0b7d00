"""Conv1D, 1-D pooling and 1-D global pooling: gradients, Keras parity.

Parity tolerances as in tests/test_keras_parity.py: 1e-10 (float64) and
1e-5 (float32) of max |nnkit - keras| / max(1, max |keras|). Max pooling
is checked on inputs whose values are distinct and 1e-3 apart, so a
step of h = 1e-5 never changes a window's winner.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nnkit
from nnkit import Dense, Sequential
from nnkit.gradcheck import check_layer, check_model
from nnkit.layers import (
    AveragePooling1D,
    Conv1D,
    Conv2D,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
    MaxPooling1D,
)

from .test_conv import close, keras_forward_backward, nnkit_forward_backward
from .test_pooling import distinct

PASS = 1e-7


def conv1d_naive(x, kernel, bias, stride, pad, dilation):
    """Loop reference: z[n, t, f] = sum_{a,c} xp[n, s t + d a, c] K[a,c,f]."""
    xp = np.pad(x, ((0, 0), pad, (0, 0)))
    k = kernel.shape[0]
    lo = (xp.shape[1] - dilation * (k - 1) - 1) // stride + 1
    out = np.zeros((len(x), lo, kernel.shape[-1]))
    for t in range(lo):
        for a in range(k):
            out[:, t] += xp[:, stride * t + dilation * a] @ kernel[a]
    return out + bias


conv_cases = dict(
    n=st.integers(1, 2), steps=st.integers(3, 9), c=st.integers(1, 3),
    f=st.integers(1, 3), k=st.integers(1, 4), s=st.integers(1, 3),
    d=st.integers(1, 2),
    padding=st.sampled_from(["valid", "same", "causal"]),
    seed=st.integers(0, 999))


def fits(steps, k, d, padding):
    return padding != "valid" or d * (k - 1) < steps


@given(**conv_cases, act=st.sampled_from(["linear", "tanh"]))
@settings(max_examples=30, deadline=None)
def test_conv1d_gradients_match_central_differences(
        n, steps, c, f, k, s, d, padding, seed, act):
    assume(fits(steps, k, d, padding))
    layer = Conv1D(f, k, s, padding, dilation_rate=d, activation=act,
                   dtype="float64", bias_initializer="random_normal")
    x = np.random.default_rng(seed).standard_normal((n, steps, c))
    errors = check_layer(layer, x, seed=seed)
    assert set(errors) == {"x", "kernel", "bias"}
    assert max(errors.values()) < PASS, errors


@given(**conv_cases)
@settings(max_examples=30, deadline=None)
def test_conv1d_equals_the_loop_reference(n, steps, c, f, k, s, d,
                                          padding, seed):
    assume(fits(steps, k, d, padding))
    rng = np.random.default_rng(seed)
    layer = Conv1D(f, k, s, padding, dilation_rate=d, dtype="float64",
                   bias_initializer="random_normal")
    x = rng.standard_normal((n, steps, c))
    out = layer(x)
    ref = conv1d_naive(x, layer.kernel.data, layer.bias.data, s,
                       layer.pad, d)
    assert np.allclose(out, ref, rtol=0, atol=1e-12)
    if padding != "valid":
        assert out.shape[1] == -(-steps // s)          # ceil(L / s)


def test_causal_output_never_sees_the_future(rng):
    layer = Conv1D(2, 3, padding="causal", dilation_rate=2,
                   dtype="float64")
    x = rng.standard_normal((1, 10, 2))
    out = layer(x)
    later = x.copy()
    later[:, 6:] += 100.0                 # change steps 6.. only
    assert np.array_equal(layer(later)[:, :6], out[:, :6])
    assert not np.allclose(layer(later)[:, 6:], out[:, 6:])
    assert layer.pad == (4, 0)


def test_conv1d_is_conv2d_on_a_one_pixel_high_image(rng):
    x = rng.standard_normal((2, 8, 3))
    one = Conv1D(4, 3, strides=2, padding="same", dtype="float64")
    two = Conv2D(4, (1, 3), strides=(1, 2), padding="same",
                 dtype="float64")
    one.ensure_built(x.shape[1:], rng)
    two.ensure_built((1,) + x.shape[1:])
    two.set_weights([one.kernel.data[None], one.bias.data])
    assert np.allclose(one(x), two(x[:, None])[:, 0], rtol=0, atol=1e-14)


pool_cases = dict(
    n=st.integers(1, 2), steps=st.integers(2, 9), c=st.integers(1, 3),
    p=st.integers(1, 4), s=st.one_of(st.none(), st.integers(1, 3)),
    padding=st.sampled_from(["valid", "same"]),
    mode=st.sampled_from(["max", "average"]), seed=st.integers(0, 999))
POOLS = {"max": MaxPooling1D, "average": AveragePooling1D}


@given(**pool_cases)
@settings(max_examples=30, deadline=None)
def test_pooling1d_gradients_match_central_differences(
        n, steps, c, p, s, padding, mode, seed):
    assume(padding == "same" or p <= steps)
    layer = POOLS[mode](p, s, padding, dtype="float64")
    x = distinct(np.random.default_rng(seed), (n, steps, c))
    assert check_layer(layer, x, seed=seed)["x"] < PASS


@given(**pool_cases)
@settings(max_examples=30, deadline=None)
def test_pooling1d_equals_two_d_pooling_of_a_one_pixel_high_image(
        n, steps, c, p, s, padding, mode, seed):
    """Same numbers as the (already Keras-checked) 2-D layers, ties too."""
    assume(padding == "same" or p <= steps)
    rng = np.random.default_rng(seed)
    x = np.round(rng.standard_normal((n, steps, c)))       # many ties
    one = POOLS[mode](p, s, padding, dtype="float64")
    two = {"max": nnkit.layers.MaxPooling2D,
           "average": nnkit.layers.AveragePooling2D}[mode](
        (1, p), (1, s or p), padding, dtype="float64")
    dout = rng.standard_normal((n,) + one.compute_output_shape(x.shape[1:]))
    out, (dx,) = nnkit_forward_backward(one, x, dout)
    out2, (dx2,) = nnkit_forward_backward(two, x[:, None], dout[:, None])
    assert np.array_equal(out, out2[:, 0])
    assert np.allclose(dx, dx2[:, 0], rtol=0, atol=1e-15)


@pytest.mark.parametrize("layer", [
    GlobalAveragePooling1D(dtype="float64"),
    GlobalAveragePooling1D(keepdims=True, dtype="float64"),
    GlobalMaxPooling1D(dtype="float64"),
    GlobalMaxPooling1D(keepdims=True, dtype="float64")])
def test_global_pooling1d_gradients_match_central_differences(layer, rng):
    x = distinct(rng, (3, 6, 4))
    assert check_layer(layer, x)["x"] < PASS


def test_masked_global_average_pools_only_the_kept_steps(rng):
    layer = GlobalAveragePooling1D(dtype="float64")
    x = rng.standard_normal((2, 5, 3))
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    out = layer(x, mask=mask)
    assert np.allclose(out[0], x[0, :3].mean(axis=0))
    assert np.allclose(out[1], x[1, mask[1]].mean(axis=0))
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    assert np.all(dx[~mask] == 0)
    assert np.allclose(dx[0, 1], dout[0] / 3)
    assert layer.compute_mask(x, mask) is None


# ----- Keras parity -------------------------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
@pytest.mark.parametrize("strides,dilation", [(1, 1), (2, 1), (3, 1),
                                              (1, 2), (1, 3)])
def test_conv1d_output_and_gradients_match_keras(keras64, padding,
                                                 strides, dilation):
    rng = np.random.default_rng(strides * 10 + dilation)
    x = rng.standard_normal((2, 11, 3))
    layer = Conv1D(4, 3, strides, padding, dilation_rate=dilation,
                   activation="tanh", dtype="float64",
                   bias_initializer="random_normal")
    layer.ensure_built(x.shape[1:], rng)
    klayer = keras64.layers.Conv1D(4, 3, strides, padding,
                                   dilation_rate=dilation,
                                   activation="tanh", dtype="float64")
    klayer.build((None,) + x.shape[1:])
    klayer.set_weights(layer.get_weights())
    assert klayer.compute_output_shape((None, 11, 3))[1:] == \
        layer.compute_output_shape((11, 3))
    dout = rng.standard_normal((2,) + layer.compute_output_shape((11, 3)))
    out, grads = nnkit_forward_backward(layer, x, dout)
    kout, kgrads = keras_forward_backward(klayer, x, dout)
    close(out, kout)
    for ours, theirs in zip(grads, kgrads):       # dx, dkernel, dbias
        close(ours, theirs)


@pytest.mark.keras
def test_conv1d_matches_keras_in_float32(keras, rng):
    x = rng.standard_normal((3, 12, 2)).astype(np.float32)
    layer = Conv1D(5, 4, padding="causal", dilation_rate=2,
                   activation="relu")
    layer.ensure_built(x.shape[1:], rng)
    klayer = keras.layers.Conv1D(5, 4, padding="causal", dilation_rate=2,
                                 activation="relu", dtype="float32")
    klayer.build((None,) + x.shape[1:])
    klayer.set_weights(layer.get_weights())
    dout = rng.standard_normal((3, 12, 5)).astype(np.float32)
    out, grads = nnkit_forward_backward(layer, x, dout)
    kout, kgrads = keras_forward_backward(klayer, x, dout)
    assert out.dtype == grads[0].dtype == np.float32
    close(out, kout, "float32")
    for ours, theirs in zip(grads, kgrads):
        close(ours, theirs, "float32")


@pytest.mark.keras
@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("pool,strides", [(2, None), (3, 2), (3, 1),
                                          (2, 3)])
def test_pooling1d_matches_keras(keras64, mode, padding, pool, strides):
    rng = np.random.default_rng(pool * 10 + (strides or 0))
    cls = {"max": keras64.layers.MaxPooling1D,
           "average": keras64.layers.AveragePooling1D}[mode]
    for x in (distinct(rng, (2, 9, 3)),
              np.round(rng.standard_normal((2, 9, 3)))):     # ties
        layer = POOLS[mode](pool, strides, padding, dtype="float64")
        klayer = cls(pool, strides, padding, dtype="float64")
        dout = rng.standard_normal(
            (2,) + layer.compute_output_shape(x.shape[1:]))
        out, (dx,) = nnkit_forward_backward(layer, x, dout)
        kout, (kdx,) = keras_forward_backward(klayer, x, dout)
        close(out, kout)
        close(dx, kdx)


@pytest.mark.keras
@pytest.mark.parametrize("mode", ["max", "average"])
def test_pooling1d_matches_keras_in_float32(keras, mode, rng):
    x = distinct(rng, (2, 10, 3)).astype(np.float32)
    cls = {"max": keras.layers.MaxPooling1D,
           "average": keras.layers.AveragePooling1D}[mode]
    layer = POOLS[mode](3, 2, "same")
    dout = rng.standard_normal((2, 5, 3)).astype(np.float32)
    out, (dx,) = nnkit_forward_backward(layer, x, dout)
    kout, (kdx,) = keras_forward_backward(cls(3, 2, "same",
                                              dtype="float32"), x, dout)
    assert out.dtype == dx.dtype == np.float32
    close(out, kout, "float32")
    close(dx, kdx, "float32")


@pytest.mark.keras
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling1d_matches_keras(keras64, rng, keepdims):
    x = np.round(rng.standard_normal((3, 6, 4)))          # max ties
    for ours, theirs in [
            (GlobalAveragePooling1D(keepdims=keepdims, dtype="float64"),
             keras64.layers.GlobalAveragePooling1D(keepdims=keepdims,
                                                   dtype="float64")),
            (GlobalMaxPooling1D(keepdims=keepdims, dtype="float64"),
             keras64.layers.GlobalMaxPooling1D(keepdims=keepdims,
                                               dtype="float64"))]:
        ours.ensure_built(x.shape[1:])
        dout = rng.standard_normal((3,) + ours.output_shape)
        out, (dx,) = nnkit_forward_backward(ours, x, dout)
        kout, (kdx,) = keras_forward_backward(theirs, x, dout)
        close(out, kout)
        close(dx, kdx)


@pytest.mark.keras
def test_masked_global_average_pooling1d_matches_keras(keras64, rng):
    import tensorflow as tf
    x = rng.standard_normal((3, 6, 2))
    mask = rng.random((3, 6)) < 0.6
    mask[:, 0] = True
    layer = GlobalAveragePooling1D(dtype="float64")
    klayer = keras64.layers.GlobalAveragePooling1D(dtype="float64")
    dout = rng.standard_normal((3, 2))
    out = layer(x, mask=mask)
    dx = layer.backward(dout)
    xt = tf.Variable(x)
    with tf.GradientTape() as tape:
        kout = klayer(xt, mask=tf.constant(mask))
    kdx = tape.gradient(kout, xt, output_gradients=tf.constant(dout))
    close(out, kout.numpy())
    close(dx, kdx.numpy())


def text_cnn(dtype, seed=4):
    return Sequential([Conv1D(4, 3, padding="causal", activation="relu",
                              input_shape=(12, 3)),
                       MaxPooling1D(2),
                       Conv1D(5, 2, strides=2, activation="tanh"),
                       AveragePooling1D(2, padding="same"),
                       GlobalMaxPooling1D(),
                       Dense(3, activation="softmax")],
                      seed=seed, dtype=dtype)


def keras_text_cnn(keras, dtype):
    k = keras.layers
    f = dict(dtype=dtype)
    return keras.Sequential([
        keras.Input((12, 3), dtype=dtype),
        k.Conv1D(4, 3, padding="causal", activation="relu", **f),
        k.MaxPooling1D(2, **f), k.Conv1D(5, 2, strides=2,
                                         activation="tanh", **f),
        k.AveragePooling1D(2, padding="same", **f),
        k.GlobalMaxPooling1D(**f), k.Dense(3, activation="softmax", **f)])


@pytest.mark.keras
def test_sequence_cnn_trains_like_keras_for_five_sgd_steps(floatx, rng):
    import keras
    model = text_cnn(floatx)
    model.compile(nnkit.optimizers.SGD(0.125, momentum=0.5),
                  "sparse_categorical_crossentropy")
    kmodel = keras_text_cnn(keras, floatx)
    kmodel.set_weights(model.get_weights())
    kmodel.compile(keras.optimizers.SGD(0.125, momentum=0.5),
                   "sparse_categorical_crossentropy")
    x = rng.standard_normal((5, 8, 12, 3)).astype(floatx)
    y = rng.integers(0, 3, (5, 8))
    for xb, yb in zip(x, y):
        close(model.train_on_batch(xb, yb), kmodel.train_on_batch(xb, yb),
              floatx)
    for ours, theirs in zip(model.get_weights(), kmodel.get_weights()):
        close(ours, theirs, floatx)
    assert not np.allclose(model.get_weights()[0],
                           text_cnn(floatx).get_weights()[0])


def test_sequence_cnn_gradients_and_save_load_round_trip(tmp_path, rng):
    model = text_cnn("float64")
    model.compile(nnkit.optimizers.SGD(0.1, momentum=0.9),
                  "sparse_categorical_crossentropy")
    x = distinct(rng, (6, 12, 3))
    y = rng.integers(0, 3, 6)
    errors = check_model(model, x, y)
    assert len(errors) == 6 and max(errors.values()) < PASS, errors
    model.fit(x, y, epochs=2, batch_size=3, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "textcnn"))
    assert loaded.get_config() == model.get_config()
    assert np.array_equal(loaded.predict(x), model.predict(x))
    for layer in model.layers:
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()


# ----- bad arguments ------------------------------------------------------
def test_conv1d_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"Conv1D 'conv1d': padding must "
                       r"be one of 'valid', 'same' or 'causal', got "
                       r"'full'"):
        Conv1D(2, 3, padding="full")
    with pytest.raises(TypeError, match=r"Conv1D 'c': kernel_size must "
                       r"be a positive integer \(or a 1-tuple\), got "
                       r"\(2, 2\)"):
        Conv1D(2, (2, 2), name="c")
    with pytest.raises(ValueError, match=r"Conv1D 'conv1d': filters must "
                       r"be a positive integer \(>= 1\), got 0"):
        Conv1D(0, 3)
    with pytest.raises(ValueError, match=r"data_format must be "
                       r"'channels_last'.*got 'channels_first'"):
        Conv1D(2, 3, data_format="channels_first")
    with pytest.raises(ValueError, match=r"Conv1D 'conv1d': with "
                       r"padding='valid' a kernel spanning 5 steps"):
        Conv1D(2, 3, dilation_rate=2)(np.zeros((1, 4, 1)))
    with pytest.raises(ValueError, match=r"Conv1D 'conv1d' expects inputs "
                       r"of rank 3"):
        Conv1D(2, 3)(np.zeros((1, 4, 4, 1)))
    layer = Conv1D(2, 3, name="c")
    layer(np.zeros((1, 5, 2)))
    with pytest.raises(ValueError, match=r"Conv1D 'c' expects sequences of "
                       r"shape \(batch, steps, 2\), got an input of shape "
                       r"\(1, 5, 3\)"):
        layer(np.zeros((1, 5, 3)))


@pytest.mark.parametrize("cls", [MaxPooling1D, AveragePooling1D])
def test_pooling1d_rejects_bad_arguments(cls):
    name = cls.__name__
    with pytest.raises(ValueError, match=rf"{name} '.*': pool_size must be "
                       r"a positive integer \(>= 1\), got 0"):
        cls(0)
    with pytest.raises(ValueError, match=rf"{name} '.*': padding must be "
                       r"'valid' or 'same', got 'causal'"):
        cls(2, padding="causal")
    with pytest.raises(ValueError, match=r"a window of 3 steps does not "
                       r"fit a sequence of 2 steps"):
        cls(3)(np.zeros((1, 2, 1)))


def test_masked_global_average_rejects_a_mask_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"GlobalAveragePooling1D "
                       r"'global_average_pooling1d': mask must have shape "
                       r"\(batch, steps\) = \(2, 5\), got \(2, 4\)"):
        GlobalAveragePooling1D()(np.zeros((2, 5, 3)),
                                 mask=np.ones((2, 4), bool))


@pytest.mark.keras
def test_sequence_cnn_converts_to_keras_and_back(keras64, rng):
    from nnkit.interop import from_keras, to_keras
    model = text_cnn("float64")
    x = rng.standard_normal((4, 12, 3))
    kmodel = to_keras(model)
    assert [type(k).__name__ for k in kmodel.layers] == \
        [type(layer).__name__ for layer in model.layers]
    close(model.predict(x), kmodel.predict(x, verbose=0))
    back = from_keras(kmodel)
    for ours, theirs in zip(back.layers, model.layers):
        assert ours.get_config() == theirs.get_config()
    close(back.predict(x), model.predict(x))
    masked = Sequential([GlobalAveragePooling1D(input_shape=(5, 2))])
    assert type(to_keras(masked).layers[0]).__name__ == \
        "GlobalAveragePooling1D"
