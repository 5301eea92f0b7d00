"""Callbacks: the same metric values make nnkit and Keras do the same.

The monitor-based callbacks are driven two ways: hook by hook with
synthetic logs (fast, many scenarios; the Keras callback sits on a Keras
twin of the model and both models get the same weights every epoch),
and through real ``fit`` runs where a LambdaCallback overwrites
``val_loss`` with a scripted sequence.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Sequential
from nnkit.callbacks import (
    CSVLogger,
    EarlyStopping,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
)
from nnkit.interop import to_keras


def tiny_model(seed=0, lr=0.01, dtype="float64"):
    model = Sequential([Dense(3, activation="tanh", input_shape=(2,)),
                        Dense(1)], seed=seed, dtype=dtype)
    model.compile(nnkit.optimizers.SGD(lr), "mse")
    return model


def drive(callback, model, values, key, weights=None):
    """Call the hooks as fit would; return the epoch training stops at.

    ``weights[e]`` (if given) is put into the model before epoch e ends.
    """
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin({})
    stop = None
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch, {})
        if weights is not None:
            model.set_weights(weights[epoch])
        logs = {"loss": 1.0, key: value}
        callback.on_epoch_end(epoch, logs)
        if model.stop_training:
            stop = epoch
            break
    callback.on_train_end({})
    return stop


def random_weights(model, n, seed=0):
    rng = np.random.default_rng(seed)
    return [[rng.standard_normal(w.shape) for w in model.get_weights()]
            for _ in range(n)]


# The tie 0.2999999999 vs 0.3 counts as "no improvement" in Keras, which
# compares in float32; nnkit does the same.
EARLY_STOPPING_CASES = [
    (dict(patience=2), [1.0, 0.8, 0.7, 0.72, 0.71, 0.69, 0.75, 0.76, 0.8]),
    (dict(patience=0), [1.0, 0.9, 0.95, 0.5]),
    (dict(patience=1, min_delta=0.05),
     [1.0, 0.97, 0.9, 0.88, 0.87, 0.86]),
    (dict(patience=1, min_delta=-0.05),         # sign is ignored
     [1.0, 0.97, 0.9, 0.88, 0.87, 0.86]),
    (dict(patience=2, mode="max", monitor="val_accuracy"),
     [0.5, 0.6, 0.6, 0.65, 0.64, 0.63, 0.7]),
    (dict(patience=1, baseline=0.5), [1.0, 0.8, 0.6, 0.55, 0.4, 0.45]),
    (dict(patience=2, mode="max", monitor="val_accuracy", baseline=0.9),
     [0.5, 0.6, 0.7, 0.8]),
    (dict(patience=1, start_from_epoch=3), [1.0, 2.0, 3.0, 4.0, 3.5, 3.6]),
    (dict(patience=1), [0.3, 0.2999999999, 0.29, 0.3]),
    (dict(patience=3), [1.0, 0.9, 0.8, 0.7]),   # runs out of epochs
]


@pytest.mark.keras
@pytest.mark.parametrize("restore", [False, True])
@pytest.mark.parametrize("kwargs,values", EARLY_STOPPING_CASES)
def test_early_stopping_stops_and_restores_like_keras(keras64, kwargs,
                                                      values, restore):
    model = tiny_model()
    kmodel = to_keras(model)
    weights = random_weights(model, len(values))
    kwargs = dict(kwargs, restore_best_weights=restore)
    key = kwargs.get("monitor", "val_loss")
    ours = EarlyStopping(**kwargs)
    theirs = keras64.callbacks.EarlyStopping(**kwargs)
    stop = drive(ours, model, values, key, weights)
    assert stop == drive(theirs, kmodel, values, key, weights)
    assert ours.stopped_epoch == theirs.stopped_epoch
    assert ours.wait == theirs.wait
    assert ours.best == theirs.best
    assert ours.best_epoch == theirs.best_epoch
    for w, kw in zip(model.get_weights(), kmodel.get_weights()):
        np.testing.assert_array_equal(w, kw)
    if restore:     # Keras 3 restores even when the epochs ran out
        for w, bw in zip(model.get_weights(), weights[ours.best_epoch]):
            np.testing.assert_array_equal(w, bw)


@pytest.mark.keras
def test_early_stopping_in_fit_ends_at_the_same_epoch_as_keras(keras64):
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((16, 2)), rng.standard_normal((16, 1))
    script = [1.0, 0.8, 0.6, 0.7, 0.65, 0.9, 0.5, 0.4]
    model = tiny_model(lr=0.125)
    kmodel = to_keras(model)

    def fake(epoch, logs):
        logs["val_loss"] = script[epoch]

    runs = {}
    for name, lib, net in (("nnkit", nnkit, model),
                           ("keras", keras64, kmodel)):
        stopper = lib.callbacks.EarlyStopping(patience=2,
                                              restore_best_weights=True)
        hist = net.fit(x, y, epochs=len(script), batch_size=8,
                       shuffle=False, verbose=0,
                       callbacks=[lib.callbacks.LambdaCallback(
                           on_epoch_end=fake), stopper])
        runs[name] = (hist.history, stopper.stopped_epoch,
                      stopper.best_epoch)
    (ours, o_stop, o_best), (theirs, k_stop, k_best) = runs.values()
    assert (o_stop, o_best) == (k_stop, k_best) == (4, 2)
    assert ours["val_loss"] == theirs["val_loss"] == script[:5]
    np.testing.assert_allclose(ours["loss"], theirs["loss"], rtol=1e-10)
    for w, kw in zip(model.get_weights(), kmodel.get_weights()):
        np.testing.assert_allclose(w, kw, rtol=1e-10, atol=1e-12)


REDUCE_LR_CASES = [
    # The course's setting, then variations.
    (dict(factor=0.2, patience=2, min_lr=0.001),
     [1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.96, 0.97, 0.98, 0.99]),
    (dict(factor=0.5, patience=1, cooldown=2),
     [1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 0.5, 0.6, 0.7, 0.8]),
    (dict(factor=0.1, patience=2, min_delta=0.05),
     [1.0, 0.97, 0.94, 0.9, 0.89, 0.88, 0.87, 0.86]),
    (dict(factor=0.5, patience=1, mode="max", monitor="val_accuracy"),
     [0.5, 0.6, 0.55, 0.58, 0.7, 0.69, 0.68, 0.67]),
    (dict(factor=0.2, patience=0, min_lr=0.0005),
     [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]),
]


@pytest.mark.keras
@pytest.mark.parametrize("kwargs,values", REDUCE_LR_CASES)
def test_reduce_lr_on_plateau_gives_keras_learning_rates(keras64, kwargs,
                                                         values):
    model = tiny_model(lr=0.01)
    kmodel = to_keras(model)
    key = kwargs.get("monitor", "val_loss")
    sequences = []
    for cb, net in ((ReduceLROnPlateau(**kwargs), model),
                    (keras64.callbacks.ReduceLROnPlateau(**kwargs), kmodel)):
        cb.set_model(net)
        cb.on_train_begin({})
        lrs, logged = [], []
        for epoch, value in enumerate(values):
            logs = {key: value}
            cb.on_epoch_end(epoch, logs)
            logged.append(logs["learning_rate"])
            lrs.append(float(np.asarray(net.optimizer.learning_rate)))
        sequences.append((lrs, logged, cb.wait, cb.cooldown_counter))
    ours, theirs = sequences
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    assert ours[2:] == theirs[2:]
    assert len(set(ours[0])) > 1          # the rate did change


def test_reduce_lr_course_setting_reaches_the_floor_and_stays():
    model = tiny_model(lr=0.01)
    cb = ReduceLROnPlateau(factor=0.2, patience=2, min_lr=0.001)
    cb.set_model(model)
    cb.on_train_begin({})
    lrs = []
    for epoch in range(8):
        cb.on_epoch_end(epoch, {"val_loss": 1.0})
        lrs.append(model.optimizer.learning_rate)
    np.testing.assert_allclose(
        lrs, [0.01, 0.01, 0.002, 0.002, 0.001, 0.001, 0.001, 0.001],
        rtol=1e-12)


def test_reduced_learning_rate_is_recorded_in_history(rng):
    model = tiny_model(lr=0.1)
    x, y = rng.standard_normal((8, 2)), rng.standard_normal((8, 1))
    hist = model.fit(x, y, epochs=4, verbose=0, callbacks=[
        LambdaCallback(on_epoch_end=lambda e, logs: logs.update(
            val_loss=1.0)),
        ReduceLROnPlateau(factor=0.5, patience=1)])
    # Logged at epoch end, before that epoch's reduction (as Keras).
    np.testing.assert_allclose(hist.history["learning_rate"],
                               [0.1, 0.1, 0.05, 0.025])
    assert model.optimizer.learning_rate == pytest.approx(0.0125)


@pytest.mark.keras
def test_step_schedule_every_five_epochs_matches_keras(keras64):
    def schedule(epoch, lr):
        return lr * 0.2 if epoch and epoch % 5 == 0 else lr

    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((8, 2)), rng.standard_normal((8, 1))
    model = tiny_model(lr=0.5)
    kmodel = to_keras(model)
    ours = model.fit(x, y, epochs=12, batch_size=8, verbose=0,
                     shuffle=False,
                     callbacks=[LearningRateScheduler(schedule)]).history
    theirs = kmodel.fit(x, y, epochs=12, batch_size=8, verbose=0,
                        shuffle=False, callbacks=[
                            keras64.callbacks.LearningRateScheduler(
                                schedule)]).history
    expect = [0.5] * 5 + [0.1] * 5 + [0.02] * 2
    np.testing.assert_allclose(ours["learning_rate"], expect, rtol=1e-12)
    np.testing.assert_allclose(theirs["learning_rate"], expect, rtol=1e-12)
    np.testing.assert_allclose(ours["loss"], theirs["loss"], rtol=1e-10)


def test_one_argument_schedule_is_accepted(rng):
    model = tiny_model(lr=0.1)
    x, y = rng.standard_normal((4, 2)), rng.standard_normal((4, 1))
    hist = model.fit(x, y, epochs=3, verbose=0, callbacks=[
        LearningRateScheduler(lambda epoch: 0.1 / (1 + epoch))])
    np.testing.assert_allclose(hist.history["learning_rate"],
                               [0.1, 0.05, 0.1 / 3])


def scripted(values):
    return LambdaCallback(on_epoch_end=lambda e, logs: logs.update(
        val_loss=values[e]))


def test_checkpoint_saves_only_improvements_and_the_file_loads(tmp_path,
                                                               rng):
    values = [1.0, 0.8, 0.9, 0.7, 0.75]
    x, y = rng.standard_normal((8, 2)), rng.standard_normal((8, 1))
    model = tiny_model(lr=0.1)
    at_epoch = []
    pattern = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.npz")
    model.fit(x, y, epochs=5, verbose=0, callbacks=[
        scripted(values),
        ModelCheckpoint(pattern, save_best_only=True),
        LambdaCallback(on_epoch_end=lambda e, logs: at_epoch.append(
            model.get_weights()))])
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["ckpt-01-1.00.npz", "ckpt-02-0.80.npz",
                     "ckpt-04-0.70.npz"]
    best = nnkit.load_model(tmp_path / "ckpt-04-0.70.npz")
    for w, v in zip(best.get_weights(), at_epoch[3]):
        np.testing.assert_array_equal(w, v)


def test_checkpoint_weights_only_round_trips_with_load_weights(tmp_path,
                                                               rng):
    x, y = rng.standard_normal((8, 2)), rng.standard_normal((8, 1))
    model = tiny_model(lr=0.1)
    path = tmp_path / "w.weights.npz"
    model.fit(x, y, epochs=3, verbose=0, callbacks=[
        ModelCheckpoint(path, monitor="loss", save_weights_only=True)])
    other = tiny_model(seed=99)
    other.load_weights(path)
    np.testing.assert_array_equal(other.predict(x), model.predict(x))


def test_csv_logger_writes_a_header_and_one_row_per_epoch(tmp_path, rng):
    x, y = rng.standard_normal((10, 2)), rng.standard_normal((10, 1))
    model = tiny_model()
    path = tmp_path / "log.csv"
    hist = model.fit(x, y, epochs=3, verbose=0, validation_split=0.2,
                     callbacks=[CSVLogger(path)])
    with open(path) as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "loss", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "2"]
    np.testing.assert_allclose([float(r[1]) for r in rows[1:]],
                               hist.history["loss"])
    model.fit(x, y, epochs=2, verbose=0, validation_split=0.2,
              callbacks=[CSVLogger(path, append=True)])
    with open(path) as f:
        rows = list(csv.reader(f))
    assert len(rows) == 1 + 3 + 2 and rows.count(rows[0]) == 1


@pytest.mark.keras
@pytest.mark.parametrize("sep", [",", ";"])
def test_csv_logger_file_is_byte_identical_to_keras(keras, tmp_path, sep):
    logs = [{"loss": 0.5, "accuracy": 0.75}, {"loss": 0.25,
                                              "accuracy": 0.875}]
    for name, cls in (("ours", CSVLogger),
                      ("theirs", keras.callbacks.CSVLogger)):
        cb = cls(str(tmp_path / f"{name}.csv"), separator=sep)
        cb.on_train_begin()
        for epoch, entry in enumerate(logs):
            cb.on_epoch_end(epoch, dict(entry))
        cb.on_train_end()
    ours = (tmp_path / "ours.csv").read_bytes()
    assert ours == (tmp_path / "theirs.csv").read_bytes()
    assert b"val_loss" in ours and b"NA" in ours   # Keras' placeholders


def test_lambda_callback_hooks_run_at_the_right_moments(rng):
    calls = []
    cb = LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda e, logs: calls.append(f"epoch_begin {e}"),
        on_train_batch_end=lambda b, logs: calls.append(f"batch {b}"),
        on_epoch_end=lambda e, logs: calls.append(f"epoch_end {e}"),
        on_train_end=lambda logs: calls.append("train_end"))
    tiny_model().fit(rng.standard_normal((6, 2)), rng.standard_normal(
        (6, 1)), epochs=2, batch_size=4, verbose=0, callbacks=[cb])
    assert calls == ["train_begin", "epoch_begin 0", "batch 0", "batch 1",
                     "epoch_end 0", "epoch_begin 1", "batch 0", "batch 1",
                     "epoch_end 1", "train_end"]


@pytest.mark.parametrize("monitor,direction", [
    ("val_loss", "min"), ("loss", "min"), ("val_accuracy", "max"),
    ("accuracy", "max"), ("val_mean_squared_error", "min"),
    ("mae", "min"), ("val_binary_accuracy", "max")])
def test_auto_mode_infers_the_direction_from_the_name(monitor, direction):
    assert EarlyStopping(monitor=monitor).direction == direction
    assert ReduceLROnPlateau(monitor=monitor).direction == direction


def test_early_stopping_warns_when_the_monitored_value_is_missing(rng):
    model = tiny_model()
    stopper = EarlyStopping(patience=0)
    with pytest.warns(UserWarning, match="val_loss"):
        hist = model.fit(rng.standard_normal((4, 2)),
                         rng.standard_normal((4, 1)), epochs=3, verbose=0,
                         callbacks=[stopper])
    assert len(hist.history["loss"]) == 3


@pytest.mark.parametrize("make,words", [
    (lambda: EarlyStopping(monitor="val_wiggle"),
     ["EarlyStopping", "val_wiggle", "mode='min'"]),
    (lambda: EarlyStopping(mode="lowest"),
     ["EarlyStopping", "mode", "'lowest'"]),
    (lambda: EarlyStopping(patience=-1), ["EarlyStopping", "patience",
                                          "-1"]),
    (lambda: ReduceLROnPlateau(factor=1.0),
     ["ReduceLROnPlateau", "factor", "(0, 1)", "1.0"]),
    (lambda: ReduceLROnPlateau(min_lr=-1),
     ["ReduceLROnPlateau", "min_lr", ">= 0", "-1"]),
    (lambda: ReduceLROnPlateau(cooldown=1.5),
     ["ReduceLROnPlateau", "cooldown", "1.5"]),
    (lambda: LearningRateScheduler(0.1), ["LearningRateScheduler",
                                          "schedule"]),
    (lambda: LambdaCallback(on_epoch_end=3), ["LambdaCallback",
                                              "on_epoch_end"]),
])
def test_invalid_callback_arguments_raise_clear_errors(make, words):
    with pytest.raises(ValueError) as info:
        make()
    for word in words:
        assert word in str(info.value)


def test_schedule_returning_a_non_number_fails_clearly(rng):
    with pytest.raises(ValueError, match="must return a finite number"):
        tiny_model().fit(rng.standard_normal((4, 2)),
                         rng.standard_normal((4, 1)), verbose=0,
                         callbacks=[LearningRateScheduler(
                             lambda e, lr: "fast")])
