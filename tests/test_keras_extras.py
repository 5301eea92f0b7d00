"""Small Keras features: gelu, label smoothing, Adamax, get(None), "l1l2".

Parity as in tests/test_keras_parity.py: max |nnkit - keras| /
max(1, max |keras|) within 1e-10 (float64) and 1e-5 (float32).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnkit
from nnkit import Dense, Sequential
from nnkit.activations import GELU, _erfc
from nnkit.gradcheck import check_activation, check_loss, check_model
from nnkit.losses import (
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
)
from nnkit.optimizers import Adamax

from .conftest import close, in_batches, train_alike

PASS = 1e-7



# ----- gelu ---------------------------------------------------------------
def test_erfc_matches_the_standard_library_everywhere():
    x = np.concatenate([np.linspace(-12, 12, 48001),
                        [0.0, 1.0, -1.0, 8.0, -8.0, 1 - 1e-12, 30.0]])
    ref = np.array([math.erfc(v) for v in x])
    assert np.max(np.abs(_erfc(x) - ref)) < 5e-16
    tiny = ref > 1e-300
    assert np.max(np.abs(_erfc(x) - ref)[tiny] / ref[tiny]) < 1e-13


@pytest.mark.parametrize("approximate", [False, True])
def test_gelu_follows_its_formula_and_its_gradient(approximate, rng):
    x = 3 * rng.standard_normal((7, 5))
    act = GELU(approximate)
    if approximate:
        c = math.sqrt(2 / math.pi)
        ref = 0.5 * x * (1 + np.tanh(c * (x + 0.044715 * x ** 3)))
    else:
        ref = 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))
    assert np.allclose(act.forward(x), ref, rtol=1e-14, atol=1e-15)
    assert check_activation(act, x) < PASS
    assert np.allclose(act.derivative(x),
                       act.backward(x, act.forward(x), np.ones_like(x)))


def test_gelu_by_name_is_the_exact_form_and_round_trips():
    act = nnkit.activations.get("gelu")
    assert isinstance(act, GELU) and not act.approximate
    again = nnkit.activations.get(nnkit.activations.serialize(GELU(True)))
    assert again.approximate
    with pytest.raises(TypeError, match="GELU: approximate must be True "
                       "or False, got 'yes'"):
        GELU("yes")


def _gelu_with_float32_constants(x, approximate):
    """nnkit's formula with TensorFlow's float32-rounded constants."""
    r = float(np.float32(0.7071067811865476))
    if approximate:
        c3 = float(np.float32(0.044715))
        return 0.5 * x * (1.0 + np.tanh(0.7978845608028654
                                        * (x + c3 * x ** 3)))
    return 0.5 * x * _erfc(-x * r)


@pytest.mark.keras
@pytest.mark.parametrize("approximate", [False, True])
def test_gelu_matches_keras(keras, approximate, rng):
    x = np.concatenate([np.linspace(-40, 40, 801),
                        rng.standard_normal(199)]).reshape(50, 20)
    x32 = x.astype(np.float32)
    theirs32 = keras.ops.convert_to_numpy(
        keras.activations.gelu(x32, approximate=approximate))
    close(GELU(approximate).forward(x32), theirs32, "float32")
    # float64: the documented difference is TensorFlow's float32 cast of
    # the constants; with that rounding nnkit's formula is Keras'.
    theirs = keras.ops.convert_to_numpy(
        keras.activations.gelu(x, approximate=approximate))
    close(_gelu_with_float32_constants(x, approximate), theirs)
    gap = np.max(np.abs(GELU(approximate).forward(x) - theirs))
    assert gap < 1e-8
    if not approximate:
        assert gap > 1e-10                 # the difference is real


@pytest.mark.keras
def test_dense_gelu_model_trains_like_keras():
    from nnkit.interop import to_keras
    rng = np.random.default_rng(3)
    model = Sequential([Dense(6, activation="gelu", input_shape=(4,)),
                        Dense(2)], seed=2, dtype="float32")
    model.compile(nnkit.optimizers.SGD(0.125), "mse")
    kmodel = to_keras(model)
    x = rng.standard_normal((40, 4)).astype("float32")
    y = rng.standard_normal((40, 2)).astype("float32")
    train_alike(model, kmodel, in_batches(x, y, 8), "float32")


# ----- label smoothing ----------------------------------------------------
def test_label_smoothing_softens_the_targets_as_keras_documents():
    bce = BinaryCrossentropy(label_smoothing=0.2)
    y, p = np.array([[1.0, 0.0]]), np.array([[0.7, 0.4]])
    t = np.array([[0.9, 0.1]])                   # 1 - s/2 and s/2
    assert np.isclose(bce(y, p), BinaryCrossentropy()(t, p))
    cce = CategoricalCrossentropy(label_smoothing=0.3)
    y, p = np.eye(3)[[0, 2]], np.array([[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    t = y * 0.7 + 0.1                            # s / C = 0.1
    assert np.isclose(cce(y, p), CategoricalCrossentropy()(t, p))


@given(n=st.integers(1, 6), c=st.integers(2, 5),
       s=st.floats(0.0, 1.0), from_logits=st.booleans(),
       binary=st.booleans(), seed=st.integers(0, 999))
@settings(max_examples=40, deadline=None)
def test_smoothed_cross_entropy_gradients(n, c, s, from_logits, binary,
                                          seed):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, c))
    if binary:
        loss = BinaryCrossentropy(from_logits, label_smoothing=s)
        y = rng.integers(0, 2, (n, c)).astype(float)
        p = z if from_logits else 0.1 + 0.8 * nnkit.activations.sigmoid(z)
    else:
        loss = CategoricalCrossentropy(from_logits, label_smoothing=s)
        y = np.eye(c)[rng.integers(0, c, n)]
        p = z if from_logits else 0.8 * nnkit.activations.softmax(z) \
            + 0.2 / c
    assert loss(y, p) >= 0
    assert check_loss(loss, y, p) < PASS


@pytest.mark.keras
@pytest.mark.parametrize("cls", [BinaryCrossentropy,
                                 CategoricalCrossentropy])
@pytest.mark.parametrize("from_logits", [False, True])
def test_smoothed_losses_match_keras(keras64, cls, from_logits, rng):
    import tensorflow as tf

    from nnkit.interop import loss_to_keras
    n, c = 9, 4
    z = 2 * rng.standard_normal((n, c))
    if cls is BinaryCrossentropy:
        y = rng.integers(0, 2, (n, c)).astype(float)
        p = z if from_logits else nnkit.activations.sigmoid(z)
    else:
        y = np.eye(c)[rng.integers(0, c, n)]
        p = z if from_logits else nnkit.activations.softmax(z)
    ours = cls(from_logits, label_smoothing=0.25)
    theirs = loss_to_keras(ours)
    assert theirs.label_smoothing == 0.25
    tp = tf.Variable(p)
    with tf.GradientTape() as tape:
        value = theirs(y, tp)
    close(ours(y, p), value.numpy())
    close(ours.gradient(y, p), tape.gradient(value, tp).numpy())


@pytest.mark.keras
@pytest.mark.parametrize("loss,units", [
    (BinaryCrossentropy(label_smoothing=0.125), 1),
    (CategoricalCrossentropy(label_smoothing=0.25), 3)])
def test_fused_smoothed_loss_trains_like_keras(floatx, loss, units):
    """The fused softmax/sigmoid + loss path keeps the smoothing."""
    from nnkit.interop import to_keras
    rng = np.random.default_rng(5)
    act = "sigmoid" if units == 1 else "softmax"
    model = Sequential([Dense(5, activation="tanh", input_shape=(4,)),
                        Dense(units, activation=act)], seed=1,
                       dtype=floatx)
    model.compile(nnkit.optimizers.SGD(0.25), loss)
    fused = model.compiled_loss.fused(0, model.layers[-1])
    assert fused.label_smoothing == loss.label_smoothing
    kmodel = to_keras(model)
    x = rng.standard_normal((48, 4)).astype(floatx)
    y = (rng.integers(0, 2, (48, 1)).astype(floatx) if units == 1
         else np.eye(units, dtype=floatx)[rng.integers(0, units, 48)])
    train_alike(model, kmodel, in_batches(x, y, 8), floatx)
    if floatx == "float64":
        errors = check_model(model, x[:8], y[:8])
        assert max(errors.values()) < PASS, errors


def test_label_smoothing_is_saved_and_rejected_where_keras_has_none():
    loss = nnkit.losses.get(nnkit.losses.serialize(
        CategoricalCrossentropy(label_smoothing=0.1)))
    assert loss.label_smoothing == 0.1
    assert nnkit.losses.serialize(BinaryCrossentropy()) == \
        {"name": "binary_crossentropy", "from_logits": False}
    with pytest.raises(ValueError, match=r"BinaryCrossentropy: "
                       r"label_smoothing must be a number in \[0, 1\], "
                       r"got 1.5"):
        BinaryCrossentropy(label_smoothing=1.5)
    with pytest.raises(TypeError, match="SparseCategoricalCrossentropy has "
                       "no label_smoothing.*CategoricalCrossentropy"):
        SparseCategoricalCrossentropy(label_smoothing=0.1)


@pytest.mark.keras
def test_keras_sparse_cross_entropy_has_no_label_smoothing(keras):
    with pytest.raises(TypeError):
        keras.losses.SparseCategoricalCrossentropy(label_smoothing=0.1)


# ----- Adamax -------------------------------------------------------------
def test_adamax_two_steps_follow_kingma_ba_section_7(rng):
    """Algorithm 2 of the paper, with Keras' eps added to u."""
    from nnkit.layers.base import Parameter
    w0 = rng.standard_normal(4)
    p = Parameter(w0.copy(), "w")
    opt = Adamax(0.1, beta_1=0.5, beta_2=0.75, epsilon=1e-3)
    m = u = np.zeros(4)
    w = w0.copy()
    for t in (1, 2):
        g = rng.standard_normal(4)
        p.grad[...] = g
        opt.apply([p])
        m = 0.5 * m + 0.5 * g
        u = np.maximum(0.75 * u, np.abs(g))
        w = w - 0.1 / (1 - 0.5 ** t) * m / (u + 1e-3)
        assert np.allclose(p.data, w, rtol=1e-14, atol=0)
    assert opt.iterations == 2


@pytest.mark.keras
@pytest.mark.parametrize("kwargs", [
    dict(learning_rate=0.03125, beta_1=0.875, beta_2=0.96875),
    dict(learning_rate=0.0625, beta_1=0.5, beta_2=0.75, epsilon=0.0625,
         clipnorm=0.25)])
def test_adamax_hundred_steps_match_keras(floatx, kwargs):
    from nnkit.interop import to_keras
    rng = np.random.default_rng(9)
    model = Sequential([Dense(6, activation="tanh", input_shape=(4,)),
                        Dense(3)], seed=3, dtype=floatx)
    model.compile(Adamax(**kwargs), "mse")
    kmodel = to_keras(model)
    assert type(kmodel.optimizer).__name__ == "Adamax"
    x = rng.standard_normal((800, 4)).astype(floatx)
    y = rng.standard_normal((800, 3)).astype(floatx)
    train_alike(model, kmodel, in_batches(x, y, 8), floatx)


@pytest.mark.keras
def test_adamax_defaults_are_keras(keras):
    ours = nnkit.optimizers.get("adamax").get_config()
    theirs = keras.optimizers.Adamax().get_config()
    for k in ("learning_rate", "beta_1", "beta_2", "epsilon"):
        assert ours[k] == pytest.approx(theirs[k])


def test_adamax_saves_its_slots_and_rejects_bad_betas(tmp_path, rng):
    model = Sequential([Dense(3, input_shape=(2,))], seed=0)
    model.compile(Adamax(0.01), "mse")
    x, y = rng.standard_normal((8, 2)), rng.standard_normal((8, 3))
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "m"))
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=4, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        assert np.array_equal(a, b)
    with pytest.raises(ValueError, match=r"Adamax: beta_2 must be a "
                       r"number in \[0, 1\), got 1.0"):
        Adamax(beta_2=1.0)


# ----- get(None) and aliases ------------------------------------------------
def test_get_none_behaves_as_in_keras():
    assert nnkit.optimizers.get(None) is None
    assert nnkit.initializers.get(None) is None
    assert nnkit.regularizers.get(None) is None
    assert nnkit.activations.get(None).name == "linear"


def test_a_layer_given_none_initializers_uses_glorot_uniform_like_keras():
    layer = Dense(3, kernel_initializer=None, bias_initializer=None,
                  seed=1)
    layer.ensure_built((4,))
    assert isinstance(layer.kernel_initializer,
                      nnkit.initializers.GlorotUniform)
    limit = math.sqrt(6 / (4 + 3))
    assert np.all(np.abs(layer.bias.data) <= limit)
    assert np.any(layer.bias.data != 0)     # Keras: not zeros either


@pytest.mark.keras
def test_keras_also_accepts_none_and_l1l2(keras):
    assert keras.optimizers.get(None) is None
    assert keras.initializers.get(None) is None
    assert type(keras.regularizers.get("l1l2")).__name__ == "L1L2"


def test_compiled_without_optimizer_a_model_evaluates_but_cannot_train(
        rng):
    model = Sequential([Dense(1, input_shape=(2,))], seed=0)
    model.compile(None, "mse")
    x, y = rng.standard_normal((4, 2)), rng.standard_normal((4, 1))
    assert model.optimizer is None
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(x, y, verbose=0)


def test_l1l2_alias_gives_the_combined_penalty():
    for name in ("l1l2", "l1_l2", "L1L2"):
        reg = nnkit.regularizers.get(name)
        assert isinstance(reg, nnkit.regularizers.L1L2)
        assert reg.get_config() == {"l1": 0.0, "l2": 0.0}
    assert nnkit.regularizers.get({"name": "l1_l2", "l1": 0.5}).l1 == 0.5


@pytest.mark.keras
def test_gelu_activations_convert_both_ways(keras64):
    from nnkit.interop import activation_from_keras, activation_to_keras
    assert activation_to_keras(GELU()) == "gelu"
    fn = activation_to_keras(GELU(approximate=True))
    x = np.linspace(-3, 3, 13)
    close(keras64.ops.convert_to_numpy(fn(x)),
          keras64.ops.convert_to_numpy(
              keras64.activations.gelu(x, approximate=True)))
    assert activation_from_keras(fn).approximate
    assert not activation_from_keras(keras64.activations.gelu).approximate
