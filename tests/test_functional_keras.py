"""Functional models against Keras: the same graph built in both
libraries, the same weights (copied as lists: Keras' weight order),
the same data. Outputs, gradients and a few epochs of ``fit`` agree to
1e-10 in float64 and 1e-5 in float32 (``TOL``)."""

from __future__ import annotations

import numpy as np
import pytest

import nnkit

from .conftest import close, fit_alike

pytestmark = pytest.mark.keras



class Lib:
    """The names a graph needs, from nnkit or from Keras."""

    def __init__(self, keras=None):
        self.keras = keras
        self.L = keras.layers if keras else nnkit.layers
        self.Input = keras.Input if keras else nnkit.Input
        self.Model = keras.Model if keras else nnkit.Model


def two_in_two_out(lib, dtype):
    """Two inputs and outputs; fan-out, a shared layer, every merge."""
    L = lib.L
    a = lib.Input((3,), name="a", dtype=dtype)
    b = lib.Input((2,), name="b", dtype=dtype)
    pa = L.Dense(4, activation="tanh", name="pa")(a)
    pb = L.Dense(4, activation="sigmoid", name="pb")(b)
    shared = L.Dense(4, activation="tanh", name="shared")
    sa, sb = shared(pa), shared(pb)
    m = L.Add(name="add")([sa, sb])
    c = L.Concatenate(name="cat")([m, pa])
    out1 = L.Dense(1, name="out1")(c)
    d = L.Multiply(name="mul")([sa, L.Subtract(name="sub")([sb, m])])
    avg = L.Average(name="avg")([d, m])
    out2 = L.Dense(3, activation="softmax", name="out2")(avg)
    return lib.Model(inputs=[a, b], outputs=[out1, out2], name="net")


def residual(lib, dtype):
    """Chapter 8's residual block as a graph, with batch normalization."""
    L = lib.L
    x = lib.Input((6,), name="x", dtype=dtype)
    h = L.Dense(6, name="d1")(x)
    h = L.BatchNormalization(momentum=0.875, name="bn")(h)
    h = L.Activation("relu", name="relu")(h)
    h = L.Dense(6, name="d2")(h)
    h = L.Add(name="skip")([h, x])
    h = L.Activation("tanh", name="tanh")(h)
    y = L.Dense(1, activation="sigmoid", name="y")(h)
    return lib.Model(x, y, name="res")


def data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    xa, xb = rng.standard_normal((n, 3)), rng.standard_normal((n, 2))
    y1 = xa[:, :1] * xb[:, 1:] + 0.1 * rng.standard_normal((n, 1))
    y2 = (xa[:, 1] > 0).astype(int) + (xb[:, 0] > 0.5)
    return [xa, xb], [y1, y2]


def pair(build, floatx, keras):
    ours = build(Lib(), floatx)
    theirs = build(Lib(keras), floatx)
    theirs.set_weights(ours.get_weights())
    return ours, theirs


@pytest.mark.parametrize("build", [two_in_two_out, residual])
def test_weights_are_in_keras_order(floatx, keras, build):
    ours, theirs = pair(build, floatx, keras)
    assert [p.path for p in ours.parameters()] == \
        [v.path for v in theirs.weights]
    assert [la.name for la in ours.layers] == \
        [la.name for la in theirs.layers]
    assert ours.output_names == theirs.output_names
    back = build(Lib(), floatx)
    back.set_weights(theirs.get_weights())
    for w, v in zip(back.get_weights(), ours.get_weights()):
        assert np.array_equal(w, v)


def test_two_input_two_output_graph_matches_keras(floatx, keras):
    import tensorflow as tf
    ours, theirs = pair(two_in_two_out, floatx, keras)
    xs, ys = data()
    xs = [x.astype(floatx) for x in xs]
    for o, k in zip(ours.predict(xs), theirs.predict(xs, verbose=0)):
        close(o, k, floatx, "output")
    # Gradients of 0.7 * mse + 1.3 * cross-entropy, every weight.
    ours.compile("sgd", ["mse", "sparse_categorical_crossentropy"],
                 loss_weights=[0.7, 1.3])
    loss, _ = ours.forward_backward(xs, ys)
    mse = keras.losses.MeanSquaredError()
    cce = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        o1, o2 = theirs(xs, training=True)
        kloss = 0.7 * mse(ys[0], o1) + 1.3 * cce(ys[1], o2)
    kgrads = tape.gradient(kloss, theirs.trainable_weights)
    close(loss, kloss.numpy(), floatx, "loss")
    for p, g in zip(ours.trainable_parameters, kgrads):
        close(p.grad, g.numpy(), floatx, p.path)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_fit_on_a_graph_matches_keras(floatx, keras, optimizer):
    ours, theirs = pair(two_in_two_out, floatx, keras)
    xs, ys = data(32, seed=1)
    # Hyperparameters float32 holds exactly: Keras rounds some to float32
    # (see nnkit.optimizers).
    opts = {"sgd": lambda m: m.optimizers.SGD(0.05, momentum=0.875),
            "adam": lambda m: m.optimizers.Adam(0.01, beta_1=0.875,
                                                beta_2=0.9921875)
            }[optimizer]
    kw = dict(loss=["mse", "sparse_categorical_crossentropy"],
              loss_weights=[0.5, 2.0],
              metrics=[["mae"], ["accuracy"]])
    ours.compile(opts(nnkit), **kw)
    theirs.compile(opts(keras), **kw)
    fit_alike(ours, theirs, xs, ys, floatx, epochs=3, batch_size=8,
              validation_split=0.25)


def test_dict_data_and_dict_losses_match_keras(floatx, keras):
    ours, theirs = pair(two_in_two_out, floatx, keras)
    xs, ys = data(16, seed=2)
    x = {"a": xs[0], "b": xs[1]}
    y = {"out1": ys[0], "out2": ys[1]}
    kw = dict(loss={"out1": "huber", "out2": "sparse_categorical_"
                    "crossentropy"},
              loss_weights={"out1": 1.5, "out2": 0.25})
    ours.compile(nnkit.optimizers.RMSprop(0.01, rho=0.875), **kw)
    theirs.compile(keras.optimizers.RMSprop(0.01, rho=0.875), **kw)
    fit_alike(ours, theirs, x, y, floatx, epochs=2, batch_size=8)
    e1 = ours.evaluate(x, y, return_dict=True)
    e2 = theirs.evaluate(x, y, verbose=0, return_dict=True)
    for key in e2:
        close(e1[key], e2[key], floatx, key)


def test_residual_graph_with_batch_norm_trains_like_keras(floatx, keras):
    ours, theirs = pair(residual, floatx, keras)
    rng = np.random.default_rng(3)
    x = rng.standard_normal((40, 6)).astype(floatx)
    y = (x[:, 0] * x[:, 1] > 0).astype(floatx)
    ours.compile(nnkit.optimizers.SGD(0.1, momentum=0.5),
                 "binary_crossentropy", metrics=["accuracy"])
    theirs.compile(keras.optimizers.SGD(0.1, momentum=0.5),
                   "binary_crossentropy", metrics=["accuracy"])
    fit_alike(ours, theirs, x, y, floatx, epochs=3, batch_size=10)
    close(ours.predict(x), theirs.predict(x, verbose=0), floatx, "predict")


# ----- nnkit.interop: functional models both ways ------------------------------
@pytest.mark.parametrize("build", [two_in_two_out, residual])
def test_to_keras_and_from_keras_convert_graphs(floatx, keras, build):
    from nnkit.interop import from_keras, to_keras
    ours = build(Lib(), floatx)
    kmodel = to_keras(ours, compile=False)
    assert type(kmodel).__name__ == "Functional"
    assert [la.name for la in kmodel.layers] == \
        [la.name for la in ours.layers]
    xs, _ = data()
    xs = [x.astype(floatx) for x in xs]
    x = xs if build is two_in_two_out else \
        np.random.default_rng(1).standard_normal((8, 6)).astype(floatx)
    mine = ours.predict(x)
    theirs = kmodel.predict(x, verbose=0)
    for o, k in zip(mine if isinstance(mine, list) else [mine],
                    theirs if isinstance(theirs, list) else [theirs]):
        close(o, k, floatx, "to_keras")
    # ...and back: a Keras-built graph becomes an nnkit Functional.
    native = build(Lib(keras), floatx)
    native.set_weights(kmodel.get_weights())
    back = from_keras(native, seed=0)
    assert type(back) is nnkit.models.Functional
    assert back.get_config()["layers"] == ours.get_config()["layers"]
    again = back.predict(x)
    for o, k in zip(again if isinstance(again, list) else [again],
                    mine if isinstance(mine, list) else [mine]):
        close(o, k, floatx, "from_keras")


def test_a_shared_layer_stays_shared_in_keras(keras):
    from nnkit.interop import to_keras
    kmodel = to_keras(two_in_two_out(Lib(), "float32"), compile=False)
    assert len(kmodel.get_layer("shared")._inbound_nodes) == 2
    assert len(kmodel.weights) == 10


def test_a_compiled_graph_converts_with_its_losses(keras64):
    from nnkit.interop import to_keras
    ours = two_in_two_out(Lib(), "float64")
    ours.compile(nnkit.optimizers.SGD(0.05),
                 {"out1": "mse", "out2": "sparse_categorical_crossentropy"},
                 loss_weights={"out1": 0.25, "out2": 2.0},
                 metrics={"out1": ["mae"], "out2": ["accuracy"]})
    theirs = to_keras(ours)
    xs, ys = data(16, seed=4)
    fit_alike(ours, theirs, xs, ys, "float64", epochs=2, batch_size=8)


def test_a_model_on_an_intermediate_tensor_does_not_convert(keras):
    from nnkit.interop import to_keras
    x = nnkit.Input((3,))
    h = nnkit.layers.Dense(2)(x)
    head = nnkit.Model(h, nnkit.layers.Dense(1)(h))
    with pytest.raises(ValueError, match="intermediate tensor"):
        to_keras(head)


def test_per_output_losses_with_a_shorter_last_batch(keras64):
    """A documented difference (API page, "Keras conventions"): when the
    last batch is shorter, Keras 3's per-output history entries
    (``out1_loss``...) weight its batches unequally, so they no longer
    combine into its own total ``loss``. nnkit's entries are exact means
    over the examples: ``loss`` is their weighted sum. The total loss and
    the weights agree with Keras all the same."""
    keras = keras64
    ours, theirs = pair(two_in_two_out, "float64", keras)
    xs, ys = data(30, seed=1)          # batches of 8, 8, 8 and 6
    kw = dict(loss=["mse", "sparse_categorical_crossentropy"],
              loss_weights=[0.5, 2.0])
    ours.compile(nnkit.optimizers.SGD(0.05), **kw)
    theirs.compile(keras.optimizers.SGD(0.05), **kw)
    fit = dict(epochs=2, batch_size=8, shuffle=False, verbose=0)
    h1 = ours.fit(xs, ys, **fit).history
    h2 = theirs.fit(xs, ys, **fit).history
    close(h1["loss"], h2["loss"], "float64", "loss")
    for w, v in zip(ours.get_weights(), theirs.get_weights()):
        close(w, v, "float64", "weight")

    def combined(h):
        return 0.5 * np.array(h["out1_loss"]) + 2 * np.array(h["out2_loss"])

    np.testing.assert_allclose(combined(h1), h1["loss"], rtol=1e-12)
    # Keras' own entries do not add up to its loss (the difference)
    assert np.max(np.abs(combined(h2) - h2["loss"])) > 1e-3
    # each nnkit entry is the example-weighted mean of its batch losses
    sizes = np.array([8, 8, 8, 6])
    probe = ours.__class__.from_config(ours.get_config())
    probe.set_weights(ours.get_weights())
    probe.compile(nnkit.optimizers.SGD(0.0), **kw)
    full = probe.evaluate(xs, ys, batch_size=30, verbose=0,
                          return_dict=True)
    parts = [probe.evaluate([x[i:i + 8] for x in xs],
                            [y[i:i + 8] for y in ys], verbose=0,
                            return_dict=True)["out1_loss"]
             for i in range(0, 30, 8)]
    np.testing.assert_allclose(np.dot(sizes, parts) / 30,
                               full["out1_loss"], rtol=1e-12)
