"""What the pooling layers share: Keras' pooling arguments.

MaxPooling and AveragePooling, over images (2-D) or sequences (1-D),
take the same Keras arguments (``pool_size``, ``strides``, ``padding``,
``data_format``), check them the same way and save them under the same
config keys, as Keras' own ``BasePooling`` does. ``BasePooling`` holds
that part once; ``pooling`` and ``pooling1d`` add the geometry and the
pooling itself. ``rank`` is the number of spatial axes, as in
``BaseConv``: window arguments are pairs (ph, pw) for images and ints
for sequences.
"""

from __future__ import annotations

from typing import Any

from .base import Layer
from .base_conv import (
    check_data_format,
    check_padding,
    window_arg,
    window_config,
)

__all__ = ["BasePooling"]


class BasePooling(Layer):
    """Keras' pooling arguments, checked and saved once.

    Args:
        pool_size: the window, int or (ph, pw), Keras default 2 (a
            2x2 window for images).
        strides: the step between windows, int, pair or None (None:
            equal to ``pool_size``).
        padding: ``"valid"`` or ``"same"``.
        data_format: ``"channels_last"`` (or None); nnkit has no other.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).
    """

    rank = 2                         # spatial axes; the 1-D layers set 1

    def __init__(self, pool_size: Any = 2, strides: Any = None,
                 padding: str = "valid", data_format: str | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        owner = self.describe()
        self.pool_size = window_arg(owner, "pool_size", pool_size,
                                    self.rank)
        self.strides = (self.pool_size if strides is None else
                        window_arg(owner, "strides", strides, self.rank))
        self.padding = check_padding(padding, owner)
        self.data_format = check_data_format(data_format, owner)

    def get_config(self):
        return {**super().get_config(),
                "pool_size": window_config(self.pool_size),
                "strides": window_config(self.strides),
                "padding": self.padding, "data_format": self.data_format}
