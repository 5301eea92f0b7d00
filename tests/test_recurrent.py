"""SimpleRNN, LSTM, GRU, Embedding, TimeDistributed.

Gradient checks through time (float64, central differences, every
weight, the input and the initial states), truncated BPTT against an
independent truncation, Keras parity (outputs, final states, gradients
and 20 training steps), Sequential integration, save/load, bad input.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnkit
from nnkit import Dense, Sequential
from nnkit.gradcheck import numerical_gradient, rel_error
from nnkit.interop import from_keras, to_keras
from nnkit.layers import GRU, LSTM, Embedding, SimpleRNN, TimeDistributed

from .conftest import TOL

CELLS = [SimpleRNN, LSTM, GRU]
GATES = {SimpleRNN: 1, LSTM: 4, GRU: 3}
PASS = 1e-7


def make(cls, units, **kw):
    """A float64 layer with non-zero biases (so bias paths are tested)."""
    kw.setdefault("bias_initializer", nnkit.initializers.RandomNormal(
        0.0, 0.5))
    return cls(units, dtype="float64", **kw)


def close(a, b, dtype="float64"):
    a, b = np.asarray(a, float), np.asarray(b, float)
    err = np.max(np.abs(a - b)) / max(1.0, np.max(np.abs(b)))
    assert err <= TOL[dtype], f"max scaled difference {err:.3g}"
    return err


# ----- structure -----------------------------------------------------------
@pytest.mark.parametrize("cls", CELLS)
def test_weights_have_keras_shapes_and_default_initializers(cls):
    layer = cls(6)
    out = layer(np.zeros((2, 5, 3), np.float32))
    k = GATES[cls]
    shapes = {p.name: p.shape for p in layer.parameters()}
    bias = (2, 3 * 6) if cls is GRU else (k * 6,)
    assert shapes == {"kernel": (3, k * 6), "recurrent_kernel": (6, k * 6),
                      "bias": bias}
    assert out.shape == (2, 6) and out.dtype == np.float32
    u = layer.recurrent_kernel.data.astype(float)
    assert np.allclose(u @ u.T, np.eye(6), atol=1e-5)      # orthogonal
    b = layer.bias.data
    if cls is LSTM:                           # unit_forget_bias: b_f = 1
        assert np.all(b[6:12] == 1) and not b[:6].any() and not b[12:].any()
    else:
        assert not b.any()


@pytest.mark.parametrize("cls", CELLS)
def test_float32_layer_computes_and_backpropagates_in_float32(cls):
    layer = cls(4, return_sequences=True)
    x = np.random.default_rng(0).standard_normal((3, 5, 2))
    out = layer(x.astype(np.float32))
    dx = layer.backward(np.ones_like(out))
    assert out.dtype == dx.dtype == np.float32
    assert all(p.grad.dtype == np.float32 for p in layer.parameters())


# ----- gradient checks through time --------------------------------------
def objective_and_grads(layer, x, init, gs, mask=None):
    """f = sum_i <output_i, g_i>; relative errors of the analytic
    gradients (input, weights, initial states) against central
    differences, with an optional sequence mask."""
    def outputs():
        out = layer.forward(x, mask=mask, initial_state=init)
        return out if isinstance(out, list) else [out]

    def f():
        return float(sum(np.sum(o * g) for o, g in zip(outputs(), gs)))

    for p in layer.parameters():
        p.zero_grad()
    outputs()
    dx = layer.backward(gs if len(gs) > 1 else gs[0])
    analytic = {"x": dx} | {p.name: p.grad.copy()
                            for p in layer.parameters()}
    numeric = {"x": numerical_gradient(f, x)}
    numeric |= {p.name: numerical_gradient(f, p.data)
                for p in layer.parameters()}
    if init is not None:
        for name, s, ds in zip(layer.state_names, init,
                               layer.initial_state_grads):
            analytic[name + "_0"] = ds
            numeric[name + "_0"] = numerical_gradient(f, s)
    return {k: rel_error(analytic[k], numeric[k]) for k in analytic}


@given(cls=st.sampled_from(CELLS), n=st.integers(1, 3),
       t=st.integers(1, 5), d=st.integers(1, 3), h=st.integers(1, 4),
       return_sequences=st.booleans(), return_state=st.booleans(),
       go_backwards=st.booleans(), use_bias=st.booleans(),
       with_init=st.booleans(), seed=st.integers(0, 10_000))
@settings(max_examples=40, deadline=None)
def test_bptt_matches_central_differences_over_random_shapes(
        cls, n, t, d, h, return_sequences, return_state, go_backwards,
        use_bias, with_init, seed):
    rng = np.random.default_rng(seed)
    layer = make(cls, h, return_sequences=return_sequences,
                 return_state=return_state, go_backwards=go_backwards,
                 use_bias=use_bias)
    x = rng.standard_normal((n, t, d))
    layer(x)
    init = ([rng.standard_normal((n, h)) for _ in layer.state_names]
            if with_init else None)
    out = layer.forward(x, initial_state=init)
    gs = [rng.standard_normal(o.shape)
          for o in (out if return_state else [out])]
    errors = objective_and_grads(layer, x, init, gs)
    expected = {"x", "kernel", "recurrent_kernel"} | (
        {"bias"} if use_bias else set()) | (
        {s + "_0" for s in layer.state_names} if with_init else set())
    assert set(errors) == expected
    assert max(errors.values()) < PASS, errors


@pytest.mark.parametrize("activation, recurrent_activation",
                         [("relu", "sigmoid"), ("tanh", "softplus"),
                          ("elu", "swish")])
def test_lstm_with_other_activations_passes_the_check(
        activation, recurrent_activation):
    """The LSTM's general path (its sigmoid/tanh path has its own
    shortcuts), with masks and initial states."""
    rng = np.random.default_rng(31)
    layer = make(LSTM, 3, activation=activation,
                 recurrent_activation=recurrent_activation,
                 return_sequences=True)
    x = rng.standard_normal((2, 4, 2))
    layer(x)
    init = [0.5 * rng.standard_normal((2, 3)) for _ in range(2)]
    mask = np.array([[True, True, False, True], [True] * 4])
    gs = [rng.standard_normal((2, 4, 3))]
    errors = objective_and_grads(layer, x, init, gs, mask=mask)
    assert max(errors.values()) < PASS, errors


@pytest.mark.parametrize("cls", CELLS)
def test_long_sequence_gradients_pass_the_check(cls):
    """Twelve steps, saturating gates included: still < 1e-7."""
    rng = np.random.default_rng(3)
    layer = make(cls, 3, return_sequences=True,
                 kernel_initializer=nnkit.initializers.RandomNormal(0, 1))
    x = rng.standard_normal((2, 12, 2))
    layer(x)
    errors = objective_and_grads(layer, x, None,
                                 [rng.standard_normal((2, 12, 3))])
    assert max(errors.values()) < PASS, errors


def test_lstm_backward_runs_once_per_forward_pass():
    # full BPTT writes da over the gates the forward pass kept: a second
    # backward must refuse, and a new forward makes it right again
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 5, 2))
    layer = LSTM(4, dtype="float64")
    layer.build((5, 2), rng)
    dy = rng.standard_normal((3, 4))
    layer.forward(x)
    first = layer.backward(dy)
    with pytest.raises(RuntimeError, match="forward again"):
        layer.backward(dy)
    layer.forward(x)
    np.testing.assert_array_equal(layer.backward(dy), first)
    truncated = LSTM(4, dtype="float64", bptt_truncate=2)
    truncated.build((5, 2), rng)
    truncated.forward(x)          # truncated BPTT keeps the gates
    np.testing.assert_array_equal(truncated.backward(dy),
                                  truncated.backward(dy))


# ----- truncated BPTT --------------------------------------------------------
@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_truncation_at_or_beyond_the_length_is_full_bptt(cls,
                                                         return_sequences):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 5, 2))
    grads = []
    for k in (None, 5, 9):
        layer = make(cls, 4, return_sequences=return_sequences,
                     bptt_truncate=k)
        layer.build((5, 2), np.random.default_rng(0))
        out = layer.forward(x)
        dout = np.random.default_rng(1).standard_normal(out.shape)
        dx = layer.backward(dout)
        grads.append([dx] + [p.grad for p in layer.parameters()])
    for other in grads[1:]:
        for a, b in zip(grads[0], other):
            assert np.allclose(a, b, rtol=1e-12, atol=1e-13)


def manual_truncation(layer, x, init, dout, k):
    """An independent truncated objective, differentiated numerically.

    f = sum_t <dout_t, y_t>, where y_t is recomputed by running only
    steps t-k+1..t from the state entering them, which is held fixed
    (computed once, before any nudging) except at step 0, where it is
    the initial state itself. Central differences of f are what
    truncated BPTT must return.
    """
    n, t_len, _ = x.shape
    twin = type(layer).from_config(
        {**layer.get_config(), "return_sequences": True,
         "return_state": False, "bptt_truncate": None})
    twin.build(x.shape[1:])
    twin.set_weights(layer.get_weights())
    stateful = type(layer).from_config(
        {**twin.get_config(), "return_state": True})
    stateful.build(x.shape[1:])
    stateful.set_weights(layer.get_weights())
    entering = {0: init}
    for s in range(1, t_len):
        _, *states = stateful.forward(x[:, :s], initial_state=init)
        entering[s] = [st_.copy() for st_ in states]
    outputs = (range(t_len) if layer.return_sequences else [t_len - 1])
    dseq = dout if layer.return_sequences else {t_len - 1: dout}

    def f():
        total = 0.0
        for t in outputs:
            s = max(0, t - k + 1)
            y = twin.forward(x[:, s:t + 1], initial_state=entering[s])
            g = dseq[:, t] if layer.return_sequences else dseq[t]
            total += float(np.sum(y[:, -1] * g))
        return total

    numeric = {"x": numerical_gradient(f, x)}
    numeric |= {p.name: numerical_gradient(f, p.data)
                for p in twin.parameters()}
    for name, s0 in zip(layer.state_names, init):
        numeric[name + "_0"] = numerical_gradient(f, s0)
    return numeric


@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("k", [1, 2])
def test_truncated_bptt_equals_an_independent_truncation(cls,
                                                         return_sequences,
                                                         k):
    rng = np.random.default_rng(5)
    n, t_len, d, h = 2, 5, 2, 3
    layer = make(cls, h, return_sequences=return_sequences, bptt_truncate=k)
    x = rng.standard_normal((n, t_len, d))
    layer.build((t_len, d), rng)
    init = [rng.standard_normal((n, h)) for _ in layer.state_names]
    out = layer.forward(x, initial_state=init)
    dout = rng.standard_normal(out.shape)
    dx = layer.backward(dout)
    analytic = {"x": dx} | {p.name: p.grad for p in layer.parameters()}
    analytic |= {name + "_0": g for name, g in
                 zip(layer.state_names, layer.initial_state_grads)}
    numeric = manual_truncation(layer, x, init, dout, k)
    errors = {key: rel_error(analytic[key], numeric[key])
              for key in analytic}
    assert max(errors.values()) < PASS, errors
    # and truncation really changed something
    full = make(cls, h, return_sequences=return_sequences)
    full.build((t_len, d))
    full.set_weights(layer.get_weights())
    full.forward(x, initial_state=init)
    assert rel_error(full.backward(dout), dx) > 1e-3
    if not return_sequences:   # one output: nothing reaches back k steps
        assert np.all(dx[:, :t_len - k] == 0)


# ----- Keras parity ----------------------------------------------------------
def keras_twin(keras, layer, t, d):
    klayer = getattr(keras.layers, type(layer).__name__)(
        layer.units, return_sequences=layer.return_sequences,
        return_state=layer.return_state, go_backwards=layer.go_backwards,
        use_bias=layer.use_bias)
    klayer.build((None, t, d))
    klayer.set_weights(layer.get_weights())
    return klayer


@pytest.mark.keras
@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("return_state", [False, True])
@pytest.mark.parametrize("go_backwards", [False, True])
def test_outputs_states_and_gradients_match_keras(keras64, cls,
                                                  return_sequences,
                                                  return_state,
                                                  go_backwards):
    import tensorflow as tf
    rng = np.random.default_rng(6)
    n, t, d, h = 4, 6, 3, 5
    layer = make(cls, h, return_sequences=return_sequences,
                 return_state=return_state, go_backwards=go_backwards)
    layer.build((t, d), rng)
    klayer = keras_twin(keras64, layer, t, d)
    x = rng.standard_normal((n, t, d))
    init = [rng.standard_normal((n, h)) for _ in layer.state_names]
    ours = layer.forward(x, initial_state=init)
    ours = ours if return_state else [ours]
    gs = [rng.standard_normal(o.shape) for o in ours]
    dx = layer.backward(gs if return_state else gs[0])
    tx = tf.constant(x)
    tinit = [tf.constant(s) for s in init]
    with tf.GradientTape() as tape:
        tape.watch([tx] + tinit)
        theirs = klayer(tx, initial_state=tinit)
        theirs = theirs if return_state else [theirs]
        target = tf.add_n([tf.reduce_sum(o * g)
                           for o, g in zip(theirs, gs)])
    kgrads = tape.gradient(target, [tx] + tinit
                           + list(klayer.trainable_variables))
    assert len(ours) == len(theirs) == (1 + len(init)) ** return_state
    for a, b in zip(ours, theirs):
        close(a, b)
    close(dx, kgrads[0])
    for ours_g, kg in zip(layer.initial_state_grads, kgrads[1:1 + len(init)]):
        close(ours_g, kg)
    for p, kg in zip(layer.parameters(), kgrads[1 + len(init):]):
        close(p.grad, kg)


@pytest.mark.keras
@pytest.mark.parametrize("cls", CELLS)
def test_sequential_predictions_match_keras_in_both_precisions(floatx, cls):
    rng = np.random.default_rng(7)
    model = Sequential([cls(5, return_sequences=True, input_shape=(6, 3),
                            bias_initializer="normal"),
                        cls(4), Dense(2)], seed=2, dtype=floatx)
    x = rng.standard_normal((8, 6, 3)).astype(floatx)
    kmodel = to_keras(model)
    close(model.predict(x), kmodel(x), floatx)
    back = from_keras(kmodel)
    assert [type(layer) for layer in back.layers] == [cls, cls, Dense]
    close(back.predict(x), model.predict(x), floatx)


# Float32-exact hyperparameters: Keras rounds Python floats to float32
# (see nnkit.optimizers), so only such values give 1e-10 parity.
OPTIMIZERS = {
    "sgd-momentum": lambda: nnkit.optimizers.SGD(0.05, momentum=0.875),
    "adam": lambda: nnkit.optimizers.Adam(
        0.01, beta_1=0.875, beta_2=0.9921875, epsilon=2.0**-20),
}


def sgd():
    return nnkit.optimizers.SGD(0.1, momentum=0.875)


RNN_MODELS = {
    "simple_rnn-dense": lambda: [SimpleRNN(5, input_shape=(6, 3)),
                                 Dense(2)],
    "lstm-dense": lambda: [LSTM(5, input_shape=(6, 3)), Dense(2)],
    "gru-dense": lambda: [GRU(5, input_shape=(6, 3)), Dense(2)],
    "lstm-seq-timedistributed": lambda: [
        LSTM(5, return_sequences=True, input_shape=(6, 3)),
        TimeDistributed(Dense(2))],
    "gru-seq-dense-last-axis": lambda: [
        GRU(5, return_sequences=True, input_shape=(6, 3)), Dense(2)],
    # the regularizer arguments shared with Dense (KernelMixin)
    "lstm-seq-regularized": lambda: [
        LSTM(5, return_sequences=True, input_shape=(6, 3),
             activity_regularizer=nnkit.regularizers.L1L2(2.0**-5,
                                                          2.0**-4),
             kernel_regularizer=nnkit.regularizers.L2(2.0**-6),
             recurrent_regularizer=nnkit.regularizers.L1(2.0**-7)),
        TimeDistributed(Dense(2))],
}


@pytest.mark.keras
@pytest.mark.parametrize("opt", list(OPTIMIZERS))
@pytest.mark.parametrize("arch", list(RNN_MODELS))
def test_twenty_training_steps_leave_the_same_weights(keras64, arch, opt):
    rng = np.random.default_rng(8)
    model = Sequential(RNN_MODELS[arch](), seed=4, dtype="float64")
    model.compile(OPTIMIZERS[opt](), "mse")
    kmodel = to_keras(model)
    x = rng.standard_normal((20 * 8, 6, 3))
    y = rng.standard_normal((len(x),) + model.output_shape[1:])
    for step in range(20):
        sl = slice(step * 8, (step + 1) * 8)
        close(model.train_on_batch(x[sl], y[sl]),
              kmodel.train_on_batch(x[sl], y[sl]))
    for w, kw in zip(model.get_weights(), kmodel.get_weights()):
        close(w, kw)            # 1e-10 (measured: ~6e-16)


# ----- Sequential integration --------------------------------------------
@pytest.mark.parametrize("head", ["dense", "timedistributed"])
def test_sequence_to_sequence_model_learns_a_running_sum(head):
    rng = np.random.default_rng(9)
    x = rng.uniform(-1, 1, (200, 8, 1))
    y = np.cumsum(x, axis=1) / 4
    out = Dense(1) if head == "dense" else TimeDistributed(Dense(1))
    model = Sequential([GRU(8, return_sequences=True, input_shape=(8, 1)),
                        out], seed=0)
    model.compile(sgd(), "mse")
    before = model.evaluate(x, y)
    model.fit(x, y, epochs=15, batch_size=20, verbose=0)
    assert model.output_shape == (None, 8, 1)
    assert model.evaluate(x, y) < 0.1 * before


def test_lstm_classifier_learns_the_sign_of_the_sum():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((256, 10, 1))
    y = (x.sum(axis=(1, 2)) > 0).astype(float)
    model = Sequential([LSTM(8, input_shape=(10, 1)),
                        Dense(1, activation="sigmoid")], seed=1)
    model.compile(sgd(), "binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=20, batch_size=32, verbose=0)
    assert model.evaluate(x, y)[1] > 0.9


def test_lstm_model_survives_save_and_load_exactly(tmp_path):
    rng = np.random.default_rng(11)
    model = Sequential([Embedding(7, 4, input_shape=(6,)),
                        LSTM(5, return_sequences=True, bptt_truncate=3,
                             activity_regularizer=nnkit.regularizers.L2(
                                 1e-3)),
                        TimeDistributed(Dense(3, activation="softmax"))],
                       seed=3)
    model.compile(sgd(), "sparse_categorical_crossentropy")
    x = rng.integers(0, 7, (32, 6))
    y = rng.integers(0, 3, (32, 6))
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    loaded = nnkit.load_model(model.save(tmp_path / "lstm"))
    assert loaded.get_config() == model.get_config()
    assert loaded.layers[1].bptt_truncate == 3
    assert np.array_equal(loaded.predict(x), model.predict(x))
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)
    for a, b in zip(loaded.get_weights(), model.get_weights()):
        assert np.array_equal(a, b)


# ----- Embedding ---------------------------------------------------------
def test_embedding_gradient_sums_repeated_ids():
    rng = np.random.default_rng(12)
    layer = Embedding(5, 3, dtype="float64")
    ids = np.array([[0, 2, 2, 4], [2, 2, 1, 0]])
    out = layer(ids)
    assert out.shape == (2, 4, 3)
    assert np.array_equal(out[1, 0], layer.embeddings.data[2])
    dout = rng.standard_normal(out.shape)
    layer.backward(dout)
    onehot = np.eye(5)[ids].reshape(-1, 5)
    expected = onehot.T @ dout.reshape(-1, 3)        # the one-hot matmul

    def f():
        return float(np.sum(layer.forward(ids) * dout))

    numeric = numerical_gradient(f, layer.embeddings.data)
    assert rel_error(layer.embeddings.grad, expected) < 1e-14
    assert rel_error(layer.embeddings.grad, numeric) < PASS


@pytest.mark.keras
def test_embedding_lookup_and_uniform_default_match_keras(keras64):
    layer = Embedding(10, 4, dtype="float64")
    ids = np.random.default_rng(13).integers(0, 10, (3, 5))
    out = layer(ids.astype(float))                 # whole-number floats
    kl = keras64.layers.Embedding(10, 4)
    kl.build((None, 5))
    kl.set_weights(layer.get_weights())
    close(out, kl(ids))
    assert np.abs(layer.embeddings.data).max() <= 0.05


# ----- work arrays reused between batches ---------------------------------
@pytest.mark.parametrize("cls", CELLS)
def test_reused_work_arrays_give_the_results_of_a_fresh_layer(cls):
    """Batches of one shape reuse the work arrays of the last one; the
    results (and states returned earlier) are those of a fresh layer."""
    rng = np.random.default_rng(21)
    xa, xb = rng.standard_normal((2, 3, 6, 2))
    dout = rng.standard_normal((3, 6, 4))
    layer = make(cls, 4, return_sequences=True, return_state=True)
    fresh = make(cls, 4, return_sequences=True, return_state=True)
    layer(xa)
    fresh(xa)
    fresh.set_weights(layer.get_weights())
    first = layer.forward(xa)
    layer.backward([dout] + [None] * len(layer.state_names))
    saved = [a.copy() for a in first]
    for p in layer.parameters():
        p.zero_grad()
    second = layer.forward(xb)                   # reuses the work arrays
    dx = layer.backward([dout] + [None] * len(layer.state_names))
    for a, b in zip(first, saved):              # earlier results intact
        assert np.array_equal(a, b)
    expected = fresh.forward(xb)
    dx_expected = fresh.backward([dout] + [None] * len(fresh.state_names))
    for a, b in zip(second, expected):
        assert np.array_equal(a, b)
    assert np.array_equal(dx, dx_expected)
    for p, q in zip(layer.parameters(), fresh.parameters()):
        assert np.array_equal(p.grad, q.grad)


@pytest.mark.parametrize("cls", CELLS)
def test_a_recurrent_layer_shared_by_two_inputs_passes_the_check(cls):
    """Two forward calls before the backward passes: each keeps its own
    work arrays."""
    from nnkit import Input, Model
    from nnkit.gradcheck import check_model
    from nnkit.layers import Add

    a, b = Input((5, 2), dtype="float64"), Input((5, 2), dtype="float64")
    shared = make(cls, 3)
    y = Dense(1, dtype="float64")(Add()([shared(a), shared(b)]))
    model = Model([a, b], y)
    model.compile("sgd", "mse")
    rng = np.random.default_rng(5)
    xs = [rng.standard_normal((4, 5, 2)), rng.standard_normal((4, 5, 2))]
    y = rng.standard_normal((4, 1))
    check_model(model, xs, y)      # leaves spare work arrays to reuse
    errors = check_model(model, xs, y)
    assert max(errors.values()) < PASS, errors


# ----- the LSTM's step products in row blocks -----------------------------
def test_small_blocks_split_a_product_only_on_one_openblas_thread(
        monkeypatch):
    """The benchmark LSTM's step products go in blocks of <= 10^6
    multiply-adds on one thread, and stay one product otherwise."""
    from nnkit import _blas

    monkeypatch.setattr(_blas, "one_openblas_thread", lambda: True)
    assert _blas.small_blocks(64, 137, 512) == 8    # 8 rows
    assert _blas.small_blocks(64, 512, 128) == 8    # 8 rows
    assert _blas.small_blocks(64, 137, 128) == 2    # a gate's: 32 rows
    assert _blas.small_blocks(3, 7, 16) == 1        # small already
    assert _blas.small_blocks(4, 512, 4096) == 1    # < 4 rows a block
    monkeypatch.setattr(_blas, "one_openblas_thread", lambda: False)
    assert _blas.small_blocks(64, 137, 512) == 1


@pytest.mark.parametrize("kw", [{}, {"return_sequences": True,
                                     "bptt_truncate": 3},
                                {"dropout": 0.3},
                                {"recurrent_dropout": 0.3}])
def test_lstm_products_in_row_blocks_match_one_product(monkeypatch, kw):
    """Split into row blocks, the LSTM's step products give what one
    product per step gives, and pass the gradient check."""
    from nnkit import _blas
    from nnkit.gradcheck import check_layer

    rng = np.random.default_rng(8)
    x = rng.standard_normal((8, 5, 2))
    # (8, 35) x (35, 128) and (8, 128) x (128, 32) are not small, their
    # halves are: 2 blocks each; a gate's (8, 35) x (35, 32) (recurrent
    # dropout) is small
    monkeypatch.setattr(_blas, "SMALL_MATMUL", 4 * 35 * 128)
    layers, results = [make(LSTM, 32, seed=1, **kw) for _ in range(2)], []
    for layer, split in zip(layers, (False, True)):
        # the blocks are chosen with the work arrays, on the first call
        monkeypatch.setattr(_blas, "one_openblas_thread",
                            lambda split=split: split)
        layer(x)
        layer.set_weights(layers[0].get_weights())
        out = layer.forward(x, training=True)
        dx = layer.backward(np.ones_like(out))
        results.append([out, dx, *(p.grad for p in layer.parameters())])
    a_split = 1 if "recurrent_dropout" in kw else 2
    for layer, blocks in zip(layers, (1, 2)):
        step = layer._cache[-1].steps[0]
        p = min(blocks, a_split)
        assert step.a_blocks.shape[-3:-1] == (p, 8 // p)
        assert step.dh_blocks.shape == (blocks, 8 // blocks, 32)
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    if not kw:                      # truncation and dropout change it
        errors = check_layer(layers[1], x)
        assert max(errors.values()) < PASS, errors


# ----- TimeDistributed ------------------------------------------------------
def test_time_distributed_applies_the_layer_to_every_step():
    rng = np.random.default_rng(14)
    td = TimeDistributed(Dense(2, activation="tanh", dtype="float64"),
                         dtype="float64")
    x = rng.standard_normal((3, 4, 5))
    out = td(x)
    inner = td.layer
    for t in range(4):
        assert np.allclose(out[:, t], inner.forward(x[:, t]))
    assert td.parameters() == inner.parameters()
    dout = rng.standard_normal(out.shape)
    td.forward(x)
    for p in td.parameters():
        p.zero_grad()
    dx = td.backward(dout)

    def f():
        return float(np.sum(td.forward(x) * dout))

    assert rel_error(dx, numerical_gradient(f, x)) < PASS
    for p in td.parameters():
        assert rel_error(p.grad, numerical_gradient(f, p.data)) < PASS


# ----- bad input -------------------------------------------------------------
@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("units", [0, -3, 2.5, True])
def test_non_positive_units_are_rejected_with_the_value(cls, units):
    name = cls.__name__
    with pytest.raises(ValueError, match=rf"{name} .*: units must be a "
                       rf"positive integer \(>= 1\), got {units!r}"):
        cls(units)


def test_non_positive_truncation_is_rejected():
    with pytest.raises(ValueError, match=r"LSTM 'lstm': bptt_truncate must "
                       r"be a positive integer \(>= 1\) or None, got 0"):
        LSTM(3, bptt_truncate=0)


def test_2d_input_where_sequences_are_expected_suggests_a_feature_axis():
    model = Sequential([LSTM(4), Dense(1)])
    with pytest.raises(ValueError, match=r"LSTM 'lstm' expects sequences of "
                       r"shape \(batch, timesteps, features\), got an array "
                       r"of shape \(batch, 10\); .* x\[\.\.\., None\], "
                       r"shape \(batch, 10, 1\)"):
        model.predict(np.zeros((32, 10)))


def test_wrong_feature_size_after_build_names_both_sizes():
    layer = GRU(4)
    layer(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"GRU 'gru' was built for 3 "
                       r"features per step, got 2 \(input shape "
                       r"\(2, 5, 2\)\)"):
        layer(np.zeros((2, 5, 2)))
    assert layer(np.zeros((2, 9, 3))).shape == (2, 4)   # other T is fine


def test_ragged_sequences_point_to_pad_sequences():
    seqs = [np.zeros((3, 2)), np.zeros((5, 2))]
    with pytest.raises(ValueError, match=r"SimpleRNN 'simple_rnn' received "
                       r"2 sequences of different lengths \(3 to 5 "
                       r"steps\); .*nnkit\.sequences\.pad_sequences"):
        SimpleRNN(3)(seqs)


def test_return_state_inside_sequential_says_to_call_the_layer():
    with pytest.raises(ValueError, match="returns a list of 3 outputs, "
                       "but Sequential passes one array.*"
                       "return_state=False"):
        Sequential([LSTM(3, return_state=True, input_shape=(4, 2))])


def test_wrong_initial_states_are_named():
    layer = LSTM(3)
    x = np.zeros((2, 4, 1))
    with pytest.raises(ValueError, match=r"needs 2 initial state array\(s\) "
                       r"\(h, c\), got 1"):
        layer(x, initial_state=np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"initial state c must have shape "
                       r"\(2, 3\), got \(2, 4\)"):
        layer(x, initial_state=[np.zeros((2, 3)), np.zeros((2, 4))])


def test_gru_without_reset_after_is_refused():
    with pytest.raises(ValueError, match="reset_after must be True"):
        GRU(3, reset_after=False)


def test_embedding_ids_out_of_range_name_the_id_and_the_range():
    layer = Embedding(5, 2)
    with pytest.raises(ValueError, match=r"Embedding 'embedding': ids must "
                       r"be in \[0, 5\) \(input_dim=5\), got 7"):
        layer(np.array([[1, 7, 2]]))
    with pytest.raises(ValueError, match=r"got -1"):
        layer(np.array([[1, -1, 2]]))
    with pytest.raises(TypeError, match="expects integer ids"):
        layer(np.array([[1.5, 2.0, 0.0]]))
    with pytest.raises(ValueError, match=r"input_dim must be a positive "
                       r"integer \(>= 1\), got 0"):
        Embedding(0, 3)
