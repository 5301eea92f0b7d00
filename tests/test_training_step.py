"""The training step's fast paths give exactly what the plain paths give.

``fit`` computes each batch's loss and gradient in one call
(``Loss.value_and_gradient``), with the labels checked once per ``fit``
rather than once per batch; these tests hold those paths to the public
``loss(...)`` and ``loss.gradient(...)``, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import losses

REDUCTIONS = ["sum_over_batch_size", "sum", "mean_with_sample_weight",
              "none"]


def _pair(loss, y, z, sw=None, mask=None):
    extra = () if sw is None and mask is None else (sw, mask)
    return loss(y, z, *extra), loss.gradient(y, z, *extra)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("labels_checked", [True, False])
def test_sparse_value_and_gradient_equal_the_two_calls(
        reduction, dtype, from_logits, labels_checked):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((7, 5)).astype(dtype) * 3
    if not from_logits:
        z = nnkit.activations.softmax(z)
    y = rng.integers(0, 5, 7)
    loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits,
                                                reduction=reduction)
    for sw in (None, rng.uniform(0, 2, 7)):
        value, grad = loss.value_and_gradient(
            y, z, sw, None, labels_checked=labels_checked)
        want_value, want_grad = _pair(loss, y, z, sw)
        np.testing.assert_array_equal(value, want_value)
        assert grad.dtype == want_grad.dtype == dtype
        np.testing.assert_array_equal(grad, want_grad)


def test_sparse_value_and_gradient_on_sequences_with_a_mask():
    rng = np.random.default_rng(1)
    z = rng.standard_normal((4, 6, 3)).astype(np.float32)
    y = rng.integers(0, 3, (4, 6, 1))          # (N, T, 1) labels too
    mask = rng.uniform(size=(4, 6)) > 0.3
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    value, grad = loss.value_and_gradient(y, z, None, mask,
                                          labels_checked=True)
    want_value, want_grad = _pair(loss, y, z, None, mask)
    assert value == want_value
    np.testing.assert_array_equal(grad, want_grad)


def test_the_checked_path_still_refuses_bad_labels():
    loss = losses.SparseCategoricalCrossentropy(from_logits=True)
    z = np.zeros((3, 4), np.float32)
    with pytest.raises(ValueError, match=r"\[0, 3\]"):
        loss.value_and_gradient(np.array([0, 1, 4]), z)
    with pytest.raises(ValueError, match="whole numbers"):
        loss(np.array([0, 1.5, 2]), z)


def test_fit_still_refuses_bad_labels_before_training():
    model = nnkit.Sequential([nnkit.Input((3,)),
                              nnkit.layers.Dense(4, activation="softmax")],
                             seed=0)
    model.compile("adam", "sparse_categorical_crossentropy")
    before = [w.copy() for w in model.get_weights()]
    x = np.zeros((5, 3), np.float32)
    with pytest.raises(ValueError, match=r"labels must lie in \[0, 3\]"):
        model.fit(x, np.array([0, 1, 2, 3, 9]), verbose=0)
    for w, b in zip(model.get_weights(), before):
        np.testing.assert_array_equal(w, b)


def test_a_loss_overriding_gradient_keeps_its_own_in_fit():
    # HalfSquaredError writes its own gradient: the one-call default
    # must use it, so fit follows it exactly.
    loss = losses.HalfSquaredError()
    rng = np.random.default_rng(2)
    y, p = rng.standard_normal((6, 2)), rng.standard_normal((6, 2))
    value, grad = loss.value_and_gradient(y, p, labels_checked=True)
    assert value == loss(y, p)
    np.testing.assert_array_equal(grad, loss.gradient(y, p))


@pytest.mark.parametrize("shuffle", [False, True])
def test_fit_batches_leave_the_data_untouched(shuffle):
    # Unshuffled batches are views of x and y (no copy): training must
    # not write into them.
    rng = np.random.default_rng(3)
    x = rng.standard_normal((50, 4)).astype(np.float32)
    y = rng.integers(0, 3, 50)
    x0, y0 = x.copy(), y.copy()
    model = nnkit.Sequential([nnkit.Input((4,)),
                              nnkit.layers.Dense(5, activation="relu"),
                              nnkit.layers.Dropout(0.5),
                              nnkit.layers.Dense(3, activation="softmax")],
                             seed=0)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=shuffle)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(y, y0)


def test_unshuffled_fit_sees_the_batches_in_order():
    # The same steps by hand, batch by batch, give the same weights.
    rng = np.random.default_rng(4)
    x = rng.standard_normal((40, 3)).astype(np.float32)
    y = rng.integers(0, 2, 40)

    def model():
        m = nnkit.Sequential([nnkit.Input((3,)),
                              nnkit.layers.Dense(2, activation="softmax")],
                             seed=1)
        m.compile("adam", "sparse_categorical_crossentropy")
        return m

    a, b = model(), model()
    a.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
    for s in range(0, 40, 16):
        b.train_on_batch(x[s:s + 16], y[s:s + 16])
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
