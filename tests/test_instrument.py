"""nnkit.instrument: dead units, activation statistics, gradient norms,
and the TrainingMonitor callback."""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Sequential
from nnkit.instrument import (
    TrainingMonitor,
    activation_stats,
    dead_units,
    gradient_norms,
    layer_outputs,
)
from nnkit.layers import (
    Activation,
    BatchNormalization,
    Dense,
    Dropout,
    LeakyReLU,
)


def constructed_model():
    """Units 1 and 3 of the first layer can never fire (zero weights,
    bias -1); after the second layer, unit 0 is stuck at relu(-1) = 0."""
    model = Sequential([Dense(4, activation="relu", input_shape=(3,)),
                        Dense(2), Activation("relu"), LeakyReLU(0.1)],
                       seed=0, dtype="float64")
    k1 = np.zeros((3, 4))
    k1[0, 0], k1[0, 2] = 1.0, -1.0
    model.layers[0].set_weights([k1, np.array([0.0, -1.0, 0.0, -1.0])])
    model.layers[1].set_weights([np.zeros((4, 2)), np.array([-1.0, 1.0])])
    return model


def test_dead_units_counts_units_silent_on_every_example(rng):
    model = constructed_model()
    x = rng.standard_normal((50, 3))
    assert dead_units(model, x) == {"dense": 2, "activation": 1}
    # Unit 2 computes relu(-x0): dead too if x0 is never negative.
    assert dead_units(model, np.abs(x)) == {"dense": 3, "activation": 1}


def test_activation_stats_are_the_statistics_of_each_output(rng):
    model = constructed_model()
    x = rng.standard_normal((40, 3))
    stats = activation_stats(model, x)
    assert list(stats) == ["dense", "dense_1", "activation", "leaky_re_lu"]
    out = np.maximum(x @ model.layers[0].kernel.data
                     + model.layers[0].bias.data, 0)
    assert stats["dense"]["mean"] == pytest.approx(out.mean())
    assert stats["dense"]["std"] == pytest.approx(out.std())
    assert stats["dense"]["zero_fraction"] == pytest.approx(
        np.mean(out == 0))
    assert stats["dense"]["dead_fraction"] == 0.5
    assert stats["activation"] == {"mean": 0.5, "std": 0.5,
                                   "zero_fraction": 0.5,
                                   "dead_fraction": 0.5}


def test_layer_outputs_in_inference_mode_change_nothing(rng):
    model = Sequential([Dense(3, input_shape=(2,)), BatchNormalization(),
                        Dropout(0.5)], seed=1)
    before = model.get_weights()
    state = model.layers[2].get_state()
    x = rng.standard_normal((5, 2))
    outs = layer_outputs(model, x)
    np.testing.assert_array_equal(outs["dropout"], model.predict(x))
    for w, v in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, v)
    assert model.layers[2].get_state() == state


def test_gradient_norms_are_the_norms_of_backprop_gradients(rng):
    model = Sequential([Dense(5, activation="sigmoid", input_shape=(3,)),
                        BatchNormalization(), Dropout(0.3),
                        Dense(1)], seed=2, dtype="float64")
    model.compile(nnkit.optimizers.SGD(0.1), "mse")
    x, y = rng.standard_normal((16, 3)), rng.standard_normal((16, 1))
    weights = model.get_weights()
    dropout_state = model.layers[2].get_state()
    norms = gradient_norms(model, x, y)
    assert list(norms) == ["dense/kernel", "dense/bias",
                           "batch_normalization/gamma",
                           "batch_normalization/beta", "dense_1/kernel",
                           "dense_1/bias"]
    for p in model.trainable_parameters:
        assert norms[p.path] == pytest.approx(np.linalg.norm(p.grad))
        assert norms[p.path] > 0
    # No side effects: moving statistics and the dropout stream as before.
    for w, v in zip(model.get_weights(), weights):
        np.testing.assert_array_equal(w, v)
    assert model.layers[2].get_state() == dropout_state


def test_gradient_norms_need_a_compiled_model(rng):
    model = Sequential([Dense(1, input_shape=(2,))])
    with pytest.raises(RuntimeError, match="compile"):
        gradient_norms(model, np.zeros((2, 2)), np.zeros((2, 1)))


def twin_models():
    def make():
        model = Sequential([Dense(6, activation="relu", input_shape=(3,)),
                            Dense(4, activation="tanh"), Dense(1)],
                           seed=3, dtype="float64")
        model.compile(nnkit.optimizers.SGD(0.05), "mse")
        return model
    return make(), make()


def data(rng, n=12):
    x = rng.standard_normal((n, 3))
    return x, x[:, :1] - x[:, 1:2] ** 2


@pytest.mark.parametrize("every,steps,epochs", [
    (2, [2, 4, 6], [0, 1, 1]), (None, [3, 6], [0, 1]),
    (1, [1, 2, 3, 4, 5, 6], [0, 0, 0, 1, 1, 1]), (7, [], [])])
def test_monitor_records_at_the_requested_interval(rng, every, steps,
                                                   epochs):
    model, _ = twin_models()
    x, y = data(rng)
    monitor = TrainingMonitor(every=every)
    model.fit(x, y, epochs=2, batch_size=4, verbose=0, callbacks=[monitor])
    assert monitor.steps == steps and monitor.epochs == epochs
    for series in monitor.grad_norms.values():
        assert len(series) == len(steps)
    for table in monitor.activation_stats.values():
        assert all(len(v) == len(steps) for v in table.values())


def test_monitor_records_the_gradients_and_outputs_of_the_batch(rng):
    before, model = twin_models()
    x, y = data(rng)
    first = slice(0, 4)
    want_norms = gradient_norms(before, x[first], y[first])
    want_stats = activation_stats(before, x[first])
    monitor = TrainingMonitor(every=1)
    model.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0,
              callbacks=[monitor])
    for path, norm in want_norms.items():
        assert monitor.grad_norms[path][0] == pytest.approx(norm,
                                                            rel=1e-12)
    for layer, stats in want_stats.items():
        for key, value in stats.items():
            assert monitor.activation_stats[layer][key][0] == \
                pytest.approx(value, rel=1e-12, abs=1e-15)


def test_monitor_with_a_probe_measures_the_probe_after_each_step(rng):
    model, _ = twin_models()
    x, y = data(rng)
    probe = rng.standard_normal((30, 3))
    monitor = TrainingMonitor(every=3, x_probe=probe, sample_size=10,
                              gradients=False)
    model.fit(x, y, epochs=1, batch_size=4, verbose=0, callbacks=[monitor])
    assert monitor.grad_norms == {}
    now = activation_stats(model, probe)
    for layer, stats in now.items():
        for key, value in stats.items():
            assert monitor.activation_stats[layer][key][-1] == \
                pytest.approx(value, rel=1e-12, abs=1e-15)
    outs = layer_outputs(model, probe)
    for layer, samples in monitor.activation_samples.items():
        assert len(samples) == 1 and samples[0].shape == (10,)
        assert np.isin(samples[0], outs[layer]).all()


def test_monitor_switched_off_records_only_the_step_numbers(rng):
    model, _ = twin_models()
    x, y = data(rng)
    monitor = TrainingMonitor(every=1, gradients=False, activations=False)
    model.fit(x, y, epochs=1, batch_size=4, verbose=0, callbacks=[monitor])
    assert monitor.steps == [1, 2, 3]
    assert monitor.grad_norms == {} and monitor.activation_stats == {}


def test_monitor_shows_vanishing_gradients_in_a_deep_sigmoid_net(rng):
    """The chapter's point: early layers of a deep sigmoid stack get
    much smaller gradients than late ones."""
    layers = [Dense(16, activation="sigmoid", input_shape=(8,))]
    layers += [Dense(16, activation="sigmoid") for _ in range(5)]
    model = Sequential(layers + [Dense(1)], seed=4, dtype="float64")
    model.compile(nnkit.optimizers.SGD(0.01), "mse")
    x = rng.standard_normal((64, 8))
    norms = gradient_norms(model, x, x[:, :1])
    assert norms["dense/kernel"] < 0.1 * norms["dense_5/kernel"]


@pytest.mark.parametrize("kwargs,words", [
    (dict(every=0), ["TrainingMonitor", "every", "0"]),
    (dict(every=True), ["TrainingMonitor", "every", "True"]),
    (dict(sample_size=-1), ["TrainingMonitor", "sample_size", "-1"]),
])
def test_monitor_rejects_bad_arguments(kwargs, words):
    with pytest.raises(ValueError) as info:
        TrainingMonitor(**kwargs)
    for word in words:
        assert word in str(info.value)


def test_instrument_is_reachable_from_the_package():
    assert nnkit.instrument.dead_units is dead_units
