"""Merge layers: values, gradients (central differences), masks, errors,
and Keras parity (outputs and input gradients)."""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit.gradcheck import check_layer
from nnkit.layers import Add, Average, Concatenate, Multiply, Subtract

from .conftest import close

PASS = 1e-7
MERGES = [Add, Subtract, Multiply, Average]


def inputs(rng, shapes):
    return [rng.standard_normal(s) for s in shapes]


@pytest.mark.parametrize("cls", MERGES)
def test_elementwise_merges_compute_their_formula(cls, rng):
    a, b = inputs(rng, [(4, 3), (4, 3)])
    expected = {Add: a + b, Subtract: a - b, Multiply: a * b,
                Average: (a + b) / 2}[cls]
    assert np.allclose(cls(dtype="float64")([a, b]), expected)


@pytest.mark.parametrize("cls", [Add, Multiply, Average])
def test_three_inputs_merge_elementwise(cls, rng):
    a, b, c = inputs(rng, [(2, 5), (2, 5), (2, 5)])
    expected = {Add: a + b + c, Multiply: a * b * c,
                Average: (a + b + c) / 3}[cls]
    assert np.allclose(cls(dtype="float64")([a, b, c]), expected)


@pytest.mark.parametrize("cls", MERGES)
@pytest.mark.parametrize("shapes", [
    [(3, 4), (3, 4)],
    [(3, 2, 4), (3, 1, 4)],          # size-1 axis broadcasts
    [(3, 2, 4), (3, 4)],             # lower rank: axes inserted
])
def test_elementwise_merge_gradients_match_central_differences(
        cls, shapes, rng):
    errors = check_layer(cls(dtype="float64"), inputs(rng, shapes))
    assert len(errors) == 2
    assert max(errors.values()) < PASS, errors


@pytest.mark.parametrize("axis", [-1, 1, 2])
def test_concatenate_gradients_match_central_differences(axis, rng):
    shapes = {-1: [(2, 3, 4), (2, 3, 1), (2, 3, 2)],
              1: [(2, 1, 4), (2, 3, 4), (2, 2, 4)],
              2: [(2, 3, 4), (2, 3, 1), (2, 3, 2)]}[axis]
    layer = Concatenate(axis=axis, dtype="float64")
    xs = inputs(rng, shapes)
    assert np.array_equal(layer(xs), np.concatenate(xs, axis=axis))
    errors = check_layer(layer, xs)
    assert len(errors) == 3 and max(errors.values()) < PASS, errors


def test_broadcast_gradient_sums_over_the_stretched_axis():
    a, b = np.ones((2, 3, 4)), np.ones((2, 1, 4))
    layer = Add(dtype="float64")
    layer([a, b])
    da, db = layer.backward(np.ones((2, 3, 4)))
    assert da.shape == a.shape and db.shape == b.shape
    assert np.all(db == 3.0)          # three positions shared each entry


def test_merge_output_shapes_are_computed_from_the_inputs():
    assert Add().compute_output_shape([(3, 4), (1, 4)]) == (3, 4)
    assert Add().compute_output_shape([(2, 3, 4), (4,)]) == (2, 3, 4)
    assert Concatenate(axis=1).compute_output_shape(
        [(2, 4), (5, 4)]) == (7, 4)


@pytest.mark.parametrize("call, message", [
    (lambda: Subtract()([np.ones((2, 3))] * 3), "exactly 2 inputs"),
    (lambda: Add()([np.ones((2, 3)), np.ones((2, 4))]),
     "cannot be combined"),
    (lambda: Add()([np.ones((2, 3)), np.ones((3, 3))]),
     "different batch sizes"),
    (lambda: Add()(np.ones((2, 3))), "list"),
    (lambda: Concatenate()([np.ones((2, 3, 1)), np.ones((2, 4, 1))]),
     "equal in every axis but"),
    (lambda: Concatenate(axis=3)([np.ones((2, 3)), np.ones((2, 3))]),
     "not an axis"),
    (lambda: Concatenate(axis=0), "batch axis"),
    (lambda: Concatenate(axis=1.5), "integer"),
])
def test_bad_merges_raise_clear_errors(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call()


def test_merge_layers_carry_masks_as_keras():
    a, b = np.ones((2, 3, 4)), np.ones((2, 3, 4))
    m1 = np.array([[1, 1, 0], [1, 0, 0]], bool)
    m2 = np.array([[1, 0, 0], [1, 1, 0]], bool)
    assert np.array_equal(Add().compute_mask([a, b], [m1, m2]), m1 | m2)
    assert Add().compute_mask([a, b], [m1, None]) is None
    cat = Concatenate(axis=1)
    assert np.array_equal(cat.compute_mask([a, b], [m1, m2]),
                          np.concatenate([m1, m2], axis=1))
    last = Concatenate()
    assert np.array_equal(last.compute_mask([a, b], [m1, None]),
                          np.ones((2, 3), bool))


def test_multiply_treats_masked_entries_as_one_then_zeroes_the_output(rng):
    a, b = rng.standard_normal((2, 3, 2)), rng.standard_normal((2, 3, 2))
    m1 = np.array([[1, 1, 0], [1, 0, 0]], bool)
    m2 = np.array([[1, 0, 0], [1, 1, 0]], bool)
    layer = Multiply(dtype="float64")
    out = layer.forward([a, b], mask=[m1, m2])
    expect = np.where(m1[..., None], a, 1) * np.where(m2[..., None], b, 1)
    expect = np.where((m1 | m2)[..., None], expect, 0)
    assert np.allclose(out, expect)
    errors = check_layer(layer, [a, b], mask=[m1, m2])
    assert max(errors.values()) < PASS, errors


# ----- Keras parity --------------------------------------------------------
def keras_merge(keras, name, xs, dout, **kwargs):
    import tensorflow as tf
    layer = getattr(keras.layers, name)(**kwargs)
    tx = [tf.Variable(x) for x in xs]
    with tf.GradientTape() as tape:
        out = layer(tx)
        total = tf.reduce_sum(out * dout)
    grads = tape.gradient(total, tx)
    return out.numpy(), [g.numpy() for g in grads]



@pytest.mark.keras
@pytest.mark.parametrize("name, kwargs, shapes", [
    ("Add", {}, [(3, 4), (3, 4), (3, 4)]),
    ("Add", {}, [(3, 2, 4), (3, 1, 4)]),
    ("Subtract", {}, [(3, 4), (3, 4)]),
    ("Multiply", {}, [(3, 2, 4), (3, 2, 4)]),
    ("Average", {}, [(3, 4), (3, 4), (3, 4)]),
    ("Concatenate", {}, [(3, 4), (3, 2)]),
    ("Concatenate", {"axis": 1}, [(3, 2, 4), (3, 5, 4)]),
])
def test_merge_layers_match_keras(floatx, name, kwargs, shapes):
    rng = np.random.default_rng(len(shapes) + len(name))
    xs = [rng.standard_normal(s).astype(floatx) for s in shapes]
    ours = getattr(nnkit.layers, name)(dtype=floatx, **kwargs)
    out = ours(xs)
    dout = rng.standard_normal(out.shape).astype(floatx)
    grads = ours.backward(dout)
    kout, kgrads = keras_merge(nnkit.interop.import_keras(), name, xs,
                               dout, **kwargs)
    close(out, kout, floatx)
    for g, kg in zip(grads, kgrads):
        assert g.shape == kg.shape
        close(g, kg, floatx)
