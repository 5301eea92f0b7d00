"""Bidirectional: read the sequence both ways and merge the two.

A recurrent layer's h_t only knows x_1..x_t. Bidirectional runs two
copies with their own weights, one forwards and one backwards
(``go_backwards=True``, from x_T to x_1), so that at every step one
output has seen the past and the other the future::

    y_t  = forward layer's output at step t          (N, [T,] H)
    y'_t = backward layer's output for step t, put back in time order
    out  = merge(y, y')

merge_mode: "concat" [y | y'] (N, [T,] 2H), "sum" y + y', "ave"
(y + y') / 2, "mul" y * y', or None: the list [y, y'].

Backward: dL/dout goes to each direction (concat: its half; sum: all
of it; ave: half of it; mul: dout * y' to y and dout * y to y'), the
backward direction's gradient is put back in processing order, each
layer runs its own BPTT, and dx is the sum of the two.

A mask (N, T) goes to both layers unchanged (each reverses what it
reads as needed). With ``return_sequences`` both layers output zeros
at masked steps (Keras sets their ``zero_output_for_mask``), so a
padded step contributes nothing from either side.

Weights, in Keras' order: the forward layer's (kernel, recurrent
kernel, bias), then the backward layer's, named
"forward_<name>/kernel", ... "backward_<name>/bias". With
``return_state`` the output is ``[out, forward states...,
backward states...]`` (``[y, y', states...]`` when merge_mode is
None), and ``initial_state`` takes the forward layer's states then the
backward layer's.

Differences from Keras: the wrapped layers must be nnkit's SimpleRNN,
LSTM or GRU; a backward layer with other units than the forward one is
refused by "sum", "mul" and "ave" (they could not add the outputs),
and with "concat" the output width is the sum of the two (Keras'
``compute_output_shape`` reports twice the forward layer's).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .base import Layer
from .recurrent import Recurrent
from .sequence_checks import (
    SequenceCall,
    check_sequence_rank,
    check_sequences,
)

__all__ = ["Bidirectional"]

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(SequenceCall, Layer):
    """Bidirectional wrapper of a recurrent layer.

    Args:
        layer: a SimpleRNN, LSTM or GRU; it is copied (from its config)
            into the forward layer "forward_<name>", with fresh weights.
        merge_mode: "concat" (default), "sum", "mul", "ave" or None.
        backward_layer: optional recurrent layer for the backward
            direction, used as it is; it must have ``go_backwards``
            different from ``layer``'s and the same
            ``return_sequences`` and ``return_state``. By default a
            copy of ``layer`` with ``go_backwards=True``,
            "backward_<name>".
        **kwargs: ``name``, ``dtype``, ``input_shape``, ``seed``,
            ``trainable`` (see ``Layer``).

    Called as ``layer(x, training=False, initial_state=None,
    mask=None)``, see ``forward``.

    Input shape:
        (N, T, D)
    Output shape:
        (N, [T,] 2H) with "concat", (N, [T,] H) with the others, a list
        of two with None; T when the layer returns sequences.
    """

    input_ndim = 2
    supports_masking = True

    def __init__(self, layer: Recurrent, merge_mode: str | None = "concat",
                 backward_layer: Recurrent | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        owner = self.describe()
        check.instance(owner, "layer", layer, Recurrent,
                       "a recurrent layer (SimpleRNN, LSTM or GRU)")
        check.instance(owner, "backward_layer", backward_layer, Recurrent,
                       "a recurrent layer (SimpleRNN, LSTM or GRU) or None",
                       allow_none=True)
        self.merge_mode = check.one_of(owner, "merge_mode", merge_mode,
                                       MERGE_MODES)
        self.forward_layer = _copy(layer, "forward_", {})
        if backward_layer is None:
            backward_layer = _copy(layer, "backward_",
                                   {"go_backwards": True})
        self.backward_layer = backward_layer
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError(
                f"{owner}: the forward and backward layers must have "
                f"different go_backwards, got {fwd.go_backwards} for both"
                f" (give layer go_backwards=False)")
        for attr in ("return_sequences", "return_state"):
            if getattr(fwd, attr) != getattr(bwd, attr):
                raise ValueError(
                    f"{owner}: the forward and backward layers must have "
                    f"the same {attr}, got {getattr(fwd, attr)} and "
                    f"{getattr(bwd, attr)}")
        if merge_mode in ("sum", "mul", "ave") and fwd.units != bwd.units:
            raise ValueError(
                f"{owner}: merge_mode={merge_mode!r} adds or multiplies "
                f"the two outputs, so both layers need the same units, "
                f"got {fwd.units} and {bwd.units} (use 'concat' or None)")
        self.return_sequences = fwd.return_sequences
        self.return_state = fwd.return_state
        if self.input_shape is None:   # Bidirectional(LSTM(input_shape=))
            self.input_shape = layer.input_shape
        for sub in (fwd, bwd):      # a padded step outputs zeros (Keras)
            sub.zero_output_for_mask = self.return_sequences

    def layers(self) -> list[Recurrent]:
        """The forward and the backward layer."""
        return [self.forward_layer, self.backward_layer]

    def build(self, input_shape, rng=None):
        self._check_rank(input_shape)
        for sub in self.layers():
            self._share_dtype(sub)
            sub.ensure_built(tuple(input_shape), rng)
        self._adopt_parameters(self.layers())
        super().build(input_shape, rng)

    def _check_rank(self, shape):
        check_sequence_rank(self.describe(), shape)

    def check_input(self, x):
        d = self.input_shape[-1] if self.built else None
        return check_sequences(self.describe(), x, d, self.dtype)

    def compute_output_shape(self, input_shape):
        shapes = [sub.compute_output_shape(input_shape)
                  for sub in self.layers()]
        states: list = []
        if self.return_state:
            states = shapes[0][1:] + shapes[1][1:]
            shapes = [s[0] for s in shapes]
        out = shapes[0]
        if self.merge_mode == "concat":
            out = out[:-1] + (out[-1] + shapes[1][-1],)
        outs = shapes if self.merge_mode is None else [out]
        if self.return_state:
            return outs + states
        return outs if self.merge_mode is None else out

    def compute_mask(self, inputs, mask=None):
        """The input mask for sequences (None otherwise), per output."""
        out = mask if self.return_sequences else None
        outs = [out, out] if self.merge_mode is None else [out]
        if self.return_state:
            n = len(self.forward_layer.state_names)
            return outs + [None] * (2 * n)
        return outs if self.merge_mode is None else out


    # ----- forward: both directions, then the merge -----------------------
    def forward(self, x, training=False, mask=None, initial_state=None):
        """Both directions on x, then the merge.

        Args:
            x: (N, T, D) sequences.
            training: dropout in the wrapped layers.
            mask: None or a boolean (N, T) array, True at real steps.
            initial_state: None, or the forward layer's states then the
                backward layer's (a list of (N, H) arrays).
        """
        x = self.check_input(x)
        fwd, bwd = self.layers()
        init_f = init_b = None
        if initial_state is not None:
            half = len(fwd.state_names)
            if (not isinstance(initial_state, (list, tuple))
                    or len(initial_state) != 2 * half):
                raise ValueError(
                    f"{self.describe()}: initial_state must be a list of "
                    f"{2 * half} arrays (the forward layer's "
                    f"{', '.join(fwd.state_names)}, then the backward "
                    f"layer's)")
            init_f, init_b = initial_state[:half], initial_state[half:]
        y = fwd.forward(x, training, mask=mask, initial_state=init_f)
        y_rev = bwd.forward(x, training, mask=mask, initial_state=init_b)
        states = []
        if self.return_state:
            states = y[1:] + y_rev[1:]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:             # back to time order
            y_rev = y_rev[:, ::-1]
        self._ys = (y, y_rev)
        if self.merge_mode == "concat":
            out = np.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            out = y + y_rev
        elif self.merge_mode == "ave":
            out = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            out = y * y_rev
        else:
            out = [y, y_rev]
        outs = out if self.merge_mode is None else [out]
        self.out = outs[0]
        if self.return_state:
            return outs + states
        return out

    # ----- backward: split the merge, BPTT in each direction ------------
    def backward(self, dout):
        """dx; dL/d(initial states) in ``self.initial_state_grads``."""
        fwd, bwd = self.layers()
        n_out = 2 if self.merge_mode is None else 1
        d_states_f = d_states_b = []
        if self.return_state:
            n = len(fwd.state_names)
            if (not isinstance(dout, (list, tuple))
                    or len(dout) != n_out + 2 * n):
                raise ValueError(
                    f"{self.describe()}: backward needs a list of "
                    f"{n_out + 2 * n} gradients, one per output (None "
                    f"for zero)")
            dout, d_states = dout[:n_out], list(dout[n_out:])
            d_states_f, d_states_b = d_states[:n], d_states[n:]
            dout = dout if self.merge_mode is None else dout[0]
        dy, dy_rev = self._unmerge(dout)
        if self.return_sequences and dy_rev is not None:
            dy_rev = dy_rev[:, ::-1]         # back to processing order
        dy = self._with_activity_grad(fwd, dy)
        dy_rev = self._with_activity_grad(bwd, dy_rev)
        if self.return_state:
            dy, dy_rev = [dy, *d_states_f], [dy_rev, *d_states_b]
        dx = fwd.backward(dy) + bwd.backward(dy_rev)
        self.initial_state_grads = (fwd.initial_state_grads
                                    + bwd.initial_state_grads)
        return dx

    def _unmerge(self, dout):
        """(dL/dy, dL/dy'), either None if nothing reaches it."""
        if self.merge_mode is None:
            return dout[0], dout[1]
        if dout is None:
            return None, None
        y, y_rev = self._ys
        if self.merge_mode == "concat":
            h = y.shape[-1]
            return dout[..., :h], dout[..., h:]
        if self.merge_mode == "sum":
            return dout, dout
        if self.merge_mode == "ave":
            return dout / 2, dout / 2
        return dout * y_rev, dout * y                     # "mul"

    @staticmethod
    def _with_activity_grad(sub: Recurrent, d: Any) -> Any:
        """d plus the gradient of the layer's activity penalty, which
        Keras divides by the batch size."""
        reg = sub.activity_regularizer
        if reg is None:
            return d
        g = reg.gradient(sub.out) / len(sub.out)
        return g if d is None else d + g

    def regularization_loss(self) -> float:
        """Weight penalties plus the two layers' activity penalties."""
        total = super().regularization_loss()
        for sub in self.layers():
            reg = sub.activity_regularizer
            if reg is not None and getattr(sub, "out", None) is not None:
                total += float(reg(sub.out)) / len(sub.out)
        return total

    # ----- state, config ----------------------------------------------------
    def get_state(self) -> dict[str, Any]:
        states = {"forward": self.forward_layer.get_state(),
                  "backward": self.backward_layer.get_state()}
        return {k: v for k, v in states.items() if v}

    def set_state(self, state: dict[str, Any]) -> None:
        for key, sub in (("forward", self.forward_layer),
                         ("backward", self.backward_layer)):
            if key in state:
                sub.set_state(state[key])

    def get_config(self):
        def spec(lay: Layer) -> dict[str, Any]:
            config = lay.get_config()
            config.pop("input_shape", None)     # the wrapper's
            return {"class_name": type(lay).__name__, "config": config}

        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": spec(self.forward_layer),
                "backward_layer": spec(self.backward_layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Bidirectional:
        from . import get  # the registry imports this module

        def make(spec: dict[str, Any]) -> Layer:
            return get(spec["class_name"]).from_config(dict(spec["config"]))

        config = dict(config)
        config["layer"] = make(config["layer"])
        if config.get("backward_layer") is not None:
            config["backward_layer"] = make(config["backward_layer"])
        return cls(**config)


def _copy(layer: Recurrent, prefix: str, changes: dict) -> Recurrent:
    """A new layer from ``layer``'s config, named prefix + its name (a
    prefix already there is not repeated), with fresh weights."""
    config = {**layer.get_config(), **changes}
    name = layer.name.removeprefix(prefix)
    config["name"] = f"{prefix}{name}"
    if not layer._explicit_dtype:
        config.pop("dtype")           # it will follow the wrapper's
    config.pop("input_shape", None)
    return type(layer).from_config(config)
