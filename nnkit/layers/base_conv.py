"""What Conv1D, Conv2D and Conv2DTranspose share: Keras' arguments.

The three convolutions take the same Keras arguments (``filters``,
``kernel_size``, ``strides``, ``padding``, ``data_format``,
``dilation_rate``, then Dense's kernel arguments), check them the same
way and save them under the same config keys, as Keras' own
``BaseConv`` does. ``BaseConv`` holds that part once; each layer adds
only what differs: its geometry, its product (``conv``, ``conv1d``,
``conv_transpose``) and, for Conv2DTranspose, ``output_padding``.

``rank`` is the number of spatial axes: 2 for images, whose window
arguments are pairs ``(kh, kw)``; 1 for sequences, whose window
arguments are single ints (a 1-tuple is accepted, as in Keras).

The checks the pooling and upsampling layers share with the
convolutions (``check_padding``, ``to_single``, ``check_data_format``,
and ``check_channels_last`` for their inputs) live here too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .base import Layer
from .kernel import AffineMixin

__all__ = ["BaseConv", "check_padding", "to_single", "window_arg",
           "window_config", "window_too_large", "check_data_format",
           "check_channels_last"]


def check_padding(padding: Any, owner: str,
                  choices: tuple[str, ...] = ("valid", "same")) -> str:
    """One of ``choices`` (any case, as Keras), else an error naming
    owner."""
    if isinstance(padding, str):
        padding = padding.lower()
    return check.one_of(owner, "padding", padding, choices)


def to_single(value: Any, arg: str, owner: str) -> int:
    """A positive int given as an int or a 1-tuple (Keras accepts both)."""
    v = value[0] if isinstance(value, (tuple, list)) and len(value) == 1 \
        else value
    if isinstance(v, (tuple, list)):
        raise check.ArgumentTypeError(
            f"{owner}: {arg} must be a positive integer (or a 1-tuple), "
            f"got {check.show(value)}")
    return check.positive_int(owner, arg, v)


def window_arg(owner: str, name: str, value: Any, rank: int) -> Any:
    """A window argument (kernel_size, strides, pool_size...): a pair
    (kh, kw) for images (rank 2), an int for sequences (rank 1)."""
    if rank == 1:
        return to_single(value, name, owner)
    return check.int_pair(owner, name, value)


def window_config(value: Any) -> Any:
    """A window argument as Keras' config holds it: a pair as a list."""
    return list(value) if isinstance(value, tuple) else value


def window_too_large(layer: Layer, window: str, inputs: str,
                     input_shape: Any, remedy: str) -> ValueError:
    """The error of a layer whose ``window`` does not fit its ``inputs``
    with padding='valid' (the convolutions and the poolings)."""
    return ValueError(f"{layer.describe()}: with padding='valid' {window} "
                      f"does not fit {inputs} (input shape "
                      f"{tuple(input_shape)}); use {remedy}")


def check_data_format(value: Any, owner: str) -> str:
    """nnkit is channels last: None or ``"channels_last"`` only."""
    if value not in (None, "channels_last"):
        raise ValueError(f"{owner}: data_format must be 'channels_last' "
                         f"(nnkit has no channels_first), got {value!r}")
    return "channels_last"


def check_channels_last(layer: Layer, x: Any, axes: tuple[str, ...],
                        what: str) -> np.ndarray:
    """A batch ``(N, *axes, C)`` of ``what`` ("images": axes height, width;
    "sequences": steps) with the channels C the layer was built for, any
    size along ``axes`` as in Keras. Returns x in the layer's dtype."""
    x = np.asarray(x)
    if x.dtype.kind not in "fiub":
        raise TypeError(f"{layer.describe()} expects a numeric array, "
                        f"got dtype {x.dtype}")
    c = layer.input_shape[-1] if layer.built else None
    if x.ndim != len(axes) + 2 or (c is not None and x.shape[-1] != c):
        want = f"(batch, {', '.join(axes)}, {c or 'channels'})"
        raise ValueError(f"{layer.describe()} expects {what} of shape "
                         f"{want}, got an input of shape {x.shape}")
    return x.astype(layer.dtype, copy=False)


class BaseConv(AffineMixin, Layer):
    """Keras' convolution arguments, checked and saved once.

    Args:
        filters: number of filters F (> 0), the output's channels.
        kernel_size: the window, int or (kh, kw).
        strides: the step between windows, int or (sh, sw), default 1.
        padding: ``"valid"`` (no padding) or ``"same"`` (TensorFlow's
            placement: the extra row or step, if any, goes after).
        data_format: ``"channels_last"`` (or None); nnkit has no other.
        dilation_rate: the spacing of a window's taps, int or (dh, dw),
            default 1.
    """

    rank = 2                         # spatial axes; Conv1D sets 1
    paddings = ("valid", "same")     # Conv1D adds "causal"

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1,
                 padding: str = "valid", data_format: str | None = None,
                 dilation_rate: Any = 1, activation: Any = None,
                 use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform",
                 bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None,
                 bias_regularizer: Any = None,
                 activity_regularizer: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        owner = self.describe()
        self.filters = check.positive_int(owner, "filters", filters)
        self.kernel_size = window_arg(owner, "kernel_size", kernel_size,
                                      self.rank)
        self.strides = window_arg(owner, "strides", strides, self.rank)
        self.padding = check_padding(padding, owner, self.paddings)
        self.data_format = check_data_format(data_format, owner)
        self.dilation_rate = window_arg(owner, "dilation_rate",
                                        dilation_rate, self.rank)
        self._init_kernel(activation, use_bias, kernel_initializer,
                          bias_initializer, kernel_regularizer,
                          bias_regularizer, activity_regularizer)

    def get_config(self):
        return {
            **super().get_config(), "filters": self.filters,
            "kernel_size": window_config(self.kernel_size),
            "strides": window_config(self.strides), "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": window_config(self.dilation_rate),
            **self._kernel_config(),
        }
