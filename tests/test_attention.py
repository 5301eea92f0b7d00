"""Scaled dot-product attention and MultiHeadAttention.

Gradients against central differences (float64) for every input and
weight; Keras parity (outputs, input and weight gradients, a few SGD
steps) within 1e-10 in float64 and 1e-5 in float32, as
max |nnkit - keras| / max(1, max |keras|).

Keras casts the Python float 1/sqrt(key_dim) through float32 before
scaling the queries (TensorFlow's ``cast`` of a Python number), so the
float64 parity tests use key dims whose 1/sqrt is exact in float32 (1,
4, 16); ``test_keras_rounds_the_query_scale_to_float32`` shows the
difference for key_dim=3 and that it is that rounding.

The key bias gets a zero gradient: adding the same vector to every key
adds the same number q . b_k to all scores of a query, which the softmax
ignores. Its check is therefore an absolute one (central differences of
a zero derivative are rounding noise, so a relative error is
meaningless there).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nnkit
from nnkit.gradcheck import numerical_gradient, rel_error
from nnkit.layers import (
    MultiHeadAttention,
    causal_mask,
    scaled_dot_product_attention,
    scaled_dot_product_attention_backward,
)

from .conftest import close

PASS = 1e-7



# ----- the attention function ---------------------------------------------
def test_three_token_example_by_hand():
    """One query that matches the second key best attends mostly to it."""
    q = np.array([[0.0, 2.0]])
    k = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    v = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    out, cache = scaled_dot_product_attention(q, k, v)
    s = q @ k.T / math.sqrt(2)                   # [0, 1.414, 1.414]
    p = np.exp(s) / np.exp(s).sum()
    assert np.allclose(cache["p"], p)
    assert np.allclose(out, p @ v)
    hidden, c2 = scaled_dot_product_attention(q, k, v,
                                              mask=[[True, False, True]])
    assert c2["p"][0, 1] == 0.0 and np.isclose(c2["p"].sum(), 1.0)


@given(n=st.integers(1, 2), h=st.integers(1, 2), tq=st.integers(1, 4),
       tk=st.integers(1, 4), d=st.integers(1, 3), dv=st.integers(1, 3),
       masked=st.booleans(), dropped=st.booleans(), scores=st.booleans(),
       seed=st.integers(0, 999))
@settings(max_examples=40, deadline=None)
def test_attention_backward_matches_central_differences(
        n, h, tq, tk, d, dv, masked, dropped, scores, seed):
    rng = np.random.default_rng(seed)
    q, k = rng.standard_normal((n, h, tq, d)), rng.standard_normal(
        (n, h, tk, d))
    v = rng.standard_normal((n, h, tk, dv))
    mask = rng.random((n, 1, tq, tk)) < 0.7 if masked else None
    drop = ((rng.random((n, h, tq, tk)) < 0.75) / 0.75 if dropped
            else None)
    dout = rng.standard_normal((n, h, tq, dv))
    dp = rng.standard_normal((n, h, tq, tk)) if scores else None

    def f():
        out, cache = scaled_dot_product_attention(q, k, v, mask,
                                                  dropout_mask=drop)
        total = np.sum(out * dout)
        return float(total + (np.sum(cache["p"] * dp) if scores else 0))

    _, cache = scaled_dot_product_attention(q, k, v, mask,
                                            dropout_mask=drop)
    grads = scaled_dot_product_attention_backward(dout, cache, dp)
    for g, x in zip(grads, (q, k, v)):
        assert g.shape == x.shape
        assert rel_error(g, numerical_gradient(f, x)) < PASS


def test_causal_mask_is_lower_triangular_and_hides_the_future(rng):
    assert causal_mask(3, 4).tolist() == [[1, 0, 0, 0], [1, 1, 0, 0],
                                          [1, 1, 1, 0]]
    q, k, v = (rng.standard_normal((1, 5, 2)) for _ in range(3))
    out, _ = scaled_dot_product_attention(q, k, v, causal_mask(5, 5))
    k2, v2 = k.copy(), v.copy()
    k2[:, 3:] += 10.0
    v2[:, 3:] -= 10.0
    out2, _ = scaled_dot_product_attention(q, k2, v2, causal_mask(5, 5))
    assert np.array_equal(out[:, :3], out2[:, :3])


@pytest.mark.keras
def test_attention_function_matches_keras_ops(keras64, rng):
    # keras.ops.dot_product_attention takes (N, T, H, d) and the scale
    q = rng.standard_normal((2, 4, 3, 16))
    k = rng.standard_normal((2, 5, 3, 16))
    v = rng.standard_normal((2, 5, 3, 2))
    mask = rng.random((2, 3, 4, 5)) < 0.8
    mask[..., 0] = True
    theirs = keras64.ops.convert_to_numpy(keras64.ops.dot_product_attention(
        q, k, v, mask=mask, scale=0.25))
    heads = (0, 2, 1, 3)
    ours, _ = scaled_dot_product_attention(
        q.transpose(heads), k.transpose(heads), v.transpose(heads), mask,
        scale=0.25)
    close(ours.transpose(heads), theirs)


# ----- MultiHeadAttention: gradients ----------------------------------------
def mha_gradients(layer, xs, dout, training=False, **kwargs):
    """Analytic and numerical gradients of sum(out * dout); the dropout
    generator is rewound before every forward so all see the same mask."""
    state = layer.rng.bit_generator.state if layer.rng is not None \
        else None

    def f():
        if state is not None:
            layer.rng.bit_generator.state = state
        out = layer.forward(xs, training=training, **kwargs)
        if isinstance(out, list):
            return float(np.sum(out[0] * dout[0]) + np.sum(out[1]
                                                           * dout[1]))
        return float(np.sum(out * dout))

    for p in layer.parameters():
        p.zero_grad()
    f()
    dxs = layer.backward(dout)
    analytic = {f"x{i}": d for i, d in enumerate(dxs)}
    analytic |= {p.name: p.grad.copy() for p in layer.parameters()}
    numeric = {f"x{i}": numerical_gradient(f, x) for i, x in enumerate(xs)}
    numeric |= {p.name: numerical_gradient(f, p.data)
                for p in layer.parameters()}
    return analytic, numeric


CASES = [
    (dict(num_heads=2, key_dim=3), {}, False),
    (dict(num_heads=3, key_dim=2, value_dim=4, output_shape=5),
     dict(use_causal_mask=True), True),
    (dict(num_heads=2, key_dim=3, use_bias=False),
     dict(attention_mask="random"), False),
    (dict(num_heads=1, key_dim=4, dropout=0.3, seed=4), {}, True),
]


@pytest.mark.parametrize("args,call,with_key", CASES)
@pytest.mark.parametrize("training", [False, True])
def test_mha_gradients_match_central_differences(args, call, with_key,
                                                 training, rng):
    layer = MultiHeadAttention(**args, dtype="float64",
                               bias_initializer="random_normal")
    xs = [rng.standard_normal((2, 4, 6)), rng.standard_normal((2, 5, 7))]
    if with_key:
        xs.append(rng.standard_normal((2, 5, 3)))
    call = dict(call)
    if call.get("attention_mask") == "random":
        call["attention_mask"] = rng.random((2, 4, 5)) < 0.7
    layer(*xs[:2], key=xs[2] if with_key else None, **call)
    dout = rng.standard_normal((2,) + layer.compute_output_shape(
        [x.shape[1:] for x in xs]))
    analytic, numeric = mha_gradients(layer, xs, dout, training, **call)
    assert len(analytic) == len(xs) + len(layer.parameters())
    for name in analytic:
        if name == "key/bias":                # zero: see the docstring
            assert np.max(np.abs(analytic[name])) < 1e-12
            assert np.max(np.abs(numeric[name])) < 1e-8
        else:
            assert rel_error(analytic[name], numeric[name]) < PASS, name


def test_mha_gradients_with_attention_scores_as_an_output(rng):
    layer = MultiHeadAttention(2, 3, dtype="float64")
    xs = [rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4))]
    out, scores = layer(*xs, return_attention_scores=True)
    assert scores.shape == (2, 2, 3, 5)
    assert np.allclose(scores.sum(axis=-1), 1.0)
    douts = [rng.standard_normal(out.shape),
             rng.standard_normal(scores.shape)]
    analytic, numeric = mha_gradients(layer, xs, douts,
                                      return_attention_scores=True)
    for name in analytic:
        if name != "key/bias":
            assert rel_error(analytic[name], numeric[name]) < PASS, name
    # an unused output's gradient may be None
    layer.forward(xs, return_attention_scores=True)
    dq, dv = layer.backward([douts[0], None])
    layer.forward(xs)
    dq2, dv2 = layer.backward(douts[0])
    assert np.allclose(dq, dq2) and np.allclose(dv, dv2)


def test_self_attention_value_gradient_adds_the_key_path(rng):
    layer = MultiHeadAttention(2, 2, dtype="float64")
    x = rng.standard_normal((2, 4, 3))
    out = layer(x, x)
    dout = rng.standard_normal(out.shape)
    dq, dv = layer.backward(dout)
    num = numerical_gradient(
        lambda: float(np.sum(layer.forward([x, x]) * dout)), x)
    assert rel_error(dq + dv, num) < PASS


def test_mha_causal_self_attention_never_looks_ahead(rng):
    layer = MultiHeadAttention(2, 4, dtype="float64")
    x = rng.standard_normal((1, 6, 5))
    out = layer(x, x, use_causal_mask=True)
    later = x.copy()
    later[:, 4:] += 5.0
    assert np.allclose(layer(later, later, use_causal_mask=True)[:, :4],
                       out[:, :4], rtol=0, atol=1e-14)


def test_mha_dropout_only_in_training_and_reproducible(rng):
    a = MultiHeadAttention(2, 4, dropout=0.5, seed=7, dtype="float64")
    b = MultiHeadAttention(2, 4, dropout=0.5, seed=7, dtype="float64")
    x = rng.standard_normal((3, 5, 4))
    assert np.array_equal(a(x, x), b(x, x))
    t1 = a(x, x, training=True)
    assert not np.allclose(t1, a(x, x))
    assert np.array_equal(t1, b(x, x, training=True))
    assert not np.allclose(t1, a(x, x, training=True))  # a fresh mask


# ----- MultiHeadAttention: Keras ----------------------------------------------
def keras_mha_grads(klayer, xs, dout, **kwargs):
    import tensorflow as tf
    ts = [tf.Variable(x) for x in xs]
    kw = {k: tf.constant(v) if isinstance(v, np.ndarray) else v
          for k, v in kwargs.items()}
    with tf.GradientTape() as tape:
        y = klayer(ts[0], ts[1], ts[2] if len(ts) == 3 else None, **kw)
    grads = tape.gradient(y, ts + klayer.trainable_variables,
                          output_gradients=tf.constant(dout))
    return y.numpy(), [g.numpy() for g in grads]


def nnkit_mha_grads(layer, xs, dout, **kwargs):
    for p in layer.parameters():
        p.zero_grad()
    out = layer.forward(xs, **kwargs)
    return out, list(layer.backward(dout)) + [p.grad.copy()
                                              for p in layer.parameters()]


KERAS_CASES = [
    (dict(num_heads=2, key_dim=4), {}, False),
    (dict(num_heads=3, key_dim=1, value_dim=2, output_shape=5),
     dict(use_causal_mask=True), True),
    (dict(num_heads=2, key_dim=16, use_bias=False),
     dict(attention_mask="random"), False),
    (dict(num_heads=2, key_dim=4, value_dim=3),
     dict(attention_mask="random", use_causal_mask=True), True),
]


def _call_kwargs(call, rng, n, tq, tv):
    call = dict(call)
    if call.get("attention_mask") == "random":
        mask = rng.random((n, tq, tv)) < 0.7
        mask[:, :, 0] = True           # every query sees some key
        call["attention_mask"] = mask
    return call


@pytest.mark.keras
@pytest.mark.parametrize("args,call,with_key", KERAS_CASES)
def test_mha_outputs_and_gradients_match_keras(keras64, args, call,
                                               with_key, rng):
    xs = [rng.standard_normal((2, 4, 6)), rng.standard_normal((2, 5, 7))]
    if with_key:
        xs.append(rng.standard_normal((2, 5, 3)))
    call = _call_kwargs(call, rng, 2, 4, 5)
    layer = MultiHeadAttention(**args, dtype="float64",
                               bias_initializer="random_normal")
    layer(*xs[:2], key=xs[2] if with_key else None)
    klayer = keras64.layers.MultiHeadAttention(**args, dtype="float64")
    klayer(*xs[:2], xs[2] if with_key else None)
    assert [w.shape for w in klayer.get_weights()] == \
        [w.shape for w in layer.get_weights()]
    assert [w.path.split("/", 1)[1] for w in klayer.weights] == \
        [p.name for p in layer.parameters()]
    klayer.set_weights(layer.get_weights())
    dout = rng.standard_normal((2, 4) + (args.get("output_shape", 6),))
    out, grads = nnkit_mha_grads(layer, xs, dout, **call)
    kout, kgrads = keras_mha_grads(klayer, xs, dout, **call)
    close(out, kout)
    for ours, theirs in zip(grads, kgrads):
        close(ours, theirs)


@pytest.mark.keras
def test_mha_attention_scores_match_keras(keras64, rng):
    x, y = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 6, 4))
    layer = MultiHeadAttention(2, 4, dtype="float64")
    out, scores = layer(x, y, return_attention_scores=True)
    klayer = keras64.layers.MultiHeadAttention(2, 4, dtype="float64")
    klayer(x, y)
    klayer.set_weights(layer.get_weights())
    kout, kscores = klayer(x, y, return_attention_scores=True)
    close(out, kout.numpy())
    close(scores, kscores.numpy())


@pytest.mark.keras
def test_mha_matches_keras_in_float32(keras, rng):
    xs = [rng.standard_normal((3, 5, 8)).astype(np.float32),
          rng.standard_normal((3, 7, 6)).astype(np.float32)]
    layer = MultiHeadAttention(4, 3, value_dim=2)
    layer(*xs)
    klayer = keras.layers.MultiHeadAttention(4, 3, value_dim=2,
                                             dtype="float32")
    klayer(*xs)
    klayer.set_weights(layer.get_weights())
    dout = rng.standard_normal((3, 5, 8)).astype(np.float32)
    out, grads = nnkit_mha_grads(layer, xs, dout, use_causal_mask=True)
    kout, kgrads = keras_mha_grads(klayer, xs, dout, use_causal_mask=True)
    assert out.dtype == grads[0].dtype == np.float32
    close(out, kout, "float32")
    for ours, theirs in zip(grads, kgrads):
        close(ours, theirs, "float32")


@pytest.mark.keras
def test_keras_rounds_the_query_scale_to_float32(keras64, rng):
    """key_dim=3: 1/sqrt(3) is not a float32; Keras rounds it, nnkit not."""
    xs = [rng.standard_normal((2, 4, 6)), rng.standard_normal((2, 5, 6))]
    layer = MultiHeadAttention(2, 3, dtype="float64")
    out = layer(*xs)
    klayer = keras64.layers.MultiHeadAttention(2, 3, dtype="float64")
    klayer(*xs)
    klayer.set_weights(layer.get_weights())
    kout = klayer(*xs).numpy()
    gap = np.max(np.abs(out - kout))
    assert 1e-10 < gap < 1e-7
    # The same attention with the scale rounded to float32 is Keras'.
    q = layer._project(xs[0], layer.query_kernel, layer.query_bias)
    k = layer._project(xs[1], layer.key_kernel, layer.key_bias)
    v = layer._project(xs[1], layer.value_kernel, layer.value_bias)
    ctx, _ = scaled_dot_product_attention(
        q, k, v, scale=float(np.float32(1 / math.sqrt(3))))
    ctx = ctx.transpose(0, 2, 1, 3).reshape(8, -1)
    rounded = (ctx @ layer.output_kernel.data.reshape(6, -1)
               + layer.output_bias.data).reshape(out.shape)
    close(rounded, kout)


@pytest.mark.keras
def test_mha_sgd_steps_match_keras(floatx, rng):
    """Outside a Sequential: a few steps of SGD on the same loss."""
    import keras
    import tensorflow as tf
    xs = [rng.standard_normal((4, 5, 6)).astype(floatx) for _ in range(2)]
    target = rng.standard_normal((4, 5, 6)).astype(floatx)
    layer = MultiHeadAttention(2, 4, dtype=floatx)
    layer(*xs)
    klayer = keras.layers.MultiHeadAttention(2, 4, dtype=floatx)
    klayer(*xs)
    klayer.set_weights(layer.get_weights())
    opt = nnkit.optimizers.SGD(0.125, momentum=0.5)
    kopt = keras.optimizers.SGD(0.125, momentum=0.5)
    mse = nnkit.losses.MeanSquaredError()
    for _ in range(4):
        for p in layer.parameters():
            p.zero_grad()
        out = layer.forward(xs, use_causal_mask=True)
        loss = mse(target, out)
        layer.backward(mse.gradient(target, out))
        opt.apply(layer.parameters())
        with tf.GradientTape() as tape:
            kl = keras.losses.MeanSquaredError()(
                target, klayer(*xs, use_causal_mask=True))
        kopt.apply_gradients(zip(
            tape.gradient(kl, klayer.trainable_variables),
            klayer.trainable_variables))
        close(loss, kl.numpy(), floatx)
    for ours, theirs in zip(layer.get_weights(), klayer.get_weights()):
        close(ours, theirs, floatx)


# ----- config, saving and errors --------------------------------------------
def test_mha_config_round_trips_and_weights_copy(rng):
    layer = MultiHeadAttention(3, 2, value_dim=4, dropout=0.1,
                               output_shape=(7,), use_bias=False,
                               kernel_regularizer="l2", name="att")
    clone = MultiHeadAttention.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert nnkit.layers.get("MultiHeadAttention") is MultiHeadAttention
    x = rng.standard_normal((2, 3, 5)).astype(np.float32)
    layer(x, x)
    clone(x, x)
    clone.set_weights(layer.get_weights())
    assert np.array_equal(clone(x, x), layer(x, x))
    assert [p.path for p in layer.parameters()][0] == "att/query/kernel"
    assert layer.count_params() == 2 * (5 * 3 * 2) + 5 * 3 * 4 + 3 * 4 * 7


def test_mha_rejects_bad_arguments_and_inputs(rng):
    with pytest.raises(ValueError, match=r"MultiHeadAttention "
                       r"'multi_head_attention': num_heads must be a "
                       r"positive integer \(>= 1\), got 0"):
        MultiHeadAttention(0, 4)
    with pytest.raises(ValueError, match=r"key_dim must be a positive "
                       r"integer \(>= 1\), got 2.5"):
        MultiHeadAttention(2, 2.5)
    with pytest.raises(ValueError, match=r"dropout must be a number in "
                       r"\[0, 1\), got 1.0"):
        MultiHeadAttention(2, 4, dropout=1.0)
    layer = MultiHeadAttention(2, 4, name="mha")
    with pytest.raises(ValueError, match=r"MultiHeadAttention 'mha' "
                       r"expects \[query, value\].*\(batch, steps, "
                       r"features\)"):
        layer(np.zeros((2, 3)), np.zeros((2, 3)))
    x = np.zeros((2, 3, 4))
    layer(x, x)
    with pytest.raises(ValueError, match=r"MultiHeadAttention 'mha': value "
                       r"must have shape \(batch, steps, 4\), got "
                       r"\(2, 3, 5\)"):
        layer(x, np.zeros((2, 3, 5)))
    with pytest.raises(ValueError, match=r"attention_mask of shape "
                       r"\(2, 3, 4\) does not broadcast to \(batch, query "
                       r"steps, key steps\) = \(2, 3, 3\)"):
        layer(x, x, attention_mask=np.ones((2, 3, 4), bool))
    with pytest.raises(ValueError, match=r"same batch size"):
        layer(x, np.zeros((3, 3, 4)))


@pytest.mark.keras
def test_mha_converts_to_keras_and_back(keras64, rng):
    from nnkit.interop import LAYERS
    layer = MultiHeadAttention(3, 4, value_dim=2, output_shape=5,
                               dropout=0.25, seed=3, dtype="float64",
                               kernel_regularizer="l2")
    xs = [rng.standard_normal((2, 4, 6)), rng.standard_normal((2, 5, 7))]
    out = layer(*xs)
    klayer = LAYERS.to_keras(layer)
    klayer(*xs)
    klayer.set_weights(layer.get_weights())
    close(out, klayer(*xs).numpy())
    back = LAYERS.from_keras(klayer)
    # like the other from_keras converters, penalties stay behind
    assert back.get_config() == {**layer.get_config(),
                                 "kernel_regularizer": None}
    back(*xs)
    back.set_weights(klayer.get_weights())
    close(back(*xs), out)
    with pytest.raises(ValueError, match="attends over axes"):
        LAYERS.from_keras(keras64.layers.MultiHeadAttention(
            2, 4, attention_axes=(1, 2)))
