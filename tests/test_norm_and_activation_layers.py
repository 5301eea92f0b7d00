"""LayerNormalization, ReLU and Softmax layers: gradients, Keras parity.

Parity as in tests/test_keras_parity.py: max |nnkit - keras| /
max(1, max |keras|) within 1e-10 (float64) and 1e-5 (float32).
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Sequential
from nnkit.gradcheck import check_layer, check_model
from nnkit.layers import LayerNormalization, ReLU, Softmax

from .conftest import train_alike
from .test_conv import close, keras_forward_backward, nnkit_forward_backward

PASS = 1e-7


def away_from(x, points, gap=1e-3):
    """Move entries within ``gap`` of a kink by 2 gap (no kink within h)."""
    for p in points:
        near = np.abs(x - p) < gap
        x = np.where(near, p + 2 * gap * np.sign(x - p + 1e-12), x)
    return x


# ----- LayerNormalization -------------------------------------------------
@pytest.mark.parametrize("axis,shape", [(-1, (4, 6)), (-1, (3, 5, 4)),
                                        ([1, 2], (3, 5, 4)), (1, (3, 5, 4)),
                                        ([-3, -1], (2, 3, 2, 4))])
@pytest.mark.parametrize("center,scale", [(True, True), (False, True),
                                          (True, False)])
def test_layer_norm_gradients_match_central_differences(axis, shape, center,
                                                        scale, rng):
    layer = LayerNormalization(axis, center=center, scale=scale,
                               dtype="float64",
                               gamma_initializer="random_normal",
                               beta_initializer="random_normal")
    x = 2 * rng.standard_normal(shape) + 1
    errors = check_layer(layer, x)
    assert set(errors) == {"x"} | ({"gamma"} if scale else set()) | (
        {"beta"} if center else set())
    assert max(errors.values()) < PASS, errors


def test_layer_norm_normalises_each_example_on_its_own(rng):
    layer = LayerNormalization(epsilon=1e-12, dtype="float64")
    x = 5 * rng.standard_normal((3, 7)) + 2
    out = layer(x)
    assert np.allclose(out.mean(axis=1), 0, atol=1e-12)
    assert np.allclose(out.std(axis=1), 1, atol=1e-9)
    # the same in training and inference, and for a batch of one
    assert np.array_equal(layer(x, training=True), out)
    assert np.allclose(layer(x[1:2]), out[1:2], rtol=0, atol=1e-15)
    assert [p.name for p in layer.parameters()] == ["gamma", "beta"]


@pytest.mark.keras
@pytest.mark.parametrize("axis,shape", [(-1, (4, 6)), (-1, (3, 5, 4)),
                                        ([1, 2], (3, 5, 4)), (1, (3, 5, 4))])
def test_layer_norm_matches_keras(keras64, axis, shape, rng):
    x = 2 * rng.standard_normal(shape) + 1
    layer = LayerNormalization(axis, dtype="float64",
                               gamma_initializer="random_normal",
                               beta_initializer="random_normal")
    layer.ensure_built(shape[1:], rng)
    klayer = keras64.layers.LayerNormalization(axis, dtype="float64")
    klayer.build((None,) + shape[1:])
    assert [w.shape for w in klayer.get_weights()] == \
        [w.shape for w in layer.get_weights()]
    klayer.set_weights(layer.get_weights())
    dout = rng.standard_normal(shape)
    out, grads = nnkit_forward_backward(layer, x, dout)
    kout, kgrads = keras_forward_backward(klayer, x, dout)
    close(out, kout)
    for ours, theirs in zip(grads, kgrads):       # dx, dgamma, dbeta
        close(ours, theirs)


@pytest.mark.keras
def test_layer_norm_matches_keras_in_float32(keras, rng):
    x = (3 * rng.standard_normal((4, 5, 6)) + 1).astype(np.float32)
    layer = LayerNormalization(epsilon=1e-5, center=False)
    layer.ensure_built(x.shape[1:], rng)
    klayer = keras.layers.LayerNormalization(epsilon=1e-5, center=False,
                                             dtype="float32")
    klayer.build((None,) + x.shape[1:])
    klayer.set_weights(layer.get_weights())
    dout = rng.standard_normal(x.shape).astype(np.float32)
    out, grads = nnkit_forward_backward(layer, x, dout)
    kout, kgrads = keras_forward_backward(klayer, x, dout)
    assert out.dtype == np.float32
    close(out, kout, "float32")
    for ours, theirs in zip(grads, kgrads):
        close(ours, theirs, "float32")


def mlp_with_norm(dtype, seed=1):
    return Sequential([Dense(6, input_shape=(4,)),
                       LayerNormalization(),
                       ReLU(max_value=6.0),
                       Dense(5),
                       LayerNormalization(center=False),
                       ReLU(negative_slope=0.25, threshold=0.5),
                       Dense(3), Softmax()], seed=seed, dtype=dtype)


def keras_mlp_with_norm(keras, dtype):
    k, f = keras.layers, dict(dtype=dtype)
    return keras.Sequential([
        keras.Input((4,), dtype=dtype), k.Dense(6, **f),
        k.LayerNormalization(**f), k.ReLU(max_value=6.0, **f),
        k.Dense(5, **f), k.LayerNormalization(center=False, **f),
        k.ReLU(negative_slope=0.25, threshold=0.5, **f), k.Dense(3, **f),
        k.Softmax(**f)])


@pytest.mark.keras
def test_mlp_with_layer_norm_relu_and_softmax_trains_like_keras(floatx,
                                                                rng):
    import keras
    model = mlp_with_norm(floatx)
    model.compile(nnkit.optimizers.SGD(0.25, momentum=0.5),
                  "categorical_crossentropy")
    # the Softmax layer fuses with the loss
    assert model.compiled_loss.fused(0, model.layers[-1]) is not None
    kmodel = keras_mlp_with_norm(keras, floatx)
    kmodel.set_weights(model.get_weights())
    kmodel.compile(keras.optimizers.SGD(0.25, momentum=0.5),
                   "categorical_crossentropy")
    x = 2 * rng.standard_normal((6, 8, 4)).astype(floatx)
    y = np.eye(3, dtype=floatx)[rng.integers(0, 3, (6, 8))]
    train_alike(model, kmodel, zip(x, y), floatx)


def test_mlp_with_norm_gradients_and_save_load_round_trip(tmp_path, rng):
    model = mlp_with_norm("float64")
    model.compile(nnkit.optimizers.Adam(0.01), "categorical_crossentropy")
    x = 2 * rng.standard_normal((8, 4))
    y = np.eye(3)[rng.integers(0, 3, 8)]
    errors = check_model(model, x, y)
    assert len(errors) == 3 * 2 + 2 + 1 and max(errors.values()) < PASS
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "norm"))
    assert loaded.get_config() == model.get_config()
    assert np.array_equal(loaded.predict(x), model.predict(x))


# ----- ReLU ---------------------------------------------------------------
RELUS = [dict(), dict(max_value=6.0), dict(negative_slope=0.1),
         dict(threshold=0.5), dict(max_value=1.0, negative_slope=0.2,
                                   threshold=0.25)]


@pytest.mark.parametrize("kwargs", RELUS, ids=str)
def test_relu_gradients_match_central_differences(kwargs, rng):
    layer = ReLU(**kwargs, dtype="float64")
    kinks = [kwargs.get("threshold", 0.0)] + (
        [kwargs["max_value"]] if "max_value" in kwargs else [])
    x = away_from(3 * rng.standard_normal((5, 7)), kinks)
    assert check_layer(layer, x)["x"] < PASS


def test_relu_formula_by_hand():
    x = np.array([[-2.0, 0.25, 0.5, 0.75, 3.0]])
    out = ReLU(max_value=1.0, negative_slope=0.5, threshold=0.5)(x)
    # x <= 0.5: 0.5 (x - 0.5); above: min(x, 1)
    assert out.tolist() == [[-1.25, -0.125, 0.0, 0.75, 1.0]]


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", RELUS, ids=str)
def test_relu_matches_keras(keras64, kwargs, rng):
    if kwargs == dict(negative_slope=0.1):
        # alone, the slope goes through TensorFlow's leaky_relu, which
        # rounds it to float32 (see the module docstring): 0.125 is exact
        kwargs = dict(negative_slope=0.125)
    kinks = [kwargs.get("threshold", 0.0)] + (
        [kwargs["max_value"]] if "max_value" in kwargs else [])
    x = away_from(3 * rng.standard_normal((5, 7)), kinks)
    dout = rng.standard_normal(x.shape)
    out, (dx,) = nnkit_forward_backward(ReLU(**kwargs, dtype="float64"),
                                        x, dout)
    kout, (kdx,) = keras_forward_backward(
        keras64.layers.ReLU(**kwargs, dtype="float64"), x, dout)
    close(out, kout)
    close(dx, kdx)


# ----- Softmax ------------------------------------------------------------
@pytest.mark.parametrize("axis", [-1, 1, [1, 2], (-2,)])
def test_softmax_layer_gradients_match_central_differences(axis, rng):
    layer = Softmax(axis, dtype="float64")
    x = rng.standard_normal((2, 3, 4))
    out = layer(x)
    axes = tuple(np.atleast_1d(axis))
    assert np.allclose(out.sum(axis=axes), 1.0)
    assert check_layer(layer, x)["x"] < PASS


def test_masked_softmax_gives_masked_entries_nothing(rng):
    layer = Softmax(dtype="float64")
    x = rng.standard_normal((2, 3, 4))
    mask = rng.random((2, 1, 4)) < 0.6
    mask[0, 0, :] = False                     # a fully masked row
    out = layer(x, mask=mask)
    assert np.all(out[np.broadcast_to(~mask, x.shape)] == 0)
    assert np.all(out[0] == 0)                # zeros, not uniform
    dout = rng.standard_normal(x.shape)
    dx = layer.backward(dout)
    num = nnkit.gradcheck.numerical_gradient(
        lambda: float(np.sum(layer.forward(x, mask=mask) * dout)), x)
    assert nnkit.gradcheck.rel_error(dx, num) < PASS


@pytest.mark.keras
@pytest.mark.parametrize("axis", [-1, 1, [1, 2]])
@pytest.mark.parametrize("masked", [False, True])
def test_softmax_layer_matches_keras(keras64, axis, masked, rng):
    import tensorflow as tf
    x = 3 * rng.standard_normal((2, 3, 4))
    mask = None
    if masked:
        mask = rng.random((2, 3, 4)) < 0.7
        mask[1, 2] = False
    layer = Softmax(axis, dtype="float64")
    klayer = keras64.layers.Softmax(axis, dtype="float64")
    dout = rng.standard_normal(x.shape)
    out = layer(x, mask=mask)
    dx = layer.backward(dout)
    xt = tf.Variable(x)
    with tf.GradientTape() as tape:
        kout = klayer(xt, mask=None if mask is None else tf.constant(mask))
    kdx = tape.gradient(kout, xt, output_gradients=tf.constant(dout))
    close(out, kout.numpy())
    close(dx, kdx.numpy())


# ----- config and errors --------------------------------------------------
@pytest.mark.parametrize("layer", [
    LayerNormalization([1, 2], epsilon=1e-5, center=False,
                       gamma_regularizer="l2"),
    ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5),
    Softmax(axis=[1, 2])])
def test_config_round_trips(layer):
    clone = type(layer).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert nnkit.layers.get(type(layer).__name__) is type(layer)


def test_bad_arguments_name_the_layer_argument_and_value():
    with pytest.raises(ValueError, match=r"ReLU 're_lu': max_value must be "
                       r"a finite number >= 0 or None, got -1"):
        ReLU(max_value=-1)
    with pytest.raises(ValueError, match=r"ReLU 're_lu': negative_slope "
                       r"must be a finite number >= 0, got None"):
        ReLU(negative_slope=None)
    with pytest.raises(ValueError, match=r"ReLU 'r': threshold must be a "
                       r"finite number >= 0, got -0.5"):
        ReLU(threshold=-0.5, name="r")
    with pytest.raises(ValueError, match=r"Softmax 'softmax': axis must be "
                       r"an integer or a non-empty list of integers, got "
                       r"'last'"):
        Softmax("last")
    with pytest.raises(ValueError, match=r"Softmax 'softmax': axis=3 is "
                       r"not an axis of examples of shape \(2, 3\)"):
        Softmax(3)(np.zeros((1, 2, 3)))
    with pytest.raises(ValueError, match=r"mask of shape \(1, 4\) does not "
                       r"broadcast to the inputs' shape \(1, 3\)"):
        Softmax()(np.zeros((1, 3)), mask=np.ones((1, 4), bool))
    with pytest.raises(ValueError, match=r"LayerNormalization "
                       r"'layer_normalization': epsilon must be a finite "
                       r"number > 0, got 0"):
        LayerNormalization(epsilon=0)
    with pytest.raises(ValueError, match=r"LayerNormalization 'ln': "
                       r"axis=\[0\] is not a list of distinct feature axes"):
        LayerNormalization([0], name="ln")(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"axis must be an integer or a "
                       r"non-empty list of integers, got 1.5"):
        LayerNormalization(1.5)


@pytest.mark.keras
def test_norm_mlp_converts_to_keras_and_back(keras64, rng):
    from nnkit.interop import from_keras, to_keras
    model = mlp_with_norm("float64")
    model.add(LayerNormalization(1, epsilon=1e-5, scale=False))
    model.add(Softmax(axis=[1]))
    x = rng.standard_normal((5, 4))
    kmodel = to_keras(model)
    close(model.predict(x), kmodel.predict(x, verbose=0))
    back = from_keras(kmodel)
    for ours, theirs in zip(back.layers, model.layers):
        assert ours.get_config() == theirs.get_config()
    close(back.predict(x), model.predict(x))
