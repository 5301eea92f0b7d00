"""Weights per example: losses' ``reduction``, ``sample_weight`` and
``class_weight`` in fit/evaluate, against Keras 3 and central
differences."""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Input, Model, Sequential
from nnkit.gradcheck import numerical_gradient, rel_error

from .conftest import TOL, close, fit_alike

REDUCTIONS = ["sum_over_batch_size", "mean", "sum",
              "mean_with_sample_weight", "none", None]
LOSSES = [
    ("MeanSquaredError", {}, "real"),
    ("MeanAbsoluteError", {}, "real"),
    ("Huber", {"delta": 0.5}, "real"),
    ("BinaryCrossentropy", {}, "prob"),
    ("BinaryCrossentropy", {"from_logits": True}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "simplex"),
    ("CategoricalCrossentropy", {"from_logits": True}, "onehot_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True},
     "sparse_logits"),
]


def targets(kind, rng, shape):
    """(y_true, y_pred) of the given kind; shape = y_pred's shape."""
    if kind == "real":
        return rng.standard_normal(shape), rng.standard_normal(shape)
    if kind == "prob":
        return (rng.integers(0, 2, shape).astype(float),
                rng.uniform(0.05, 0.95, shape))
    if kind == "binary_logits":
        return rng.integers(0, 2, shape).astype(float), \
            rng.standard_normal(shape)
    labels = rng.integers(0, shape[-1], shape[:-1])
    z = rng.standard_normal(shape)
    if kind in ("simplex", "sparse"):
        p = np.exp(z) / np.exp(z).sum(-1, keepdims=True)
        return (labels if kind == "sparse"
                else np.eye(shape[-1])[labels]), p
    return (labels if kind == "sparse_logits"
            else np.eye(shape[-1])[labels]), z


def weights(kind, rng, shape):
    return {None: None, "per_example": rng.uniform(0, 2, shape[0]),
            "column": rng.uniform(0, 2, (shape[0], 1)),
            "per_value": rng.uniform(0, 2, shape[:-1])}[kind]


@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs, kind", LOSSES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("sw_kind, shape", [
    (None, (6, 3)), ("per_example", (6, 3)), ("column", (6, 3)),
    ("per_value", (4, 5, 3))])
def test_reductions_and_sample_weights_match_keras(
        keras64, name, kwargs, kind, reduction, sw_kind, shape):
    rng = np.random.default_rng(len(name) + len(shape))
    y, p = targets(kind, rng, shape)
    sw = weights(sw_kind, rng, shape)
    ours = getattr(nnkit.losses, name)(reduction=reduction, **kwargs)
    theirs = getattr(keras64.losses, name)(reduction=reduction, **kwargs)
    value = ours(y, p, sample_weight=sw)
    expected = keras64.ops.convert_to_numpy(theirs(y, p, sample_weight=sw))
    assert np.shape(value) == np.shape(expected)
    assert np.allclose(value, expected, rtol=TOL["float64"], atol=1e-12)


@pytest.mark.parametrize("name, kwargs, kind", LOSSES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_weighted_loss_gradients_match_central_differences(
        name, kwargs, kind, reduction):
    rng = np.random.default_rng(len(name))
    y, p = targets(kind, rng, (5, 4, 3))
    sw = rng.uniform(0, 2, (5, 4))
    mask = rng.random((5, 4)) > 0.3
    loss = getattr(nnkit.losses, name)(reduction=reduction, **kwargs)

    def total():
        return float(np.sum(loss(y, p, sample_weight=sw, mask=mask)))

    analytic = loss.gradient(y, p, sample_weight=sw, mask=mask)
    assert rel_error(analytic, numerical_gradient(total, p)) < 1e-7


def test_a_weighted_mean_divides_by_the_number_of_examples():
    """Keras' rule: sum(w * l) / N, not / sum(w) (the textbook mean)."""
    loss = nnkit.losses.MeanSquaredError()
    y, p = np.zeros((4, 1)), np.array([[1.0], [2.0], [3.0], [4.0]])
    w = np.array([1.0, 0.0, 0.0, 3.0])
    assert loss(y, p, sample_weight=w) == pytest.approx((1 + 48) / 4)
    mean_w = nnkit.losses.MeanSquaredError(
        reduction="mean_with_sample_weight")
    assert mean_w(y, p, sample_weight=w) == pytest.approx(49 / 4)
    assert nnkit.losses.MeanSquaredError(reduction="sum")(
        y, p, sample_weight=w) == pytest.approx(49)
    none = nnkit.losses.MeanSquaredError(reduction=None)
    assert np.allclose(none(y, p, sample_weight=w), [1, 0, 0, 48])


def test_a_weight_per_example_weighs_all_its_time_steps():
    """(N,) weights with (N, T) values: each example's steps share its
    weight. (Keras would broadcast (N,) against the last axis T.)"""
    loss = nnkit.losses.MeanSquaredError()
    y, p = np.zeros((2, 3, 1)), np.ones((2, 3, 1))
    assert loss(y, p, sample_weight=[2.0, 0.0]) == pytest.approx(1.0)


def test_a_mask_averages_over_the_kept_values_only():
    loss = nnkit.losses.MeanAbsoluteError()
    y, p = np.zeros((2, 3, 1)), np.arange(6.0).reshape(2, 3, 1)
    mask = np.array([[True, True, False], [False, True, False]])
    assert loss(y, p, mask=mask) == pytest.approx((0 + 1 + 4) / 3)
    assert nnkit.losses.MeanAbsoluteError(reduction="sum")(
        y, p, mask=mask) == pytest.approx(5)


@pytest.mark.parametrize("make, message", [
    (lambda: nnkit.losses.MeanSquaredError(reduction="avg"),
     "reduction must be one of"),
    (lambda: nnkit.losses.MeanSquaredError()(
        np.zeros((3, 1)), np.zeros((3, 1)), sample_weight=np.ones(4)),
     r"sample_weight has shape \(4,\)"),
    (lambda: nnkit.losses.MeanSquaredError()(
        np.zeros((3, 1)), np.zeros((3, 1)),
        sample_weight=[1, np.nan, 1]), "NaN"),
])
def test_bad_reduction_or_weights_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_reduction_survives_serialisation_and_the_logits_form():
    loss = nnkit.losses.get({"name": "binary_crossentropy",
                             "reduction": "sum"})
    assert loss.reduction == "sum"
    assert nnkit.losses.serialize(loss)["reduction"] == "sum"
    assert loss.logits_form().reduction == "sum"
    assert loss.logits_form().from_logits
    assert nnkit.losses.serialize(nnkit.losses.MeanSquaredError()) == \
        "mean_squared_error"


# ----- in models ---------------------------------------------------------------
def classifier(lib, dtype, units=3, act="softmax"):
    if lib == "keras":
        import keras
        L, inp, model = keras.layers, keras.Input, keras.Model
    else:
        L, inp, model = nnkit.layers, nnkit.Input, nnkit.Model
    x = inp((4,), dtype=dtype)
    h = L.Dense(5, activation="tanh", name="h")(x)
    return model(x, L.Dense(units, activation=act, name="out")(h))



def train_both(keras, floatx, loss, y, units, act, **fit_kwargs):
    ours = classifier("nnkit", floatx, units, act)
    theirs = classifier("keras", floatx, units, act)
    theirs.set_weights(ours.get_weights())
    ours.compile(nnkit.optimizers.SGD(0.1), loss, metrics=["accuracy"])
    theirs.compile(keras.optimizers.SGD(0.1), loss, metrics=["accuracy"])
    rng = np.random.default_rng(4)
    x = rng.standard_normal((30, 4)).astype(floatx)
    fit_alike(ours, theirs, x, y, floatx, epochs=2, batch_size=8,
              **fit_kwargs)
    return ours, theirs, x


@pytest.mark.keras
@pytest.mark.parametrize("labels", ["sparse", "onehot", "binary"])
def test_class_weight_trains_like_keras(floatx, keras, labels):
    rng = np.random.default_rng(0)
    c = rng.integers(0, 3 if labels != "binary" else 2, 30)
    loss, units, act = {
        "sparse": ("sparse_categorical_crossentropy", 3, "softmax"),
        "onehot": ("categorical_crossentropy", 3, "softmax"),
        "binary": ("binary_crossentropy", 1, "sigmoid")}[labels]
    y = np.eye(3)[c] if labels == "onehot" else c
    train_both(keras, floatx, loss, y, units, act,
               class_weight={0: 0.5, 1: 3.0, 2: 1.25},
               validation_split=0.2)


@pytest.mark.keras
def test_sample_weight_in_fit_and_evaluate_matches_keras(floatx, keras):
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 30)
    sw = rng.uniform(0, 2, 30)
    ours, theirs, x = train_both(
        keras, floatx, "sparse_categorical_crossentropy", y, 3, "softmax",
        sample_weight=sw, validation_split=0.2)
    e1 = ours.evaluate(x, y, sample_weight=sw, return_dict=True)
    e2 = theirs.evaluate(x, y, sample_weight=sw, verbose=0,
                         return_dict=True)
    for key in e2:
        close(e1[key], e2[key], floatx, key)
    val = (x[:10], y[:10], sw[:10])
    train_both(keras, floatx, "sparse_categorical_crossentropy", y, 3,
               "softmax", sample_weight=sw, validation_data=val)


@pytest.mark.keras
def test_a_reduction_chosen_in_compile_trains_like_keras(keras64):
    rng = np.random.default_rng(2)
    y = rng.standard_normal((30, 1))
    for reduction in ["sum", "mean_with_sample_weight", None]:
        def make(lib, reduction=reduction):
            return lib.losses.MeanSquaredError(reduction=reduction)
        ours = classifier("nnkit", "float64", 1, "linear")
        theirs = classifier("keras", "float64", 1, "linear")
        theirs.set_weights(ours.get_weights())
        ours.compile(nnkit.optimizers.SGD(0.01), make(nnkit))
        theirs.compile(keras64.optimizers.SGD(0.01), make(keras64))
        x = rng.standard_normal((30, 4))
        sw = rng.uniform(0, 2, 30)
        kw = dict(epochs=2, batch_size=8, shuffle=False, verbose=0,
                  sample_weight=sw)
        h1 = ours.fit(x, y, **kw).history
        h2 = theirs.fit(x, y, **kw).history
        close(h1["loss"], h2["loss"], "float64", str(reduction))
        for w, v in zip(ours.get_weights(), theirs.get_weights()):
            close(w, v, "float64", str(reduction))


@pytest.mark.keras
def test_sample_weights_per_output_match_keras(keras64):
    from .test_functional_keras import Lib, data, two_in_two_out
    ours = two_in_two_out(Lib(), "float64")
    theirs = two_in_two_out(Lib(keras64), "float64")
    theirs.set_weights(ours.get_weights())
    xs, ys = data(16, seed=5)
    rng = np.random.default_rng(5)
    sw = {"out1": rng.uniform(0, 2, 16), "out2": rng.uniform(0, 2, 16)}
    kw = dict(loss=["mse", "sparse_categorical_crossentropy"],
              loss_weights=[0.5, 1.5])
    ours.compile(nnkit.optimizers.SGD(0.05), **kw)
    theirs.compile(keras64.optimizers.SGD(0.05), **kw)
    # (Keras' evaluate fails on dict targets here; fit takes them.)
    for y, weights in ((ys, [sw["out1"], sw["out2"]]), (ys, sw["out1"])):
        e1 = ours.evaluate(xs, y, sample_weight=weights, return_dict=True)
        e2 = theirs.evaluate(xs, y, sample_weight=weights, verbose=0,
                             return_dict=True)
        for key in e2:
            close(e1[key], e2[key], "float64", key)
    # Keras 3.15 resolves dict weights by position for a model whose
    # outputs are a list, and fails; nnkit takes them. Lists in both:
    sw_list = [sw["out1"], sw["out2"]]
    fit_alike(ours, theirs, xs, ys, "float64", sample_weight=sw_list,
              epochs=2, batch_size=8)
    # nnkit also takes dicts keyed by output name: the same numbers.
    again = two_in_two_out(Lib(), "float64")
    again.set_weights(theirs.get_weights())
    again.compile(nnkit.optimizers.SGD(0.05), **kw)
    ours.set_weights(theirs.get_weights())
    d1 = ours.evaluate(xs, ys, sample_weight=sw_list, return_dict=True)
    d2 = again.evaluate(xs, dict(zip(["out1", "out2"], ys)),
                        sample_weight=sw, return_dict=True)
    assert d1 == d2


def test_class_weight_equals_the_sample_weights_it_stands_for():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((20, 4))
    y = rng.integers(0, 3, 20)
    cw = {0: 2.0, 2: 0.5}
    runs = []
    for kw in ({"class_weight": cw},
               {"sample_weight": np.array([cw.get(c, 1.0) for c in y])}):
        model = Sequential([Input((4,)), Dense(3, activation="softmax")],
                           seed=0, dtype="float64")
        model.compile("sgd", "sparse_categorical_crossentropy")
        runs.append(model.fit(x, y, epochs=2, verbose=0, **kw).history)
    assert runs[0] == runs[1]


@pytest.mark.parametrize("kwargs, message", [
    ({"class_weight": {0: 1.0}, "sample_weight": np.ones(8)},
     "not both"),
    ({"class_weight": [1.0, 2.0]}, "must be a dict"),
    ({"class_weight": {"a": 1.0}}, "integer class"),
    ({"class_weight": {0: float("nan")}}, "finite number"),
    ({"sample_weight": np.ones(5)}, "one weight per example"),
    ({"sample_weight": [1.0] * 7 + [np.inf]}, "NaN or inf"),
])
def test_bad_weights_in_fit_raise(kwargs, message):
    model = Sequential([Input((2,)), Dense(2, activation="softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    with pytest.raises((ValueError, TypeError), match=message):
        model.fit(np.ones((8, 2)), np.zeros(8), verbose=0, **kwargs)


def test_class_weight_needs_a_single_output():
    x = Input((2,))
    model = Model(x, [Dense(1, name="u")(x), Dense(1, name="v")(x)])
    model.compile("sgd", "mse")
    with pytest.raises(ValueError, match="one output"):
        model.fit(np.ones((4, 2)), [np.zeros(4), np.zeros(4)],
                  class_weight={0: 1.0}, verbose=0)


def test_zero_weights_make_examples_irrelevant():
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((12, 3)), rng.standard_normal((12, 1))
    sw = np.r_[np.ones(6), np.zeros(6)]
    grads = []
    for xx, yy, w in ((x, y, sw), (x[:6], y[:6], None)):
        model = Sequential([Input((3,)), Dense(1)], seed=1, dtype="float64")
        model.compile(nnkit.optimizers.SGD(0.1), "mse")
        model.forward_backward(xx, yy, sample_weight=w)
        grads.append([p.grad.copy() for p in model.parameters()])
    # The zero-weight half changes nothing but the divisor N: 12 vs 6.
    for g_all, g_half in zip(*grads):
        assert np.allclose(g_all * 2, g_half)
