"""Multi-head attention (Keras' MultiHeadAttention) for sequences.

Shapes (N examples, Tq queries, Tv keys/values, H heads, dk = key_dim,
dv = value_dim, Dq/Dk/Dv the inputs' feature sizes, Do the output's)::

    q = query W_q + b_q     W_q "query/kernel" (Dq, H, dk), b_q (H, dk)
    k = key   W_k + b_k     W_k "key/kernel"   (Dk, H, dk), b_k (H, dk)
    v = value W_v + b_v     W_v "value/kernel" (Dv, H, dv), b_v (H, dv)
    o_h = attention(q_h, k_h, v_h)  for each head h  (N, Tq, H, dv)
    out = sum_{h, j} o[n, t, h, j] W_o[h, j, :] + b_o
                            W_o "attention_output/kernel" (H, dv, Do)

Keras' weight shapes, names and order, so weights copy across as a
list. Each head attends with ``scaled_dot_product_attention``
(``nnkit.layers.attention``): its own projections let it look for a
different kind of match. The projections are matrix products once the
head axes are flattened (W_q as a (Dq, H dk) matrix), so the whole
layer is four matrix products around one batched attention.

Backward (the attention's own backward in the middle)::

    dW_o = ctx^T dout       db_o = sum dout      dctx = dout W_o^T
    dq, dk, dv = attention backward of dctx, per head
    dW_q = query^T dq       db_q = sum dq        dquery = dq W_q^T
    (the same for the keys and the values)

The layer takes several inputs (``multi_input``): ``forward`` gets the
list [query, value] or [query, value, key] and ``backward`` returns
their gradients in that order. Called directly it takes Keras'
arguments, ``mha(query, value, key=None, attention_mask=None,
use_causal_mask=False, return_attention_scores=False,
training=False)``; with ``return_attention_scores`` the output is the
list [out, P] with P (N, H, Tq, Tv) the attention weights (before
dropout), and ``backward`` takes [dout, dP] (dP may be None).

Differences from Keras: inputs are (N, T, D) only (Keras'
``attention_axes`` for higher ranks is not implemented), there is no
``use_gate`` or ``sliding_window``, and the Keras masks carried by the
inputs themselves (``mask_zero`` embeddings) are not read: pass an
``attention_mask``. A query row that may attend to no key gets zero
weights (Keras' explicit-scores path; its fused path averages instead).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _validate as check
from .. import initializers
from .. import regularizers as _reg
from .attention import (
    causal_mask,
    scaled_dot_product_attention,
    scaled_dot_product_attention_backward,
)
from .base import Layer, as_shape
from .dropout import generator_state, restore_generator
from .symbolic import is_symbolic

__all__ = ["MultiHeadAttention"]


class MultiHeadAttention(Layer):
    """Multi-head scaled dot-product attention with learned projections.

    Args:
        num_heads: H, the number of attention heads (> 0).
        key_dim: dk, the size of each head's queries and keys (> 0).
        value_dim: dv, the size of each head's values; None: key_dim.
        dropout: rate of dropout on the attention weights, in [0, 1).
        use_bias: add biases to the four projections.
        output_shape: Do, an int (or 1-tuple); None: the query's size.
        kernel_initializer: Keras default ``"glorot_uniform"``, with the
            fans of the projection seen as a matrix (Dq, H dk), as
            Keras computes them.
        bias_initializer: Keras default ``"zeros"``.
        kernel_regularizer, bias_regularizer: optional penalties.
        seed: seeds the dropout's generator (and the weights when the
            layer is built on its own).
        **kwargs: ``name``, ``dtype`` (see ``Layer``).

    Called as ``mha(query, value, key=None, ...)``: see ``__call__``.

    Input shape:
        [(N, Tq, Dq), (N, Tv, Dv)] or [..., (N, Tv, Dk)]
    Output shape:
        (N, Tq, Do)
    """

    multi_input = True

    def __init__(self, num_heads: int, key_dim: int,
                 value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_shape: Any = None,
                 kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None,
                 bias_regularizer: Any = None, seed: int | None = None,
                 **kwargs: Any):
        super().__init__(seed=seed, **kwargs)
        owner = self.describe()
        self.num_heads = check.positive_int(owner, "num_heads", num_heads)
        self.key_dim = check.positive_int(owner, "key_dim", key_dim)
        self.value_dim = check.positive_int(
            owner, "value_dim", value_dim, allow_none=True) or self.key_dim
        self._value_dim_given = value_dim is not None
        self.dropout = check.rate(owner, "dropout", dropout)
        self.use_bias = check.boolean(owner, "use_bias", use_bias)
        if isinstance(output_shape, (tuple, list)) and \
                len(output_shape) == 1:
            output_shape = output_shape[0]
        self.output_dim = check.positive_int(owner, "output_shape",
                                             output_shape, allow_none=True)
        self._weight_arguments(kernel_initializer=kernel_initializer,
                               bias_initializer=bias_initializer,
                               kernel_regularizer=kernel_regularizer,
                               bias_regularizer=bias_regularizer)
        self.rng: np.random.Generator | None = None

    # ----- building -------------------------------------------------------
    def _shapes(self, input_shape: Any) -> list[tuple[int, ...]]:
        shapes = [as_shape(s) for s in input_shape]
        if len(shapes) not in (2, 3) or any(len(s) != 2 for s in shapes):
            raise ValueError(
                f"{self.describe()} expects [query, value] or [query, "
                f"value, key], each of shape (batch, steps, features), got "
                f"per-example shapes {[tuple(s) for s in shapes]}")
        if len(shapes) == 3 and shapes[1][0] != shapes[2][0]:
            raise ValueError(
                f"{self.describe()}: value and key must have the same "
                f"number of steps, got value {shapes[1]} and key "
                f"{shapes[2]}")
        return shapes

    def _kernel(self, name: str, rows: int, cols: tuple[int, int], rng):
        """A projection kernel drawn as a (rows, c1 c2) matrix, so its
        fans are the matrix's, as Keras computes them; then reshaped."""
        flat = self.kernel_initializer((rows, cols[0] * cols[1]), rng,
                                       self.dtype)
        return self.add_weight(f"{name}/kernel",
                               flat.reshape((rows,) + cols),
                               regularizer=self.kernel_regularizer)

    def _bias(self, name: str, shape: tuple[int, ...], rng):
        if not self.use_bias:
            return None
        return self.add_weight(f"{name}/bias",
                               self.bias_initializer(shape, rng, self.dtype),
                               regularizer=self.bias_regularizer)

    def build(self, input_shape, rng=None):
        shapes = self._shapes(input_shape)
        dq, dv = shapes[0][-1], shapes[1][-1]
        dk = shapes[2][-1] if len(shapes) == 3 else dv
        h, kd, vd = self.num_heads, self.key_dim, self.value_dim
        out = self.output_dim or dq
        self.query_kernel = self._kernel("query", dq, (h, kd), rng)
        self.query_bias = self._bias("query", (h, kd), rng)
        self.key_kernel = self._kernel("key", dk, (h, kd), rng)
        self.key_bias = self._bias("key", (h, kd), rng)
        self.value_kernel = self._kernel("value", dv, (h, vd), rng)
        self.value_bias = self._bias("value", (h, vd), rng)
        flat = self.kernel_initializer((h * vd, out), rng, self.dtype)
        self.output_kernel = self.add_weight(
            "attention_output/kernel", flat.reshape(h, vd, out),
            regularizer=self.kernel_regularizer)
        self.output_bias = self._bias("attention_output", (out,), rng)
        if self.seed is not None:
            self.rng = np.random.default_rng(self.seed)
        elif rng is not None:
            self.rng = rng.spawn(1)[0]
        self.input_shape = shapes
        self.built = True

    def compute_output_shape(self, input_shape):
        """(Tq, Do); with attention scores as a second output (a
        symbolic call with ``return_attention_scores=True``) the list
        [(Tq, Do), (H, Tq, Tv)]."""
        shapes = self._shapes(input_shape)
        out = (shapes[0][0], self.output_dim or shapes[0][-1])
        if getattr(self, "_scores_output", False):
            return [out, (self.num_heads, shapes[0][0], shapes[1][0])]
        return out

    # ----- calling --------------------------------------------------------
    def __call__(self, query: Any, value: Any = None, key: Any = None,
                 attention_mask: Any = None, use_causal_mask: bool = False,
                 return_attention_scores: bool = False,
                 training: bool = False) -> Any:
        """Attend from ``query`` to ``value`` (Keras' call signature).

        Args:
            query: (N, Tq, Dq); or the list [query, value(, key)].
            value: (N, Tv, Dv).
            key: (N, Tv, Dk); None uses ``value``.
            attention_mask: boolean (N, Tq, Tv) (or broadcastable), True
                where query t may attend to key s.
            use_causal_mask: also hide every key after the query's
                position.
            return_attention_scores: return [out, weights] instead of
                out.
            training: apply the attention dropout.

        Returns:
            out (N, Tq, Do), or [out, weights (N, H, Tq, Tv)].
        """
        if value is None and isinstance(query, (list, tuple)):
            inputs = list(query)             # a model's call: a list
        else:
            inputs = [query, value] + ([] if key is None else [key])
        options = dict(attention_mask=attention_mask,
                       use_causal_mask=use_causal_mask,
                       return_attention_scores=return_attention_scores)
        if is_symbolic(inputs):
            # the base class records the call; compute_output_shape must
            # know whether the scores are a second output
            self._scores_output = bool(return_attention_scores)
        return super().__call__(inputs, training=training, **options)

    def _check_inputs(self, inputs: Any) -> list[np.ndarray]:
        if not isinstance(inputs, (list, tuple)) or len(inputs) not in (2,
                                                                        3):
            raise ValueError(f"{self.describe()} takes [query, value] or "
                             f"[query, value, key], got {type(inputs)}")
        xs = [np.asarray(x) for x in inputs]
        built = self.input_shape
        for name, x, shape in zip(("query", "value", "key"), xs, built):
            if x.dtype.kind not in "fiub":
                raise TypeError(f"{self.describe()}: {name} must be "
                                f"numeric, got dtype {x.dtype}")
            if x.ndim != 3 or x.shape[-1] != shape[-1]:
                raise ValueError(
                    f"{self.describe()}: {name} must have shape (batch, "
                    f"steps, {shape[-1]}), got {x.shape}")
        if len(xs) != len(built):
            raise ValueError(f"{self.describe()} was built with "
                             f"{len(built)} inputs, got {len(xs)}")
        if len({x.shape[0] for x in xs}) != 1:
            raise ValueError(f"{self.describe()}: query, value and key "
                             f"must have the same batch size, got "
                             f"{[x.shape[0] for x in xs]}")
        if len(xs) == 3 and xs[1].shape[1] != xs[2].shape[1]:
            raise ValueError(f"{self.describe()}: value and key must have "
                             f"the same number of steps, got "
                             f"{xs[1].shape[1]} and {xs[2].shape[1]}")
        return [x.astype(self.dtype, copy=False) for x in xs]

    def _mask(self, attention_mask: Any, use_causal_mask: bool,
              n: int, tq: int, tv: int) -> np.ndarray | None:
        """The combined (N, 1, Tq, Tv) mask, or None."""
        mask = None
        if attention_mask is not None:
            mask = np.asarray(attention_mask)
            if mask.dtype != bool:
                mask = mask > 0.5                 # 0/1 masks, as Keras
            try:
                mask = np.broadcast_to(mask, (n, tq, tv))
            except ValueError:
                raise ValueError(
                    f"{self.describe()}: attention_mask of shape "
                    f"{np.shape(attention_mask)} does not broadcast to "
                    f"(batch, query steps, key steps) = {(n, tq, tv)}"
                ) from None
        if use_causal_mask:
            causal = causal_mask(tq, tv)
            mask = causal if mask is None else mask & causal
        return None if mask is None else np.broadcast_to(
            mask, (n, tq, tv))[:, None]

    # ----- forward and backward -------------------------------------------
    def _project(self, x, kernel, bias):
        """x (N, T, D) -> (N, H, T, d): one matrix product, then heads."""
        n, t, _ = x.shape
        h, d = kernel.shape[1:]
        y = x.reshape(n * t, -1) @ kernel.data.reshape(-1, h * d)
        if bias is not None:
            y += bias.data.reshape(-1)
        return y.reshape(n, t, h, d).transpose(0, 2, 1, 3)

    def forward(self, inputs, training=False, attention_mask=None,
                use_causal_mask=False, return_attention_scores=False):
        xs = self._check_inputs(inputs)
        query, value = xs[0], xs[1]
        key = xs[2] if len(xs) == 3 else value
        n, tq, tv = len(query), query.shape[1], value.shape[1]
        mask = self._mask(attention_mask, use_causal_mask, n, tq, tv)
        q = self._project(query, self.query_kernel, self.query_bias)
        k = self._project(key, self.key_kernel, self.key_bias)
        v = self._project(value, self.value_kernel, self.value_bias)
        drop = None
        if training and self.dropout > 0.0:
            if self.rng is None:
                self.rng = np.random.default_rng(self.seed)
            keep = 1.0 - self.dropout
            drop = (self.rng.random((n, self.num_heads, tq, tv)) < keep
                    ).astype(self.dtype) / self.dtype.type(keep)
        ctx, self.cache = scaled_dot_product_attention(
            q, k, v, mask, 1.0 / math.sqrt(self.key_dim), drop)
        # (N, H, Tq, dv) -> (N Tq, H dv): heads side by side, then W_o
        ctx = ctx.transpose(0, 2, 1, 3).reshape(n * tq, -1)
        out = ctx @ self.output_kernel.data.reshape(ctx.shape[1], -1)
        if self.output_bias is not None:
            out += self.output_bias.data
        out = out.reshape(n, tq, -1)
        self.xs, self.ctx, self.n_inputs = xs, ctx, len(xs)
        self.scores_returned = bool(return_attention_scores)
        self.out = out
        if return_attention_scores:
            return [out, self.cache["p"]]
        return out

    def _project_backward(self, x, kernel, bias, dy):
        """Gradients of ``_project``: dy (N, H, T, d) -> dx (N, T, D)."""
        n, t, _ = x.shape
        dy = dy.transpose(0, 2, 1, 3).reshape(n * t, -1)
        x2 = x.reshape(n * t, -1)
        kernel.grad += (x2.T @ dy).reshape(kernel.shape)
        if bias is not None:
            bias.grad += dy.sum(axis=0).reshape(bias.shape)
        return (dy @ kernel.data.reshape(x2.shape[1], -1).T).reshape(
            x.shape)

    def backward(self, dout):
        dscores = None
        if isinstance(dout, (list, tuple)):
            dout, dscores = dout
        xs, (n, tq, do) = self.xs, self.out.shape
        d2 = np.zeros((n * tq, do), self.dtype) if dout is None \
            else dout.reshape(n * tq, do)
        w_o = self.output_kernel
        w_o.grad += (self.ctx.T @ d2).reshape(w_o.shape)
        if self.output_bias is not None:
            self.output_bias.grad += d2.sum(axis=0)
        dctx = (d2 @ w_o.data.reshape(self.ctx.shape[1], -1).T).reshape(
            n, tq, self.num_heads, self.value_dim).transpose(0, 2, 1, 3)
        dq, dk, dv = scaled_dot_product_attention_backward(
            dctx, self.cache, dscores)
        query, value = xs[0], xs[1]
        key = xs[2] if len(xs) == 3 else value
        dquery = self._project_backward(query, self.query_kernel,
                                        self.query_bias, dq)
        dkey = self._project_backward(key, self.key_kernel, self.key_bias,
                                      dk)
        dvalue = self._project_backward(value, self.value_kernel,
                                        self.value_bias, dv)
        if len(xs) == 3:
            return [dquery, dvalue, dkey]
        return [dquery, dvalue + dkey]          # the value was the key too

    # ----- state and config -----------------------------------------------
    def get_state(self) -> dict[str, Any]:
        return generator_state(self.rng)

    def set_state(self, state: dict[str, Any]) -> None:
        self.rng = restore_generator(self.rng, state)

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("input_shape", None)
        return {**cfg, "num_heads": self.num_heads,
                "key_dim": self.key_dim,
                "value_dim": self.value_dim if self._value_dim_given
                else None,
                "dropout": self.dropout, "use_bias": self.use_bias,
                "output_shape": self.output_dim,
                "kernel_initializer": initializers.serialize(
                    self.kernel_initializer),
                "bias_initializer": initializers.serialize(
                    self.bias_initializer),
                "kernel_regularizer": _reg.serialize(
                    self.kernel_regularizer),
                "bias_regularizer": _reg.serialize(self.bias_regularizer)}
