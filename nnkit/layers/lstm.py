"""LSTM (Hochreiter & Schmidhuber 1997, with a forget gate).

Shapes: x (N, T, D); W "kernel" (D, 4H); U "recurrent_kernel" (H, 4H);
b "bias" (4H,); states h_t, c_t (N, H), H = ``units``. The four column
blocks of W, U and b are the gates in Keras' order i, f, c~, o. With
sigma the recurrent activation (sigmoid) and g the activation (tanh),
one step (``cell_forward``) is chapter 9's equations, one row per
example::

    a = x_t W + h_{t-1} U + b = [a_i | a_f | a_c | a_o]
    i = sigma(a_i)   f = sigma(a_f)   c~ = g(a_c)   o = sigma(a_o)
    c_t = f * c_{t-1} + i * c~
    h_t = o * g(c_t)

Backward through one step (``cell_backward``), given dh = dL/dh_t and
dc = dL/dc_t from step t+1 and the output at t::

    do  = dh * g(c_t)
    dc  = dc + dh * o * g'(c_t)
    di  = dc * c~     df = dc * c_{t-1}     dc~ = dc * i
    da  = [di sigma'(a_i) | df sigma'(a_f) | dc~ g'(a_c) | do sigma'(a_o)]
    dh_{t-1} = da U^T      dc_{t-1} = dc * f

da is the gradient of a, so of x_t W, h_{t-1} U and b: the weight
gradients are sums over the steps, dW = sum_t x_t^T da, dU = sum_t
h_{t-1}^T da, db = sum_t da. For speed a is one matmul per step,
a = [h_{t-1}, x_t, 1] [U; W; b] (the rows stacked), and after the loop
one matmul gives [dU; dW; db] (``_weight_grads``); on one OpenBLAS
thread a step's two products go in row blocks, which its faster
small-matrix kernels take (``nnkit._blas``). The loop over the
steps (with masks) is in ``recurrent.py``, dropout in
``recurrent_dropout.py`` (with ``recurrent_dropout``, gate j sees
h_{t-1} * r_j; c_{t-1} is never dropped; dh_{t-1} comes from
``recurrent_matmul_backward``). The cell state's own path,
dc_{t-1} = dc * f, is multiplied by a gate rather than by a weight
matrix: that is why gradients survive many steps. Keras'
defaults: W Glorot-uniform, U orthogonal, b zeros except b_f = 1
(``unit_forget_bias``, Jozefowicz et al. 2015).
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, NamedTuple

import numpy as np

from .. import _validate as check
from .. import activations
from .._blas import row_blocks, small_blocks
from .recurrent import Recurrent
from .recurrent_dropout import by_gate

__all__ = ["LSTM"]


class LSTM(Recurrent):
    """Long short-term memory layer.

    Args:
        units: H, the size of h and c (> 0).
        activation: g, Keras default ``"tanh"``.
        recurrent_activation: sigma of the gates, default ``"sigmoid"``.
        unit_forget_bias: start b_f at 1 (Keras default True).
        **kwargs: ``use_bias``, the initializers and regularizers,
            ``dropout``, ``recurrent_dropout`` (a mask per gate when
            it is > 0, as in Keras), ``return_sequences``,
            ``return_state`` (``[output, h_T, c_T]``), ``go_backwards``,
            ``zero_output_for_mask``, ``bptt_truncate``, ``name``,
            ``seed``, ``dtype``, ``input_shape`` — as in ``SimpleRNN``.
            Called with ``mask=`` and ``initial_state=[h_0, c_0]``.
    """

    n_gates = 4
    state_names = ("h", "c")
    tied = True

    def __init__(self, units: int, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid",
                 unit_forget_bias: bool = True, **kwargs: Any):
        super().__init__(units, activation=activation, **kwargs)
        self.recurrent_activation = check.lookup(
            self.describe(), "recurrent_activation", recurrent_activation,
            activations.get)
        self.unit_forget_bias = check.boolean(
            self.describe(), "unit_forget_bias", unit_forget_bias)

    def _initial_bias(self, shape, rng):
        b = super()._initial_bias(shape, rng)
        if self.unit_forget_bias:
            b[self.units:2 * self.units] = 1.0
        return b

    # ----- one step ------------------------------------------------------
    # A step is one matmul, a_t = [h_{t-1}, x_t, 1] [U; W; b] (xh_t
    # times the stacked weights), and after the loop one matmul gives
    # [dU; dW; db] = sum_t xh_t^T da_t. The gates go to one contiguous
    # (4, N, H) array (elementwise work on the column blocks of Keras'
    # (N, 4H) is slower); the weights keep Keras' layout.
    def _new_work(self, T, N, D):
        """The batch's work arrays (reused between batches): xh_t for
        every step, the gates, c_t, g(c_t) and dxz; and T ``_Step``
        records of views into them."""
        H, dtype = self.units, self.dtype
        # one xh per gate with recurrent dropout (h_{t-1} * r_j differs)
        G = 1 if self.recurrent_dropout_masks is None else 4
        K = H + D + (self.bias is not None)
        xh = np.empty((T + 1, G, N, K), dtype)
        xh[..., H + D:] = 1
        h = xh[:, 0, :, :H] if G == 1 else np.empty((T + 1, N, H), dtype)
        gates, dgates = np.empty((T, 4, N, H), dtype), np.empty((4, N, H),
                                                                dtype)
        # BPTT writes da_t over the gates of step t, which it no longer
        # needs then: that memory is still in the cache (a separate
        # (T, N, 4H) array is not, and writing it is slower)
        dxz = gates.reshape(T, N, 4 * H)
        c, g_c = np.empty((T, N, H), dtype), np.empty((T, N, H), dtype)
        a = np.empty((N, 4 * H) if G == 1 else (4, N, H), dtype)
        # full BPTT walks each step once: da_t goes straight into dxz[t]
        # (over the step's gates); truncated BPTT walks steps again, so
        # it writes da into one small array and keeps the gates
        da = np.empty((N, 4 * H), dtype)
        dh = np.empty((T, N, H), dtype)              # dh_{t-1} of step t
        # the steps' products in row blocks (``nnkit._blas``): p of a_t
        # (of each gate's with recurrent dropout), q of dh_{t-1}
        p = small_blocks(N, K, 4 * H // G)
        q = small_blocks(N, 4 * H, H)
        k = self.bptt_truncate
        a_blocks, steps = row_blocks(a, p), []
        for t in range(T):
            da_t = dxz[t] if k is None or k >= T else da
            steps.append(_Step(
                xh[t], row_blocks(xh[t, 0] if G == 1 else xh[t], p), a,
                a_blocks, gates[t], c[t], g_c[t], h[t + 1], da_t,
                row_blocks(da_t, q), dgates, dh[t], row_blocks(dh[t], q)))
        return SimpleNamespace(xh=xh, h=h, dxz=dxz, dhz=dxz, steps=steps)

    def _input_projection(self, xs, work):
        """Put x_t (times the dropout masks) into every step's xh_t and
        stack the weights, (K, 4H) (gate by gate, (4, 1, K, H), with
        recurrent dropout); returns the steps."""
        H, D = self.units, xs.shape[-1]
        work.gates_spent = False                     # see ``backward``
        masks = self.dropout_masks                   # (1 or 4, N, D)
        work.xh[:-1, :, :, H:H + D] = (xs[:, None] if masks is None
                                       else xs[:, None] * masks)
        stacked = [self.recurrent_kernel.data, self.kernel.data]
        if self.bias is not None:
            stacked.append(self.bias.data[None])
        stacked = np.concatenate(stacked)
        if self._sigmoid_tanh():
            # a_i, a_f, a_o halved (exact: a power of two) for
            # sigma(a) = (1 + tanh(a / 2)) / 2 in ``_gate_values``
            stacked.reshape(len(stacked), 4, -1)[:, [0, 1, 3]] *= 0.5
        self._stacked = (stacked if self.recurrent_dropout_masks is None
                         else by_gate(stacked, 4)[:, None])
        # U^T, contiguous, for dh_{t-1} = da U^T
        self._recurrent_kernel_t = np.ascontiguousarray(
            self.recurrent_kernel.data.T)
        return work.steps

    def cell_forward(self, step, states):
        """One step: ([h_t, c_t], cache) from [h_{t-1}, c_{t-1}].

        ``step`` holds the step's work arrays (``_new_work``), with x_t
        already in xh_t.
        """
        h_prev, c_prev = states
        self._put_h(step.xh, h_prev)           # xh_t = [h_{t-1}, x_t, 1]
        a = self._stacked_matmul(step)                       # (4, N, H)
        gates = self._gate_values(a, out=step.gates)
        # the backward needs a only for other activations than sigmoid
        # and tanh (whose derivatives come from their values)
        a = None if self._sigmoid_tanh() else a.copy()
        i, f, c_tilde, o = gates
        c = np.multiply(f, c_prev, out=step.c)
        c += i * c_tilde
        g_c = self._activation_into(c, step.g_c)
        h = np.multiply(o, g_c, out=step.h)
        return [h, c], (a, gates, c_prev, c, g_c, step)

    def cell_backward(self, dstates, cache):
        """One step back: (da, da, [dh_{t-1}, dc_{t-1}]), da (N, 4H)."""
        dh, dc = dstates
        a, gates, c_prev, c, g_c, step = cache
        i, f, c_tilde, o = gates
        dc = dc + self.activation.backward(c, g_c, dh * o)
        dgates = step.dgates
        di, df, dc_tilde, do = dgates          # views of one array
        np.multiply(dc, c_tilde, out=di)       # di = dc * c~
        np.multiply(dc, c_prev, out=df)        # df = dc * c_{t-1}
        np.multiply(dc, i, out=dc_tilde)       # dc~ = dc * i
        np.multiply(dh, g_c, out=do)           # do = dh * g(c_t)
        dc_prev = dc * f          # first: da may go over the gates
        da = self._gate_backward(a, gates, dgates, out=step.da)
        return da, da, [self._recurrent_grad(da, step), dc_prev]

    def backward(self, dout, need_dx=True):
        """``Recurrent.backward``, once per forward pass: full BPTT
        writes each step's da over the gates the forward pass kept."""
        xs, *_, work = self._cache
        if work.gates_spent:
            raise RuntimeError(
                f"{self.describe()}: backward already ran on this forward "
                "pass and wrote over the gates it kept; call forward "
                "again before another backward")
        k = self.bptt_truncate
        work.gates_spent = k is None or k >= len(xs)
        dx = super().backward(dout, need_dx)
        # dh_0 may be a step's work array, which the next batch reuses
        self.initial_state_grads = [g.copy()
                                    for g in self.initial_state_grads]
        return dx

    def _weight_grads(self, xs, hs, dxz, dhz, need_dx, work):
        """[dU; dW; db] += sum_t xh_t^T da_t in one matmul (per gate
        with recurrent dropout); dx as in ``Recurrent``."""
        H, D = self.units, xs.shape[-1]
        xh = work.xh[:-1]                                # (T, G, N, K)
        G, K = xh.shape[1], xh.shape[-1]
        if G == 1:
            grads = xh.reshape(-1, K).T @ dxz
        else:
            grads = np.empty((K, 4 * H), self.dtype)
            for j, cols in enumerate(self._blocks(4)):
                grads[:, cols] = xh[:, j].reshape(-1, K).T @ dxz[:, cols]
        self.recurrent_kernel.grad += grads[:H]
        self.kernel.grad += grads[H:H + D]
        if self.bias is not None:
            self.bias.grad += grads[H + D]
        return self._input_grad(dxz, xs.shape) if need_dx else None

    def _stacked_matmul(self, step):
        """a_t = xh_t [U; W; b] as a (4, N, H) view of ``step.a``: one
        matmul (N, K) x (K, 4H), or gate by gate with recurrent dropout."""
        # in row blocks, for OpenBLAS' faster kernels (nnkit._blas)
        np.matmul(step.xh_blocks, self._stacked, out=step.a_blocks)
        a = step.a
        return a if a.ndim == 3 else a.reshape(len(a), 4, -1).swapaxes(0, 1)

    def _transpose_recurrent_kernel(self) -> None:
        """U^T is kept by ``_input_projection``."""

    def _recurrent_grad(self, da: np.ndarray, step) -> np.ndarray:
        """dh_{t-1} = da U^T into ``step.dh`` (with recurrent dropout as
        in ``Recurrent``), da (N, 4H) -> (N, H)."""
        if self.recurrent_dropout_masks is not None:
            return self.recurrent_matmul_backward(da)
        # in row blocks, for OpenBLAS' faster kernels (nnkit._blas)
        np.matmul(step.da_blocks, self._recurrent_kernel_t,
                  out=step.dh_blocks)
        return step.dh

    def _put_h(self, xh: np.ndarray, h_prev: np.ndarray) -> None:
        """h_{t-1} into xh_t (times r_j with recurrent dropout). Without
        it xh_t already holds h_{t-1} (the layer's h_{t-1} is a view of
        it), so the copy is a no-op unless h_{t-1} came from elsewhere."""
        r = self.recurrent_dropout_masks
        if r is None:
            xh[0, :, :self.units] = h_prev
        else:
            np.multiply(h_prev, r, out=xh[:, :, :self.units])

    def _sigmoid_tanh(self) -> bool:
        """True for Keras' default gates (sigma sigmoid, g tanh)."""
        return (type(self.recurrent_activation) is activations.Sigmoid
                and type(self.activation) is activations.Tanh)

    def _activation_into(self, c: np.ndarray, out: np.ndarray):
        """out <- g(c_t)."""
        if type(self.activation) is activations.Tanh:
            return np.tanh(c, out=out)
        out[...] = self.activation.forward(c)
        return out

    def _gate_values(self, a: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out <- [sigma(a_i), sigma(a_f), g(a_c), sigma(a_o)], (4, N, H)."""
        if self._sigmoid_tanh():
            # one tanh call for the four gates: a_i, a_f, a_o come
            # halved (``_input_projection``), sigma(a) = (1 + tanh(a / 2))
            # / 2 (activations.sigmoid keeps the precision of the tails)
            np.tanh(a, out=out)
            for j in (slice(0, 2), 3):
                out[j] *= 0.5
                out[j] += 0.5
            return out
        sigma, g = self.recurrent_activation, self.activation
        for j, act in enumerate((sigma, sigma, g, sigma)):
            out[j] = act.forward(a[j])
        return out

    def _gate_backward(self, a: np.ndarray, gates: np.ndarray,
                       dgates: np.ndarray, out: np.ndarray) -> np.ndarray:
        """out <- da = [di sigma'(a_i) | df sigma'(a_f) | dc~ g'(a_c) |
        do sigma'(a_o)], (N, 4H), from dgates = [di, df, dc~, do]."""
        N, H = gates.shape[1:]
        da_by_gate = out.reshape(N, 4, H).transpose(1, 0, 2)   # a view
        if self._sigmoid_tanh():
            # from the gate values y: sigma' = y (1 - y), tanh' =
            # (1 + y) (1 - y)
            d = 1 - gates
            d[:2] *= gates[:2]
            d[2] *= 1 + gates[2]
            d[3] *= gates[3]
            np.multiply(d, dgates, out=da_by_gate)
        else:
            sigma, g = self.recurrent_activation, self.activation
            da = [act.backward(a[j], gates[j], dgates[j])
                  for j, act in enumerate((sigma, sigma, g, sigma))]
            da_by_gate[...] = da       # after: it may go over the gates
        return out

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(
                    self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}


class _Step(NamedTuple):
    """Step t's slices of an LSTM's work arrays (views, (N, H) each but
    where noted), reused from batch to batch."""

    xh: np.ndarray         # [h_{t-1}, x_t, 1], (G, N, K), G 1 or 4
    xh_blocks: np.ndarray  # xh in row blocks, (p, N / p, K) (G = 1) or
    #                        (4, p, N / p, K)
    a: np.ndarray          # a_t, (N, 4H) or (4, N, H) (one for every step)
    a_blocks: np.ndarray   # a in row blocks, like xh_blocks
    gates: np.ndarray      # [i, f, c~, o], (4, N, H)
    c: np.ndarray          # c_t
    g_c: np.ndarray        # g(c_t)
    h: np.ndarray          # h_t
    da: np.ndarray         # dL/da, (N, 4H): dxz[t] (one small array for
    #                        every step with truncated BPTT)
    da_blocks: np.ndarray  # da in row blocks, (q, N / q, 4H)
    dgates: np.ndarray     # [di, df, dc~, do] (one array for every step)
    dh: np.ndarray         # dL/dh_{t-1} through U (the state's own path
    #                        aside)
    dh_blocks: np.ndarray  # dh in row blocks, (q, N / q, H)
