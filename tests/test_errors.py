"""Bad input gets a clear error naming the layer, argument and values.

Most cases live in one table, ``CASES``: each row is one distinct bad
input or fault at a public entry point (layers, Input, Sequential,
compile/fit/evaluate/predict, saving, optimizers, schedules, callbacks,
losses, metrics, datasets, preprocessing, sequences, gradcheck,
lr_finder, widgets), the exception type expected and the words that make the
message actionable (who, which argument, what was expected, what was
received, what to do). Cases that need files or training follow the
table. ``test_the_table_covers_at_least_100_bad_inputs`` keeps the
count honest. (Widgets' public functions are in the table too.)
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Input, Sequential
from nnkit import callbacks as cb
from nnkit import layers as L
from nnkit import metrics as M
from nnkit import optimizers as O
from nnkit import preprocessing as P
from nnkit import schedules as S
from nnkit import sequences as Q
from nnkit import widgets as W
from nnkit.datasets import make_circle, playground
from nnkit.gradcheck import check_layer, check_model, numerical_gradient
from nnkit.lr_finder import lr_range_test


def compiled(loss="mse", units=1, out="linear", dtype=None, opt="sgd"):
    model = Sequential([Dense(4, activation="tanh", name="hidden1",
                              input_shape=(3,)),
                        Dense(units, activation=out)], seed=0, dtype=dtype)
    model.compile(opt, loss)
    return model


X = np.zeros((4, 3))
Y = np.zeros(4)


def fit(**kw):
    return compiled().fit(X, Y, verbose=0, **kw)


def _state():
    """A small Playground run for the widget cases (made on first use)."""
    if not hasattr(_state, "value"):
        _state.value = W.init_state(hidden=(2,), seed=0)
    return _state.value


def case(name, fn, exc, *words):
    return pytest.param(fn, exc, words, id=name)


CASES = [
    # ----- layer constructors ---------------------------------------------
    case("Dense-units-0", lambda: Dense(0), ValueError,
         "Dense 'dense': units must be a positive integer", "got 0"),
    case("Dense-units-str", lambda: Dense("3"), TypeError,
         "units must be a positive integer", "'3' (a str)"),
    case("Dense-units-float", lambda: Dense(2.5), TypeError,
         "units must be a positive integer", "2.5 (a float)"),
    case("Dense-units-bool", lambda: Dense(True), TypeError,
         "units", "True (a bool)"),
    case("Dense-activation-typo", lambda: Dense(3, activation="sigmod"),
         ValueError, "Dense 'dense': activation: unknown activation "
         "'sigmod'", "choose one of", "sigmoid"),
    case("Dense-activation-type", lambda: Dense(3, activation=3),
         TypeError, "activation", "must be a name such as 'relu'"),
    case("Dense-use_bias-str", lambda: Dense(3, use_bias="False"),
         TypeError, "use_bias must be True or False", "'False'"),
    case("Dense-initializer", lambda: Dense(3, kernel_initializer="glorot"),
         ValueError, "kernel_initializer: unknown initializer 'glorot'",
         "glorot_uniform"),
    case("Dense-regularizer", lambda: Dense(3, kernel_regularizer="l3"),
         ValueError, "kernel_regularizer: unknown regularizer 'l3'"),
    case("Dense-regularizer-type", lambda: Dense(3, bias_regularizer=0.01),
         TypeError, "bias_regularizer", "L2(1e-4)"),
    case("Dense-unknown-kwarg", lambda: Dense(3, unit=4), TypeError,
         "Dense: unknown argument 'unit'", "did you mean 'units'?"),
    case("Dense-dtype-float16", lambda: Dense(3, dtype="float16"),
         ValueError, "dtype must be 'float32' or 'float64'",
         "float16 is not supported"),
    case("Dense-dtype-int", lambda: Dense(3, dtype="int32"), ValueError,
         "dtype must be 'float32' or 'float64'", "'int32'"),
    case("Dense-input_shape-0", lambda: Dense(3, input_shape=(0,)),
         ValueError, "input_shape", "every size must be at least 1"),
    case("Dense-input_shape-None", lambda: Dense(3, input_shape=(None, 4)),
         TypeError, "input_shape", "nnkit needs every size"),
    case("Dense-name-slash", lambda: Dense(3, name="a/b"), ValueError,
         "name must not contain '/'"),
    case("Dense-name-type", lambda: Dense(3, name=7), TypeError,
         "Dense: name must be a non-empty string or None"),
    case("Dense-seed", lambda: Dense(3, seed=-1), ValueError,
         "seed must be an integer >= 0 or None", "-1"),
    case("Conv2D-filters", lambda: L.Conv2D(0, 3), ValueError,
         "Conv2D 'conv2d': filters must be a positive integer"),
    case("Conv2D-kernel_size", lambda: L.Conv2D(2, (3, 0)), ValueError,
         "kernel_size must be a positive integer or a pair", "(3, 0)"),
    case("Conv2D-padding", lambda: L.Conv2D(2, 3, padding="full"),
         ValueError, "padding must be 'valid' or 'same', got 'full'"),
    case("Conv2D-strides", lambda: L.Conv2D(2, 3, strides=1.5),
         TypeError, "strides", "1.5"),
    case("MaxPooling2D-pool_size", lambda: L.MaxPooling2D(pool_size=0),
         ValueError, "MaxPooling2D", "pool_size"),
    case("Dropout-1", lambda: L.Dropout(1.0), ValueError,
         "rate must be in [0, 1)", "drop every unit"),
    case("Dropout-negative", lambda: L.Dropout(-0.1), ValueError,
         "Dropout 'dropout': rate must be a number in [0, 1)"),
    case("Dropout-str", lambda: L.Dropout("0.5"), TypeError, "rate",
         "'0.5' (a str)"),
    case("BatchNormalization-momentum",
         lambda: L.BatchNormalization(momentum=1.5), ValueError,
         "momentum must be a number in [0, 1]", "1.5"),
    case("BatchNormalization-epsilon",
         lambda: L.BatchNormalization(epsilon=0), ValueError,
         "epsilon must be a finite number > 0"),
    case("BatchNormalization-axis", lambda: L.BatchNormalization(axis=1.5),
         TypeError, "axis must be an integer"),
    case("LeakyReLU-slope", lambda: L.LeakyReLU(-1), ValueError,
         "LeakyReLU: negative_slope must be a finite number >= 0"),
    case("ELU-alpha-nan", lambda: L.ELU(float("nan")), ValueError,
         "ELU: alpha must be a finite number", "nan"),
    case("PReLU-shared_axes", lambda: L.PReLU(shared_axes=[0]),
         ValueError, "shared_axes", "axis 0 is the batch"),
    case("Reshape-two-minus-ones", lambda: L.Reshape((-1, -1)),
         ValueError, "target_shape must hold positive integers and at "
         "most one -1"),
    case("Reshape-str", lambda: L.Reshape("3"), TypeError,
         "target_shape"),
    case("Residual-single-layer", lambda: L.Residual(Dense(2)), TypeError,
         "layers must be a list of nnkit layers", "wrap it in a list"),
    case("TimeDistributed-str", lambda: L.TimeDistributed("dense"),
         TypeError, "layer must be an nnkit Layer"),
    case("Embedding-input_dim", lambda: L.Embedding(0, 4), ValueError,
         "Embedding 'embedding': input_dim must be a positive integer"),
    case("LSTM-units", lambda: L.LSTM(0), ValueError,
         "LSTM 'lstm': units must be a positive integer"),
    case("LSTM-bptt_truncate", lambda: L.LSTM(3, bptt_truncate=0),
         ValueError, "bptt_truncate must be a positive integer"),
    case("SimpleRNN-return_sequences",
         lambda: L.SimpleRNN(3, return_sequences="yes"), TypeError,
         "return_sequences must be True or False"),
    case("GRU-reset_after", lambda: L.GRU(3, reset_after=False),
         ValueError, "reset_after must be True"),
    case("Activation-name", lambda: L.Activation("relux"), ValueError,
         "Activation 'activation': activation: unknown activation"),
    case("GlobalAveragePooling2D-keepdims",
         lambda: L.GlobalAveragePooling2D(keepdims=1), TypeError,
         "keepdims must be True or False"),
    # ----- Input and Sequential --------------------------------------------
    case("Input-zero", lambda: Input((0,)), ValueError,
         "Input: shape must be a positive integer or a tuple",
         "every size must be at least 1"),
    case("Input-negative", lambda: Input((28, -1)), ValueError,
         "Input: shape", "(28, -1)"),
    case("Input-str", lambda: Input("28"), TypeError, "Input: shape",
         "'28' (a str)"),
    case("Input-None", lambda: Input((None, 3)), TypeError, "Input: shape",
         "Keras' 'any size'"),
    case("Sequential-single-layer", lambda: Sequential(Dense(3)), TypeError,
         "layers must be a list of nnkit layers, got a single Dense",
         "Sequential([layer])"),
    case("Sequential-non-layer", lambda: Sequential([Dense(3), "relu"]),
         TypeError, "layers[1] must be an nnkit layer, got 'relu'"),
    case("Sequential-float16", lambda: Sequential(dtype="float16"),
         ValueError, "Sequential 'sequential': dtype must be 'float32' "
         "or 'float64'", "float16 is not supported"),
    case("Sequential-int-dtype", lambda: Sequential(dtype="int32"),
         ValueError, "dtype", "'int32'"),
    case("Sequential-seed", lambda: Sequential(seed=1.5), TypeError,
         "Sequential: seed must be an integer >= 0 or None"),
    case("Sequential-add-str", lambda: Sequential().add("dense"),
         TypeError, "Sequential.add expects an nnkit Layer"),
    case("Sequential-Input-second",
         lambda: Sequential([Dense(2, input_shape=(3,))]).add(Input((3,))),
         ValueError, "Input must come first"),
    case("Sequential-duplicate-name",
         lambda: Sequential([Dense(2, name="h"), Dense(2, name="h")]),
         ValueError, "a layer named 'h' already exists"),
    case("build-shape", lambda: Sequential([Dense(2)]).build((0, 3)),
         ValueError, "build: input_shape"),
    # ----- compile ----------------------------------------------------------
    case("compile-no-loss", lambda: Sequential([Dense(1)]).compile("sgd"),
         ValueError, "compile: a loss is required", "loss='mse'"),
    case("compile-loss-typo", lambda: compiled(loss="msee"), ValueError,
         "compile: loss: unknown loss 'msee'", "choose one of"),
    case("compile-loss-function",
         lambda: compiled(loss=lambda t, p: 0.0), TypeError,
         "compile: loss", "a plain function has no gradient"),
    case("compile-optimizer-typo", lambda: compiled(opt="adamm"),
         ValueError, "compile: optimizer: unknown optimizer 'adamm'"),
    case("compile-optimizer-type", lambda: compiled(opt=0.01), TypeError,
         "compile: optimizer", "nnkit.optimizers.SGD(0.01)"),
    case("compile-metrics-str",
         lambda: Sequential([Dense(1)]).compile("sgd", "mse",
                                                metrics="accuracy"),
         TypeError, "compile: metrics must be a list",
         "metrics=['accuracy']"),
    case("compile-metric-unknown",
         lambda: Sequential([Dense(1)]).compile("sgd", "mse",
                                                metrics=["aucc"]),
         ValueError, "compile: metrics: unknown metric 'aucc'", "auc"),
    case("compile-metric-type",
         lambda: Sequential([Dense(1)]).compile("sgd", "mse", metrics=[3]),
         TypeError, "compile: metrics", "fn(y_true, y_pred)"),
    # ----- fit ---------------------------------------------------------------
    case("fit-epochs-0", lambda: fit(epochs=0), ValueError,
         "fit: epochs must be a positive integer", "got 0"),
    case("fit-batch_size-negative", lambda: fit(batch_size=-2), ValueError,
         "fit: batch_size must be a positive integer", "-2"),
    case("fit-batch_size-float", lambda: fit(batch_size=8.0), TypeError,
         "fit: batch_size", "8.0 (a float)"),
    case("fit-validation_split-1", lambda: fit(validation_split=1.0),
         ValueError, "fit: validation_split must be a number in [0, 1)"),
    case("fit-validation_split-empty",
         lambda: compiled().fit(X[:1], Y[:1], validation_split=0.5,
                                verbose=0),
         ValueError, "validation_split=0.5 leaves no training or no "
         "validation data for 1 examples"),
    case("fit-initial_epoch-negative", lambda: fit(initial_epoch=-2),
         ValueError, "fit: initial_epoch must be an integer >= 0", "-2"),
    case("fit-initial_epoch-past-epochs",
         lambda: fit(epochs=3, initial_epoch=5), ValueError,
         "initial_epoch=5 leaves no epoch to run with epochs=3",
         "epochs is the epoch to stop at", "epochs=10"),
    case("fit-verbose", lambda: compiled().fit(X, Y, verbose=3),
         ValueError,
         "fit: verbose must be one of 0, 1 or 2", "got 3"),
    case("fit-shuffle", lambda: fit(shuffle="yes"), TypeError,
         "fit: shuffle must be True or False"),
    case("fit-callbacks-single",
         lambda: fit(callbacks=cb.EarlyStopping("loss")), TypeError,
         "fit: callbacks must be a list of nnkit Callbacks, got a single "
         "EarlyStopping", "callbacks=[callback]"),
    case("fit-callbacks-item", lambda: fit(callbacks=["stop"]), TypeError,
         "fit: callbacks[0] must be an nnkit Callback", "'stop'"),
    case("fit-validation_data-one", lambda: fit(validation_data=(X,)),
         TypeError, "fit: validation_data must be a pair (x_val, y_val)"),
    case("fit-validation_data-bad-y",
         lambda: fit(validation_data=(X, np.zeros(3))), ValueError,
         "fit (validation_data): x has 4 examples but y has 3"),
    case("fit-length-mismatch",
         lambda: compiled().fit(np.zeros((5, 3)), np.zeros(4), verbose=0),
         ValueError, "fit: x has 5 examples but y has 4"),
    case("fit-width", lambda: compiled().fit(np.zeros((10, 2)),
                                             np.zeros(10), verbose=0),
         ValueError, "Dense 'hidden1' expects inputs of shape (batch, 3), "
         "got (10, 2)"),
    case("fit-string-labels",
         lambda: compiled("sparse_categorical_crossentropy", 3,
                          "softmax").fit(X, np.array(["a", "b", "c", "a"]),
                                         verbose=0),
         TypeError, "fit: y holds strings", "['a', 'b', 'c']",
         "np.unique(y, return_inverse=True)"),
    case("fit-ragged-y",
         lambda: compiled().fit(np.zeros((2, 3)), [[1.0], [1.0, 2.0]],
                                verbose=0),
         ValueError, "fit: y must be a rectangular array"),
    case("fit-complex-x", lambda: compiled().fit(X * 1j, Y, verbose=0),
         TypeError, "fit: x must hold booleans, integers or floats",
         "complex numbers", "x.real"),
    case("fit-complex-y", lambda: compiled().fit(X, Y * 1j, verbose=0),
         TypeError, "fit: y must hold", "complex numbers"),
    case("fit-float32-overflow",
         lambda: compiled(dtype="float32").fit(np.full((4, 3), 1e39), Y,
                                               verbose=0),
         ValueError, "fit: x has values up to 1e+39, beyond the range of "
         "the model's float32", "dtype='float64'"),
    case("fit-y-overflow",
         lambda: compiled(dtype="float32").fit(X, np.full(4, -1e39),
                                               verbose=0),
         ValueError, "fit: y has values up to 1e+39"),
    case("fit-nan-x",
         lambda: compiled().fit(np.where(np.arange(12).reshape(4, 3) == 7,
                                         np.nan, 0.0), Y, verbose=0),
         ValueError, "fit: x contains NaN or inf in 1 example(s), the "
         "first at index 2"),
    case("fit-inf-y", lambda: compiled().fit(X, [0, 0, np.inf, 0],
                                             verbose=0),
         ValueError, "fit: y contains NaN or inf"),
    case("fit-sparse-label-too-big",
         lambda: compiled("sparse_categorical_crossentropy", 3,
                          "softmax").fit(X, [0, 1, 2, 3], verbose=0),
         ValueError, "labels must lie in [0, 2] for 3 output units, got "
         "labels in [0, 3]"),
    case("fit-one-hot-with-sparse",
         lambda: compiled("sparse_categorical_crossentropy", 3,
                          "softmax").fit(X, np.eye(3)[[0, 1, 2, 0]],
                                         verbose=0),
         ValueError, "looks one-hot", "'categorical_crossentropy'"),
    case("fit-integers-with-categorical",
         lambda: compiled("categorical_crossentropy", 3,
                          "softmax").fit(X, [0, 1, 2, 0], verbose=0),
         ValueError, "sparse_categorical_crossentropy"),
    case("fit-fractional-sparse",
         lambda: compiled("sparse_categorical_crossentropy", 3,
                          "softmax").fit(X, [0.5, 1, 2, 0], verbose=0),
         ValueError, "labels must be whole numbers"),
    case("fit-binary-outside",
         lambda: compiled("binary_crossentropy", 1,
                          "sigmoid").fit(X, [-1.0, 1, 0, 1], verbose=0),
         ValueError, "y_true must lie in [0, 1], got values in [-1, 1]"),
    case("fit-before-compile",
         lambda: Sequential([Dense(1, input_shape=(3,))]).fit(X, Y),
         RuntimeError, "fit: call compile(optimizer=..., loss=...) "
         "before fit"),
    case("fit-ragged-sequences",
         lambda: compiled().fit([np.zeros((4, 2)), np.zeros((6, 2))],
                                np.zeros(2), verbose=0),
         ValueError, "fit received 2 sequences of different lengths",
         "pad_sequences"),
    case("train_on_batch-before-compile",
         lambda: Sequential([Dense(1)]).train_on_batch(X, Y), RuntimeError,
         "train_on_batch: call compile"),
    # ----- evaluate and predict ----------------------------------------------
    case("evaluate-batch_size-0",
         lambda: compiled().evaluate(X, Y, batch_size=0), ValueError,
         "evaluate: batch_size must be a positive integer", "got 0"),
    case("evaluate-return_dict",
         lambda: compiled().evaluate(X, Y, return_dict="yes"), TypeError,
         "evaluate: return_dict must be True or False"),
    case("evaluate-before-compile",
         lambda: Sequential([Dense(1)]).evaluate(X, Y), RuntimeError,
         "before evaluate"),
    case("predict-batch_size-0",
         lambda: compiled().predict(X, batch_size=0), ValueError,
         "predict: batch_size must be a positive integer", "got 0"),
    case("predict-batch_size-negative",
         lambda: compiled().predict(X, batch_size=-1), ValueError,
         "predict: batch_size", "-1"),
    case("predict-batch_size-float",
         lambda: compiled().predict(X, batch_size=2.5), TypeError,
         "predict: batch_size", "2.5 (a float)"),
    case("predict-strings",
         lambda: compiled().predict(np.array([["a", "b", "c"]])), TypeError,
         "predict: x must hold booleans, integers or floats",
         "dtype <U1"),
    case("predict-empty", lambda: compiled().predict(np.zeros((0, 3))),
         ValueError, "predict: x must be a non-empty batch", "(0, 3)"),
    case("predict-scalar", lambda: compiled().predict(3.0), ValueError,
         "predict: x must be a non-empty batch"),
    case("predict-no-layers", lambda: Sequential().predict(X), ValueError,
         "predict: the model has no layers"),
    case("predict-verbose", lambda: compiled().predict(X, verbose="loud"),
         TypeError, "predict: verbose must be one of 0, 1 or 2"),
    # ----- weights -----------------------------------------------------------
    case("set_weights-unbuilt",
         lambda: Sequential([Dense(2)]).set_weights([np.zeros((3, 2)),
                                                     np.zeros(2)]),
         ValueError, "set_weights: Sequential 'sequential' is not built "
         "yet", "input_shape=", "build(input_shape)"),
    case("set_weights-count",
         lambda: Sequential([Dense(2, input_shape=(3,))]).set_weights(
             [np.zeros((3, 2))]), ValueError,
         "has 2 weight arrays, got 1"),
    case("set_weights-shape",
         lambda: Sequential([Dense(2, name="h", input_shape=(3,))])
         .set_weights([np.zeros((2, 3)), np.zeros(2)]), ValueError,
         "Dense 'h': weight 'kernel' has shape (3, 2), got (2, 3)"),
    case("set_weights-not-a-list",
         lambda: Sequential([Dense(2, input_shape=(3,))]).set_weights(
             np.zeros(3)), TypeError, "set_weights: weights must be a list"),
    # ----- optimizers --------------------------------------------------------
    case("SGD-lr-negative", lambda: O.SGD(-0.1), ValueError,
         "SGD: learning_rate must be a finite number >= 0", "-0.1"),
    case("SGD-lr-None", lambda: O.SGD(learning_rate=None), TypeError,
         "SGD: learning_rate must be a number >= 0 or a schedule",
         "got None"),
    case("SGD-lr-str", lambda: O.SGD(learning_rate="0.1"), TypeError,
         "learning_rate", "'0.1'"),
    case("SGD-momentum-1", lambda: O.SGD(momentum=1.0), ValueError,
         "SGD: momentum must be a number in [0, 1)", "got 1.0"),
    case("SGD-nesterov", lambda: O.SGD(nesterov="yes"), TypeError,
         "SGD: nesterov must be True or False"),
    case("SGD-clipnorm-0", lambda: O.SGD(clipnorm=0), ValueError,
         "clipnorm must be a finite number > 0"),
    case("SGD-clipvalue-str", lambda: O.SGD(clipvalue="1"), TypeError,
         "SGD: clipvalue must be a finite number > 0 or None",
         "'1' (a str)"),
    case("SGD-two-clips", lambda: O.SGD(clipnorm=1.0, clipvalue=1.0),
         ValueError, "only one of clipnorm, clipvalue and global_clipnorm",
         "clipnorm=1.0, clipvalue=1.0"),
    case("Adam-beta_1", lambda: O.Adam(beta_1=1.0), ValueError,
         "Adam: beta_1 must be a number in [0, 1)"),
    case("Adam-epsilon", lambda: O.Adam(epsilon=0), ValueError,
         "Adam: epsilon must be a finite number > 0"),
    case("Adam-amsgrad", lambda: O.Adam(amsgrad=1), TypeError,
         "Adam: amsgrad must be True or False"),
    case("RMSprop-rho", lambda: O.RMSprop(rho=1.5), ValueError,
         "RMSprop: rho must be a number in [0, 1]"),
    case("Adagrad-accumulator",
         lambda: O.Adagrad(initial_accumulator_value=-1), ValueError,
         "initial_accumulator_value must be a finite number >= 0"),
    case("Nadam-beta_2-nan", lambda: O.Nadam(beta_2=float("nan")),
         ValueError, "Nadam: beta_2", "nan"),
    case("AdamW-weight_decay-None", lambda: O.AdamW(weight_decay=None),
         TypeError, "AdamW: weight_decay must be a finite number >= 0"),
    case("optimizer-config-key",
         lambda: O.get({"class_name": "SGD", "config": {"lr": 0.1}}),
         ValueError, "SGD has no argument 'lr'", "learning_rate"),
    case("optimizer-name", lambda: O.SGD(name=3), TypeError,
         "SGD: name must be a non-empty string or None"),
    # ----- schedules ---------------------------------------------------------
    case("ExponentialDecay-steps", lambda: S.ExponentialDecay(0.1, 0, 0.5),
         ValueError, "ExponentialDecay: decay_steps must be a finite "
         "number > 0"),
    case("ExponentialDecay-rate-0",
         lambda: S.ExponentialDecay(0.1, 10, 0.0), ValueError,
         "decay_rate must be a finite number > 0"),
    case("ExponentialDecay-staircase",
         lambda: S.ExponentialDecay(0.1, 10, 0.5, staircase="no"),
         TypeError, "staircase must be True or False"),
    case("PiecewiseConstantDecay-not-a-list",
         lambda: S.PiecewiseConstantDecay(10, [0.1, 0.2]), TypeError,
         "PiecewiseConstantDecay: boundaries must be a list"),
    case("PiecewiseConstantDecay-order",
         lambda: S.PiecewiseConstantDecay([10, 5], [0.1, 0.2, 0.3]),
         ValueError, "boundaries must be increasing"),
    case("CosineDecay-alpha", lambda: S.CosineDecay(0.1, 100, alpha=1.5),
         ValueError, "CosineDecay: alpha must be a number in [0, 1]"),
    case("OneCycle-total_steps-float",
         lambda: S.OneCycle(0.1, 100.0), TypeError,
         "OneCycle: total_steps must be an integer >= 2", "100.0"),
    case("CyclicalLearningRate-mode",
         lambda: S.CyclicalLearningRate(0.01, 0.1, 10, mode="sine"),
         ValueError, "mode must be one of 'triangular', 'triangular2' or "
         "'exp_range'"),
    case("PerEpoch-schedule", lambda: S.PerEpoch("decay", 5), TypeError,
         "PerEpoch: schedule", "expected a schedule"),
    case("schedules-get", lambda: S.get({"schedule": "Sine"}), ValueError,
         "unknown schedule 'Sine'; choose one of"),
    # ----- callbacks ---------------------------------------------------------
    case("EarlyStopping-patience", lambda: cb.EarlyStopping(patience=-1),
         ValueError, "EarlyStopping: patience must be an integer >= 0"),
    case("EarlyStopping-patience-float",
         lambda: cb.EarlyStopping(patience=2.5), TypeError,
         "patience", "2.5 (a float)"),
    case("EarlyStopping-monitor", lambda: cb.EarlyStopping(monitor=3),
         TypeError, "EarlyStopping: monitor must be a metric name"),
    case("EarlyStopping-mode", lambda: cb.EarlyStopping(mode="up"),
         ValueError, "mode must be one of 'auto', 'min' or 'max'"),
    case("EarlyStopping-direction",
         lambda: cb.EarlyStopping(monitor="val_foo"), ValueError,
         "cannot tell whether 'val_foo' should be minimised",
         "mode='min'"),
    case("EarlyStopping-restore",
         lambda: cb.EarlyStopping(restore_best_weights="yes"), TypeError,
         "restore_best_weights must be True or False"),
    case("ReduceLROnPlateau-factor", lambda: cb.ReduceLROnPlateau(factor=1),
         ValueError, "ReduceLROnPlateau: factor must be a number in "
         "(0, 1)"),
    case("ReduceLROnPlateau-min_lr",
         lambda: cb.ReduceLROnPlateau(min_lr=-1), ValueError,
         "min_lr must be a finite number >= 0"),
    case("LearningRateScheduler-number",
         lambda: cb.LearningRateScheduler(0.1), TypeError,
         "LearningRateScheduler: schedule must be a function (epoch, lr) "
         "-> lr"),
    case("ModelCheckpoint-path", lambda: cb.ModelCheckpoint(3), TypeError,
         "ModelCheckpoint: filepath must be a file path"),
    case("ModelCheckpoint-flag",
         lambda: cb.ModelCheckpoint("m.npz", save_best_only="yes"),
         TypeError, "save_best_only must be True or False"),
    case("CSVLogger-separator", lambda: cb.CSVLogger("log.csv",
                                                    separator=""),
         ValueError, "CSVLogger: separator must be a non-empty string"),
    case("LambdaCallback-hook", lambda: cb.LambdaCallback(on_epoch_end=3),
         TypeError, "LambdaCallback: on_epoch_end must be a function"),
    case("TrainingMonitor-every",
         lambda: nnkit.instrument.TrainingMonitor(every=0), ValueError,
         "TrainingMonitor: every must be a positive integer"),
    # ----- losses and metrics ------------------------------------------------
    case("Huber-delta", lambda: nnkit.losses.Huber(delta=0), ValueError,
         "Huber: delta must be a finite number > 0"),
    case("BinaryCrossentropy-from_logits",
         lambda: nnkit.losses.BinaryCrossentropy(from_logits="yes"),
         TypeError, "from_logits must be True or False"),
    case("loss-shapes",
         lambda: nnkit.losses.MeanSquaredError()(np.zeros((4, 2)),
                                                 np.zeros((4, 3))),
         ValueError, "MeanSquaredError: y_true has shape (4, 2) but y_pred "
         "has shape (4, 3)"),
    case("loss-string-labels",
         lambda: nnkit.losses.SparseCategoricalCrossentropy()(
             ["cat", "dog"], np.ones((2, 2)) / 2), TypeError,
         "SparseCategoricalCrossentropy: y_true holds strings",
         "integers 0..C-1"),
    case("accuracy_score-labels-vs-probabilities",
         lambda: M.accuracy_score([1, 2], [0.3, 0.6]), ValueError,
         "accuracy_score: y_pred holds probabilities",
         "y_true holds the labels [1, 2]"),
    case("accuracy_score-lengths",
         lambda: M.accuracy_score([0, 1, 1], [0, 1]), ValueError,
         "accuracy_score: y_true has 3 labels but y_pred has 2"),
    case("confusion_matrix-duplicates",
         lambda: M.confusion_matrix([0, 1], [1, 0], labels=[0, 0, 1]),
         ValueError, "confusion_matrix: labels contains duplicates"),
    case("precision-average",
         lambda: M.precision([0, 1], [1, 1], average="mean"), ValueError,
         "precision: average must be one of"),
    case("fbeta-beta", lambda: M.fbeta_score([0, 1], [0, 1], beta=-1),
         ValueError, "fbeta_score: beta must be a finite number >= 0"),
    case("binary_report-fractional",
         lambda: M.binary_report(tn=1, fp=0, fn=0, tp=1.5), TypeError,
         "binary_report: tp must be a count (integer >= 0)", "1.5"),
    case("roc_curve-one-class", lambda: M.roc_curve([1, 1], [0.2, 0.9]),
         ValueError, "roc_curve: a ROC/PR curve needs both classes"),
    case("roc_curve-nan", lambda: M.roc_curve([0, 1], [0.2, np.nan]),
         ValueError, "roc_curve: scores contains NaN or inf"),
    case("roc_curve-strings", lambda: M.roc_curve([0, 1], ["lo", "hi"]),
         TypeError, "roc_curve: scores must hold"),
    case("binary_accuracy-threshold",
         lambda: M.binary_accuracy([0, 1], [0.2, 0.8], threshold="0.5"),
         TypeError, "binary_accuracy: threshold"),
    case("categorical_accuracy-shapes",
         lambda: M.categorical_accuracy([0, 1], np.eye(2)), ValueError,
         "categorical_accuracy: y_true has shape (2,)",
         "sparse_categorical_accuracy"),
    case("metrics-get-type", lambda: M.get(3), TypeError,
         "a metric must be a name such as 'accuracy'"),
    # ----- datasets ----------------------------------------------------------
    case("make_circle-float-n", lambda: make_circle(n=100.0), TypeError,
         "make_circle: n must be an integer >= 2", "100.0 (a float)"),
    case("make_circle-n-1", lambda: make_circle(n=1), ValueError,
         "make_circle: n must be an integer >= 2"),
    case("make_circle-noise", lambda: make_circle(noise=60), ValueError,
         "make_circle: noise must be a number in [0, 50]",
         "the Playground's 0-50 slider scale"),
    case("make_circle-seed", lambda: make_circle(seed=-1), ValueError,
         "make_circle: seed", "np.random.Generator"),
    case("make_circle-signed", lambda: make_circle(signed="yes"),
         TypeError, "make_circle: signed must be True or False"),
    case("playground-name", lambda: playground("moons"), ValueError,
         "playground: unknown Playground data set 'moons'", "circle"),
    case("playground-type", lambda: playground(3), TypeError,
         "playground: name must be a non-empty string"),
    case("load_mnist-n", lambda: nnkit.datasets.load_mnist(n=0),
         ValueError, "load_mnist: n must be an integer in [1, 5000]"),
    case("load_mnist-flatten",
         lambda: nnkit.datasets.load_mnist(flatten="yes"), TypeError,
         "load_mnist: flatten must be True or False"),
    # ----- preprocessing -----------------------------------------------------
    case("StandardScaler-strings",
         lambda: P.StandardScaler().fit([["a"], ["b"]]), TypeError,
         "StandardScaler.fit: x must hold", "dtype <U1"),
    case("StandardScaler-inf",
         lambda: P.StandardScaler().fit([[1.0], [np.inf]]), ValueError,
         "StandardScaler.fit: input contains inf (column 0, row 1)",
         "would turn its whole column into NaN"),
    case("StandardScaler-before-fit",
         lambda: P.StandardScaler().transform([[1.0]]), RuntimeError,
         "StandardScaler.transform: call fit(x_train) first"),
    case("MinMaxScaler-range", lambda: P.MinMaxScaler((1, 0)), ValueError,
         "MinMaxScaler: feature_range must be (lo, hi) with lo < hi"),
    case("MinMaxScaler-range-type", lambda: P.MinMaxScaler(5), TypeError,
         "MinMaxScaler: feature_range must be a pair (lo, hi)"),
    case("train_test_split-size",
         lambda: P.train_test_split(np.zeros(10), test_size=1.5),
         ValueError, "test_size must be a fraction in (0, 1) or a number "
         "of examples"),
    case("train_test_split-shuffle",
         lambda: P.train_test_split(np.zeros(10), shuffle="no"),
         TypeError, "train_test_split: shuffle must be True or False"),
    case("train_test_split-stratify",
         lambda: P.train_test_split(np.zeros(10), shuffle=False,
                                    stratify=np.zeros(10)),
         ValueError, "stratify needs shuffle=True"),
    case("one_hot-fraction", lambda: P.one_hot([0, 1.5]), ValueError,
         "one_hot: labels must be integers, got 1.5"),
    case("one_hot-num_classes", lambda: P.one_hot([0, 1], num_classes=0),
         ValueError, "one_hot: num_classes must be a positive integer"),
    case("one_hot-strings", lambda: P.one_hot(["cat"]), TypeError,
         "one_hot: labels must be integers", "map names to 0..C-1"),
    case("SimpleImputer-strategy", lambda: P.SimpleImputer("mode"),
         ValueError, "SimpleImputer: strategy must be one of 'mean', "
         "'median' or 'most_frequent'"),
    case("impute-inf", lambda: P.impute([[1.0], [np.inf], [np.nan]]),
         ValueError, "x contains inf, which is not a missing value"),
    case("time_series_split", lambda: P.time_series_split(10, n_splits=0),
         ValueError, "time_series_split: n_splits must be a positive "
         "integer"),
    case("temporal_split", lambda: P.temporal_split(np.zeros(10),
                                                    test_fraction=1),
         ValueError, "temporal_split: test_fraction must be a number in "
         "(0, 1)"),
    # ----- sequences ---------------------------------------------------------
    case("make_windows-window", lambda: Q.make_windows(np.zeros(10), 0),
         ValueError, "make_windows: window must be a positive integer"),
    case("make_windows-short", lambda: Q.make_windows(np.zeros(4), 4),
         ValueError, "a series of length 4 is too short for window=4"),
    case("pad_sequences-padding",
         lambda: Q.pad_sequences([[1]], padding="middle"), ValueError,
         "pad_sequences: padding must be 'pre' or 'post', got 'middle'"),
    case("pad_sequences-maxlen", lambda: Q.pad_sequences([[1]], maxlen=0),
         ValueError, "pad_sequences: maxlen must be a positive integer"),
    case("pad_sequences-overflow",
         lambda: Q.pad_sequences([np.array([2**40])]), ValueError,
         "which dtype int32 cannot hold", "dtype='int64'"),
    case("pad_sequences-not-a-list", lambda: Q.pad_sequences(5),
         TypeError, "pad_sequences: sequences must be a list of "
         "sequences"),
    case("pad_sequences-dtype", lambda: Q.pad_sequences([[1]], dtype="str"),
         ValueError, "pad_sequences: dtype must be a numeric dtype"),
    case("CharVocab-empty", lambda: Q.CharVocab(""), ValueError,
         "CharVocab: the text is empty"),
    case("CharVocab-type", lambda: Q.CharVocab(3), TypeError,
         "CharVocab: text must be a string or a list of strings"),
    case("CharVocab-encode", lambda: Q.CharVocab("abc").encode("abz"),
         ValueError, "CharVocab: character 'z' is not in the vocabulary"),
    case("sequences-one_hot-ids", lambda: Q.one_hot([0, 5], 3), ValueError,
         "one_hot: ids must be in [0, 3)"),
    case("sample_with_temperature",
         lambda: Q.sample_with_temperature([0.5, 0.5], -1.0,
                                           np.random.default_rng(0)),
         ValueError, "temperature must be >= 0"),
    case("CharVocab-encode-type", lambda: Q.CharVocab("abc").encode(3),
         TypeError, "CharVocab.encode: text must be a string"),
    case("CharVocab-decode-type",
         lambda: Q.CharVocab("abc").decode(["a"]), TypeError,
         "CharVocab.decode: ids must hold integers"),
    case("make_windows-strings",
         lambda: Q.make_windows(["a", "b", "c"], 1), TypeError,
         "make_windows: series must hold"),
    case("load_series-name",
         lambda: nnkit.datasets.load_series("Airpassengers2"), ValueError,
         "load_series: unknown series 'Airpassengers2'",
         "AirPassengers"),
    case("Perceptron-strings",
         lambda: nnkit.Perceptron().fit([["a", "b"]], [1]), TypeError,
         "Perceptron: x must hold"),
    case("Perceptron-labels", lambda: nnkit.Perceptron().fit(
        np.zeros((2, 2)), [0, 2]), ValueError,
        "Perceptron: labels must be 0 or 1, got 2"),
    case("layer_outputs-model",
         lambda: nnkit.instrument.layer_outputs("model", X), TypeError,
         "layer_outputs: model must be an nnkit model"),
    case("gradient_norms-uncompiled",
         lambda: nnkit.instrument.gradient_norms(
             Sequential([Dense(1)]), X, Y), RuntimeError,
         "gradient_norms: call compile"),
    # ----- widgets' public functions ---------------------------------------
    case("widgets-featurize-x", lambda: W.featurize("abc"), TypeError,
         "featurize: x must hold"),
    case("widgets-init_state-typo", lambda: W.init_state(hiden=(2,)),
         ValueError, "PlaygroundConfig has no argument 'hiden'", "hidden"),
    case("widgets-train_epochs-state", lambda: W.train_epochs("state"),
         TypeError, "train_epochs: state must be a PlaygroundState"),
    case("widgets-train_epochs-n", lambda: W.train_epochs(_state(), 1.5),
         TypeError, "train_epochs: n must be an integer >= 0"),
    case("widgets-accuracy-split",
         lambda: W.accuracy(_state(), split="val"), ValueError,
         "accuracy: split must be 'train' or 'test', got 'val'"),
    case("widgets-predict_grid-resolution",
         lambda: W.predict_grid(_state(), resolution=0), ValueError,
         "predict_grid: resolution must be an integer >= 2"),
    case("widgets-layer_maps-resolution",
         lambda: W.layer_maps(_state(), resolution=-1), ValueError,
         "layer_maps: resolution"),
    case("widgets-render-resolution",
         lambda: W.render(_state(), resolution=1.5), TypeError,
         "render: resolution must be an integer >= 2"),
    case("widgets-plot_neurons-resolution",
         lambda: W.plot_neurons(_state(), resolution=0), ValueError,
         "plot_neurons: resolution"),
    case("widgets-surface", lambda: W.suggested_learning_rates("mountain"),
         ValueError, "suggested_learning_rates: surface must be a Surface "
         "or one of 'rosenbrock'"),
    case("widgets-optimize_path-name",
         lambda: W.optimize_path("rosenbrock", "sgd"), ValueError,
         "optimize_path: optimizer must be one of 'SGD'"),
    case("widgets-optimize_path-type",
         lambda: W.optimize_path("rosenbrock", 3), TypeError,
         "optimize_path: optimizer must be an nnkit optimizer"),
    case("widgets-optimize_path-start",
         lambda: W.optimize_path("rosenbrock", "SGD", start=(1,)),
         ValueError, "optimize_path: start must be a point (x, y)"),
    case("widgets-optimizer_style", lambda: W.optimizer_style(3),
         TypeError, "optimizer_style: name must be a non-empty string"),
    case("widgets-path_losses", lambda: W.path_losses("rosenbrock", [1]),
         TypeError, "path_losses: paths must be a dict"),
    case("widgets-plot_activation-alpha",
         lambda: W.plot_activation("elu", alpha="a"), TypeError,
         "plot_activation: alpha must be a finite number"),
    case("widgets-plot_activation-name",
         lambda: W.plot_activation("relux"), ValueError,
         "plot_activation: name: unknown activation 'relux'"),
    case("widgets-activation_explorer",
         lambda: W.activation_explorer("relux"), ValueError,
         "ActivationExplorer: name: unknown activation"),
    case("widgets-parse_kernel", lambda: W.parse_kernel(3), TypeError,
         "parse_kernel: text must be a string"),
    case("widgets-conv_feature_map-image",
         lambda: W.conv_feature_map("img", np.ones((3, 3))), TypeError,
         "conv_feature_map: image must hold"),
    case("widgets-picture_figure-columns",
         lambda: W.picture_figure([], 0, (3, 3)), ValueError,
         "picture_figure: columns must be a positive integer"),
    case("widgets-playground_code-framework",
         lambda: W.playground_code(framework="torch"), ValueError,
         "playground_code: framework must be 'nnkit' or 'keras'"),
    # ----- gradcheck and lr_finder -------------------------------------------
    case("numerical_gradient-h-0",
         lambda: numerical_gradient(lambda: 0.0, np.zeros(3), h=0),
         ValueError, "numerical_gradient: h must be a finite number > 0",
         "got 0"),
    case("numerical_gradient-float32",
         lambda: numerical_gradient(lambda: 0.0,
                                    np.zeros(3, dtype=np.float32)),
         TypeError, "numerical_gradient needs float64 arrays"),
    case("numerical_gradient-f", lambda: numerical_gradient(3, np.zeros(3)),
         TypeError, "numerical_gradient: f must be a function"),
    case("check_layer-float32",
         lambda: check_layer(Dense(2), np.zeros((2, 3))),
         TypeError, "must be created with dtype='float64'"),
    case("check_model-uncompiled",
         lambda: check_model(Sequential([Dense(1)]), X, Y), RuntimeError,
         "check_model: compile the model first"),
    case("lr_range_test-start-end",
         lambda: lr_range_test(compiled(), X, Y, start=1.0, end=0.1),
         ValueError, "lr_range_test: need 0 < start < end"),
    case("lr_range_test-steps",
         lambda: lr_range_test(compiled(), X, Y, steps=1), ValueError,
         "lr_range_test: steps must be an integer >= 2"),
    case("lr_range_test-model", lambda: lr_range_test(None, X, Y),
         TypeError, "lr_range_test: model must be an nnkit model"),
    case("check_model-model", lambda: check_model("net", X, Y), TypeError,
         "check_model: model must be an nnkit model"),
    case("lr_range_test-uncompiled",
         lambda: lr_range_test(Sequential([Dense(1)]), X, Y), RuntimeError,
         "lr_range_test: call compile"),
]


@pytest.mark.parametrize("fn,exc,words", CASES)
def test_a_bad_input_gets_an_actionable_message(fn, exc, words, tmp_path,
                                                monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(exc) as err:
        fn()
    msg = str(err.value)
    for word in words:
        assert word in msg, f"{word!r} missing from {msg!r}"


def test_the_table_covers_at_least_100_bad_inputs():
    ids = [p.id for p in CASES]
    assert len(ids) == len(set(ids))
    assert len(ids) >= 100


def test_wrong_types_are_type_errors_that_keras_code_also_catches():
    # Keras raises ValueError for Dense("3"); nnkit's TypeError is a
    # ValueError too, so "except ValueError" written for Keras works.
    with pytest.raises(ValueError):
        Dense("3")
    with pytest.raises(TypeError):
        Dense("3")


# ----- faults that need files ----------------------------------------------
def test_load_model_on_a_truncated_file_names_the_path(tmp_path):
    path = compiled().save(tmp_path / "m")
    data = open(path, "rb").read()
    with open(path, "wb") as f:
        f.write(data[:len(data) // 2])
    with pytest.raises(ValueError) as err:
        nnkit.load_model(path)
    msg = str(err.value)
    assert msg.startswith(f"load_model: {path} is not a readable nnkit "
                          f"file (truncated, corrupt")


def test_save_without_suffix_and_load_with_the_same_name(tmp_path):
    model = compiled()
    written = model.save(tmp_path / "m")
    assert written == str(tmp_path / "m.npz")
    again = nnkit.load_model(tmp_path / "m")        # finds m.npz
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(FileNotFoundError, match=r"load_model: no file "
                       r".*other or .*other\.npz"):
        nnkit.load_model(tmp_path / "other")


def test_load_model_on_a_weights_file_says_use_load_weights(tmp_path):
    path = compiled().save_weights(tmp_path / "w")
    with pytest.raises(ValueError, match=r"holds only weights \(written "
                       r"by save_weights\), not a model; create the model "
                       r"with the same layers and call "
                       r"model.load_weights"):
        nnkit.load_model(path)


def test_loading_a_foreign_npz_fails_clearly(tmp_path):
    path = tmp_path / "w.npz"
    np.savez(path, a=np.zeros(3))
    with pytest.raises(ValueError, match="not an nnkit model file"):
        nnkit.load_model(path)


def test_a_single_npy_array_is_not_taken_for_a_model(tmp_path):
    path = tmp_path / "x.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(ValueError, match="a single array, not an .npz "
                       "archive"):
        nnkit.load_model(path)


def test_a_file_with_pickled_objects_is_refused_not_unpickled(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, __meta__=np.array([{"x": 1}], dtype=object))
    with pytest.raises(ValueError, match="pickled objects, which nnkit "
                       "never loads"):
        nnkit.load_model(path)


def test_saving_a_model_with_a_metric_function_is_refused_clearly(
        tmp_path):
    def my_metric(y_true, y_pred):
        return 0.0

    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile("sgd", "mse", metrics=[my_metric])
    with pytest.raises(TypeError) as err:
        model.save(tmp_path / "m")
    msg = str(err.value)
    assert "metric function 'my_metric'" in msg
    assert "save_weights(path)" in msg
    assert not (tmp_path / "m.npz").exists()


def test_load_weights_of_a_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="load_weights: no file"):
        compiled().load_weights(tmp_path / "nothing.npz")


# ----- messages that must name where training went wrong ---------------------
def test_divergence_stops_fit_naming_epoch_batch_and_layer():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 3)) * 10
    y = rng.standard_normal(64) * 10
    model = Sequential([Dense(16, activation="relu", name="wide",
                              input_shape=(3,)),
                        Dense(1, name="out")], seed=0)
    model.compile(O.SGD(5.0), "mse")
    with pytest.raises(nnkit.TrainingDivergedError) as err:
        model.fit(x, y, epochs=50, batch_size=16, verbose=0)
    e = err.value
    msg = str(e)
    assert f"epoch {e.epoch}/50, batch {e.batch}/4" in msg
    assert e.layer in ("wide", "out") and f"'{e.layer}'" in msg
    assert "learning rate" in msg


def test_wrong_input_width_names_layer_and_both_shapes():
    model = Sequential([Dense(8, name="hidden1", input_shape=(64,))])
    with pytest.raises(ValueError) as err:
        model.predict(np.zeros((32, 65)))
    assert str(err.value) == ("Dense 'hidden1' expects inputs of shape "
                              "(batch, 64), got (32, 65)")


@pytest.mark.parametrize("kind,name", [
    (nnkit.activations.get, "relux"),
    (nnkit.losses.get, "mean_squared_eror"),
    (nnkit.optimizers.get, "adamm"),
    (nnkit.initializers.get, "glorot"),
    (nnkit.regularizers.get, "l3"),
])
def test_unknown_names_list_the_valid_choices(kind, name):
    with pytest.raises(ValueError, match=f"unknown .*'{name}'.*choose one"):
        kind(name)


def test_sparse_label_equal_to_class_count_is_rejected_before_training():
    model = compiled("sparse_categorical_crossentropy", 3, "softmax")
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 2\]"):
        model.fit(np.zeros((5, 3)), np.array([0, 1, 2, 3, 1]), verbose=0)
    assert model.optimizer.iterations == 0
