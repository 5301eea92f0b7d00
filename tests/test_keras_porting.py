"""Keras code runs on nnkit by changing the import: what a Keras call
returns (types, shapes, structure) is what the nnkit call returns.

Each test runs the same snippet on both libraries, with the same
weights, and compares what comes back.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit


def twins(keras, metrics, seed=0):
    """The same small classifier in nnkit and Keras, equal weights."""
    ours = nnkit.Sequential([nnkit.Input(shape=(4,)),
                             nnkit.layers.Dense(3, activation="tanh"),
                             nnkit.layers.Dense(1, activation="sigmoid")],
                            seed=seed)
    theirs = keras.Sequential([keras.Input(shape=(4,)),
                               keras.layers.Dense(3, activation="tanh"),
                               keras.layers.Dense(1, activation="sigmoid")])
    theirs.set_weights(ours.get_weights())
    for model, lib in ((ours, nnkit), (theirs, keras)):
        model.compile(optimizer=lib.optimizers.SGD(learning_rate=0.5),
                      loss="binary_crossentropy", metrics=metrics)
    return ours, theirs


def data(n=20, seed=1):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    return x, (x[:, :1] > 0).astype("float32")


@pytest.mark.parametrize("metrics", [None, ["accuracy"]])
def test_train_and_test_on_batch_return_what_keras_returns(keras, metrics):
    ours, theirs = twins(keras, metrics)
    x, y = data()
    for call in ("train_on_batch", "test_on_batch"):
        for return_dict in (False, True):
            got = getattr(ours, call)(x, y, return_dict=return_dict)
            want = getattr(theirs, call)(x, y, return_dict=return_dict)
            assert type(got) is type(want), (call, return_dict)
            if return_dict:
                assert sorted(got) == sorted(want)
                got, want = ([d[k] for k in sorted(d)]
                             for d in (got, want))
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    # the metrics describe the last batch alone, as Keras resets them
    half = slice(0, 10)
    np.testing.assert_allclose(ours.train_on_batch(x[half], y[half]),
                               theirs.train_on_batch(x[half], y[half]),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours.get_weights()[0],
                               theirs.get_weights()[0], rtol=1e-5,
                               atol=1e-6)


def test_predict_on_batch_is_predict(keras):
    ours, theirs = twins(keras, None)
    x, _ = data()
    got, want = ours.predict_on_batch(x), theirs.predict_on_batch(x)
    assert type(got) is type(want) and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_schedules_live_where_keras_keeps_them(keras):
    from nnkit.optimizers.schedules import ExponentialDecay

    assert ExponentialDecay is nnkit.schedules.ExponentialDecay
    for name in ("ExponentialDecay", "InverseTimeDecay", "CosineDecay",
                 "PiecewiseConstantDecay", "LearningRateSchedule"):
        assert hasattr(keras.optimizers.schedules, name)
        assert getattr(nnkit.optimizers.schedules, name) is getattr(
            nnkit.schedules, name)
    ours = nnkit.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    theirs = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    np.testing.assert_allclose(ours(5), float(theirs(5)), rtol=1e-6)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        nnkit.optimizers.nothing  # noqa: B018


def bn_twins(keras):
    """Dense + BatchNormalization + Dense in both libraries, equal
    weights (BatchNormalization has two non-trainable weights)."""
    def build(lib, **kw):
        return lib.Sequential([lib.Input(shape=(4,)),
                               lib.layers.Dense(3),
                               lib.layers.BatchNormalization(),
                               lib.layers.Dense(1)], **kw)
    ours, theirs = build(nnkit, seed=0), build(keras)
    theirs.set_weights(ours.get_weights())
    return ours, theirs


def shapes(weights):
    return [tuple(w.shape) for w in weights]


def test_weight_lists_match_keras(keras):
    ours, theirs = bn_twins(keras)
    for freeze in (None, 0, "model"):
        if freeze == "model":
            ours.trainable = theirs.trainable = False
        elif freeze is not None:
            ours.layers[freeze].trainable = False
            theirs.layers[freeze].trainable = False
        for attr in ("weights", "trainable_weights",
                     "non_trainable_weights"):
            for a, b in [(ours, theirs)] + list(zip(ours.layers,
                                                    theirs.layers)):
                got, want = getattr(a, attr), getattr(b, attr)
                assert shapes(got) == shapes(want), (freeze, attr, a)
                for g, w in zip(got, want):
                    np.testing.assert_array_equal(g.numpy(), w.numpy())
                    np.testing.assert_array_equal(np.asarray(g),
                                                  np.asarray(w))
                    assert g.name == w.name


def test_a_weight_assigns_in_place_like_a_keras_variable(keras):
    ours, theirs = bn_twins(keras)
    kernel = np.arange(12.0).reshape(4, 3)
    ours.layers[0].kernel.assign(kernel)
    theirs.layers[0].kernel.assign(kernel)
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    np.testing.assert_allclose(ours.predict(x), theirs.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-5)
    copy = ours.weights[0].numpy()
    copy[...] = 0.0                       # a copy: the weight is unchanged
    np.testing.assert_array_equal(ours.get_weights()[0], kernel)
    with pytest.raises(ValueError, match=r"weight 'kernel' has shape \(4, 3\), got \(3, 4\)"):
        ours.layers[0].kernel.assign(np.zeros((3, 4)))


def test_model_shapes_carry_keras_batch_axis(keras):
    ours, theirs = bn_twins(keras)
    assert ours.input_shape == theirs.input_shape == (None, 4)
    assert ours.output_shape == theirs.output_shape == (None, 1)
    # Keras idioms that read the example's shape
    assert ours.input_shape[1:] == tuple(theirs.input_shape[1:])
    assert ours.output_shape[-1] == theirs.output_shape[-1] == 1
    late = nnkit.Sequential([nnkit.layers.Dense(2, input_shape=(3, 5))])
    assert late.input_shape == (None, 3, 5)
    assert late.output_shape == (None, 3, 2)
    assert nnkit.Sequential([nnkit.layers.Dense(2)]).input_shape is None
    for lib in (nnkit, keras):
        a, b = lib.Input(shape=(4,)), lib.Input(shape=(2, 3))
        out = lib.layers.Dense(5)(a)
        two = lib.Model(inputs=[a, b], outputs=[out, b])
        assert [tuple(s) for s in two.input_shape] == [(None, 4),
                                                         (None, 2, 3)]
        assert [tuple(s) for s in two.output_shape] == [(None, 5),
                                                          (None, 2, 3)]
        one = lib.Model(inputs=a, outputs=out)
        assert tuple(one.input_shape) == (None, 4)
        assert tuple(one.output_shape) == (None, 5)


@pytest.mark.parametrize("make, shape", [
    (lambda lib: lib.layers.Dense(3, kernel_regularizer="l2"), (None, 5)),
    (lambda lib: lib.layers.Conv2D(4, 3), (None, 8, 8, 3)),
    (lambda lib: lib.layers.BatchNormalization(), (None, 6)),
    (lambda lib: lib.layers.Embedding(10, 4), (None, 7)),
    (lambda lib: lib.layers.Add(), [(None, 4), (None, 4)]),
])
def test_layer_build_takes_keras_shape_with_batch_axis(keras, make, shape):
    ours, theirs = make(nnkit), make(keras)
    ours.build(shape)
    theirs.build(shape)
    assert ours.built and theirs.built
    assert shapes(ours.get_weights()) == shapes(theirs.get_weights())
    plain = make(nnkit)
    plain.build([s[1:] for s in shape] if isinstance(shape, list)
                else shape[1:])
    assert plain.input_shape == ours.input_shape


def test_batch_size_none_means_keras_default(keras):
    ours, theirs = twins(keras, ["accuracy"])
    x, y = data(n=70)
    for model in (ours, theirs):
        h = model.fit(x, y, batch_size=None, epochs=1, verbose=0,
                      shuffle=False)
        assert h.params["steps"] == 3               # ceil(70 / 32)
    np.testing.assert_allclose(ours.get_weights()[0],
                               theirs.get_weights()[0], rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(
        ours.evaluate(x, y, batch_size=None),
        theirs.evaluate(x, y, batch_size=None, verbose=0), rtol=1e-5)


def two_outputs(lib):
    a = lib.Input(shape=(3,), name="a")
    o1 = lib.layers.Dense(1, name="o1")(a)
    o2 = lib.layers.Dense(2, activation="softmax", name="o2")(a)
    return lib.Model(inputs=a, outputs=[o1, o2])


def test_metrics_dict_may_leave_out_an_output_as_in_keras(keras):
    x = np.ones((6, 3), "float32")
    ys = [np.zeros((6, 1), "float32"),
          np.eye(2)[[0, 1, 0, 1, 0, 1]].astype("float32")]
    keys = []
    for lib in (nnkit, keras):
        model = two_outputs(lib)
        model.compile(optimizer="sgd",
                      loss={"o1": "mse", "o2": "categorical_crossentropy"},
                      metrics={"o2": ["accuracy"]})
        keys.append(sorted(model.fit(x, ys, verbose=0).history))
        with pytest.raises(ValueError, match="o2"):      # losses may not
            model.compile(optimizer="sgd", loss={"o1": "mse"})
            model.fit(x, ys, verbose=0)
    assert keys[0] == keys[1] == ["loss", "o1_loss", "o2_accuracy",
                                  "o2_loss"]


def test_a_keras_file_gets_an_error_that_says_so(keras, tmp_path):
    theirs = keras.Sequential([keras.Input(shape=(3,)),
                               keras.layers.Dense(2)])
    theirs.save(tmp_path / "k.keras")
    theirs.save_weights(tmp_path / "k.weights.h5")
    hint = "Keras file.*nnkit.interop.from_keras"
    with pytest.raises(ValueError, match=f"load_model: .*{hint}"):
        nnkit.load_model(str(tmp_path / "k.keras"))
    ours = nnkit.Sequential([nnkit.Input(shape=(3,)),
                             nnkit.layers.Dense(2)])
    with pytest.raises(ValueError, match=f"load_weights: .*{hint}"):
        ours.load_weights(str(tmp_path / "k.weights.h5"))
    # nnkit's own files keep Keras' names, with .npz appended
    written = ours.save(str(tmp_path / "ours.keras"))
    assert written.endswith("ours.keras.npz")
    assert nnkit.load_model(str(tmp_path / "ours.keras")).count_params() \
        == 8


@pytest.mark.parametrize("name", ["sigmoid", "softmax"])
def test_activation_functions_keras_code_passes_work(keras, name):
    x = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    ours = nnkit.layers.Dense(
        3, activation=getattr(nnkit.activations, name))
    theirs = keras.layers.Dense(
        3, activation=getattr(keras.activations, name))
    ours.build((4,))
    theirs.build((None, 4))
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours(x), np.asarray(theirs(x)), rtol=1e-5,
                               atol=1e-6)
    assert ours.get_config()["activation"] == name


def test_an_activation_function_nnkit_cannot_differentiate_names_the_fix():
    def relu(x):
        return np.maximum(x, 0)

    with pytest.raises(TypeError, match="write the name, activation='relu'"):
        nnkit.layers.Dense(2, activation=relu)


def test_callbacks_take_verbose_and_print_what_keras_prints(
        keras, tmp_path, capsys):
    x, y = data(n=32)
    x_val, y_val = x[::-1].copy(), 1 - y          # validation gets worse
    printed = []
    for lib in (nnkit, keras):
        model = twins(keras, None)[lib is keras]
        cbs = [lib.callbacks.EarlyStopping(monitor="val_loss", patience=1,
                                           verbose=1,
                                           restore_best_weights=True),
               lib.callbacks.ReduceLROnPlateau(monitor="val_loss",
                                               factor=0.5, patience=1,
                                               verbose=1),
               lib.callbacks.LearningRateScheduler(
                   lambda epoch, lr: lr, verbose=1),
               lib.callbacks.ModelCheckpoint(
                   str(tmp_path / f"{lib.__name__}.weights.h5"),
                   save_best_only=True, save_weights_only=True,
                   verbose=1)]
        capsys.readouterr()
        model.fit(x, y, epochs=4, batch_size=32, verbose=0, shuffle=False,
                  validation_data=(x_val, y_val), callbacks=cbs)
        out = capsys.readouterr().out
        printed.append([line.replace(f"{lib.__name__}.weights.h5", "F")
                        .replace(".npz", "") for line in out.splitlines()
                        if line.strip()])
    assert printed[0] == printed[1]
    assert any("early stopping" in line for line in printed[0])
    assert any("ReduceLROnPlateau reducing" in line for line in printed[0])


@pytest.mark.parametrize("name", ["binary_accuracy", "mean_squared_error",
                                  "mean_absolute_error"])
def test_metric_functions_return_the_mean_of_keras_values(keras, name):
    rng = np.random.default_rng(3)
    y_true = (rng.random((9, 1)) > 0.5).astype("float32")
    y_pred = rng.random((9, 1)).astype("float32")
    ours = getattr(nnkit.metrics, name)(y_true, y_pred)
    theirs = np.asarray(getattr(keras.metrics, name)(y_true, y_pred))
    assert isinstance(ours, float) and theirs.size == 9
    np.testing.assert_allclose(ours, theirs.mean(), rtol=1e-6)


@pytest.mark.parametrize("metrics", [["acc"], ["acc", "auc"], ["accuracy"],
                                     ["mse", "mae"], ["binary_accuracy"]])
def test_history_keys_are_keras_keys(keras, metrics):
    x, y = data()
    keys = []
    for model in twins(keras, metrics):
        history = model.fit(x, y, epochs=1, verbose=0,
                            validation_data=(x, y))
        keys.append(sorted(history.history))
    assert keys[0] == keys[1]


def test_saving_takes_keras_argument_names(keras, tmp_path):
    import inspect

    for meth in ("save", "save_weights", "load_weights"):
        ours = list(inspect.signature(getattr(nnkit.Model, meth))
                    .parameters)[1:]
        theirs = list(inspect.signature(getattr(keras.Model, meth))
                      .parameters)[1:]
        assert ours == theirs[:len(ours)], meth
    assert list(inspect.signature(nnkit.load_model).parameters)[0] == \
        list(inspect.signature(keras.models.load_model).parameters)[0]
    model = twins(keras, ["accuracy"])[0]
    written = model.save(filepath=str(tmp_path / "m.keras"), overwrite=True)
    model.save_weights(filepath=str(tmp_path / "w.weights.h5"))
    again = nnkit.load_model(filepath=str(tmp_path / "m.keras"))
    again.load_weights(filepath=str(tmp_path / "w.weights.h5"))
    with pytest.raises(FileExistsError, match=r"save: .*m\.keras\.npz"):
        model.save(str(tmp_path / "m.keras"), overwrite=False)
    with pytest.raises(FileExistsError, match="save_weights: "):
        model.save_weights(str(tmp_path / "w.weights.h5"), overwrite=False)
    model.save(str(tmp_path / "new.keras"), overwrite=False)   # no file yet
    assert written.endswith("m.keras.npz")


def test_layer_output_extracts_features_as_in_keras(keras):
    x = np.random.default_rng(2).normal(size=(5, 4)).astype("float32")
    got, weights = [], None
    for lib in (nnkit, keras):
        inp = lib.Input(shape=(4,))
        hidden = lib.layers.Dense(3, activation="tanh", name="hidden")(inp)
        model = lib.Model(inp, lib.layers.Dense(1, name="out")(hidden))
        if weights is None:
            weights = model.get_weights()
        model.set_weights(weights)
        assert model.get_layer("hidden").input is model.input
        assert model.layers[0].output is model.input
        features = lib.Model(inputs=model.input,
                             outputs=model.get_layer("hidden").output)
        assert model.get_layer("out").output is model.output
        got.append(features.predict(x, verbose=0))
    np.testing.assert_allclose(got[0], got[1], rtol=1e-5, atol=1e-6)
    a, b = nnkit.Input(shape=(2,)), nnkit.Input(shape=(2,))
    add = nnkit.layers.Add()
    two = nnkit.Model([a, b], add([a, b]))
    assert add.input == [a, b] and two.input == [a, b]
    chain = nnkit.Sequential([nnkit.Input(shape=(2,)), nnkit.layers.Dense(1)])
    with pytest.raises(AttributeError, match="has no output: .*functional"):
        assert chain.layers[0].output is None  # never reached
