"""The silent wrong results of issue 12: each now raises or is right.

Where nnkit copies a Keras behaviour (refusing a reused optimizer, a
schedule that cannot be set, several clipping arguments, pad_sequences'
cast to its dtype, the accuracy Keras picks), the test shows Keras
doing the same on the same input.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Sequential
from nnkit.callbacks import LearningRateScheduler, ReduceLROnPlateau
from nnkit.layers import Dense, Dropout
from nnkit.optimizers import SGD, Adam
from nnkit.schedules import ExponentialDecay


def regression(n=32, d=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    return x, x @ np.arange(1.0, d + 1.0)[:, None] / d


def small_model(optimizer, seed=0, dtype="float64"):
    model = Sequential([Dense(4, activation="tanh", input_shape=(3,)),
                        Dense(1)], seed=seed, dtype=dtype)
    model.compile(optimizer, "mse")
    return model


# ----- 2. one optimizer, two models ---------------------------------------
def test_an_optimizer_trained_in_one_model_is_refused_by_a_second():
    x, y = regression()
    opt = Adam(0.01)
    first = small_model(opt)
    first.fit(x, y, epochs=2, batch_size=8, verbose=0)
    steps, slots = opt.iterations, opt.get_state(first.parameters())
    second = Sequential([Dense(4, activation="tanh"), Dense(1)], seed=1,
                        dtype="float64")
    second.compile(opt, "mse")        # not built yet: refused at fit
    with pytest.raises(ValueError) as err:
        second.fit(x, y, epochs=1, batch_size=8, verbose=0)
    msg = str(err.value)
    assert "Adam: this optimizer was built for the 4 weight arrays of " \
        "another model (dense/kernel, dense/bias, dense_1/kernel, ...)" \
        in msg
    assert "Create a new optimizer for each model" in msg
    assert "Adam.from_config(optimizer.get_config())" in msg
    # nothing was changed: not the first model's state, not the second
    assert opt.iterations == steps
    for k, v in opt.get_state(first.parameters()).items():
        np.testing.assert_array_equal(v, slots[k])
    # the recipe in the message works, and reset_state frees it too
    second.compile(Adam.from_config(opt.get_config()), "mse")
    second.fit(x, y, epochs=1, batch_size=8, verbose=0)
    opt.reset_state()
    third = small_model(opt, seed=2)
    third.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert opt.iterations == 4


def test_compiling_a_used_optimizer_into_a_built_model_fails_at_once():
    x, y = regression()
    opt = SGD(0.1)
    small_model(opt).fit(x, y, epochs=1, batch_size=8, verbose=0)
    with pytest.raises(ValueError, match="Create a new optimizer"):
        small_model(opt, seed=1)


def test_the_same_model_may_be_recompiled_with_its_optimizer():
    x, y = regression()
    opt = SGD(0.1, momentum=0.5)
    model = small_model(opt)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.compile(opt, "mse")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert opt.iterations == 8


def test_keras_refuses_a_reused_optimizer_too(keras):
    x, y = regression()
    x, y = x.astype("float32"), y.astype("float32")
    opt = keras.optimizers.SGD(0.1)

    def model():
        m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
        m.compile(opt, "mse")
        return m

    model().fit(x, y, verbose=0)
    with pytest.raises(ValueError, match="recreate a new optimizer"):
        model().fit(x, y, verbose=0)


# ----- 3. setting a learning rate that is a schedule -----------------------
@pytest.mark.parametrize("callback", [
    LearningRateScheduler(lambda epoch, lr: lr * 0.5),
    ReduceLROnPlateau("loss", patience=0, min_delta=10.0)],
    ids=["LearningRateScheduler", "ReduceLROnPlateau"])
def test_lr_callbacks_refuse_an_optimizer_with_a_schedule(callback):
    x, y = regression()
    model = small_model(SGD(ExponentialDecay(0.1, 10, 0.5)))
    with pytest.raises(TypeError) as err:
        model.fit(x, y, epochs=3, batch_size=8, verbose=0,
                  callbacks=[callback])
    msg = str(err.value)
    assert msg.startswith(type(callback).__name__)
    assert "a schedule (ExponentialDecay)" in msg
    assert "create the optimizer with a number as learning_rate" in msg
    assert model.optimizer.iterations == 0


def test_a_schedule_learning_rate_is_not_settable_like_keras(keras):
    opt = SGD(ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="SGD: the learning rate is a "
                       "schedule"):
        opt.learning_rate = 0.3
    assert opt.learning_rate == 0.1          # the schedule is intact
    opt.learning_rate = ExponentialDecay(0.2, 10, 0.5)   # still allowed
    assert opt.learning_rate == 0.2
    kopt = keras.optimizers.SGD(
        keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="not settable"):
        kopt.learning_rate = 0.3


@pytest.mark.parametrize("cls", ["LearningRateScheduler",
                                 "ReduceLROnPlateau"])
def test_keras_lr_callbacks_raise_type_error_on_a_schedule(keras, cls):
    x, y = regression()
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    m.compile(keras.optimizers.SGD(
        keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)), "mse")
    cb = (keras.callbacks.LearningRateScheduler(lambda e, lr: lr * 0.5)
          if cls == "LearningRateScheduler" else
          keras.callbacks.ReduceLROnPlateau("loss", patience=0,
                                            min_delta=10.0))
    with pytest.raises(TypeError, match="not settable"):
        m.fit(x.astype("float32"), y.astype("float32"), epochs=3,
              verbose=0, callbacks=[cb])


# ----- 5. accuracy on probabilities ---------------------------------------
def test_accuracy_score_reads_probabilities_as_keras_accuracy(keras):
    rng = np.random.default_rng(0)
    p1 = rng.random((50, 1))
    y1 = (rng.random(50) < 0.5).astype(int)
    p3 = rng.dirichlet(np.ones(3), 50)
    y3 = rng.integers(0, 3, 50)
    k_bin = keras.metrics.BinaryAccuracy()
    k_bin.update_state(y1[:, None].astype("float32"), p1.astype("float32"))
    k_cat = keras.metrics.SparseCategoricalAccuracy()
    k_cat.update_state(y3, p3.astype("float32"))
    acc = nnkit.metrics.accuracy_score
    assert acc(y1, p1) == pytest.approx(float(k_bin.result()), abs=1e-6)
    assert acc(y1, p1[:, 0]) == acc(y1, p1)
    assert acc(y3, p3) == pytest.approx(float(k_cat.result()), abs=1e-6)
    assert acc(np.eye(3)[y3], p3) == acc(y3, p3)
    # the case of the issue: perfectly right probabilities score 1.0
    assert acc([0, 1, 1], [0.1, 0.8, 0.6]) == 1.0
    assert acc([0, 1, 1], np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6]])) \
        == 1.0


def test_accuracy_score_refuses_what_it_cannot_read():
    acc = nnkit.metrics.accuracy_score
    with pytest.raises(ValueError, match=r"y_true holds the labels "
                       r"\[1, 2\]; pass predicted labels"):
        acc([1, 2], [0.3, 0.6])
    with pytest.raises(ValueError, match=r"fractional values outside "
                       r"\[0, 1\] \(e.g. 1.5\)"):
        acc([1, 2], [1.5, 2.0])
    assert acc([0, 1], [0.0, 1.0]) == 1.0     # 0/1 floats are labels


# ----- 7. integer ids stay integer ------------------------------------------
def test_pad_sequences_refuses_ids_its_dtype_cannot_hold(keras):
    ids = [np.array([2**40, 3], dtype=np.int64)]
    with pytest.raises(ValueError, match=r"sequence 0 holds 1099511627776, "
                       r"which dtype int32 cannot hold; pass "
                       r"dtype='int64'"):
        nnkit.sequences.pad_sequences(ids)
    # Keras wraps the id around silently: this is the failure refused
    assert keras.utils.pad_sequences(ids)[0, 0] == 0
    out = nnkit.sequences.pad_sequences(ids, dtype="int64")
    assert out.dtype == np.int64 and out[0, 0] == 2**40
    with pytest.raises(ValueError, match="cannot hold exactly"):
        nnkit.sequences.pad_sequences([[2**24 + 1]], dtype="float32")
    with pytest.raises(ValueError, match="NaN and inf are not integers"):
        nnkit.sequences.pad_sequences([[1.0, np.nan]])


def test_pad_sequences_casts_to_its_dtype_like_keras(keras):
    # Documented and kept: real steps are cast toward zero in int32.
    seqs = [[1.7, -2.2, 3.9], [0.5]]
    ours = nnkit.sequences.pad_sequences(seqs)
    theirs = keras.utils.pad_sequences(seqs)
    np.testing.assert_array_equal(ours, theirs)
    assert ours.dtype == theirs.dtype == np.int32
    assert ours.tolist() == [[1, -2, 3], [0, 0, 0]]
    assert "cast" in nnkit.sequences.pad_sequences.__doc__


# ----- 8. lr_range_test leaves no trace --------------------------------------
def dropout_model(seed=0):
    model = Sequential([Dense(8, activation="relu", input_shape=(3,)),
                        Dropout(0.5), Dense(1)], seed=seed,
                       dtype="float64")
    model.compile(SGD(0.05), "mse")
    return model


def test_lr_range_test_restores_the_dropout_generator():
    x, y = regression(64)
    plain, probed = dropout_model(), dropout_model()
    nnkit.lr_finder.lr_range_test(probed, x, y, steps=20, batch_size=16)
    plain.fit(x, y, epochs=2, batch_size=16, verbose=0)
    probed.fit(x, y, epochs=2, batch_size=16, verbose=0)
    for a, b in zip(plain.get_weights(), probed.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_lr_range_test_works_with_a_schedule_and_keeps_it():
    x, y = regression(64)
    sched = ExponentialDecay(0.05, 10, 0.5)
    model = small_model(SGD(sched))
    result = nnkit.lr_finder.lr_range_test(model, x, y, steps=10,
                                           batch_size=16)
    assert len(result.lrs) == 10
    assert model.optimizer._schedule is sched
    assert model.optimizer.iterations == 0


# ----- 9. float16, complex numbers, inf in a scaler --------------------------
def test_standard_scaler_refuses_a_column_with_inf():
    x = np.array([[1.0, 2.0], [np.inf, 3.0], [2.0, 4.0]])
    scaler = nnkit.preprocessing.StandardScaler()
    with pytest.raises(ValueError, match=r"StandardScaler.fit: input "
                       r"contains inf \(column 0, row 1\), which would "
                       r"turn its whole column into NaN"):
        scaler.fit(x)
    scaler.fit(x[[0, 2]])
    with pytest.raises(ValueError, match=r"transform: input contains inf"):
        scaler.transform(x)


def test_complex_inputs_are_refused_by_layers():
    layer = Dense(2, seed=0)
    with pytest.raises(TypeError, match=r"Dense 'dense' expects a numeric "
                       r"array of real numbers, got complex numbers; pass "
                       r"the real part"):
        layer(np.ones((2, 3)) * (1 + 1j))


# ----- 10. several clipping arguments ----------------------------------------
@pytest.mark.parametrize("kwargs", [
    dict(clipnorm=1.0, clipvalue=0.5),
    dict(clipvalue=0.5, global_clipnorm=1.0),
    dict(clipnorm=1.0, global_clipnorm=2.0),
    dict(clipnorm=1.0, clipvalue=0.5, global_clipnorm=2.0)],
    ids=["norm+value", "value+global", "norm+global", "all"])
def test_sgd_refuses_several_clipping_arguments_like_keras(keras, kwargs):
    with pytest.raises(ValueError, match="SGD: only one of clipnorm, "
                       "clipvalue and global_clipnorm can be set, got "):
        SGD(**kwargs)
    with pytest.raises(ValueError, match="Only one of"):
        keras.optimizers.SGD(**kwargs)


def test_the_clipping_docstring_no_longer_promises_a_silent_choice():
    doc = nnkit.optimizers.Optimizer.__doc__
    assert "At most one of ``clipvalue``, ``clipnorm`` and " \
        "``global_clipnorm``" in doc
    assert "only one mode acts" not in \
        nnkit.optimizers.Optimizer.clip_gradients.__doc__


# ----- 1. load_weights matches exactly, or builds from the file -------------
def trained(seed=0, widths=(4, 1)):
    x, y = regression()
    layers = [Dense(widths[0], activation="tanh", input_shape=(3,))]
    layers += [Dense(w) for w in widths[1:]]
    model = Sequential(layers, seed=seed, dtype="float64")
    model.compile(SGD(0.05), "mse")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    return model


def unbuilt(widths=(4, 1)):
    return Sequential([Dense(w) for w in widths], dtype="float64")


def test_load_weights_builds_an_unbuilt_model_from_the_file(tmp_path):
    source = trained()
    path = source.save_weights(tmp_path / "w")
    target = unbuilt()
    assert not target.built
    target.load_weights(path)
    assert target.built and target.input_shape == (None, 3)
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_load_weights_refuses_an_unbuilt_model_without_a_recorded_shape(
        tmp_path):
    source = trained()
    path = tmp_path / "old.npz"          # a file without the input shape
    np.savez(path, **{f"weights/{i}/{p.name}": p.data
                      for i, layer in enumerate(source.layers)
                      for p in layer.parameters()})
    with pytest.raises(ValueError) as err:
        unbuilt().load_weights(path)
    msg = str(err.value)
    assert "is not built yet" in msg and "does not record the input " \
        "shape" in msg and "Input(...)" in msg


def test_load_weights_refuses_a_file_of_a_deeper_model(tmp_path):
    path = trained(widths=(4, 4, 1)).save_weights(tmp_path / "deep")
    target = trained(seed=1)
    before = target.get_weights()
    with pytest.raises(ValueError) as err:
        target.load_weights(path)
    msg = str(err.value)
    assert "load_weights: layer 1 (Dense 'dense_1'): weight 'kernel' has " \
        "shape (4, 1) in the model but (4, 4) in" in msg
    for a, b in zip(before, target.get_weights()):   # nothing was loaded
        np.testing.assert_array_equal(a, b)


def test_load_weights_refuses_extra_layers_naming_the_first(tmp_path):
    deep = Sequential([Dense(4, input_shape=(3,)), Dense(1), Dense(1)],
                      seed=0)
    path = deep.save_weights(tmp_path / "deep")
    target = Sequential([Dense(4, input_shape=(3,)), Dense(1)], seed=1)
    before = target.get_weights()
    with pytest.raises(ValueError, match=r"holds weights the model has no "
                       r"place for, first 'weights/2/bias' \(shape "
                       r"\(1,\)\) for layer 2, but the model has 2 layers"):
        target.load_weights(path)
    for a, b in zip(before, target.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_load_weights_refuses_a_shallower_file(tmp_path):
    path = trained().save_weights(tmp_path / "small")
    with pytest.raises(ValueError, match=r"has no weight 'kernel' for "
                       r"layer 2 \(Dense 'dense_2', shape \(1, 1\)\)"):
        trained(widths=(4, 1, 1)).load_weights(path)


def test_save_and_load_are_bit_exact_and_never_unpickle(tmp_path,
                                                         monkeypatch):
    import pickle
    model = Sequential([Dense(5, activation="relu", input_shape=(3,)),
                        Dropout(0.3), Dense(1)], seed=3)
    model.compile(Adam(0.01), "mse", metrics=["mae"])
    x, y = regression(64)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    path = model.save(tmp_path / "m")

    def refuse(*args, **kwargs):
        raise AssertionError("loading unpickled something")
    monkeypatch.setattr(pickle, "loads", refuse)
    monkeypatch.setattr(pickle, "load", refuse)
    calls = []
    real_load = np.load
    monkeypatch.setattr(np, "load", lambda *a, **k: calls.append(k)
                        or real_load(*a, **k))
    again = nnkit.load_model(path)
    assert calls and all(k.get("allow_pickle") is False for k in calls)
    for a, b in zip(model.get_weights(), again.get_weights()):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    h1 = model.fit(x, y, epochs=2, batch_size=16, verbose=0).history
    h2 = again.fit(x, y, epochs=2, batch_size=16, verbose=0).history
    assert h1 == h2                   # same slots, generators, step count
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_seeded_training_is_deterministic():
    x, y = regression(96)

    def run():
        model = Sequential([Dense(8, activation="relu", input_shape=(3,)),
                            Dropout(0.25), Dense(1)], seed=7)
        model.compile(Adam(0.01), "mse")
        hist = model.fit(x, y, epochs=3, batch_size=16, verbose=0,
                         validation_split=0.25)
        return hist.history, model.get_weights()

    (h1, w1), (h2, w2) = run(), run()
    assert h1 == h2
    for a, b in zip(w1, w2):
        np.testing.assert_array_equal(a, b)


# ----- 4. batch sizes and epochs ---------------------------------------------
def test_initial_epoch_counts_like_keras(keras):
    x, y = regression()
    hist = small_model(SGD(0.05)).fit(x, y, epochs=5, initial_epoch=2,
                                      batch_size=8, verbose=0)
    assert len(hist.history["loss"]) == 3
    km = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    km.compile("sgd", "mse")
    kh = km.fit(x.astype("float32"), y.astype("float32"), epochs=5,
                initial_epoch=2, verbose=0)
    assert len(kh.history["loss"]) == 3


def test_predict_and_evaluate_refuse_a_zero_batch_size_keras_ignores(
        keras):
    x, y = regression()
    model = small_model(SGD(0.05))
    for call in (lambda: model.predict(x, batch_size=0),
                 lambda: model.evaluate(x, y, batch_size=0)):
        with pytest.raises(ValueError, match="batch_size must be a "
                           "positive integer"):
            call()
    # Keras returns a number here: the silent result nnkit refuses
    km = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    km.compile("sgd", "mse")
    assert np.isfinite(km.evaluate(x, y, batch_size=0, verbose=0))


# ----- 6. divergence after the last update and in validation ----------------
def test_a_blow_up_on_the_last_update_is_reported():
    x, y = regression(16)
    x, y = 100 * x, 100 * y               # gradients in the hundreds
    model = Sequential([Dense(4, activation="tanh", name="hidden",
                              input_shape=(3,)),
                        Dense(1, name="out")], seed=0)
    model.compile(SGD(1e38), "mse")    # finite loss, the step overflows
    with pytest.raises(nnkit.TrainingDivergedError) as err:
        with np.errstate(over="ignore", invalid="ignore"):
            model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    e = err.value
    assert (e.epoch, e.batch) == (1, 1) and e.layer in ("hidden", "out")
    msg = str(e)
    assert "epoch 1/1, batch 1/1: the update after this batch made the " \
        "weight" in msg and f"'{e.layer}'" in msg


def test_a_non_finite_validation_loss_stops_fit():
    x, y = regression(32)
    x_val = np.full((8, 3), 1e30)        # finite, but the loss overflows
    model = Sequential([Dense(4, name="hidden", input_shape=(3,)),
                        Dense(1, name="out")], seed=0, dtype="float32")
    model.compile(SGD(0.01), "mse")
    with pytest.raises(nnkit.TrainingDivergedError) as err:
        with np.errstate(over="ignore", invalid="ignore"):
            model.fit(x, y, epochs=3, batch_size=8, verbose=0,
                      validation_data=(x_val, np.zeros(8)))
    e = err.value
    assert (e.epoch, e.batch) == (1, None)
    assert "epoch 1/3 (validation): the validation loss became inf" in \
        str(e)


def test_train_on_batch_checks_its_update():
    x, y = regression(16)
    model = small_model(SGD(1e38), dtype="float32")
    x, y = 100 * x, 100 * y
    with pytest.raises(nnkit.TrainingDivergedError, match="the update "
                       "after this batch made the weight"):
        with np.errstate(over="ignore", invalid="ignore"):
            model.train_on_batch(x, y)


# ----- 7. integer ids reach Embedding as integers ----------------------------
def test_sequential_gives_embedding_its_ids_as_integers(monkeypatch):
    seen = []
    original = nnkit.layers.Embedding.check_input

    def spy(self, x):
        seen.append(np.asarray(x).dtype)
        return original(self, x)

    monkeypatch.setattr(nnkit.layers.Embedding, "check_input", spy)
    model = Sequential([nnkit.layers.Embedding(10, 2, input_shape=(3,)),
                        nnkit.layers.Flatten(), Dense(1)], seed=0)
    model.compile("sgd", "mse")
    ids = np.array([[1, 9, 3], [0, 2, 8]], dtype=np.int64)
    model.fit(ids, np.zeros(2), verbose=0)
    model.predict(ids)
    model.evaluate(ids, np.zeros(2))
    assert seen and all(dt.kind == "i" for dt in seen)
    # what the old cast did: float32 cannot tell 2**24 + 1 from 2**24
    assert np.float32(2**24 + 1) == np.float32(2**24)


# ----- 9. float16 and complex in models --------------------------------------
def test_a_float16_model_is_refused_before_any_layer_trains_in_it():
    with pytest.raises(ValueError, match="float16 is not supported"):
        Sequential([Dense(2)], dtype="float16")


def test_complex_labels_are_refused_not_cut_to_their_real_part():
    x, y = regression()
    with pytest.raises(TypeError, match="fit: y must hold booleans, "
                       "integers or floats, got complex numbers"):
        small_model(SGD(0.05)).fit(x, y * (1 + 1j), verbose=0)


# ----- behaviours that equal Keras on purpose --------------------------------
def test_predict_gives_non_finite_rows_for_inf_inputs_like_keras(keras):
    rng = np.random.default_rng(0)
    model = Sequential([Dense(4, input_shape=(3,)), Dense(2)], seed=0,
                       dtype="float32")
    x = rng.standard_normal((3, 3)).astype("float32")
    x[1, 0] = np.inf
    with np.errstate(invalid="ignore", over="ignore"):
        ours = model.predict(x)
    assert np.isfinite(ours[[0, 2]]).all() and not np.isfinite(
        ours[1]).all()
    km = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4),
                           keras.layers.Dense(2)])
    km.set_weights(model.get_weights())
    theirs = km.predict(x, verbose=0)
    assert np.isfinite(theirs[[0, 2]]).all() and not np.isfinite(
        theirs[1]).all()
    np.testing.assert_allclose(ours[[0, 2]], theirs[[0, 2]], atol=1e-5)
    assert "non-finite outputs instead of an error" in \
        Sequential.predict.__doc__
