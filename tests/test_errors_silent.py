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


# ----- 9. float16, complex numbers, inf in a scaler ---------------------------
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
