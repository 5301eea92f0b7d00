"""Every activation, loss and Dense against central differences (float64).

Pass mark: relative error < 1e-7 (see nnkit.gradcheck.rel_error). For
functions with kinks (ReLU family at 0, step, MAE/Huber at their
switch points) the inputs are kept away from the kinks by construction.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnkit
from nnkit import Dense, Sequential
from nnkit.gradcheck import (
    check_activation,
    check_layer,
    check_loss,
    check_model,
    numerical_gradient,
    rel_error,
)

SMOOTH = ["linear", "sigmoid", "tanh", "softplus", "swish", "softmax", "elu",
          "selu"]
KINKED = ["relu", "leaky_relu"]
PASS = 1e-7


def away_from_zero(x, gap=1e-3):
    """Push entries out of (-gap, gap): no kink within h of any input."""
    return np.where(np.abs(x) < gap, np.sign(x + 1e-12) * gap * 2, x)


@pytest.mark.parametrize("name", SMOOTH + KINKED)
def test_activation_backward_matches_central_differences(name, rng):
    x = away_from_zero(3 * rng.standard_normal((6, 5)))
    assert check_activation(nnkit.activations.get(name), x) < PASS


@pytest.mark.parametrize("name", [n for n in SMOOTH if n != "softmax"]
                         + KINKED)
def test_derivative_matches_backward_with_unit_upstream(name, rng):
    act = nnkit.activations.get(name)
    x = away_from_zero(3 * rng.standard_normal(50))
    assert np.allclose(act.derivative(x),
                       act.backward(x, act.forward(x), np.ones_like(x)))


@pytest.mark.parametrize("name", SMOOTH + KINKED + ["step"])
@pytest.mark.parametrize("shape", [(7,), (3, 4), (2, 3, 4, 5)])
def test_forward_in_place_equals_forward_bit_for_bit(name, shape, rng):
    """Also on signed zeros, infinities and NaN; ReLU writes over x, and
    its backward gives the same from y alone."""
    act = nnkit.activations.get(name)
    x = rng.standard_normal(shape).astype(np.float32)
    x.reshape(-1)[:4] = [-0.0, np.inf, -np.inf, np.nan]
    x2 = x.copy()
    with np.errstate(all="ignore"):          # inf - inf in some
        y = act.forward(x.copy())
        y2 = act.forward_in_place(x2)
    assert y2.dtype == y.dtype and y2.shape == y.shape
    assert np.array_equal(y.view(np.uint32), y2.view(np.uint32))
    if name == "relu":
        assert np.shares_memory(x2, y2)
        dout = rng.standard_normal(shape).astype(np.float32)
        assert np.array_equal(act.backward(x, y, dout),
                              act.backward(x2, y2, dout))


def test_softmax_jacobian_is_diag_minus_outer(rng):
    act = nnkit.activations.Softmax()
    x = rng.standard_normal(4)
    jac = act.jacobian(x)
    num = np.stack([
        numerical_gradient(lambda i=i: float(act.forward(x)[i]), x)
        for i in range(4)])
    assert rel_error(jac, num) < PASS
    assert np.allclose(jac.sum(axis=0), 0)      # outputs sum to 1


@given(n=st.integers(1, 6), d=st.integers(1, 6), h=st.integers(1, 6),
       act=st.sampled_from(SMOOTH), use_bias=st.booleans(),
       seed=st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_dense_gradients_over_random_shapes(n, d, h, act, use_bias, seed):
    layer = Dense(h, activation=act, use_bias=use_bias, dtype="float64",
                  kernel_initializer="glorot_normal",
                  bias_initializer=nnkit.initializers.RandomNormal(0, 0.5))
    x = np.random.default_rng(seed).standard_normal((n, d))
    errors = check_layer(layer, x, seed=seed)
    assert set(errors) == {"x", "kernel"} | ({"bias"} if use_bias else set())
    assert max(errors.values()) < PASS, errors


def test_dense_on_3d_inputs_applies_kernel_to_last_axis(rng):
    layer = Dense(3, activation="tanh", dtype="float64")
    x = rng.standard_normal((2, 4, 5))
    assert layer(x).shape == (2, 4, 3)
    assert max(check_layer(layer, x).values()) < PASS


def test_activation_layer_gradient(rng):
    layer = nnkit.layers.Activation("softmax", dtype="float64")
    assert max(check_layer(layer, rng.standard_normal((4, 3))).values()) \
        < PASS


def _targets(loss_name, rng, shape):
    n, c = shape
    if loss_name == "binary_crossentropy":
        return rng.uniform(0, 1, size=shape)          # soft labels too
    if loss_name == "categorical_crossentropy":
        return np.eye(c)[rng.integers(0, c, n)]
    if loss_name == "sparse_categorical_crossentropy":
        return rng.integers(0, c, n)
    return rng.standard_normal(shape)


@given(n=st.integers(1, 8), c=st.integers(2, 5),
       loss_name=st.sampled_from(["mse", "mae", "huber",
                                  "half_squared_error",
                                  "binary_crossentropy",
                                  "categorical_crossentropy",
                                  "sparse_categorical_crossentropy"]),
       from_logits=st.booleans(), seed=st.integers(0, 10_000))
@settings(max_examples=60, deadline=None)
def test_loss_gradients_over_random_shapes(n, c, loss_name, from_logits,
                                           seed):
    rng = np.random.default_rng(seed)
    loss = nnkit.losses.get(loss_name)
    y = _targets(loss_name, rng, (n, c))
    z = rng.standard_normal((n, c))
    if loss_name in ("mse", "mae", "huber", "half_squared_error"):
        y_pred = y + away_from_zero(z, 1e-3)        # no kink at e = 0
        if loss_name == "huber":                    # nor at |e| = delta
            e = y_pred - y
            y_pred = np.where(np.abs(np.abs(e) - 1) < 1e-3, y_pred + 0.01,
                              y_pred)
    elif from_logits:
        loss = type(loss)(from_logits=True)
        y_pred = 2 * z
    # Probabilities are kept >= ~0.04: near q = 0 the third derivative
    # of -log(q) is 2/q^3, and the central difference's own O(h^2)
    # error, not the analytic gradient, would exceed the pass mark.
    elif loss_name == "binary_crossentropy":
        y_pred = 0.1 + 0.8 * nnkit.activations.sigmoid(z)
    else:
        y_pred = 0.8 * nnkit.activations.softmax(z) + 0.2 / c
    assert loss(y, y_pred) >= 0
    assert check_loss(loss, y, y_pred) < PASS


@pytest.mark.parametrize("loss,out,units", [
    ("binary_crossentropy", "sigmoid", 1),
    ("categorical_crossentropy", "softmax", 3),
    ("sparse_categorical_crossentropy", "softmax", 3),
    ("mse", "tanh", 2),
])
def test_whole_model_gradients_including_fused_logits(loss, out, units,
                                                      rng):
    model = Sequential(
        [Dense(5, activation="tanh", input_shape=(4,),
               kernel_regularizer=nnkit.regularizers.L1L2(0.01, 0.02)),
         Dense(4, activation="softplus",
               activity_regularizer=nnkit.regularizers.L2(0.03)),
         Dense(units, activation=out)], seed=0, dtype="float64")
    model.compile("sgd", loss)
    x = rng.standard_normal((7, 4))
    y = _targets(loss, rng, (7, units))
    if loss == "binary_crossentropy":
        y = (y > 0.5).astype(float)
    errors = check_model(model, x, y)
    assert len(errors) == 6
    assert max(errors.values()) < PASS, errors


def test_regularizer_gradients(rng):
    w = rng.standard_normal((4, 3))
    for reg in (nnkit.regularizers.L1(0.1), nnkit.regularizers.L2(0.3),
                nnkit.regularizers.L1L2(0.2, 0.05)):
        num = numerical_gradient(lambda r=reg: r(w), w)
        assert rel_error(reg.gradient(w), num) < PASS


def test_gradcheck_catches_a_wrong_gradient(rng):
    """The checker itself must fail a buggy backward."""

    class BadTanh(nnkit.activations.Tanh):
        def backward(self, x, y, dout):
            return dout * (1.0 - y)          # forgot to square y

    x = rng.standard_normal((4, 3))
    assert check_activation(BadTanh(), x) > 1e-2


@pytest.mark.parametrize("name", SMOOTH + KINKED + ["step"])
def test_activations_are_stable_for_huge_inputs(name):
    x = np.array([-1e4, -800.0, -50.0, 0.0, 50.0, 800.0, 1e4])[None, :]
    act = nnkit.activations.get(name)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = act.forward(x)
        if act.elementwise:
            d = act.derivative(x)
            assert np.all(np.isfinite(d))
    assert np.all(np.isfinite(y))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_is_exact_in_both_tails_and_never_overflows(dtype):
    info = np.finfo(dtype)
    big = [1e4, 88.0, 89.0, 104.0, 710.0, 746.0, info.max, np.inf]
    x = np.array([0.0, -0.0, 1e-30, 0.5, 3.0, 20.0, 40.0] + big, dtype)
    x = np.concatenate([x, -x])
    with np.errstate(over="raise", invalid="raise", divide="raise",
                     under="ignore"):
        y = nnkit.activations.sigmoid(x)
    assert y.dtype == dtype and np.all((0 <= y) & (y <= 1))
    # the tails: 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) for x < 0,
    # each to a few ulps, also where sigmoid(x) is far below eps
    ref = np.where(x >= 0, 1 / (1 + np.exp(-np.abs(x.astype(float)))),
                   np.exp(-np.abs(x.astype(float)))
                   / (1 + np.exp(-np.abs(x.astype(float)))))
    tiny = ref > info.tiny
    assert np.allclose(y[tiny], ref[tiny], rtol=4 * info.eps, atol=0)
    n = len(x) // 2
    assert y[n + 6] > 0 and y[n + 6] < info.eps        # sigmoid(-40)
    assert y[6] == 1 and y[n - 1] == 1 and y[-1] == 0  # +40, +inf, -inf
    assert np.allclose(y[:n] + y[n:], 1, atol=info.eps)
    assert np.isnan(nnkit.activations.sigmoid(np.array([np.nan], dtype)))


def test_softmax_rows_sum_to_one_even_for_huge_logits():
    z = np.array([[1e4, 0.0, -1e4], [3.0, 3.0, 3.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        p = nnkit.activations.softmax(z)
        logp = nnkit.activations.log_softmax(z)
    assert np.allclose(p.sum(axis=1), 1.0)
    assert np.allclose(p[1], 1 / 3)
    assert np.isclose(logp[0, 2], -2e4)


@pytest.mark.parametrize("loss", ["binary_crossentropy",
                                  "categorical_crossentropy",
                                  "sparse_categorical_crossentropy"])
def test_cross_entropy_from_logits_is_stable_for_huge_logits(loss):
    z = np.array([[1e4, -1e4, 0.0]])
    cls = type(nnkit.losses.get(loss))
    y = {"binary_crossentropy": np.array([[0.0, 1.0, 1.0]]),
         "categorical_crossentropy": np.array([[0.0, 1.0, 0.0]]),
         "sparse_categorical_crossentropy": np.array([1])}[loss]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value = cls(from_logits=True)(y, z)
        grad = cls(from_logits=True).gradient(y, z)
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    assert value > 100                      # confidently wrong costs a lot
