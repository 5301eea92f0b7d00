"""Dropout, BatchNormalization, PReLU, LeakyReLU and ELU layers.

Gradient checks in float64 (rel. error < 1e-7), Keras parity (1e-10 in
float64, 1e-5 in float32, scaled as in conftest.close), the
statistics of dropout, batch-norm folding, bad inputs, save/load.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnkit
from nnkit import Sequential
from nnkit.gradcheck import check_layer, numerical_gradient, rel_error
from nnkit.interop import from_keras, to_keras
from nnkit.layers import (
    ELU,
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    LeakyReLU,
    PReLU,
)

from .conftest import close, in_batches, summary_text, train_alike

PASS = 1e-7



def away_from_zero(x, gap=1e-3):
    return np.where(np.abs(x) < gap, np.sign(x + 1e-12) * gap * 2, x)


# ----- gradient checks --------------------------------------------------
@settings(max_examples=12, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       batch=st.integers(3, 5), axis_pick=st.integers(0, 5),
       momentum=st.floats(0.0, 1.0), epsilon=st.floats(1e-5, 1.0),
       center=st.booleans(), scale=st.booleans(), seed=st.integers(0, 99))
def test_batchnorm_training_backward_matches_central_differences(
        shape, batch, axis_pick, momentum, epsilon, center, scale, seed):
    # batch >= 3: with two values per feature x_hat is +-1 whatever x
    # is, the true dx is O(epsilon) and central differences cannot
    # resolve it to 1e-7 (not a backward bug: 1e-10 from three values).
    ndim = len(shape) + 1
    axis = [-1, *range(1, ndim)][axis_pick % ndim]
    rng = np.random.default_rng(seed)
    x = 2 + 3 * rng.standard_normal((batch, *shape))
    layer = BatchNormalization(axis=axis, momentum=momentum,
                               epsilon=epsilon, center=center, scale=scale,
                               gamma_initializer="random_normal",
                               beta_initializer="random_normal",
                               dtype="float64")
    errors = check_layer(layer, x, training=True, seed=seed)
    names = {"x"} | ({"gamma"} if scale else set()) \
        | ({"beta"} if center else set())
    assert set(errors) == names
    assert max(errors.values()) < PASS, errors


def test_batchnorm_inference_backward_matches_central_differences(rng):
    layer = BatchNormalization(dtype="float64",
                               moving_mean_initializer="random_normal",
                               gamma_initializer="random_normal")
    layer.ensure_built((3, 5), rng)
    layer.moving_variance.data[...] = rng.uniform(0.5, 2.0, 5)
    errors = check_layer(layer, rng.standard_normal((4, 3, 5)),
                         training=False)
    assert max(errors.values()) < PASS, errors


def test_batchnorm_training_gradient_of_x_sums_to_zero_per_feature(rng):
    """Shifting a whole feature by c changes nothing in training mode."""
    layer = BatchNormalization(dtype="float64")
    layer(rng.standard_normal((8, 3)), training=True)
    dx = layer.backward(rng.standard_normal((8, 3)))
    assert np.allclose(dx.sum(axis=0), 0, atol=1e-12)


@settings(max_examples=10, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3),
       shared=st.sets(st.integers(1, 3), max_size=2), seed=st.integers(0, 99))
def test_prelu_backward_matches_central_differences(shape, shared, seed):
    shared = sorted(a for a in shared if a <= len(shape)) or None
    rng = np.random.default_rng(seed)
    layer = PReLU(alpha_initializer="random_normal", shared_axes=shared,
                  dtype="float64")
    x = away_from_zero(rng.standard_normal((3, *shape)))
    errors = check_layer(layer, x, seed=seed)
    assert set(errors) == {"x", "alpha"}
    assert max(errors.values()) < PASS, errors
    expect = [1 if shared and i + 1 in shared else s
              for i, s in enumerate(shape)]
    assert layer.alpha.shape == tuple(expect)


@settings(max_examples=10, deadline=None)
@given(slope=st.floats(0.0, 2.0), alpha=st.floats(0.05, 3.0),
       seed=st.integers(0, 99))
def test_leaky_relu_and_elu_layers_match_central_differences(slope, alpha,
                                                             seed):
    x = away_from_zero(2 * np.random.default_rng(seed).standard_normal(
        (4, 3)))
    assert check_layer(LeakyReLU(slope, dtype="float64"), x)["x"] < PASS
    assert check_layer(ELU(alpha, dtype="float64"), x)["x"] < PASS


def test_dropout_backward_with_a_fixed_mask_matches_differences(rng):
    layer = Dropout(0.4, seed=3, dtype="float64")
    x = rng.standard_normal((5, 6))
    layer.ensure_built(x.shape[1:])
    start = layer.get_state()
    dout = rng.standard_normal(x.shape)

    def f():
        layer.set_state(start)           # same seed state, same mask
        return float(np.sum(layer.forward(x, training=True) * dout))

    f()
    dx = layer.backward(dout)
    assert rel_error(dx, numerical_gradient(f, x)) < PASS
    assert 0 < np.count_nonzero(dx == 0) < dx.size


# ----- Keras parity -----------------------------------------------------
def keras_layer_grads(klayer, x, dout, training=None):
    """Keras output and d(sum(out * dout))/d(x, trainable weights)."""
    import tensorflow as tf
    tx = tf.Variable(x)
    with tf.GradientTape() as tape:
        out = (klayer(tx) if training is None
               else klayer(tx, training=training))
        total = tf.reduce_sum(out * dout)
    grads = tape.gradient(total, [tx] + list(klayer.trainable_weights))
    return out.numpy(), [g.numpy() for g in grads]


def ours_layer_grads(layer, x, dout, training=False):
    for p in layer.parameters():
        p.zero_grad()
    out = layer.forward(x, training=training)
    dx = layer.backward(dout)
    return out, [dx] + [p.grad for p in layer.parameters() if p.trainable]


@pytest.mark.keras
@pytest.mark.parametrize("momentum", [0.875, 0.99])
def test_batchnorm_train_and_inference_match_keras(floatx, keras, momentum):
    """Outputs, gradients and moving statistics over five train steps.

    Keras multiplies the moving statistics by the momentum as a Python
    float in the variables' dtype (no float32 rounding here, unlike the
    optimizers), so even the default 0.99 agrees to 1e-10 in float64.
    """
    rng = np.random.default_rng(1)
    ours = BatchNormalization(momentum=momentum, epsilon=2.0**-10,
                              gamma_initializer="random_normal",
                              beta_initializer="random_normal",
                              dtype=floatx)
    ours.ensure_built((4,), rng)
    theirs = keras.layers.BatchNormalization(momentum=momentum,
                                             epsilon=2.0**-10,
                                             dtype=floatx)
    theirs.build((None, 4))
    theirs.set_weights(ours.get_weights())
    for _ in range(5):
        x = (3 + 2 * rng.standard_normal((16, 4))).astype(floatx)
        dout = rng.standard_normal(x.shape).astype(floatx)
        k_out, k_grads = keras_layer_grads(theirs, x, dout, training=True)
        out, grads = ours_layer_grads(ours, x, dout, training=True)
        close(out, k_out, floatx)
        for g, kg in zip(grads, k_grads):
            close(g, kg, floatx)
    for w, kw in zip(ours.get_weights(), theirs.get_weights()):
        close(w, kw, floatx)          # moving_mean, moving_variance too
    k_out, k_grads = keras_layer_grads(theirs, x, dout, training=False)
    out, grads = ours_layer_grads(ours, x, dout, training=False)
    close(out, k_out, floatx)
    for g, kg in zip(grads, k_grads):
        close(g, kg, floatx)


@pytest.mark.keras
def test_batchnorm_on_images_with_axis_1_matches_keras(keras64):
    rng = np.random.default_rng(2)
    ours = BatchNormalization(axis=1, momentum=0.75, dtype="float64")
    x = rng.standard_normal((3, 2, 4, 5))
    ours.ensure_built(x.shape[1:], rng)
    theirs = keras64.layers.BatchNormalization(axis=1, momentum=0.75,
                                               dtype="float64")
    theirs.build((None, *x.shape[1:]))
    dout = rng.standard_normal(x.shape)
    k_out, k_grads = keras_layer_grads(theirs, x, dout, training=True)
    out, grads = ours_layer_grads(ours, x, dout, training=True)
    close(out, k_out, "float64")
    for g, kg in zip(grads, k_grads):
        close(g, kg, "float64")
    for w, kw in zip(ours.get_weights(), theirs.get_weights()):
        close(w, kw, "float64")


@pytest.mark.keras
def test_activation_layers_match_keras_outputs_and_gradients(floatx, keras):
    rng = np.random.default_rng(3)
    x = away_from_zero(3 * rng.standard_normal((6, 3, 4))).astype(floatx)
    dout = rng.standard_normal(x.shape).astype(floatx)
    prelu = PReLU(alpha_initializer="random_normal", shared_axes=[1],
                  dtype=floatx)
    prelu.ensure_built(x.shape[1:], rng)
    cases = [
        (prelu, keras.layers.PReLU(shared_axes=[1], dtype=floatx)),
        (LeakyReLU(0.25, dtype=floatx),
         keras.layers.LeakyReLU(negative_slope=0.25, dtype=floatx)),
        (LeakyReLU(dtype=floatx), None),      # the 0.3 default, below
        (ELU(dtype=floatx), keras.layers.ELU(dtype=floatx)),
        (ELU(0.5, dtype=floatx), keras.layers.ELU(0.5, dtype=floatx)),
    ]
    for ours, theirs in cases:
        if theirs is None:
            continue
        theirs.build((None, *x.shape[1:]))
        theirs.set_weights(ours.get_weights())
        k_out, k_grads = keras_layer_grads(theirs, x, dout)
        out, grads = ours_layer_grads(ours, x, dout)
        close(out, k_out, floatx)
        assert len(grads) == len(k_grads)
        for g, kg in zip(grads, k_grads):
            close(g, kg, floatx)


@pytest.mark.keras
def test_leaky_relu_layer_default_slope_is_keras_layer_default(keras):
    assert LeakyReLU().negative_slope == keras.layers.LeakyReLU(
    ).negative_slope == 0.3
    assert ELU().alpha == keras.layers.ELU().alpha == 1.0


@pytest.mark.keras
@pytest.mark.parametrize("momentum", [0.875, 0.99])
def test_dense_batchnorm_activation_model_trains_like_keras(floatx,
                                                            momentum):
    rng = np.random.default_rng(4)
    model = Sequential([Dense(6, input_shape=(3,)),
                        BatchNormalization(momentum=momentum),
                        Activation("tanh"), Dense(2)], seed=5, dtype=floatx)
    model.compile(nnkit.optimizers.SGD(0.1), "mse")
    kmodel = to_keras(model)
    x = rng.standard_normal((20 * 8, 3)).astype(floatx)
    y = rng.standard_normal((20 * 8, 2)).astype(floatx)
    train_alike(model, kmodel, in_batches(x, y, 8), floatx)
    close(model.predict(x), kmodel.predict(x, verbose=0), floatx)
    # Keras counts the moving statistics as non-trainable, like nnkit.
    text = summary_text(model)
    n_fixed = sum(int(np.prod(w.shape)) for w in
                  kmodel.non_trainable_weights)
    assert n_fixed == 12
    assert f"Non-trainable params: {n_fixed}" in text
    assert f"Total params: {kmodel.count_params()}" in text


@pytest.mark.keras
def test_every_new_layer_survives_to_keras_and_back(keras):
    rng = np.random.default_rng(6)
    model = Sequential([Dense(4, input_shape=(3,)),
                        BatchNormalization(momentum=0.5, epsilon=0.01,
                                           center=False),
                        PReLU(alpha_initializer="random_normal"),
                        Dropout(0.25, seed=1), LeakyReLU(0.125), ELU(0.5),
                        Dense(2)], seed=7)
    x = rng.standard_normal((10, 3)).astype("float32")
    back = from_keras(to_keras(model))
    assert [type(la).__name__ for la in back.layers] == \
        [type(la).__name__ for la in model.layers]
    assert back.layers[1].get_config() | {"name": None} == \
        model.layers[1].get_config() | {"name": None}
    assert back.layers[3].rate == 0.25 and back.layers[3].seed == 1
    assert back.layers[4].negative_slope == 0.125
    assert back.layers[5].alpha == 0.5
    np.testing.assert_array_equal(back.predict(x), model.predict(x))


# ----- dropout behaviour ------------------------------------------------
def test_dropout_is_the_identity_at_inference_and_for_rate_zero(rng):
    x = rng.standard_normal((7, 5)).astype("float32")
    for rate in (0.0, 0.3, 0.9):
        out = Dropout(rate, seed=0)(x, training=False)
        np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(Dropout(0.0, seed=0)(x, training=True), x)
    model = Sequential([Dense(3, input_shape=(5,)), Dropout(0.5)], seed=1)
    np.testing.assert_array_equal(model.predict(x),
                                  model.layers[0](x))


def test_dropout_preserves_the_expectation_in_training():
    """Mean of out/x over n draws is 1 within 5 binomial std devs.

    Each element is kept (scaled by 1/q) with probability q, so
    out/x = B/q with B ~ Bernoulli(q): mean 1, std sqrt((1-q)/q).
    """
    n, rate = 200_000, 0.3
    q = 1 - rate
    x = np.full((n // 100, 100), 2.5)
    out = Dropout(rate, seed=11, dtype="float64")(x, training=True)
    ratio = out / x
    assert set(np.unique(ratio)) == {0.0, 1 / q}
    sd_mean = np.sqrt((1 - q) / q / n)
    assert abs(ratio.mean() - 1) < 5 * sd_mean
    kept = np.mean(ratio > 0)
    assert abs(kept - q) < 5 * np.sqrt(q * (1 - q) / n)


def test_dropout_masks_are_reproducible_and_change_between_calls(rng):
    x = np.ones((4, 50))
    a, b = Dropout(0.5, seed=3), Dropout(0.5, seed=3)
    first = a(x, training=True)
    np.testing.assert_array_equal(first, b(x, training=True))
    assert not np.array_equal(first, a(x, training=True))
    assert not np.array_equal(first, Dropout(0.5, seed=4)(x, training=True))


def test_adding_dropout_leaves_the_other_initial_weights_unchanged():
    def make(with_dropout):
        layers = [Dense(5, input_shape=(3,))]
        layers += [Dropout(0.5)] if with_dropout else []
        return Sequential(layers + [Dense(2)], seed=9)
    for w, v in zip(make(True).get_weights(), make(False).get_weights()):
        np.testing.assert_array_equal(w, v)


def test_dropout_generator_state_survives_save_and_load(tmp_path, rng):
    model = Sequential([Dense(4, input_shape=(3,)), Dropout(0.5)], seed=2)
    model.compile(nnkit.optimizers.SGD(0.1), "mse")
    x, y = rng.standard_normal((8, 3)), rng.standard_normal((8, 4))
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "m"))
    np.testing.assert_array_equal(loaded(x, training=True),
                                  model(x, training=True))
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    loaded.fit(x, y, epochs=2, batch_size=4, verbose=0)
    for w, v in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(w, v)


# ----- batch normalization behaviour ------------------------------------
def test_batchnorm_training_output_has_zero_mean_unit_variance(rng):
    x = 5 + 3 * rng.standard_normal((64, 4))
    out = BatchNormalization(epsilon=1e-12, dtype="float64")(
        x, training=True)
    assert np.allclose(out.mean(axis=0), 0, atol=1e-12)
    assert np.allclose(out.var(axis=0), 1, atol=1e-9)


def test_fit_updates_moving_statistics_and_predict_does_not(rng):
    model = Sequential([Dense(3, input_shape=(2,)), BatchNormalization()],
                       seed=0)
    model.compile(nnkit.optimizers.SGD(0.01), "mse")
    bn = model.layers[1]
    x, y = rng.standard_normal((32, 2)), rng.standard_normal((32, 3))
    before = bn.get_weights()
    model.predict(x)
    model.evaluate(x, y)
    for w, v in zip(bn.get_weights(), before):
        np.testing.assert_array_equal(w, v)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert not np.allclose(bn.moving_mean.data, before[2])
    assert not np.allclose(bn.moving_variance.data, before[3])


def test_folded_dense_reproduces_dense_then_batchnorm_at_inference(rng):
    model = Sequential([Dense(5, input_shape=(4,)),
                        BatchNormalization(momentum=0.5,
                                           gamma_initializer="random_normal",
                                           beta_initializer="random_normal")],
                       seed=3, dtype="float64")
    model.compile(nnkit.optimizers.SGD(0.05), "mse")
    x = 2 + rng.standard_normal((64, 4))
    model.fit(x, rng.standard_normal((64, 5)), epochs=3, batch_size=16,
              verbose=0)
    dense, bn = model.layers
    folded = bn.fold_into(dense)
    assert isinstance(folded, Dense) and folded.units == 5
    want = model.predict(x)
    assert np.max(np.abs(folded(x) - want)) < 1e-12 * max(
        1, np.max(np.abs(want)))
    np.testing.assert_array_equal(dense.kernel.data,   # dense unchanged
                                  model.layers[0].kernel.data)


def test_fold_refuses_a_dense_with_a_nonlinear_activation(rng):
    model = Sequential([Dense(3, activation="relu", input_shape=(2,)),
                        BatchNormalization()], seed=0)
    with pytest.raises(ValueError, match="only a linear Dense"):
        model.layers[1].fold_into(model.layers[0])


def test_summary_counts_moving_statistics_as_non_trainable():
    model = Sequential([Dense(4, input_shape=(3,)), BatchNormalization(),
                        Dense(1)], seed=0)
    text = summary_text(model)
    assert "Total params: 37" in text
    assert "Trainable params: 29" in text
    assert "Non-trainable params: 8" in text


# ----- bad inputs -------------------------------------------------------
@pytest.mark.parametrize("make,words", [
    (lambda: Dropout(1.0), ["Dropout", "rate", "[0, 1)", "1.0"]),
    (lambda: Dropout(-0.1), ["Dropout", "rate", "[0, 1)", "-0.1"]),
    (lambda: Dropout("half"), ["Dropout", "rate", "'half'"]),
    (lambda: Dropout(0.5, seed=-1), ["Dropout", "seed", "-1"]),
    (lambda: BatchNormalization(momentum=1.5),
     ["BatchNormalization", "momentum", "[0, 1]", "1.5"]),
    (lambda: BatchNormalization(epsilon=0),
     ["BatchNormalization", "epsilon", "> 0", "0"]),
    (lambda: BatchNormalization(axis=1.5), ["BatchNormalization", "axis"]),
    (lambda: PReLU(shared_axes=[0]), ["PReLU", "shared_axes", ">= 1"]),
    (lambda: LeakyReLU(-0.1), ["LeakyReLU", "negative_slope", ">= 0",
                               "-0.1"]),
    (lambda: ELU(float("nan")), ["ELU", "alpha", "nan"]),
])
def test_invalid_hyperparameters_raise_clear_errors(make, words):
    with pytest.raises(ValueError) as info:
        make()
    for word in words:
        assert word in str(info.value)


def test_rate_one_dropout_explains_why():
    with pytest.raises(ValueError, match="drop every unit"):
        Dropout(1)


def test_batchnorm_axis_outside_the_input_is_rejected_at_build():
    with pytest.raises(ValueError, match="axis=3 is not a feature axis"):
        Sequential([BatchNormalization(axis=3, input_shape=(2, 3))])
    with pytest.raises(ValueError, match="shared axis 3 does not exist"):
        Sequential([PReLU(shared_axes=3, input_shape=(2, 3))])


def test_wrong_input_width_names_the_layer(rng):
    model = Sequential([BatchNormalization(input_shape=(3,))])
    with pytest.raises(ValueError, match="BatchNormalization"):
        model.predict(rng.standard_normal((2, 4)))


# ----- config and save/load ---------------------------------------------
def test_every_new_layer_round_trips_through_save_and_load(tmp_path, rng):
    model = Sequential([
        Dense(4, input_shape=(3,)),
        BatchNormalization(momentum=0.9, epsilon=0.01, center=False,
                           gamma_regularizer="l2"),
        PReLU(alpha_initializer="random_normal",
              alpha_regularizer=nnkit.regularizers.L1(0.01)),
        Dropout(0.2, seed=5), LeakyReLU(0.1), ELU(0.7), Dense(1)], seed=4)
    model.compile(nnkit.optimizers.SGD(0.05, momentum=0.5), "mse")
    x, y = rng.standard_normal((16, 3)), rng.standard_normal((16, 1))
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "m"))
    for a, b in zip(model.layers, loaded.layers):
        assert a.get_config() == b.get_config()
    for w, v in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(w, v)
    np.testing.assert_array_equal(model.predict(x), loaded.predict(x))
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)
    for w, v in zip(model.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(w, v)
