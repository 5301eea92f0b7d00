"""Bidirectional: merge modes, masks, states, weights, config, errors.

Gradients by central differences (float64, masks and initial states
included) and parity with keras.layers.Bidirectional (outputs, states,
gradients of the input, the initial states and every weight).
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Sequential
from nnkit.gradcheck import numerical_gradient, rel_error
from nnkit.interop import LAYERS, from_keras, to_keras
from nnkit.layers import GRU, LSTM, Bidirectional, SimpleRNN

from .conftest import TOL

MODES = ["concat", "sum", "mul", "ave", None]
PASS = 1e-7


def normal_bias():
    return nnkit.initializers.RandomNormal(0.0, 0.5)


def close(a, b, dtype="float64"):
    a, b = np.asarray(a, float), np.asarray(b, float)
    err = np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b)))
    assert err <= TOL[dtype], f"max scaled difference {err:.3g}"
    return err


def ragged_mask(rng, n, t):
    mask = rng.random((n, t)) > 0.3
    mask[0] = np.arange(t) < max(1, t // 2)           # right-padded
    mask[1] = np.arange(t) >= t // 2                  # left-padded
    return mask


def as_list(out):
    return out if isinstance(out, list) else [out]


def wrapper(cls, merge_mode, return_sequences, return_state, units=3,
            **kw):
    return Bidirectional(cls(units, return_sequences=return_sequences,
                             return_state=return_state,
                             bias_initializer=normal_bias(), **kw),
                         merge_mode=merge_mode, dtype="float64")


# ----- structure ----------------------------------------------------------------
def test_weights_are_the_forward_then_the_backward_layers():
    layer = Bidirectional(LSTM(4, return_sequences=True))
    out = layer(np.zeros((2, 5, 3), np.float32))
    assert out.shape == (2, 5, 8)
    names = [p.name for p in layer.parameters()]
    assert names == [f"{d}_lstm/{w}" for d in ("forward", "backward")
                     for w in ("kernel", "recurrent_kernel", "bias")]
    assert layer.forward_layer.go_backwards is False
    assert layer.backward_layer.go_backwards is True
    assert layer.count_params() == 2 * (3 * 16 + 4 * 16 + 16)
    fwd, bwd = layer.forward_layer, layer.backward_layer
    assert not np.array_equal(fwd.kernel.data, bwd.kernel.data)
    assert fwd.zero_output_for_mask and bwd.zero_output_for_mask


@pytest.mark.parametrize("mode,shape", [("concat", (5, 8)), ("sum", (5, 4)),
                                        ("mul", (5, 4)), ("ave", (5, 4)),
                                        (None, [(5, 4), (5, 4)])])
def test_output_shapes_and_masks_follow_the_merge_mode(mode, shape):
    layer = Bidirectional(GRU(4, return_sequences=True), merge_mode=mode)
    assert layer.compute_output_shape((5, 3)) == shape
    mask = np.ones((2, 5), bool)
    got = layer.compute_mask(np.zeros((2, 5, 3)), mask)
    assert got == [mask, mask] if mode is None else got is mask
    last = Bidirectional(GRU(4, return_state=True), merge_mode=mode)
    states = [(4,), (4,)]
    out = [(8,)] if mode == "concat" else [(4,)] * (1 + (mode is None))
    assert last.compute_output_shape((5, 3)) == out + states
    assert last.compute_mask(None, mask) == [None] * (len(out) + 2)


def test_the_wrapped_layer_is_copied_and_keeps_its_arguments():
    inner = SimpleRNN(3, activation="relu", name="rnn", dtype="float64")
    layer = Bidirectional(inner)
    assert layer.forward_layer is not inner
    assert layer.forward_layer.name == "forward_rnn"
    assert layer.backward_layer.name == "backward_rnn"
    assert layer.backward_layer.activation.name == "relu"
    assert layer.forward_layer.dtype == np.float64      # explicit: kept
    follows = Sequential([Bidirectional(LSTM(2), input_shape=(4, 3))],
                         dtype="float64")
    assert follows.layers[0].forward_layer.dtype == np.float64


# ----- gradients ---------------------------------------------------------------
def gradients(layer, x, mask, init, gs):
    def f():
        outs = as_list(layer.forward(x, mask=mask, initial_state=init))
        return float(sum(np.sum(o * g) for o, g in zip(outs, gs)))

    for p in layer.parameters():
        p.zero_grad()
    layer.forward(x, mask=mask, initial_state=init)
    dx = layer.backward(gs if len(gs) > 1 else gs[0])
    analytic = {"x": dx} | {p.name: p.grad.copy()
                            for p in layer.parameters()}
    numeric = {"x": numerical_gradient(f, x)}
    numeric |= {p.name: numerical_gradient(f, p.data)
                for p in layer.parameters()}
    for i, (s, ds) in enumerate(zip(init or [],
                                    layer.initial_state_grads)):
        analytic[f"state{i}"] = ds
        numeric[f"state{i}"] = numerical_gradient(f, s)
    return {k: rel_error(analytic[k], numeric[k]) for k in analytic}


@pytest.mark.parametrize("cls", [SimpleRNN, LSTM, GRU])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_bidirectional_gradients_match_central_differences(
        cls, mode, return_sequences):
    rng = np.random.default_rng(1)
    layer = wrapper(cls, mode, return_sequences, return_state=True)
    layer.build((5, 2), rng)
    x = rng.standard_normal((3, 5, 2))
    mask = ragged_mask(rng, 3, 5)
    n_states = 2 * len(layer.forward_layer.state_names)
    init = [rng.standard_normal((3, 3)) for _ in range(n_states)]
    outs = as_list(layer.forward(x, mask=mask, initial_state=init))
    gs = [rng.standard_normal(o.shape) for o in outs]
    errors = gradients(layer, x, mask, init, gs)
    assert len(errors) == 1 + 6 + n_states
    assert max(errors.values()) < PASS, errors


def test_unused_outputs_may_have_no_gradient():
    rng = np.random.default_rng(2)
    layer = wrapper(LSTM, None, True, return_state=True)
    x = rng.standard_normal((2, 4, 3))
    outs = layer(x)
    dy = rng.standard_normal(outs[0].shape)
    dx = layer.backward([dy, None, None, None, None, None])
    ref = wrapper(LSTM, None, True, return_state=False)
    ref.build((4, 3))
    ref.set_weights(layer.get_weights())
    ref.forward(x)
    assert np.allclose(dx, ref.backward([dy, None]), rtol=0, atol=1e-15)
    assert np.all(ref.backward_layer.kernel.grad == 0)


# ----- against Keras ---------------------------------------------------------------
def compare_with_keras(tf, layer, klayer, x, mask, init, rng):
    outs = as_list(layer.forward(x, mask=mask, initial_state=init))
    gs = [rng.standard_normal(o.shape) for o in outs]
    dx = layer.backward(gs if len(gs) > 1 else gs[0])
    tx = tf.constant(x)
    tinit = None if init is None else [tf.constant(s) for s in init]
    with tf.GradientTape() as tape:
        tape.watch([tx] + (tinit or []))
        theirs = klayer(tx, mask=tf.constant(mask), initial_state=tinit)
        theirs = list(theirs) if isinstance(theirs, (list, tuple)) \
            else [theirs]
        target = tf.add_n([tf.reduce_sum(o * g)
                           for o, g in zip(theirs, gs)])
    n0 = len(tinit or [])
    kgrads = tape.gradient(target, [tx] + (tinit or [])
                           + list(klayer.trainable_variables))
    assert len(outs) == len(theirs)
    for a, b in zip(outs, theirs):
        close(a, b)
    close(dx, kgrads[0])
    for a, b in zip(layer.initial_state_grads if init else [],
                    kgrads[1:1 + n0]):
        close(a, b)
    assert len(layer.parameters()) == len(kgrads) - 1 - n0
    for p, b in zip(layer.parameters(), kgrads[1 + n0:]):
        close(p.grad, b)


@pytest.mark.keras
@pytest.mark.parametrize("cls", [SimpleRNN, LSTM, GRU])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("return_state", [False, True])
def test_bidirectional_matches_keras(keras64, cls, mode, return_sequences,
                                     return_state):
    import tensorflow as tf
    rng = np.random.default_rng(3)
    n, t, d = 5, 6, 3
    layer = wrapper(cls, mode, return_sequences, return_state, units=4)
    layer.build((t, d), rng)
    klayer = LAYERS.to_keras(layer)
    klayer.build((None, t, d))
    klayer.set_weights(layer.get_weights())
    cell = klayer.forward_layer.cell.name          # e.g. "lstm_cell"
    assert [w.path.replace(f"/{cell}", "") for w in klayer.weights] == \
        [p.path for p in layer.parameters()]
    x = rng.standard_normal((n, t, d))
    mask = ragged_mask(rng, n, t)
    init = None
    if return_state:
        k = 2 * len(layer.forward_layer.state_names)
        init = [rng.standard_normal((n, 4)) for _ in range(k)]
    compare_with_keras(tf, layer, klayer, x, mask, init, rng)


@pytest.mark.keras
def test_a_different_backward_layer_matches_keras(keras64):
    import tensorflow as tf
    rng = np.random.default_rng(4)
    layer = Bidirectional(
        LSTM(3, return_sequences=True, bias_initializer=normal_bias()),
        backward_layer=GRU(4, return_sequences=True, go_backwards=True,
                           activation="relu", name="back"),
        dtype="float64")
    layer.build((6, 2), rng)
    assert layer.backward_layer.name == "back"
    assert layer.compute_output_shape((6, 2)) == (6, 7)
    klayer = LAYERS.to_keras(layer)
    klayer.build((None, 6, 2))
    klayer.set_weights(layer.get_weights())
    x = rng.standard_normal((4, 6, 2))
    compare_with_keras(tf, layer, klayer, x, ragged_mask(rng, 4, 6), None,
                       rng)


@pytest.mark.keras
def test_bidirectional_converts_both_ways(keras):
    model = Sequential([Bidirectional(
        GRU(3, return_sequences=True, dropout=0.25), merge_mode="ave",
        backward_layer=GRU(3, return_sequences=True, go_backwards=True,
                           recurrent_dropout=0.5),
        input_shape=(5, 2))], seed=0)
    kmodel = to_keras(model)
    kb = kmodel.layers[0]
    assert type(kb).__name__ == "Bidirectional" and kb.merge_mode == "ave"
    assert kb.forward_layer.cell.dropout == 0.25
    assert kb.backward_layer.cell.recurrent_dropout == 0.5
    back = from_keras(kmodel)
    b = back.layers[0]
    assert b.get_config() == model.layers[0].get_config()
    x = np.random.default_rng(5).standard_normal((3, 5, 2))
    close(back.predict(x), kmodel.predict(x, verbose=0), "float32")


# ----- config, saving, freezing --------------------------------------------------
def test_config_round_trip_and_saving(tmp_path):
    rng = np.random.default_rng(6)
    model = Sequential([
        Bidirectional(LSTM(3, return_sequences=True, dropout=0.25),
                      merge_mode="sum", input_shape=(5, 2)),
        Bidirectional(GRU(2)), Dense(1)], seed=2)
    model.compile(nnkit.optimizers.SGD(0.1), "mse")
    x, y = rng.standard_normal((16, 5, 2)), rng.standard_normal((16, 1))
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    layer = model.layers[0]
    again = Bidirectional.from_config(layer.get_config())
    assert again.get_config() == layer.get_config()
    loaded = nnkit.load_model(model.save(tmp_path / "bi"))
    assert loaded.get_config() == model.get_config()
    assert np.array_equal(loaded.predict(x), model.predict(x))
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=4, verbose=0)  # same masks
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        assert np.array_equal(a, b)


def test_freezing_the_wrapper_freezes_both_directions():
    layer = Bidirectional(LSTM(3))
    layer(np.zeros((1, 4, 2)))
    layer.trainable = False
    assert layer.trainable_parameters == []
    assert not layer.forward_layer.trainable
    assert not layer.backward_layer.trainable


# ----- errors --------------------------------------------------------------------
def test_bidirectional_needs_a_recurrent_layer():
    with pytest.raises(TypeError, match=r"Bidirectional 'bidirectional': "
                       r"layer must be a recurrent layer \(SimpleRNN, LSTM "
                       r"or GRU\), got <Dense .dense.> \(a Dense\)"):
        Bidirectional(Dense(3))


def test_unknown_merge_mode_lists_the_choices():
    with pytest.raises(ValueError, match=r"merge_mode must be one of "
                       r"'concat', 'sum', 'mul', 'ave' or None, got 'max'"):
        Bidirectional(LSTM(3), merge_mode="max")


def test_directions_must_differ_and_agree():
    with pytest.raises(ValueError, match=r"different go_backwards, got "
                       r"True for both"):
        Bidirectional(LSTM(3, go_backwards=True))
    with pytest.raises(ValueError, match=r"different go_backwards"):
        Bidirectional(LSTM(3), backward_layer=LSTM(3))
    with pytest.raises(ValueError, match=r"the same return_sequences, got "
                       r"True and False"):
        Bidirectional(LSTM(3, return_sequences=True),
                      backward_layer=LSTM(3, go_backwards=True))


def test_initial_state_must_hold_both_directions():
    layer = Bidirectional(LSTM(3))
    with pytest.raises(ValueError, match=r"initial_state must be a list of "
                       r"4 arrays \(the forward layer's h, c, then the "
                       r"backward layer's\)"):
        layer(np.zeros((2, 4, 1)), initial_state=[np.zeros((2, 3))] * 2)


def test_a_list_output_is_refused_by_sequential():
    with pytest.raises(ValueError, match=r"returns a list of 2 outputs"):
        Sequential([Bidirectional(LSTM(3), merge_mode=None,
                                  input_shape=(4, 2))])
