"""Freezing: ``layer.trainable = False`` and ``model.trainable = False``,
as in Keras 3 (batch normalization included), and transfer learning
against Keras."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import nnkit
from nnkit import Input, Model, Sequential
from nnkit.layers import (
    Add,
    BatchNormalization,
    Conv2D,
    Dense,
    Residual,
    TimeDistributed,
)

from .conftest import close, summary_text


def data(n=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 4))
    return x, (x[:, 0] - x[:, 1] > 0).astype(float)


def net(seed=0, dtype="float64", reg=None):
    return Sequential([Input((4,)),
                       Dense(6, activation="tanh", name="base",
                             kernel_regularizer=reg),
                       BatchNormalization(name="bn"),
                       Dense(1, activation="sigmoid", name="head")],
                      seed=seed, dtype=dtype)


def test_a_frozen_layer_keeps_its_weights_while_the_rest_learn():
    model = net()
    model.get_layer("base").trainable = False
    before = {p.path: p.data.copy() for p in model.parameters()}
    model.compile(nnkit.optimizers.SGD(0.1), "binary_crossentropy")
    model.fit(*data(), epochs=3, verbose=0)
    after = {p.path: p.data for p in model.parameters()}
    assert np.array_equal(before["base/kernel"], after["base/kernel"])
    assert np.array_equal(before["base/bias"], after["base/bias"])
    assert not np.array_equal(before["head/kernel"], after["head/kernel"])
    assert not np.array_equal(before["bn/gamma"], after["bn/gamma"])
    assert [p.path for p in model.trainable_parameters] == [
        "bn/gamma", "bn/beta", "head/kernel", "head/bias"]


def test_gradients_flow_through_a_frozen_layer():
    x = Input((4,))
    h = Dense(5, name="first")(x)
    h = Dense(5, name="frozen", trainable=False)(h)
    model = Model(x, Dense(1, name="last")(h))
    model.compile("sgd", "mse")
    before = model.get_layer("first").get_weights()[0].copy()
    model.fit(*data(), epochs=1, verbose=0)
    assert not np.array_equal(before,
                              model.get_layer("first").get_weights()[0])


def test_frozen_batch_norm_uses_its_moving_statistics_in_training():
    model = net()
    x, y = data()
    model.compile(nnkit.optimizers.SGD(0.1), "binary_crossentropy")
    model.fit(x, y, epochs=2, verbose=0)              # move the stats
    bn = model.get_layer("bn")
    bn.trainable = False
    stats = [bn.moving_mean.data.copy(), bn.moving_variance.data.copy()]
    assert np.allclose(model.forward(x, training=True),
                       model.forward(x, training=False))
    model.fit(x, y, epochs=2, verbose=0)
    assert np.array_equal(stats[0], bn.moving_mean.data)
    assert np.array_equal(stats[1], bn.moving_variance.data)
    bn.trainable = True                   # unfreezing restores both
    assert not np.allclose(model.forward(x, training=True),
                           model.forward(x, training=False))
    assert [p.name for p in bn.trainable_parameters] == ["gamma", "beta"]


def test_summary_counts_trainable_and_non_trainable_weights():
    model = net()
    text = summary_text(model)
    assert "Trainable params: 49" in text         # 30 + 12 + 7
    assert "Non-trainable params: 12" in text     # moving mean/variance
    model.get_layer("base").trainable = False
    text = summary_text(model)
    assert "Trainable params: 19" in text
    assert "Non-trainable params: 42" in text
    model.trainable = False
    assert "Trainable params: 0" in summary_text(model)
    assert not model.trainable and not model.get_layer("head").trainable


def test_a_fully_frozen_model_warns_and_does_not_step():
    model = net()
    model.trainable = False
    model.compile(nnkit.optimizers.SGD(0.1), "binary_crossentropy")
    before = model.get_weights()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(*data(), epochs=1, verbose=0)
    assert any("no" in str(w.message) and "trainable" in str(w.message)
               for w in caught)
    assert model.optimizer.iterations == 0
    for a, b in zip(before, model.get_weights()):
        assert np.array_equal(a, b)


def test_freezing_reaches_nested_layers():
    res = Residual([Dense(3), Dense(3)], name="block")
    td = TimeDistributed(Dense(2), name="td")
    model = Sequential([Input((3,)), res])
    seq = Sequential([Input((5, 3)), td])
    res.trainable = False
    td.trainable = False
    assert all(not lay.trainable for lay in res.sublayers())
    assert not td.layer.trainable
    assert model.trainable_parameters == [] and seq.trainable_parameters == []
    res.trainable = True
    assert len(model.trainable_parameters) == 4


def test_a_frozen_weights_penalty_leaves_the_loss():
    model = net(reg=nnkit.regularizers.L2(0.5))
    model.compile("sgd", "binary_crossentropy")
    x, y = data()
    with_penalty = model.evaluate(x, y)
    model.get_layer("base").trainable = False
    penalty = 0.5 * np.sum(model.get_layer("base").kernel.data ** 2)
    assert model.evaluate(x, y) == pytest.approx(with_penalty - penalty)


def test_trainable_is_a_constructor_argument_and_saved(tmp_path):
    layer = Dense(2, trainable=False)
    assert Dense.from_config(layer.get_config()).trainable is False
    model = Sequential([Input((3,)), layer])
    model.compile("sgd", "mse")
    loaded = nnkit.load_model(model.save(tmp_path / "m"))
    assert loaded.trainable_parameters == []


# ----- against Keras: transfer learning ---------------------------------------
def cnn(lib, dtype):
    if lib == "keras":
        import keras
        L, inp, model = keras.layers, keras.Input, keras.Model
    else:
        L, inp, model = nnkit.layers, nnkit.Input, nnkit.Model
    x = inp((6, 6, 1), dtype=dtype)
    h = L.Conv2D(3, 3, activation="relu", name="conv")(x)
    h = L.BatchNormalization(momentum=0.875, name="bn")(h)
    h = L.Flatten(name="flat")(h)
    # (Keras rounds a penalty rate to float32: 2**-7 is exact there.)
    h = L.Dense(4, activation="tanh", name="feat",
                kernel_regularizer=(nnkit if lib != "keras" else keras)
                .regularizers.L2(2.0 ** -7))(h)
    y = L.Dense(3, activation="softmax", name="head")(h)
    return model(x, y)



@pytest.mark.keras
def test_freeze_then_fine_tune_matches_keras(floatx, keras):
    """Keras' transfer-learning recipe: train, freeze the base,
    recompile, train the head, unfreeze, recompile, fine-tune."""
    ours, theirs = cnn("nnkit", floatx), cnn("keras", floatx)
    theirs.set_weights(ours.get_weights())
    rng = np.random.default_rng(6)
    x = rng.standard_normal((24, 6, 6, 1)).astype(floatx)
    y = rng.integers(0, 3, 24)
    fit = dict(epochs=2, batch_size=8, shuffle=False, verbose=0)

    def stage(freeze):
        for name in ("conv", "bn", "feat"):
            ours.get_layer(name).trainable = not freeze
            theirs.get_layer(name).trainable = not freeze
        ours.compile(nnkit.optimizers.SGD(0.05, momentum=0.5),
                     "sparse_categorical_crossentropy")
        theirs.compile(keras.optimizers.SGD(0.05, momentum=0.5),
                       "sparse_categorical_crossentropy")
        h1 = ours.fit(x, y, **fit).history
        h2 = theirs.fit(x, y, **fit).history
        close(h1["loss"], h2["loss"], floatx, f"loss (frozen={freeze})")
        assert len(ours.trainable_parameters) == \
            len(theirs.trainable_weights)
        for w, v in zip(ours.get_weights(), theirs.get_weights()):
            close(w, v, floatx, f"weights (frozen={freeze})")

    stage(False)
    frozen = ours.get_layer("conv").get_weights()[0].copy()
    stage(True)
    assert np.array_equal(frozen, ours.get_layer("conv").get_weights()[0])
    stage(False)
    assert not np.array_equal(frozen,
                              ours.get_layer("conv").get_weights()[0])
    assert isinstance(ours.get_layer("conv"), Conv2D)


def test_a_frozen_pretrained_model_can_be_called_as_a_block():
    """Keras' idiom: base.trainable = False; y = head(base(x, False))."""
    base = Sequential([Input((4,)), Dense(6, activation="tanh",
                                          name="feat"),
                       BatchNormalization(name="bn")], seed=0)
    base.trainable = False
    x = Input((4,))
    y = Dense(1, activation="sigmoid", name="head")(base(x,
                                                         training=False))
    model = Model(x, y, seed=1)
    assert [la.name for la in model.layers] == ["input_layer", "feat",
                                               "bn", "head"]
    assert base.get_layer("feat") is model.get_layer("feat")
    model.compile(nnkit.optimizers.SGD(0.1), "binary_crossentropy")
    frozen = base.get_weights()
    xs, ys = data()
    model.fit(xs, ys, epochs=2, verbose=0)
    for a, b in zip(frozen, base.get_weights()):
        assert np.array_equal(a, b)
    # training=False holds the block in inference mode even if unfrozen.
    base.trainable = True
    model.compile(nnkit.optimizers.SGD(0.1), "binary_crossentropy")
    stats = base.get_layer("bn").moving_mean.data.copy()
    model.fit(xs, ys, epochs=1, verbose=0)
    assert np.array_equal(stats, base.get_layer("bn").moving_mean.data)
    assert not np.array_equal(frozen[0], base.get_weights()[0])
    # A functional base works the same way (two calls share weights).
    inner = Model(x, y)
    z = Input((4,))
    twice = Model(z, Add()([inner(z), inner(z)]))
    assert len(twice.get_layer("head").inbound_nodes) >= 3
    assert np.allclose(twice.predict(xs), 2 * model.predict(xs))


@pytest.mark.keras
def test_recompiling_with_the_same_optimizer_keeps_its_state_as_keras(
        keras64):
    """Freeze after training, recompile with the same optimizer object:
    its step count and moments carry on, in both libraries."""
    ours, theirs = cnn("nnkit", "float64"), cnn("keras", "float64")
    theirs.set_weights(ours.get_weights())
    rng = np.random.default_rng(8)
    x = rng.standard_normal((16, 6, 6, 1))
    y = rng.integers(0, 3, 16)
    opt1 = nnkit.optimizers.Adam(0.01, beta_1=0.875, beta_2=0.9921875)
    opt2 = keras64.optimizers.Adam(0.01, beta_1=0.875, beta_2=0.9921875)
    fit = dict(epochs=1, batch_size=8, shuffle=False, verbose=0)
    for frozen in (False, True):
        for name in ("conv", "bn"):
            ours.get_layer(name).trainable = not frozen
            theirs.get_layer(name).trainable = not frozen
        ours.compile(opt1, "sparse_categorical_crossentropy")
        theirs.compile(opt2, "sparse_categorical_crossentropy")
        ours.fit(x, y, **fit)
        theirs.fit(x, y, **fit)
    assert opt1.iterations == int(opt2.iterations) == 4
    for w, v in zip(ours.get_weights(), theirs.get_weights()):
        close(w, v, "float64", "weights")
