"""nnkit against Keras: same weights, same data, same numbers.

Tolerances (tests/conftest.py): 1e-10 in float64, 1e-5 in float32,
measured as max |nnkit - keras| / max(1, max |keras|).
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Sequential
from nnkit.interop import from_keras, keras_rounded, to_keras

from .conftest import close, fit_alike, in_batches, train_alike

pytestmark = pytest.mark.keras

HIDDEN = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu",
          "softplus", "swish"]


def hidden_activation(name):
    # TensorFlow rounds the leaky slope to float32 (see LeakyReLU's
    # docstring); 0.25 is exact in float32, so parity can be exact.
    if name == "leaky_relu":
        return nnkit.activations.LeakyReLU(negative_slope=0.25)
    return name



def random_stack(rng, depth, n_in, n_out, out_act, dtype, seed):
    sizes = rng.integers(2, 9, size=depth)
    acts = rng.choice(HIDDEN, size=depth)
    layers = [Dense(int(sizes[0]), activation=hidden_activation(acts[0]),
                    input_shape=(n_in,))]
    layers += [Dense(int(s), activation=hidden_activation(a))
               for s, a in zip(sizes[1:], acts[1:])]
    layers.append(Dense(n_out, activation=out_act))
    return Sequential(layers, seed=seed, dtype=dtype)


@pytest.mark.parametrize("depth", [1, 2, 4])
@pytest.mark.parametrize("out_act", ["linear", "sigmoid", "softmax"])
def test_random_dense_stacks_predict_like_keras(floatx, depth, out_act):
    rng = np.random.default_rng(depth * 10 + len(out_act))
    model = random_stack(rng, depth, 5, 3, out_act, floatx, seed=depth)
    x = rng.standard_normal((16, 5)).astype(floatx)
    kmodel = to_keras(model)
    close(model.predict(x), kmodel.predict(x, verbose=0), floatx)
    back = from_keras(kmodel)
    close(back.predict(x), model.predict(x), floatx)
    assert [layer.activation.name for layer in back.layers] == \
        [layer.activation.name for layer in model.layers]


def test_every_activation_matches_keras(keras, rng):
    x = np.concatenate([np.linspace(-30, 30, 301), rng.standard_normal(99)])
    x = x.reshape(40, 10)
    for name in HIDDEN + ["softmax"]:
        act = nnkit.activations.get(hidden_activation(name))
        theirs = nnkit.interop.activation_to_keras(act)
        if isinstance(theirs, str):
            theirs = getattr(keras.activations, theirs)
        close(act.forward(x), keras.ops.convert_to_numpy(theirs(x)),
              "float64")


def test_leaky_relu_slope_difference_is_the_float32_rounding(keras):
    """The documented difference: TF rounds the slope to float32."""
    x = np.linspace(-5, 0, 11)
    theirs = keras.ops.convert_to_numpy(
        keras.activations.leaky_relu(x, negative_slope=0.2))
    ours = nnkit.activations.LeakyReLU(0.2).forward(x)
    rounded = nnkit.activations.LeakyReLU(keras_rounded(0.2))
    assert np.max(np.abs(ours - theirs)) > 1e-9
    close(rounded.forward(x), theirs, "float64")


LOSS_CASES = [
    ("mse", "linear", 3),
    ("mae", "linear", 3),
    ("huber", "linear", 3),
    ("binary_crossentropy", "sigmoid", 1),
    ("categorical_crossentropy", "softmax", 4),
    ("sparse_categorical_crossentropy", "softmax", 4),
]


def make_targets(rng, loss, n, units):
    if loss == "binary_crossentropy":
        return rng.integers(0, 2, size=(n, 1)).astype(float)
    if loss == "categorical_crossentropy":
        return np.eye(units)[rng.integers(0, units, size=n)]
    if loss == "sparse_categorical_crossentropy":
        return rng.integers(0, units, size=n)
    return rng.standard_normal((n, units))


@pytest.mark.parametrize("loss,out_act,units", LOSS_CASES)
def test_loss_values_and_gradients_match_keras(keras64, rng, loss, out_act,
                                               units):
    import tensorflow as tf
    n = 12
    y = make_targets(rng, loss, n, units)
    z = 3 * rng.standard_normal((n, units))
    act = nnkit.activations.get(out_act)
    p = act.forward(z)
    if out_act == "sigmoid":        # saturate a few: exercises clipping
        p[:3] = [[1.0], [0.0], [1e-9]]
    ours = nnkit.losses.get(loss)
    theirs = nnkit.interop.loss_to_keras(ours)
    tp = tf.Variable(p)
    with tf.GradientTape() as tape:
        value = theirs(y, tp)
    close(ours(y, p), value.numpy(), "float64")
    close(ours.gradient(y, p), tape.gradient(value, tp).numpy(), "float64")
    if loss in ("binary_crossentropy", "categorical_crossentropy",
                "sparse_categorical_crossentropy"):
        ours_l = type(ours)(from_logits=True)
        theirs_l = nnkit.interop.loss_to_keras(ours_l)
        tz = tf.Variable(z)
        with tf.GradientTape() as tape:
            value = theirs_l(y, tz)
        close(ours_l(y, z), value.numpy(), "float64")
        close(ours_l.gradient(y, z), tape.gradient(value, tz).numpy(),
              "float64")


# Keras rounds Python-float hyperparameters to float32 (see the
# optimizers module docstring), so these use values float32 holds
# exactly; test_keras_momentum_is_rounded_to_float32 covers 0.9.
SGD_SETTINGS = [
    dict(learning_rate=0.1),
    dict(learning_rate=0.05, momentum=0.875),
    dict(learning_rate=0.05, momentum=0.875, nesterov=True),
    dict(learning_rate=0.2, momentum=0.5, clipnorm=0.125),
    dict(learning_rate=0.2, clipvalue=0.015625),
    dict(learning_rate=0.2, momentum=0.25, global_clipnorm=0.0625),
]


@pytest.mark.parametrize("settings", SGD_SETTINGS,
                         ids=lambda s: "-".join(f"{k}={v}"
                                                for k, v in s.items()))
@pytest.mark.parametrize("loss,out_act,units", LOSS_CASES)
def test_twenty_sgd_steps_leave_the_same_weights(floatx, settings, loss,
                                                 out_act, units):
    rng = np.random.default_rng(7)
    model = Sequential([Dense(6, activation="tanh", input_shape=(4,)),
                        Dense(5, activation="relu"),
                        Dense(units, activation=out_act)],
                       seed=3, dtype=floatx)
    model.compile(nnkit.optimizers.SGD(**settings), loss)
    kmodel = to_keras(model)
    x = rng.standard_normal((20 * 8, 4)).astype(floatx)
    y = make_targets(rng, loss, len(x), units)
    train_alike(model, kmodel, in_batches(x, y, 8), floatx)
    assert model.optimizer.iterations == 20


@pytest.mark.parametrize("nesterov", [False, True])
def test_keras_momentum_is_rounded_to_float32(keras64, nesterov):
    """Keras' 0.9 is float32(0.9); nnkit given that value matches it."""
    rng = np.random.default_rng(8)
    x = rng.standard_normal((20 * 8, 4))
    y = rng.standard_normal((20 * 8, 2))
    runs = {}
    for label, mom in (("exact", 0.9), ("rounded", keras_rounded(0.9))):
        model = Sequential([Dense(6, activation="tanh", input_shape=(4,)),
                            Dense(2)], seed=3, dtype="float64")
        model.compile(nnkit.optimizers.SGD(0.05, momentum=mom,
                                           nesterov=nesterov), "mse")
        if label == "exact":
            kmodel = to_keras(model)
        for step in range(20):
            sl = slice(step * 8, (step + 1) * 8)
            model.train_on_batch(x[sl], y[sl])
            if label == "exact":
                kmodel.train_on_batch(x[sl], y[sl])
        runs[label] = model.get_weights()
    theirs = kmodel.get_weights()
    for w, kw in zip(runs["rounded"], theirs):
        close(w, kw, "float64")
    gap = max(np.max(np.abs(w - kw)) for w, kw in zip(runs["exact"], theirs))
    assert gap > 1e-10     # the difference is real, and explained


def test_fit_history_matches_keras_fit(floatx):
    """Epoch losses (batch-size weighted means), accuracy, validation."""
    rng = np.random.default_rng(11)
    x = rng.standard_normal((50, 3)).astype(floatx)
    y = (x[:, 0] - x[:, 1] > 0).astype(floatx)
    model = Sequential([Dense(4, activation="tanh", input_shape=(3,)),
                        Dense(1, activation="sigmoid")], seed=5,
                       dtype=floatx)
    model.compile(nnkit.optimizers.SGD(0.3, momentum=0.75),
                  "binary_crossentropy", metrics=["accuracy"])
    kmodel = to_keras(model)
    fit_alike(model, kmodel, x, y, floatx, epochs=3, batch_size=16,
              validation_split=0.2)


def test_l2_regularized_training_matches_keras(keras64):
    """Rates are powers of two: Keras rounds Python floats to float32."""
    rng = np.random.default_rng(2)
    model = Sequential(
        [Dense(5, activation="tanh", input_shape=(3,),
               kernel_regularizer=nnkit.regularizers.L2(2.0**-7),
               bias_regularizer=nnkit.regularizers.L1(2.0**-6)),
         Dense(1)], seed=1, dtype="float64")
    model.compile(nnkit.optimizers.SGD(0.1), "mse")
    kmodel = to_keras(model)
    x = rng.standard_normal((32, 3))
    y = rng.standard_normal((32, 1))
    train_alike(model, kmodel, [(x, y)] * 10, "float64")


@pytest.mark.parametrize("p", [1e-7, 1 - 1e-7])
def test_bce_gradient_at_the_clip_boundary_matches_keras(keras64, p):
    """TensorFlow's clip passes the gradient at the boundary itself."""
    import tensorflow as tf
    y = np.array([[1.0]])
    tp = tf.Variable(np.array([[p]]))
    with tf.GradientTape() as tape:
        value = keras64.losses.BinaryCrossentropy()(y, tp)
    theirs = tape.gradient(value, tp).numpy()
    ours = nnkit.losses.BinaryCrossentropy().gradient(y, np.array([[p]]))
    assert theirs[0, 0] != 0
    close(ours, theirs, "float64")


@pytest.mark.parametrize("name", ["binary_crossentropy",
                                  "categorical_crossentropy",
                                  "sparse_categorical_crossentropy"])
def test_cross_entropy_gradients_at_and_beyond_the_clip_match_keras(
        keras64, name):
    """Probabilities exactly at eps and 1 - eps receive a gradient,
    those beyond the clip none (Keras conventions: TensorFlow's clip)."""
    import tensorflow as tf
    eps = nnkit.losses.EPSILON
    p = np.array([[eps, 1 - 2 * eps, eps], [eps / 2, 1 - eps, eps / 2],
                  [0.25, 0.5, 0.25]])
    if name == "sparse_categorical_crossentropy":
        y = np.array([0, 1, 2])
    elif name == "categorical_crossentropy":
        y = np.eye(3)[[0, 1, 2]]
    else:
        y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])
    loss = nnkit.losses.get(name)
    ours = loss.gradient(y, p)
    tp = tf.Variable(p)
    with tf.GradientTape() as tape:
        value = getattr(keras64.losses, type(loss).__name__)()(y, tp)
    theirs = tape.gradient(value, tp).numpy()
    close(ours, theirs, "float64")
    if name == "binary_crossentropy":
        assert theirs[0, 0] != 0 and theirs[1, 1] != 0   # at the clip
        assert ours[1, 0] == theirs[1, 0] == 0            # beyond it


def test_activity_regularized_training_matches_keras(keras64):
    """Keras 3 divides the activity penalty by the batch size."""
    rng = np.random.default_rng(4)
    model = Sequential(
        [Dense(5, activation="tanh", input_shape=(3,),
               activity_regularizer=nnkit.regularizers.L1L2(2.0**-5,
                                                            2.0**-4)),
         Dense(1)], seed=2, dtype="float64")
    model.compile(nnkit.optimizers.SGD(0.1), "mse")
    kmodel = to_keras(model)
    x = rng.standard_normal((64, 3))
    y = rng.standard_normal((64, 1))
    train_alike(model, kmodel, in_batches(x, y, 16, steps=10), "float64")
    close(model.evaluate(x, y, batch_size=16),
          kmodel.evaluate(x, y, batch_size=16, verbose=0), "float64")
