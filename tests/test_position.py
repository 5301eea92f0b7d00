"""SinePositionEncoding and PositionEmbedding (keras_hub's names).

keras_hub is not installed (it is not needed for anything else), so
the reference is the published formula (Vaswani et al. 2017, section
3.5) written as plain loops, and keras_hub's own op sequence replayed
with keras.ops.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Sequential
from nnkit.gradcheck import check_layer
from nnkit.layers import (
    PositionEmbedding,
    SinePositionEncoding,
    sine_position_encoding,
)

from .conftest import TOL

PASS = 1e-7


def paper_encoding(steps, d, start=0, wavelength=10000.0):
    pe = np.zeros((steps, d))
    for pos in range(start, start + steps):
        for i in range(d):
            angle = pos / wavelength ** (2 * (i // 2) / d)
            pe[pos - start, i] = math.sin(angle) if i % 2 == 0 \
                else math.cos(angle)
    return pe


@pytest.mark.parametrize("d", [1, 4, 7])
@pytest.mark.parametrize("start", [0, 3])
def test_sine_encoding_is_the_papers_formula(d, start, rng):
    x = rng.standard_normal((2, 6, d))
    out = SinePositionEncoding(dtype="float64")(x, start_index=start)
    assert out.shape == x.shape
    assert np.allclose(out[0], paper_encoding(6, d, start), rtol=0,
                       atol=1e-12)
    assert np.array_equal(out[0], out[1])
    small = SinePositionEncoding(max_wavelength=50, dtype="float64")(x)
    assert np.allclose(small[1], paper_encoding(6, d, 0, 50.0), atol=1e-12)


def test_sine_encoding_shifts_are_rotations():
    """PE[p + k] is PE[p] rotated pairwise by the angles k w_i."""
    d, k = 8, 5
    pe = sine_position_encoding(20, d)
    w = (1 / 10000) ** (np.arange(0, d, 2) / d)
    for p in (0, 3, 11):
        s, c = pe[p, 0::2], pe[p, 1::2]
        s2 = s * np.cos(k * w) + c * np.sin(k * w)
        c2 = c * np.cos(k * w) - s * np.sin(k * w)
        assert np.allclose(pe[p + k, 0::2], s2)
        assert np.allclose(pe[p + k, 1::2], c2)


@pytest.mark.keras
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sine_encoding_matches_keras_hubs_op_sequence(keras, dtype, rng):
    ops = keras.ops
    x = rng.standard_normal((2, 9, 6)).astype(dtype)
    start = 2
    # keras_hub.layers.SinePositionEncoding.call, step by step
    positions = ops.cast(ops.arange(9) + start, dtype)
    min_freq = ops.cast(1 / 10000, dtype=dtype)
    timescales = ops.power(min_freq, ops.cast(2 * (ops.arange(6) // 2),
                                              dtype) / ops.cast(6, dtype))
    angles = ops.expand_dims(positions, 1) * ops.expand_dims(timescales, 0)
    cos_mask = ops.cast(ops.arange(6) % 2, dtype)
    theirs = ops.convert_to_numpy(ops.broadcast_to(
        ops.sin(angles) * (1 - cos_mask) + ops.cos(angles) * cos_mask,
        x.shape))
    ours = SinePositionEncoding(dtype=dtype)(x, start_index=start)
    assert ours.dtype == np.dtype(dtype)
    err = np.max(np.abs(ours - theirs)) / max(1, np.max(np.abs(theirs)))
    if dtype == "float32":
        assert err < TOL["float32"]
        return
    # keras.ops casts the Python float 1/10000 through float32 (as it
    # does every Python float): with that rounding the two agree to
    # float64 precision
    assert 1e-10 < err < 1e-7
    rounded = 1 / float(np.float32(1 / 10000))
    ours = SinePositionEncoding(rounded, dtype=dtype)(x, start_index=start)
    assert np.max(np.abs(ours - theirs)) < TOL["float64"]


@pytest.mark.parametrize("layer", [SinePositionEncoding(dtype="float64"),
                                   PositionEmbedding(8, dtype="float64")])
def test_position_layers_gradients_match_central_differences(layer, rng):
    x = rng.standard_normal((3, 5, 4))
    errors = check_layer(layer, x)
    assert errors["x"] == 0.0                 # the output ignores x
    assert max(errors.values()) < PASS, errors


def test_position_embedding_looks_up_rows_from_start_index(rng):
    layer = PositionEmbedding(6, dtype="float64", seed=1)
    x = rng.standard_normal((2, 3, 4))
    out = layer(x, start_index=2)
    table = layer.embeddings.data
    assert np.array_equal(out[1], table[2:5])
    dout = rng.standard_normal(out.shape)
    layer.embeddings.zero_grad()
    assert np.array_equal(layer.backward(dout), np.zeros_like(x))
    assert np.allclose(layer.embeddings.grad[2:5], dout.sum(axis=0))
    assert np.all(layer.embeddings.grad[[0, 1, 5]] == 0)
    limit = math.sqrt(6 / (6 + 4))             # glorot_uniform, (L, D)
    assert np.all(np.abs(table) <= limit)


def test_position_layers_train_save_and_load_in_a_model(tmp_path, rng):
    model = Sequential([Dense(4, input_shape=(5, 3)), PositionEmbedding(5),
                        Dense(2)], seed=0)
    model.compile("adam", "mse")
    x, y = rng.standard_normal((8, 5, 3)), rng.standard_normal((8, 5, 2))
    before = model.get_weights()[2].copy()
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert not np.allclose(before, model.get_weights()[2])
    loaded = nnkit.load_model(model.save(tmp_path / "pos"))
    assert np.array_equal(loaded.predict(x), model.predict(x))
    for layer in (SinePositionEncoding(max_wavelength=500),
                  PositionEmbedding(12, initializer="random_normal")):
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()
        assert nnkit.layers.get(type(layer).__name__) is type(layer)


def test_position_layers_reject_bad_arguments():
    with pytest.raises(ValueError, match=r"PositionEmbedding "
                       r"'position_embedding': sequence_length must be a "
                       r"positive integer \(>= 1\), got None"):
        PositionEmbedding(None)
    with pytest.raises(ValueError, match=r"PositionEmbedding 'pe' learned 4 "
                       r"positions \(sequence_length\), but the input asks "
                       r"for positions 2..5"):
        PositionEmbedding(4, name="pe")(np.zeros((1, 4, 2)), start_index=2)
    with pytest.raises(ValueError, match=r"SinePositionEncoding "
                       r"'sine_position_encoding': max_wavelength must be "
                       r"a finite number > 0, got 0"):
        SinePositionEncoding(max_wavelength=0)
    with pytest.raises(ValueError, match=r"start_index must be an integer "
                       r">= 0, got -1"):
        SinePositionEncoding()(np.zeros((1, 3, 2)), start_index=-1)
    with pytest.raises(ValueError, match=r"expects inputs of rank 3"):
        SinePositionEncoding()(np.zeros((1, 3)))


@pytest.mark.keras
def test_position_layers_need_keras_hub_to_convert(keras):
    from nnkit.interop import LAYERS
    # keras_hub is optional: without it, a clear error
    try:
        import keras_hub  # noqa: F401
    except ImportError:
        with pytest.raises(ValueError, match=r"SinePositionEncoding "
                           r"'sine_position_encoding' comes from keras_hub.*"
                           r"not installed"):
            LAYERS.to_keras(SinePositionEncoding())
        return
    k = LAYERS.to_keras(PositionEmbedding(7))
    assert LAYERS.from_keras(k).sequence_length == 7
