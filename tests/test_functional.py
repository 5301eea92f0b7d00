"""The functional Model: graph building, training, errors, save/load,
and whole-model gradient checks (fan-out and shared layers included)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nnkit
from nnkit import Input, Model, Sequential
from nnkit.gradcheck import check_model
from nnkit.layers import (
    Add,
    Average,
    BatchNormalization,
    Concatenate,
    Dense,
    Dropout,
    Multiply,
    Subtract,
)
from nnkit.models import Functional, SymbolicTensor

from .conftest import summary_text

PASS = 1e-7


def two_in_two_out(dtype="float64", seed=0):
    """Two inputs, two outputs, a fan-out and a shared layer."""
    a = Input((3,), name="a", dtype=dtype)
    b = Input((2,), name="b", dtype=dtype)
    pa = Dense(4, activation="tanh", name="pa")(a)
    pb = Dense(4, activation="sigmoid", name="pb")(b)
    shared = Dense(4, activation="tanh", name="shared")
    sa, sb = shared(pa), shared(pb)                  # shared layer
    m = Add(name="add")([sa, sb])
    c = Concatenate(name="cat")([m, pa])             # pa fans out
    out1 = Dense(1, name="out1")(c)
    d = Multiply(name="mul")([sa, Subtract(name="sub")([sb, m])])
    out2 = Dense(3, activation="softmax", name="out2")(
        Average(name="avg")([d, m]))
    return Model(inputs=[a, b], outputs=[out1, out2], name="net",
                 seed=seed)


def data(n=16, seed=1):
    rng = np.random.default_rng(seed)
    xa, xb = rng.standard_normal((n, 3)), rng.standard_normal((n, 2))
    y1 = xa[:, :1] * xb[:, 1:] + 0.1 * rng.standard_normal((n, 1))
    y2 = (xa[:, 1] > 0).astype(int) + (xb[:, 0] > 0.5)
    return [xa, xb], [y1, y2]


# ----- building ------------------------------------------------------------
def test_input_is_a_symbolic_tensor_with_keras_shape():
    x = Input(shape=(4, 2), name="seq")
    assert isinstance(x, SymbolicTensor)
    assert x.shape == (None, 4, 2) and x.dtype == np.float32
    assert x.name == "seq"
    h = Dense(3)(x)
    assert h.shape == (None, 4, 3) and h.layer.inbound_nodes[0] is h.node


def test_model_with_inputs_and_outputs_is_functional_and_a_model():
    model = two_in_two_out()
    assert type(model) is Functional and isinstance(model, Model)
    assert isinstance(Sequential([Input((2,)), Dense(1)]), Model)
    assert model.input_names == ["a", "b"]
    assert model.output_names == ["out1", "out2"]
    names = [layer.name for layer in model.layers]
    assert names[:2] == ["a", "b"] and set(names) == {
        "a", "b", "pa", "pb", "shared", "add", "cat", "out1", "sub",
        "mul", "avg", "out2"}
    # The shared layer is one layer with two calls, and one set of weights.
    shared = model.get_layer("shared")
    assert len(shared.inbound_nodes) == 2
    assert len(model.parameters()) == 2 * 5


def test_unnamed_layers_get_unique_names_and_duplicates_are_refused():
    x = Input((2,))
    y = Dense(2)(Dense(2)(x))
    model = Model(x, y)
    assert [la.name for la in model.layers] == ["input_layer", "dense",
                                               "dense_1"]
    x = Input((2,))
    y = Dense(2, name="h")(Dense(2, name="h")(x))
    with pytest.raises(ValueError, match="two layers are named 'h'"):
        Model(x, y)


def test_the_forward_pass_follows_the_graph():
    model = two_in_two_out()
    xs, _ = data()
    out1, out2 = model.predict(xs)
    w = {p.path: p.data for p in model.parameters()}

    def dense(x, name, f=lambda z: z):
        return f(x @ w[f"{name}/kernel"] + w[f"{name}/bias"])

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    pa = dense(xs[0], "pa", np.tanh)
    pb = dense(xs[1], "pb", sigmoid)
    sa, sb = dense(pa, "shared", np.tanh), dense(pb, "shared", np.tanh)
    m = sa + sb
    o1 = dense(np.concatenate([m, pa], axis=1), "out1")
    z = dense((sa * (sb - m) + m) / 2, "out2")
    o2 = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    assert np.allclose(out1, o1) and np.allclose(out2, o2)
    # dicts keyed by input name give the same
    again = model.predict({"b": xs[1], "a": xs[0]})
    assert np.array_equal(again[0], out1)


def test_whole_model_gradients_match_central_differences():
    """Fan-out (pa, m, sa, sb) and a shared layer: gradients add up."""
    model = two_in_two_out()
    model.compile("sgd", ["mse", "sparse_categorical_crossentropy"],
                  loss_weights=[0.7, 1.3])
    xs, ys = data()
    errors = check_model(model, xs, ys)
    assert len(errors) == 10
    assert max(errors.values()) < PASS, errors


def test_gradients_with_sample_weights_penalties_and_dict_data():
    a = Input((3,), name="a", dtype="float64")
    h = Dense(4, activation="tanh", name="h",
              kernel_regularizer=nnkit.regularizers.L2(0.01),
              activity_regularizer=nnkit.regularizers.L1(0.02))(a)
    o1 = Dense(2, activation="sigmoid", name="o1")(h)
    o2 = Dense(1, name="o2")(Add()([h, Dense(4, name="skip")(a)]))
    model = Model(a, [o1, o2], seed=3)
    model.compile("sgd", {"o1": "binary_crossentropy", "o2": "huber"},
                  loss_weights={"o1": 2.0, "o2": 0.5})
    rng = np.random.default_rng(2)
    x = rng.standard_normal((10, 3))
    y = {"o1": rng.integers(0, 2, (10, 2)),
         "o2": rng.standard_normal((10, 1))}
    sw = {"o1": rng.uniform(0, 2, 10), "o2": rng.uniform(0, 2, 10)}
    errors = check_model(model, x, y, sample_weight=sw)
    assert max(errors.values()) < PASS, errors


def test_a_layer_used_twice_on_one_input_collects_both_gradients():
    x = Input((3,), dtype="float64")
    f = Dense(3, activation="tanh", name="f")
    y = Dense(1, name="o")(f(f(x)))              # f o f: shared in depth
    model = Model(x, y)
    model.compile("sgd", "mse")
    rng = np.random.default_rng(0)
    errors = check_model(model, rng.standard_normal((5, 3)),
                         rng.standard_normal((5, 1)))
    assert max(errors.values()) < PASS, errors


def test_fused_softmax_output_that_also_feeds_another_layer():
    """The output fans out: dL/dz from the fused loss and dL/d(out) from
    the other branch meet below the softmax."""
    x = Input((4,), dtype="float64")
    p = Dense(3, activation="softmax", name="p")(x)
    q = Dense(1, name="q")(p)
    model = Model(x, [p, q])
    model.compile("sgd", ["categorical_crossentropy", "mse"])
    rng = np.random.default_rng(5)
    xs = rng.standard_normal((6, 4))
    ys = [np.eye(3)[rng.integers(0, 3, 6)], rng.standard_normal((6, 1))]
    assert model.compiled_loss.fused(0, model.get_layer("p")) is not None
    errors = check_model(model, xs, ys)
    assert max(errors.values()) < PASS, errors


def test_an_intermediate_tensor_can_be_a_models_input():
    x = Input((3,))
    h = Dense(4, name="h")(x)
    y = Dense(2, name="y")(h)
    head = Model(h, y)
    assert [la.name for la in head.layers] == ["y"]
    full = Model(x, y, name="full")
    xs = np.ones((2, 3), np.float32)
    hv = full.get_layer("h")(xs)
    assert np.allclose(head.predict(hv), full.predict(xs))


# ----- compile, fit, evaluate -------------------------------------------------
def test_history_has_keras_names_for_several_outputs():
    model = two_in_two_out(dtype="float32")
    model.compile(nnkit.optimizers.SGD(0.05),
                  ["mse", "sparse_categorical_crossentropy"],
                  metrics=[["mae"], ["accuracy"]], loss_weights=[1.0, 0.5])
    xs, ys = data(32)
    hist = model.fit(xs, ys, epochs=2, batch_size=8, verbose=0,
                     validation_split=0.25)
    assert list(hist.history) == [
        "loss", "out1_loss", "out2_loss", "out1_mae", "out2_accuracy",
        "val_loss", "val_out1_loss", "val_out2_loss", "val_out1_mae",
        "val_out2_accuracy"]
    logs = model.evaluate(xs, ys, return_dict=True)
    assert np.isclose(logs["loss"], logs["out1_loss"]
                      + 0.5 * logs["out2_loss"], rtol=1e-5)
    assert len(model.evaluate(xs, ys)) == 5


def test_one_loss_serves_every_output():
    x = Input((2,))
    model = Model(x, [Dense(1, name="u")(x), Dense(1, name="v")(x)])
    model.compile("sgd", "mse")
    logs = model.evaluate(np.ones((4, 2)), [np.zeros(4), np.ones(4)],
                          return_dict=True)
    assert set(logs) == {"loss", "u_loss", "v_loss"}
    assert np.isclose(logs["loss"], logs["u_loss"] + logs["v_loss"])


def test_an_output_without_a_loss_needs_no_target():
    x = Input((2,))
    model = Model(x, [Dense(1, name="u")(x), Dense(1, name="v")(x)])
    model.compile("sgd", {"u": "mse", "v": None})
    hist = model.fit(np.ones((4, 2)), {"u": np.zeros(4)}, verbose=0)
    assert list(hist.history) == ["loss"]


def test_training_reduces_the_loss_and_is_reproducible():
    xs, ys = data(64, seed=3)
    runs = []
    for _ in range(2):
        model = two_in_two_out(dtype="float32", seed=4)
        model.compile(nnkit.optimizers.Adam(0.01),
                      ["mse", "sparse_categorical_crossentropy"])
        hist = model.fit(xs, ys, epochs=30, batch_size=16, verbose=0)
        runs.append((hist.history["loss"], model.get_weights()))
    assert runs[0][0] == runs[1][0]
    assert runs[0][0][-1] < 0.7 * runs[0][0][0]


# ----- errors -------------------------------------------------------------------
def test_a_graph_that_does_not_connect_inputs_to_outputs_is_refused():
    a, b = Input((2,), name="a"), Input((2,), name="b")
    y = Add()([Dense(2)(a), Dense(2)(b)])
    with pytest.raises(ValueError, match="disconnected.*'b'"):
        Model(a, y)


def test_a_tensor_from_another_graph_is_refused():
    other = Dense(2, name="d")(Input((3,), name="elsewhere"))
    x = Input((2,), name="x")
    y = Concatenate()([Dense(2)(x), other])
    with pytest.raises(ValueError, match="disconnected.*'elsewhere'"):
        Model(x, y)


@pytest.mark.parametrize("make, error, message", [
    (lambda: Model(), TypeError, "needs inputs= and outputs="),
    (lambda: Model(np.ones((2, 2)), Input((2,))), TypeError,
     "symbolic tensors"),
    (lambda: Model([], Input((2,))), ValueError, "inputs is empty"),
    (lambda: Input((0, 2)), ValueError, "positive integers"),
    (lambda: Input((2,), dtype="str"), TypeError, "numeric"),
    (lambda: Add()(Input((2,))), TypeError, "list of symbolic"),
    (lambda: Dense(2)([Input((2,)), Input((2,))]), TypeError,
     "takes one tensor"),
    (lambda: Add()([Input((2,)), Input((3,))]), ValueError,
     "cannot be combined"),
])
def test_bad_graphs_raise_clear_errors(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_a_shared_layer_needs_the_same_input_shape():
    d = Dense(2)
    d(Input((3,)))
    with pytest.raises(ValueError, match="same input shape"):
        d(Input((4,)))


def test_the_same_input_twice_is_refused():
    x = Input((2,))
    with pytest.raises(ValueError, match="appears twice"):
        Model([x, x], Dense(1)(x))


@pytest.mark.parametrize("compile_kwargs, message", [
    ({"loss": ["mse"]}, "has 1 entries but the model has 2 outputs"),
    ({"loss": ["mse"] * 3}, "has 3 entries"),
    ({"loss": {"out1": "mse", "oops": "mse"}}, r"keys \['oops'\]"),
    ({"loss": {"out1": "mse"}}, r"no entry for the outputs \['out2'\]"),
    ({"loss": [None, None]}, "at least one"),
    ({"loss": "mse", "loss_weights": [1.0]}, "loss_weights has 1"),
    ({"loss": "mse", "loss_weights": [1.0, "x"]}, "finite numbers"),
    ({"loss": "mse", "metrics": ["mae"]}, "metrics has 1 entries"),
    ({"loss": "mse", "metrics": {"zz": ["mae"]}}, r"keys \['zz'\]"),
    ({"loss": None}, "a loss is required"),
])
def test_bad_compile_arguments_raise(compile_kwargs, message):
    model = two_in_two_out()
    with pytest.raises(ValueError, match=message):
        model.compile("sgd", **compile_kwargs)


@pytest.mark.parametrize("x, y, message", [
    (lambda xs: xs[0], None, "has 2 inputs"),
    (lambda xs: xs[:1], None, "2 inputs .* but 1 arrays"),
    (lambda xs: {"a": xs[0], "c": xs[1]}, None, r"keys \['c'\]"),
    (lambda xs: {"a": xs[0]}, None, r"no entry for \['b'\]"),
    (None, lambda ys: {"out1": ys[0], "zz": ys[1]}, r"keys \['zz'\]"),
    (None, lambda ys: ys[0], "has 2 outputs"),
    (lambda xs: [xs[0], xs[1][:5]], None, "different numbers"),
    (lambda xs: [xs[0], xs[0]], None, r"input 'b' expects \(2,\)"),
])
def test_bad_data_structures_raise(x, y, message):
    model = two_in_two_out()
    model.compile("sgd", ["mse", "sparse_categorical_crossentropy"])
    xs, ys = data()
    xx = xs if x is None else x(xs)
    yy = ys if y is None else y(ys)
    with pytest.raises(ValueError, match=message):
        model.fit(xx, yy, verbose=0)


def test_label_errors_name_the_output():
    model = two_in_two_out()
    model.compile("sgd", ["mse", "sparse_categorical_crossentropy"])
    xs, ys = data()
    with pytest.raises(ValueError, match="output 'out2'.*labels"):
        model.fit(xs, [ys[0], ys[1] + 5], verbose=0)


# ----- summary, config, saving ---------------------------------------------------
def test_summary_shows_connections_and_trainable_counts():
    model = two_in_two_out()
    model.get_layer("pb").trainable = False
    text = summary_text(model)
    assert "Connected to" in text
    assert "shared[0][0], shared[1][0]" in text   # add reads both calls
    assert "pa[0][0], pb[0][0]" in text           # shared is called twice
    total = model.count_params()
    assert f"Total params: {total:,}" in text
    assert f"Trainable params: {total - 12:,}" in text
    assert "Non-trainable params: 12" in text


def test_get_config_and_from_config_rebuild_the_same_graph():
    model = two_in_two_out()
    config = json.loads(json.dumps(model.get_config()))
    again = Model.from_config(config)
    assert again.get_config() == config
    again.set_weights(model.get_weights())
    xs, _ = data()
    for a, b in zip(model.predict(xs), again.predict(xs)):
        assert np.array_equal(a, b)


def test_save_and_load_resume_training_exactly(tmp_path):
    a = Input((3,), name="a")
    h = Dense(6, activation="relu", name="h")(a)
    h = BatchNormalization(name="bn")(h)
    h = Dropout(0.2, name="drop")(h)
    out1 = Dense(1, name="out1")(h)
    out2 = Dense(3, activation="softmax", name="out2")(Add()([h, h]))
    model = Model(a, [out1, out2], seed=7, name="saved")
    model.get_layer("h").trainable = False
    model.compile(nnkit.optimizers.Adam(0.01),
                  {"out1": "mse",
                   "out2": nnkit.losses.SparseCategoricalCrossentropy()},
                  metrics={"out1": [], "out2": ["accuracy"]},
                  loss_weights={"out1": 0.3, "out2": 1.0})
    xs, ys = data(24)
    model.fit(xs[0], ys, epochs=2, batch_size=8, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "m"))
    assert type(loaded) is Functional
    assert loaded.get_config() == model.get_config()
    assert not loaded.get_layer("h").trainable
    for w, v in zip(model.get_weights(), loaded.get_weights()):
        assert np.array_equal(w, v)
    h1 = model.fit(xs[0], ys, epochs=2, batch_size=8, verbose=0)
    h2 = loaded.fit(xs[0], ys, epochs=2, batch_size=8, verbose=0)
    assert h1.history == h2.history
    for w, v in zip(model.get_weights(), loaded.get_weights()):
        assert np.array_equal(w, v)
    with pytest.raises(ValueError, match="holds a Functional model"):
        Sequential.load(tmp_path / "m.npz")


def test_weights_save_and_load_by_layer(tmp_path):
    model = two_in_two_out()
    other = two_in_two_out(seed=9)
    other.load_weights(model.save_weights(tmp_path / "w"))
    for w, v in zip(model.get_weights(), other.get_weights()):
        assert np.array_equal(w, v)


def test_files_written_before_the_model_base_class_still_load():
    """tests/data/sequential_v1.npz was written by Sequential.save at
    commit 99b222a (format 1); it loads and resumes as it did then."""
    from pathlib import Path

    from .data.make_sequential_v1 import data as v1_data
    folder = Path(__file__).parent / "data"
    model = nnkit.load_model(folder / "sequential_v1.npz")
    expected = np.load(folder / "sequential_v1_expected.npz")
    assert type(model) is Sequential and model.name == "old_net"
    x, y = v1_data()
    assert np.array_equal(model.predict(x), expected["predict"])
    hist = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert np.array_equal(hist.history["loss"], expected["loss"])
    assert np.array_equal(hist.history["accuracy"], expected["accuracy"])
    for i, w in enumerate(model.get_weights()):
        assert np.array_equal(w, expected[f"weight_{i}"])


def test_config_of_a_model_built_from_layers_used_elsewhere():
    """Node numbers in the config count this model's calls only."""
    x = Input((3,), name="x")
    d = Dense(3, name="d")
    d(Input((3,), name="elsewhere"))             # an unrelated first call
    y = Dense(1, name="y")(d(d(x)))
    model = Model(x, y)
    config = json.loads(json.dumps(model.get_config()))
    again = Model.from_config(config)
    again.set_weights(model.get_weights())
    xs = np.ones((2, 3))
    assert np.array_equal(again.predict(xs), model.predict(xs))


def test_callbacks_and_instruments_work_on_graphs(tmp_path):
    model = two_in_two_out(dtype="float32")
    model.compile(nnkit.optimizers.SGD(0.05),
                  ["mse", "sparse_categorical_crossentropy"])
    xs, ys = data(40)
    path = str(tmp_path / "best.npz")
    stop = nnkit.callbacks.EarlyStopping(monitor="val_out2_loss",
                                         patience=1,
                                         restore_best_weights=True)
    hist = model.fit(xs, ys, epochs=30, batch_size=8, verbose=0,
                     validation_split=0.25,
                     callbacks=[stop, nnkit.callbacks.ModelCheckpoint(
                         path, monitor="val_loss", save_best_only=True)])
    assert len(hist.epoch) <= 30
    best = nnkit.load_model(path)
    assert type(best) is Functional
    outs = nnkit.instrument.layer_outputs(model, xs)
    assert outs["cat"].shape == (40, 8) and outs["out2"].shape == (40, 3)
    norms = nnkit.instrument.gradient_norms(model, xs, ys)
    assert set(norms) == {p.path for p in model.trainable_parameters}
    assert all(v > 0 for v in norms.values())
