"""Masks for padded sequences: Embedding(mask_zero), Masking, and the
recurrent layers that skip the masked steps (Keras 3's rules).

A masked step keeps the state (h_t = m_t h~_t + (1 - m_t) h_{t-1}); the
output repeats the last one (or is zero with zero_output_for_mask).
Checked against padding-free runs (the meaning), central differences
in float64 (the backward), an independent truncation (truncated BPTT)
and Keras itself (outputs, states, gradients).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnkit.gradcheck import numerical_gradient, rel_error
from nnkit.layers import GRU, LSTM, Embedding, Masking

from .test_recurrent import CELLS, PASS, close, make, objective_and_grads


def ragged_mask(rng, n, t):
    """Right padding, left padding, a hole, and a fully masked row."""
    mask = rng.random((n, t)) > 0.3
    mask[0] = np.arange(t) < max(1, t // 2)           # right-padded
    if n > 1:
        mask[1] = np.arange(t) >= t // 2              # left-padded
    if n > 2:
        mask[2] = False                               # nothing real
    return mask


# ----- Embedding(mask_zero=True) ----------------------------------------
def test_embedding_mask_zero_marks_the_nonzero_ids():
    layer = Embedding(6, 3, mask_zero=True)
    ids = np.array([[3, 1, 0, 0], [0, 2, 5, 0]])
    out = layer(ids)
    assert layer.supports_masking
    assert np.array_equal(layer.compute_mask(ids), ids != 0)
    assert np.array_equal(out[0, 2], layer.embeddings.data[0])  # looked up
    assert Embedding(6, 3).compute_mask(ids) is None
    assert not Embedding(6, 3).supports_masking
    again = Embedding.from_config(layer.get_config())
    assert again.mask_zero and again.get_config() == layer.get_config()


def test_embedding_mask_zero_must_be_a_boolean():
    with pytest.raises(TypeError, match=r"Embedding 'embedding': "
                       r"mask_zero must be True or False, got 'yes'"):
        Embedding(5, 2, mask_zero="yes")


@pytest.mark.keras
def test_embedding_mask_matches_keras(keras64):
    ids = np.array([[3, 1, 0, 0], [0, 2, 5, 0]])
    layer = Embedding(6, 3, mask_zero=True, dtype="float64")
    out = layer(ids)
    kl = keras64.layers.Embedding(6, 3, mask_zero=True)
    kl.build((None, 4))
    kl.set_weights(layer.get_weights())
    close(out, kl(ids))
    assert np.array_equal(layer.compute_mask(ids),
                          np.asarray(kl.compute_mask(ids)))


# ----- Masking ------------------------------------------------------------
def padded_features(seed=0, n=4, t=5, d=3, value=0.0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, t, d))
    x[0, 3:] = value
    x[1, :2] = value
    x[2, 1, :] = value
    x[3, 2, 0] = value                  # one feature only: not padding
    return x


def test_masking_masks_steps_whose_features_all_equal_the_value():
    x = padded_features(value=-1.0)
    layer = Masking(-1.0, dtype="float64")
    out = layer(x)
    expect = np.ones((4, 5), bool)
    expect[0, 3:] = expect[1, :2] = expect[2, 1] = False
    assert np.array_equal(layer.compute_mask(x), expect)
    assert np.array_equal(out, np.where(expect[..., None], x, 0.0))
    assert out[3, 2, 0] == -1.0                 # a real step is kept
    # backward: dout at real steps, 0 at padding (where the function
    # jumps: a nudge turns a padded step into a real one, so central
    # differences apply to the real steps only)
    dout = np.random.default_rng(1).standard_normal(x.shape)
    dx = layer.backward(dout)
    assert np.array_equal(dx, np.where(expect[..., None], dout, 0.0))
    numeric = numerical_gradient(
        lambda: float(np.sum(layer.forward(x) * dout)), x)
    assert rel_error(dx[expect], numeric[expect]) < PASS
    assert Masking.from_config(layer.get_config()).mask_value == -1.0


def test_masking_rejects_a_non_number():
    with pytest.raises(TypeError, match=r"Masking 'masking': mask_value "
                       r"must be a number, got 'zero'"):
        Masking("zero")


@pytest.mark.keras
def test_masking_matches_keras(keras64):
    import tensorflow as tf
    x = padded_features(value=0.5)
    x[0, 3:] = 0.5
    layer = Masking(0.5, dtype="float64")
    kl = keras64.layers.Masking(0.5)
    out = layer(x)
    dout = np.random.default_rng(1).standard_normal(x.shape)
    tx = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = kl(tx)
        target = tf.reduce_sum(y * dout)
    close(out, y)
    close(layer.backward(dout), tape.gradient(target, tx))
    assert np.array_equal(layer.compute_mask(x),
                          np.asarray(kl.compute_mask(x)))


# ----- what a masked step means -------------------------------------------
@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_padding_changes_nothing_a_masked_layer_returns(cls, go_backwards):
    """A sequence padded at either end gives the final state and output
    of the same sequence without padding (zero initial state)."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 4, 2))
    layer = make(cls, 3, return_state=True, go_backwards=go_backwards)
    layer.build((4, 2), rng)
    short = layer.forward(x)
    pad = rng.standard_normal((1, 3, 2))        # garbage, not zeros
    for xp, mask in ((np.concatenate([x, pad], 1), [True] * 4 + [False] * 3),
                     (np.concatenate([pad, x], 1), [False] * 3 + [True] * 4)):
        padded = layer.forward(xp, mask=np.array([mask]))
        for a, b in zip(padded, short):
            assert np.allclose(a, b, rtol=0, atol=1e-14)


@pytest.mark.parametrize("cls", CELLS)
def test_masked_steps_repeat_the_last_output_or_give_zeros(cls):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 6, 2))
    mask = np.array([[False, True, True, False, True, False],
                     [True, True, False, False, False, False]])
    out = {}
    init = [rng.standard_normal((2, 3)) for _ in range(2)]
    for zero in (False, True):
        layer = make(cls, 3, return_sequences=True, return_state=True,
                     zero_output_for_mask=zero)
        layer.build((6, 2), np.random.default_rng(0))
        init = init[:len(layer.state_names)]
        out[zero] = layer.forward(x, mask=mask, initial_state=init)
    seq, h_last = out[False][0], out[False][1]
    assert np.all(seq[0, 0] == 0)               # no real step yet
    assert np.array_equal(seq[0, 3], seq[0, 2])
    assert np.array_equal(seq[0, 5], seq[0, 4])
    assert np.array_equal(seq[1, 2:], np.repeat(seq[1, 1:2], 4, axis=0))
    assert np.array_equal(h_last, seq[:, -1])
    zeros = out[True][0]
    assert np.all(zeros[~mask] == 0)
    assert np.array_equal(zeros[mask], seq[mask])
    for a, b in zip(out[True][1:], out[False][1:]):   # the same states
        assert np.array_equal(a, b)


@pytest.mark.parametrize("cls", CELLS)
def test_an_all_true_mask_is_the_unmasked_computation(cls):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((3, 5, 2))
    layer = make(cls, 4, return_sequences=True)
    layer.build((5, 2), rng)
    dout = rng.standard_normal((3, 5, 4))
    runs = []
    for mask in (None, np.ones((3, 5), bool)):
        for p in layer.parameters():
            p.zero_grad()
        out = layer.forward(x, mask=mask)
        runs.append([out, layer.backward(dout)]
                    + [p.grad.copy() for p in layer.parameters()])
    for a, b in zip(*runs):
        assert np.array_equal(a, b)


# ----- the output mask (compute_mask) ---------------------------------------
@pytest.mark.parametrize("cls", CELLS)
def test_output_mask_follows_keras(cls):
    mask = np.array([[True, False, True]])
    x = np.zeros((1, 3, 2))
    assert cls(2).compute_mask(x, mask) is None
    seq = cls(2, return_sequences=True, go_backwards=True)
    assert seq.compute_mask(x, mask) is mask     # not reversed (Keras)
    states = cls(2, return_sequences=True, return_state=True)
    got = states.compute_mask(x, mask)
    assert got[0] is mask and got[1:] == [None] * len(states.state_names)


# ----- gradients through masked steps -----------------------------------
def layer_gradients(layer, x, mask, init, gs):
    """Analytic and central-difference gradients of sum_i <out_i, g_i>."""
    return objective_and_grads(layer, x, init, gs, mask=mask)


@given(cls=st.sampled_from(CELLS), n=st.integers(1, 4),
       t=st.integers(1, 6), d=st.integers(1, 3), h=st.integers(1, 3),
       return_sequences=st.booleans(), return_state=st.booleans(),
       go_backwards=st.booleans(), zero_output=st.booleans(),
       with_init=st.booleans(), seed=st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_masked_bptt_matches_central_differences(
        cls, n, t, d, h, return_sequences, return_state, go_backwards,
        zero_output, with_init, seed):
    rng = np.random.default_rng(seed)
    layer = make(cls, h, return_sequences=return_sequences,
                 return_state=return_state, go_backwards=go_backwards,
                 zero_output_for_mask=zero_output)
    layer.build((t, d), rng)
    x = rng.standard_normal((n, t, d))
    mask = ragged_mask(rng, n, t)
    init = ([rng.standard_normal((n, h)) for _ in layer.state_names]
            if with_init else None)
    out = layer.forward(x, mask=mask, initial_state=init)
    gs = [rng.standard_normal(o.shape)
          for o in (out if return_state else [out])]
    errors = layer_gradients(layer, x, mask, init, gs)
    assert max(errors.values()) < PASS, errors


@pytest.mark.parametrize("cls", CELLS)
def test_padded_steps_pass_the_state_gradient_through_unchanged(cls):
    """dL/dh_{t-1} = dL/dh_t across a padded step, and its input
    receives no gradient."""
    rng = np.random.default_rng(4)
    layer = make(cls, 3, return_state=True)
    layer.build((5, 2), rng)
    x = rng.standard_normal((2, 5, 2))
    mask = np.ones((2, 5), bool)
    mask[:, 2:] = False                       # steps 2..4 are padding
    dh = rng.standard_normal((2, 3))
    grads = [None, dh] + [None] * (len(layer.state_names) - 1)
    layer.forward(x, mask=mask, initial_state=None)
    dx = layer.backward(grads)
    assert np.all(dx[:, 2:] == 0)
    short = make(cls, 3, return_state=True)
    short.build((2, 2))
    short.set_weights(layer.get_weights())
    short.forward(x[:, :2])
    dx_short = short.backward(grads)
    assert np.allclose(dx[:, :2], dx_short, rtol=0, atol=1e-15)
    for p, q in zip(layer.parameters(), short.parameters()):
        assert np.allclose(p.grad, q.grad, rtol=0, atol=1e-14)


# ----- truncated BPTT with masks ----------------------------------------
def truncated_objective_gradients(layer, x, mask, init, dout, k):
    """Central differences of an independently truncated objective.

    f = sum_t <dout_t, y_t>, y_t = o_t h_t (o_t from the whole mask) and
    h_t recomputed from steps t-k+1..t only, starting from the state
    that entered them (computed once, held fixed) or the initial state.
    """
    n, t_len, _ = x.shape
    cfg = {**layer.get_config(), "return_state": True,
           "return_sequences": False, "bptt_truncate": None}
    twin = type(layer).from_config(cfg)
    twin.build(x.shape[1:])
    twin.set_weights(layer.get_weights())
    entering = {0: init}
    for s in range(1, t_len):
        _, *states = twin.forward(x[:, :s], mask=mask[:, :s],
                                  initial_state=init)
        entering[s] = [a.copy() for a in states]
    o = np.maximum.accumulate(mask.astype(float), axis=1)
    outputs = range(t_len) if layer.return_sequences else [t_len - 1]

    def f():
        total = 0.0
        for t in outputs:
            s = max(0, t - k + 1)
            _, h, *_ = twin.forward(x[:, s:t + 1], mask=mask[:, s:t + 1],
                                    initial_state=entering[s])
            g = dout[:, t] if layer.return_sequences else dout
            total += float(np.sum(o[:, t:t + 1] * h * g))
        return total

    numeric = {"x": numerical_gradient(f, x)}
    numeric |= {p.name: numerical_gradient(f, p.data)
                for p in twin.parameters()}
    for name, s0 in zip(layer.state_names, init):
        numeric[name + "_0"] = numerical_gradient(f, s0)
    return numeric


@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_masked_truncated_bptt_equals_an_independent_truncation(
        cls, return_sequences):
    rng = np.random.default_rng(5)
    n, t_len, d, h, k = 3, 6, 2, 3, 2
    layer = make(cls, h, return_sequences=return_sequences,
                 bptt_truncate=k)
    layer.build((t_len, d), rng)
    x = rng.standard_normal((n, t_len, d))
    mask = ragged_mask(rng, n, t_len)
    init = [rng.standard_normal((n, h)) for _ in layer.state_names]
    out = layer.forward(x, mask=mask, initial_state=init)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    analytic = {"x": dx} | {p.name: p.grad for p in layer.parameters()}
    analytic |= {name + "_0": g for name, g in
                 zip(layer.state_names, layer.initial_state_grads)}
    numeric = truncated_objective_gradients(layer, x, mask, init, dout, k)
    errors = {key: rel_error(analytic[key], numeric[key])
              for key in analytic}
    assert max(errors.values()) < PASS, errors


# ----- against Keras ----------------------------------------------------------
def keras_twin(keras, layer, t, d):
    klayer = getattr(keras.layers, type(layer).__name__)(
        layer.units, return_sequences=layer.return_sequences,
        return_state=layer.return_state, go_backwards=layer.go_backwards,
        zero_output_for_mask=layer.zero_output_for_mask)
    klayer.build((None, t, d))
    klayer.set_weights(layer.get_weights())
    return klayer


@pytest.mark.keras
@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("zero_output", [False, True])
def test_masked_outputs_states_and_gradients_match_keras(
        keras64, cls, return_sequences, go_backwards, zero_output):
    import tensorflow as tf
    rng = np.random.default_rng(6)
    n, t, d, h = 5, 6, 3, 4
    layer = make(cls, h, return_sequences=return_sequences,
                 return_state=True, go_backwards=go_backwards,
                 zero_output_for_mask=zero_output)
    layer.build((t, d), rng)
    klayer = keras_twin(keras64, layer, t, d)
    x = rng.standard_normal((n, t, d))
    mask = ragged_mask(rng, n, t)
    init = [rng.standard_normal((n, h)) for _ in layer.state_names]
    ours = layer.forward(x, mask=mask, initial_state=init)
    gs = [rng.standard_normal(o.shape) for o in ours]
    dx = layer.backward(gs)
    tx, tinit = tf.constant(x), [tf.constant(s) for s in init]
    with tf.GradientTape() as tape:
        tape.watch([tx] + tinit)
        theirs = klayer(tx, initial_state=tinit, mask=tf.constant(mask))
        target = tf.add_n([tf.reduce_sum(o * g)
                           for o, g in zip(theirs, gs)])
    kgrads = tape.gradient(target, [tx] + tinit
                           + list(klayer.trainable_variables))
    for a, b in zip(ours, theirs):
        close(a, b)
    close(dx, kgrads[0])
    for a, b in zip(layer.initial_state_grads, kgrads[1:1 + len(init)]):
        close(a, b)
    for p, b in zip(layer.parameters(), kgrads[1 + len(init):]):
        close(p.grad, b)
    kmask = klayer.compute_mask(tx, tf.constant(mask))
    ours_mask = layer.compute_mask(x, mask)
    assert (kmask[0] is None) == (ours_mask[0] is None)


# ----- bad masks -----------------------------------------------------------
def test_a_mask_of_the_wrong_shape_is_named():
    layer = LSTM(3)
    with pytest.raises(ValueError, match=r"LSTM 'lstm': mask must have "
                       r"shape \(batch, timesteps\) = \(2, 4\), one flag "
                       r"per time step of each sequence, got \(2, 3\)"):
        layer(np.zeros((2, 4, 1)), mask=np.ones((2, 3), bool))
    with pytest.raises(ValueError, match=r"mask must have 2 dimension"):
        layer(np.zeros((2, 4, 1)), mask=np.ones((2, 4, 1), bool))
    with pytest.raises(TypeError, match=r"mask must hold booleans"):
        layer(np.zeros((2, 4, 1)), mask=np.full((2, 4), "x"))


def test_zero_output_for_mask_must_be_a_boolean():
    with pytest.raises(TypeError, match=r"GRU 'gru': zero_output_for_mask "
                       r"must be True or False, got 1"):
        GRU(3, zero_output_for_mask=1)
