"""Sequential: structure, training behaviour, save/load, determinism."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Input, Sequential

from .conftest import summary_text


def xor_data():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return x, np.array([0, 1, 1, 0], dtype=float)


def small_model(seed=0, dtype=None, units=1, out="sigmoid"):
    return Sequential([Input((2,)), Dense(8, activation="tanh"),
                       Dense(units, activation=out)], seed=seed,
                      dtype=dtype)


def test_layers_get_unique_keras_style_names():
    model = Sequential([Dense(3, input_shape=(2,)), Dense(3), Dense(1)])
    assert [layer.name for layer in model.layers] == \
        ["dense", "dense_1", "dense_2"]
    assert model.parameters()[2].path == "dense_1/kernel"


def test_duplicate_explicit_names_are_rejected():
    with pytest.raises(ValueError, match="already exists"):
        Sequential([Dense(3, name="h", input_shape=(2,)), Dense(1, name="h")])


def test_summary_counts_parameters_like_keras():
    model = Sequential([Input((784,)), Dense(300, activation="relu"),
                        Dense(100, activation="relu"),
                        Dense(10, activation="softmax")])
    text = summary_text(model)
    # 784*300+300 + 300*100+100 + 100*10+10, the Fashion-MNIST MLP
    assert model.count_params() == 266_610
    assert "Total params: 266,610" in text
    assert "(None, 300)" in text and "dense_2 (Dense)" in text


def test_summary_prints_once_and_returns_none_like_keras(capsys, keras):
    """Keras' summary() prints and returns None, so a notebook cell that
    ends in ``model.summary()`` shows the table once; print_fn gets the
    whole table (Keras 3 passes a custom print_fn one string too)."""
    model = Sequential([Input((4,)), Dense(3), Dense(1)])
    assert model.summary() is None
    printed = capsys.readouterr().out
    assert printed.count("Total params: 19") == 1
    got = []
    assert model.summary(print_fn=got.append) is None
    assert capsys.readouterr().out == ""
    assert len(got) == 1 and got[0] == printed.rstrip("\n")
    twin = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3),
                             keras.layers.Dense(1)])
    assert twin.summary() is None
    capsys.readouterr()
    caught = []
    twin.summary(print_fn=lambda text, **kw: caught.append(text))
    assert len(caught) == 1 and "Total params: 19" in caught[0]


def test_seeded_models_are_identical_and_training_is_reproducible():
    x = np.random.default_rng(0).standard_normal((64, 2))
    y = (x[:, 0] > 0).astype(float)
    runs = []
    for _ in range(2):
        model = small_model(seed=42)
        model.compile(nnkit.optimizers.SGD(0.1), "binary_crossentropy")
        hist = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
        runs.append((hist.history["loss"], model.get_weights()))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        assert np.array_equal(a, b)
    assert not np.array_equal(small_model(seed=43).get_weights()[0],
                              small_model(seed=42).get_weights()[0])


def test_mlp_learns_xor():
    x, y = xor_data()
    model = small_model(seed=1)
    model.compile(nnkit.optimizers.SGD(0.5, momentum=0.9),
                  "binary_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, epochs=300, batch_size=4, verbose=0)
    assert hist.history["accuracy"][-1] == 1.0
    assert hist.history["loss"][-1] < 0.1 < hist.history["loss"][0]


def test_initial_cross_entropy_is_about_log_c():
    rng = np.random.default_rng(0)
    model = Sequential([Dense(32, activation="relu", input_shape=(20,)),
                        Dense(10, activation="softmax",
                              kernel_initializer=nnkit.initializers
                              .RandomNormal(stddev=1e-3))], seed=0)
    model.compile("sgd", "sparse_categorical_crossentropy")
    x = rng.standard_normal((500, 20))
    y = rng.integers(0, 10, 500)
    assert abs(model.evaluate(x, y) - np.log(10)) < 0.01


def test_model_overfits_a_hundred_examples():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((100, 5))
    y = rng.integers(0, 3, 100)          # random labels: pure memorisation
    model = Sequential([Dense(64, activation="tanh", input_shape=(5,)),
                        Dense(3, activation="softmax")], seed=0)
    model.compile(nnkit.optimizers.SGD(0.5, momentum=0.9),
                  "sparse_categorical_crossentropy", metrics=["accuracy"])
    hist = model.fit(x, y, epochs=300, batch_size=100, verbose=0)
    assert hist.history["accuracy"][-1] >= 0.95


def test_validation_split_holds_out_the_last_examples():
    x = np.arange(40, dtype=float).reshape(20, 2)
    y = np.zeros(20)
    seen = []

    class Spy(nnkit.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            seen.append(batch)

    model = small_model()
    model.compile("sgd", "mse")
    hist = model.fit(x, y, epochs=1, batch_size=4, validation_split=0.25,
                     verbose=0, callbacks=[Spy()])
    assert seen == [0, 1, 2, 3]          # 15 training examples, 4 batches
    val = model.evaluate(x[15:], y[15:])
    assert np.isclose(hist.history["val_loss"][0], val)


def test_stop_training_from_a_callback_ends_after_that_epoch():
    class StopAtTwo(nnkit.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    x, y = xor_data()
    model = small_model()
    model.compile("sgd", "mse")
    hist = model.fit(x, y, epochs=10, verbose=0, callbacks=[StopAtTwo()])
    assert hist.epoch == [0, 1]


def test_verbose_output_shows_epochs_and_loss(capsys):
    x, y = xor_data()
    model = small_model()
    model.compile("sgd", "mse", metrics=["mae"])
    model.fit(x, y, epochs=2, batch_size=2, verbose=1)
    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "loss:" in out and "mae:" in out
    model.fit(x, y, epochs=2, verbose=2)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("Epoch 2/2")


def test_save_and_load_round_trip_is_exact(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(float)
    model = Sequential([
        Input((2,)),
        Dense(6, activation=nnkit.activations.LeakyReLU(0.1),
              kernel_regularizer=nnkit.regularizers.L2(1e-3)),
        Dense(1, activation="sigmoid")], seed=5, name="net")
    model.compile(nnkit.optimizers.SGD(0.05, momentum=0.9, nesterov=True,
                                       clipnorm=1.0),
                  "binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    path = model.save(tmp_path / "model")
    assert path.endswith(".npz")
    loaded = nnkit.load_model(path)
    assert loaded.name == "net"
    assert loaded.get_config() == model.get_config()
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert np.array_equal(model.predict(x), loaded.predict(x))
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.optimizer.iterations == model.optimizer.iterations == 8
    # Resuming training from the file gives exactly what continuing
    # in memory gives: optimizer slots and the shuffling RNG were saved.
    h1 = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    h2 = loaded.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert h1.history == h2.history
    for a, b in zip(model.get_weights(), loaded.get_weights()):
        assert np.array_equal(a, b)


def test_saved_file_holds_no_pickled_objects(tmp_path):
    model = small_model()
    model.compile("sgd", "mse")
    path = model.save(tmp_path / "m.npz")
    with np.load(path, allow_pickle=False) as data:
        for key in data.files:
            assert data[key].dtype != object
        meta = json.loads(str(data["__meta__"]))
    assert meta["format"] == "nnkit.Model"
    assert meta["class_name"] == "Sequential"
    with zipfile.ZipFile(path) as zf:
        assert all(name.endswith(".npy") for name in zf.namelist())


def test_float64_model_keeps_float64_everywhere(tmp_path):
    model = small_model(dtype="float64")
    assert all(w.dtype == np.float64 for w in model.get_weights())
    model.compile("sgd", "mse")
    x, y = xor_data()
    assert model.predict(x.astype(np.float32)).dtype == np.float64
    loaded = nnkit.load_model(model.save(tmp_path / "m"))
    assert all(w.dtype == np.float64 for w in loaded.get_weights())


def test_default_dtype_is_float32():
    model = small_model()
    x, _ = xor_data()
    assert model.predict(x).dtype == np.float32
    assert all(w.dtype == np.float32 for w in model.get_weights())


def test_fused_sigmoid_cross_entropy_does_not_saturate():
    """A saturated sigmoid still gets a gradient (via the logits)."""
    model = Sequential([Dense(1, activation="sigmoid", input_shape=(1,),
                              kernel_initializer="ones")], dtype="float64")
    model.compile(nnkit.optimizers.SGD(1.0), "binary_crossentropy")
    x, y = np.array([[40.0]]), np.array([0.0])   # sigmoid(40) == 1.0
    loss = model.train_on_batch(x, y)
    assert np.isclose(loss, 40.0)                 # log-loss from logits
    assert model.get_weights()[0][0, 0] < 1.0 - 30  # a real step happened


def test_training_curve_of_keras_style_fit_uses_pre_update_losses():
    x, y = xor_data()
    model = small_model(seed=3)
    model.compile(nnkit.optimizers.SGD(0.1), "mse")
    before = model.evaluate(x, y)
    hist = model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    assert np.isclose(hist.history["loss"][0], before)


def test_numpy_global_random_state_is_untouched():
    np.random.seed(0)
    expected = np.random.random()
    np.random.seed(0)
    model = small_model(seed=1)
    model.compile("sgd", "mse")
    x, y = xor_data()
    model.fit(x, y, epochs=2, verbose=0)
    assert np.random.random() == expected


def test_first_layer_skips_the_unused_input_gradient_only_inside_fit():
    calls = []
    model = small_model(dtype="float64")
    first = model.layers[0]
    original = first.backward_from_logits

    def spy(dz, need_dx=True):
        dx = original(dz, need_dx)
        calls.append((need_dx, dx))
        return dx

    first.backward_from_logits = spy
    model.compile("sgd", "mse")
    x, y = xor_data()
    model.train_on_batch(x, y)
    assert calls[-1] == (False, None)       # the model asked for no dx
    first.forward(x)                        # a direct call gets dx
    assert first.backward(np.ones((4, 8))).shape == (4, 2)
    assert calls[-1][0] is True


def test_a_layer_built_on_its_own_uses_its_seed():
    x = np.ones((2, 3))
    a, b = Dense(4, seed=7), Dense(4, seed=7)
    assert np.array_equal(a(x), b(x))
    assert not np.array_equal(Dense(4, seed=8)(x), a(x))
    assert Dense.from_config(a.get_config()).seed == 7


def test_build_accepts_keras_batch_axis_as_none():
    """Keras code calls build((None, 3)); nnkit reads it as build((3,))
    and gives the same weights, the same as Keras' layout."""
    keras = pytest.importorskip("keras")
    ours = Sequential([Dense(4), Dense(2)])
    ours.build((None, 3))
    plain = Sequential([Dense(4), Dense(2)])
    plain.build((3,))
    theirs = keras.Sequential([keras.layers.Dense(4), keras.layers.Dense(2)])
    theirs.build((None, 3))
    assert ours.input_shape == plain.input_shape == (3,)
    shapes = [w.shape for w in ours.get_weights()]
    assert shapes == [w.shape for w in plain.get_weights()]
    assert shapes == [tuple(w.shape) for w in theirs.get_weights()]
