"""nnkit.perceptron: Rosenblatt's rule on logic gates and separable data."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnkit.perceptron import Perceptron

GATE_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
AND = np.array([0, 0, 0, 1])
OR = np.array([0, 1, 1, 1])
XOR = np.array([0, 1, 1, 0])


@pytest.mark.parametrize("y", [AND, OR], ids=["AND", "OR"])
def test_learns_linearly_separable_gates(y):
    p = Perceptron().fit(GATE_X, y)
    assert p.converged_
    assert p.errors_per_epoch_[-1] == 0
    assert p.n_epochs_ == len(p.errors_per_epoch_) < p.max_epochs
    np.testing.assert_array_equal(p.predict(GATE_X), y)
    assert p.score(GATE_X, y) == 1.0


def test_and_gate_follows_the_rule_by_hand():
    # Epoch 1 from w = 0, b = 0, eta = 1 (step(0) = 1):
    # (0,0): y_hat 1, y 0 -> w = (0,0), b = -1
    # (0,1): z = -1 -> 0, right.   (1,0): right.
    # (1,1): z = -1 -> 0, y 1 -> w = (1,1), b = 0
    p = Perceptron(max_epochs=1).fit(GATE_X, AND)
    assert p.errors_per_epoch_ == [2]
    np.testing.assert_array_equal(p.weights_, [1.0, 1.0])
    assert p.bias_ == 0.0
    assert not p.converged_


def test_fails_on_xor():
    p = Perceptron(max_epochs=50).fit(GATE_X, XOR)
    assert not p.converged_
    assert p.n_epochs_ == 50
    assert min(p.errors_per_epoch_) > 0
    assert p.score(GATE_X, XOR) < 1.0


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 5))
def test_converges_on_random_separable_data(seed, d):
    rng = np.random.default_rng(seed)
    w_true = rng.normal(size=d)
    b_true = rng.normal()
    x = rng.uniform(-3, 3, (80, d))
    margin = (x @ w_true + b_true) / np.linalg.norm(w_true)
    x = x[np.abs(margin) > 0.3]          # keep a margin: bounded mistakes
    y = (x @ w_true + b_true > 0).astype(int)
    p = Perceptron(max_epochs=2000, shuffle=True, seed=seed).fit(x, y)
    assert p.converged_
    np.testing.assert_array_equal(p.predict(x), y)


def test_history_starts_at_the_initial_weights_and_ends_at_the_final():
    p = Perceptron().fit(GATE_X, OR)
    w0, b0 = p.weights_history_[0]
    np.testing.assert_array_equal(w0, [0.0, 0.0])
    assert b0 == 0.0
    w_last, b_last = p.weights_history_[-1]
    np.testing.assert_array_equal(w_last, p.weights_)
    assert b_last == p.bias_
    # One entry per update, i.e. per mistake.
    assert len(p.weights_history_) == 1 + sum(p.errors_per_epoch_)


def test_decision_line_matches_the_weights():
    p = Perceptron().fit(GATE_X, AND)
    slope, intercept = p.decision_line()
    w1, w2 = p.weights_
    assert slope == pytest.approx(-w1 / w2)
    assert intercept == pytest.approx(-p.bias_ / w2)
    # Points on the line have net input exactly 0.
    x1 = np.array([-1.0, 0.5, 2.0])
    on_line = np.column_stack([x1, slope * x1 + intercept])
    np.testing.assert_allclose(p.decision_function(on_line), 0.0,
                               atol=1e-12)
    # And it can be computed for any entry of the history.
    w, b = p.weights_history_[1]
    if w[1] != 0:
        assert p.decision_line(w, b) == (-w[0] / w[1], -b / w[1])


def test_decision_line_with_vertical_boundary_raises():
    p = Perceptron()
    with pytest.raises(ValueError, match="w2 = 0"):
        p.decision_line(np.array([1.0, 0.0]), 0.5)


def test_learning_rate_only_scales_weights_from_zero():
    # Powers of two keep the arithmetic exact, so ties at w.x + b = 0
    # stay ties (with 0.1 rounding can break them).
    a = Perceptron(learning_rate=1.0).fit(GATE_X, AND)
    b = Perceptron(learning_rate=0.25).fit(GATE_X, AND)
    np.testing.assert_array_equal(b.weights_, 0.25 * a.weights_)
    assert b.bias_ == 0.25 * a.bias_
    assert b.errors_per_epoch_ == a.errors_per_epoch_


def test_shuffle_and_random_init_are_reproducible_with_a_seed():
    x = np.random.default_rng(0).normal(size=(40, 2))
    y = (x[:, 0] > x[:, 1]).astype(int)
    runs = [Perceptron(shuffle=True, w_init="random", seed=s).fit(x, y)
            for s in (1, 1, 2)]
    np.testing.assert_array_equal(runs[0].weights_, runs[1].weights_)
    assert runs[0].errors_per_epoch_ == runs[1].errors_per_epoch_
    assert not np.array_equal(runs[0].weights_, runs[2].weights_)


@pytest.mark.parametrize("y, bad", [([0, 1, 2, 1], "2"),
                                    ([-1, 1, 1, -1], "-1"),
                                    ([0, 0.5, 1, 1], "0.5")])
def test_labels_other_than_0_and_1_are_rejected(y, bad):
    with pytest.raises(ValueError, match=f"labels must be 0 or 1, got {bad}"):
        Perceptron().fit(GATE_X, y)


def test_argument_and_usage_errors():
    with pytest.raises(ValueError,
                       match="learning_rate must be a finite number > 0"):
        Perceptron(learning_rate=0)
    with pytest.raises(ValueError, match="w_init must be"):
        Perceptron(w_init="glorot")
    with pytest.raises(RuntimeError, match="call fit"):
        Perceptron().predict(GATE_X)
    p = Perceptron().fit(GATE_X, AND)
    with pytest.raises(ValueError, match="fitted on 2 features"):
        p.predict(np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"y must have shape \(4,\)"):
        Perceptron().fit(GATE_X, [0, 1])
