"""dropout and recurrent_dropout in SimpleRNN, LSTM and GRU.

Keras 3's rules: in training, one mask per batch for x_t ((N, D)) and
one for h_{t-1} ((N, H)), reused at every step; LSTM and GRU use a mask
per gate when recurrent_dropout > 0. Keras' random masks cannot be
reproduced, so the tests copy the masks nnkit drew into Keras (outputs,
gradients, training steps), compare with a NumPy reference, and check
gradients by central differences with the masks held fixed.
"""

from __future__ import annotations

import numpy as np
import pytest

import nnkit
from nnkit import Dense, Sequential
from nnkit.gradcheck import numerical_gradient, rel_error
from nnkit.interop import from_keras, to_keras
from nnkit.layers import GRU, LSTM, Embedding, SimpleRNN

from .conftest import TOL

CELLS = [SimpleRNN, LSTM, GRU]
RATES = [(0.25, 0.0), (0.0, 0.5), (0.25, 0.5)]
PASS = 1e-7


def make(cls, units, **kw):
    kw.setdefault("bias_initializer", nnkit.initializers.RandomNormal(
        0.0, 0.5))
    return cls(units, dtype="float64", **kw)


def close(a, b, dtype="float64"):
    a, b = np.asarray(a, float), np.asarray(b, float)
    err = np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b)))
    assert err <= TOL[dtype], f"max scaled difference {err:.3g}"
    return err


class KerasMasks:
    """Make a Keras recurrent layer use the dropout masks nnkit drew.

    Keras asks its cell for the masks (``get_dropout_mask``,
    ``get_recurrent_dropout_mask``) once per call; these return
    variables holding nnkit's masks, which ``update`` refreshes before
    each Keras call (also inside a compiled train step).
    """

    def __init__(self, klayer, layer):
        import tensorflow as tf
        self.d = self._variables(tf, layer.dropout_masks)
        self.r = self._variables(tf, layer.recurrent_dropout_masks)
        klayer.cell.get_dropout_mask = lambda step_input: self._value(
            self.d)
        klayer.cell.get_recurrent_dropout_mask = (
            lambda step_input: self._value(self.r))

    @staticmethod
    def _variables(tf, masks):
        if masks is None:
            return None
        return [tf.Variable(m, trainable=False) for m in masks]

    @staticmethod
    def _value(vs):
        if vs is None:
            return None
        return vs[0] if len(vs) == 1 else list(vs)

    def update(self, layer):
        for vs, masks in ((self.d, layer.dropout_masks),
                          (self.r, layer.recurrent_dropout_masks)):
            for v, m in zip(vs or [], masks if vs else []):
                v.assign(m)


# ----- the masks ------------------------------------------------------------
@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("rates", RATES)
def test_masks_are_drawn_per_batch_with_keras_grouping(cls, rates):
    dropout, recurrent = rates
    layer = make(cls, 6, dropout=dropout, recurrent_dropout=recurrent,
                 seed=0)
    x = np.random.default_rng(0).standard_normal((400, 3, 5))
    layer(x, training=True)
    groups = layer.n_gates if recurrent else 1       # Keras 3's choice
    for masks, rate, width in ((layer.dropout_masks, dropout, 5),
                               (layer.recurrent_dropout_masks, recurrent,
                                6)):
        if rate == 0:
            assert masks is None
            continue
        assert masks.shape == (groups, 400, width)
        assert set(np.unique(masks)) == {0.0, 1 / (1 - rate)}
        assert abs(np.mean(masks == 0) - rate) < 0.03
    first = [m.copy() for m in (layer.dropout_masks,
                                layer.recurrent_dropout_masks)
             if m is not None]
    layer(x, training=True)                          # a new batch
    again = [m for m in (layer.dropout_masks,
                         layer.recurrent_dropout_masks) if m is not None]
    assert all(not np.array_equal(a, b) for a, b in zip(first, again))


@pytest.mark.parametrize("cls", CELLS)
def test_inference_and_rate_zero_are_the_plain_layer(cls):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 5, 3))
    plain = make(cls, 3, return_sequences=True)
    plain.build((5, 3), np.random.default_rng(0))
    dropped = make(cls, 3, return_sequences=True, dropout=0.5,
                   recurrent_dropout=0.5)
    dropped.build((5, 3), np.random.default_rng(0))
    zero = make(cls, 3, return_sequences=True, dropout=0.0,
                recurrent_dropout=0.0)
    zero.build((5, 3), np.random.default_rng(0))
    want = plain.forward(x)
    assert np.array_equal(dropped.forward(x, training=False), want)
    assert dropped.dropout_masks is None
    assert np.array_equal(zero.forward(x, training=True), want)
    assert zero.dropout_rng is None      # nothing drawn, nothing spawned
    assert not np.allclose(dropped.forward(x, training=True), want)


def test_the_same_input_mask_is_used_at_every_step():
    """With input dropout only, training equals running the plain layer
    on x_t * m, one m for all steps."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 7, 4))
    layer = make(SimpleRNN, 3, dropout=0.5, return_sequences=True)
    layer.build((7, 4), np.random.default_rng(0))
    out = layer.forward(x, training=True)
    m = layer.dropout_masks[0]                         # (N, D)
    plain = make(SimpleRNN, 3, return_sequences=True)
    plain.build((7, 4))
    plain.set_weights(layer.get_weights())
    assert np.allclose(out, plain.forward(x * m[:, None, :]), rtol=0,
                       atol=1e-15)


def simple_rnn_reference(layer, x, mask):
    """h_t = tanh((x_t * m) W + b + (h_{t-1} * r) U), masked steps
    keeping h, written step by step with the layer's masks."""
    W, U, b = layer.get_weights()
    m, r = layer.dropout_masks[0], layer.recurrent_dropout_masks[0]
    h = np.zeros((len(x), layer.units))
    for t in range(x.shape[1]):
        new = np.tanh((x[:, t] * m) @ W + b + (h * r) @ U)
        keep = mask[:, t:t + 1]
        h = np.where(keep, new, h)
    return h


def test_simple_rnn_dropout_equals_a_step_by_step_reference():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((5, 6, 3))
    mask = rng.random((5, 6)) > 0.3
    layer = make(SimpleRNN, 4, dropout=0.25, recurrent_dropout=0.5)
    layer.build((6, 3), rng)
    out = layer.forward(x, training=True, mask=mask)
    assert np.allclose(out, simple_rnn_reference(layer, x, mask), rtol=0,
                       atol=1e-14)


# ----- gradients with the masks held fixed ----------------------------------
@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("rates", RATES)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_dropout_gradients_match_central_differences(cls, rates,
                                                     go_backwards):
    dropout, recurrent = rates
    rng = np.random.default_rng(4)
    layer = make(cls, 3, dropout=dropout, recurrent_dropout=recurrent,
                 return_sequences=True, go_backwards=go_backwards, seed=5)
    x = rng.standard_normal((3, 5, 2))
    mask = rng.random((3, 5)) > 0.3
    layer.build((5, 2))
    state = layer.get_state()

    def forward():
        layer.set_state(state)          # the same masks at every call
        return layer.forward(x, training=True, mask=mask)

    dout = rng.standard_normal(forward().shape)

    def f():
        return float(np.sum(forward() * dout))

    for p in layer.parameters():
        p.zero_grad()
    forward()
    analytic = {"x": layer.backward(dout)}
    analytic |= {p.name: p.grad.copy() for p in layer.parameters()}
    numeric = {"x": numerical_gradient(f, x)}
    numeric |= {p.name: numerical_gradient(f, p.data)
                for p in layer.parameters()}
    errors = {k: rel_error(analytic[k], numeric[k]) for k in analytic}
    assert max(errors.values()) < PASS, errors


# ----- against Keras, with nnkit's masks ------------------------------------
@pytest.mark.keras
@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("rates", RATES)
@pytest.mark.parametrize("go_backwards", [False, True])
def test_dropout_outputs_and_gradients_match_keras(keras64, cls, rates,
                                                   go_backwards):
    import tensorflow as tf
    dropout, recurrent = rates
    rng = np.random.default_rng(6)
    n, t, d, h = 5, 6, 3, 4
    layer = make(cls, h, dropout=dropout, recurrent_dropout=recurrent,
                 return_sequences=True, go_backwards=go_backwards)
    layer.build((t, d), rng)
    x = rng.standard_normal((n, t, d))
    mask = rng.random((n, t)) > 0.3
    ours = layer.forward(x, training=True, mask=mask)
    dout = rng.standard_normal(ours.shape)
    dx = layer.backward(dout)
    klayer = nnkit.interop.LAYERS.to_keras(layer)
    klayer.build((None, t, d))
    klayer.set_weights(layer.get_weights())
    KerasMasks(klayer, layer)
    tx = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(tx)
        theirs = klayer(tx, mask=tf.constant(mask), training=True)
        target = tf.reduce_sum(theirs * dout)
    kgrads = tape.gradient(target, [tx] + list(klayer.trainable_variables))
    close(ours, theirs)
    close(dx, kgrads[0])
    for p, g in zip(layer.parameters(), kgrads[1:]):
        close(p.grad, g)


def dropout_model(cls, dtype, **rates):
    return Sequential([Embedding(9, 4, mask_zero=True, input_shape=(7,)),
                       cls(5, **rates), Dense(2)], seed=3, dtype=dtype)


def padded_ids(rng, n, t=7, vocab=9):
    ids = rng.integers(1, vocab, (n, t))
    lengths = rng.integers(2, t + 1, n)
    ids[np.arange(t)[None, :] >= lengths[:, None]] = 0
    return ids


@pytest.mark.keras
@pytest.mark.parametrize("cls", [LSTM, GRU])
@pytest.mark.parametrize("rates", [dict(dropout=0.25,
                                        recurrent_dropout=0.5),
                                   dict(dropout=0.0, recurrent_dropout=0.0)])
def test_training_with_dropout_follows_keras_with_the_same_masks(
        floatx, cls, rates):
    """Ten SGD steps, nnkit's masks copied into Keras before each; rates
    0 need no copying and must match exactly."""
    rng = np.random.default_rng(7)
    model = dropout_model(cls, floatx, **rates)
    model.compile(nnkit.optimizers.SGD(0.25), "mse")
    kmodel = to_keras(model)
    layer, klayer = model.layers[1], kmodel.layers[1]
    masks = None
    x = padded_ids(rng, 10 * 8)
    y = rng.standard_normal((len(x), 2)).astype(floatx)
    for step in range(10):
        sl = slice(step * 8, (step + 1) * 8)
        ours = model.train_on_batch(x[sl], y[sl])
        if rates["dropout"]:
            masks = masks or KerasMasks(klayer, layer)
            masks.update(layer)
        close(ours, kmodel.train_on_batch(x[sl], y[sl]), floatx)
    for w, kw in zip(model.get_weights(), kmodel.get_weights()):
        close(w, kw, floatx)


# ----- generators: seeds, models, saving --------------------------------------
def test_seeded_layers_draw_the_same_masks_and_models_spawn_streams():
    x = np.random.default_rng(8).standard_normal((4, 3, 2))
    a, b = (LSTM(3, dropout=0.5, seed=11) for _ in range(2))
    a(x, training=True)
    b(x, training=True)
    assert np.array_equal(a.dropout_masks, b.dropout_masks)
    model = Sequential([LSTM(3, dropout=0.5, return_sequences=True,
                             input_shape=(3, 2)),
                        LSTM(3, dropout=0.5)], seed=1)
    first, second = model.layers
    second.forward(first.forward(x, training=True), training=True)
    assert not np.array_equal(first.dropout_masks[0, :, :2],
                              second.dropout_masks[0, :, :2])


def test_a_reloaded_model_continues_the_same_masks(tmp_path):
    rng = np.random.default_rng(9)
    model = dropout_model(LSTM, "float64", dropout=0.25,
                          recurrent_dropout=0.5)
    model.compile(nnkit.optimizers.SGD(0.1), "mse")
    x, y = padded_ids(rng, 32), rng.standard_normal((32, 2))
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "m"))
    assert loaded.get_config() == model.get_config()
    assert loaded.layers[1].recurrent_dropout == 0.5
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)
    assert np.array_equal(loaded.layers[1].dropout_masks,
                          model.layers[1].dropout_masks)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        assert np.array_equal(a, b)


# ----- config, interop, errors --------------------------------------------------
@pytest.mark.parametrize("cls", CELLS)
def test_dropout_arguments_survive_config(cls):
    layer = cls(3, dropout=0.2, recurrent_dropout=0.3, seed=4)
    again = cls.from_config(layer.get_config())
    assert (again.dropout, again.recurrent_dropout, again.seed) == \
        (0.2, 0.3, 4)


@pytest.mark.keras
@pytest.mark.parametrize("cls", CELLS)
def test_dropout_arguments_convert_both_ways(keras, cls):
    model = Sequential([cls(3, dropout=0.2, recurrent_dropout=0.3, seed=4,
                            input_shape=(5, 2))])
    klayer = to_keras(model).layers[0]
    assert (klayer.cell.dropout, klayer.cell.recurrent_dropout,
            klayer.cell.seed) == (0.2, 0.3, 4)
    back = from_keras(keras.Sequential([
        keras.Input((5, 2)),
        getattr(keras.layers, cls.__name__)(3, dropout=0.125,
                                            recurrent_dropout=0.25)]))
    layer = back.layers[0]
    assert (layer.dropout, layer.recurrent_dropout) == (0.125, 0.25)


@pytest.mark.parametrize("arg", ["dropout", "recurrent_dropout"])
@pytest.mark.parametrize("value,error", [(1.0, ValueError),
                                         (-0.1, ValueError),
                                         ("0.5", TypeError)])
def test_bad_dropout_rates_are_named(arg, value, error):
    with pytest.raises(error, match=rf"LSTM 'lstm': {arg} must be a number "
                       rf"in \[0, 1\), got {value!r}"):
        LSTM(3, **{arg: value})
