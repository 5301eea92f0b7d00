"""What BatchNormalization and LayerNormalization share: gamma and beta.

Both normalise x to x_hat and then learn a scale and a shift per
feature, out = gamma * x_hat + beta. They take the same Keras arguments
for it (``epsilon``, ``center``, ``scale``, the beta and gamma
initializers and regularizers), create the same weights in the same
order (gamma, then beta) and save the same config entries.
``ScaleShiftMixin`` holds that part once, as ``KernelMixin`` does for
Dense and the convolutions; each layer adds how it normalises (over
the batch, or over each example).
"""

from __future__ import annotations

from typing import Any

from .. import _validate as check
from .. import initializers
from .. import regularizers as _reg

__all__ = ["ScaleShiftMixin"]


class ScaleShiftMixin:
    """Arguments, weights and config of out = gamma * x_hat + beta.

    Args:
        epsilon: added to the variance, > 0 (Keras default 1e-3).
        center: learn an offset beta.
        scale: learn a scale gamma.
        beta_initializer: Keras default ``"zeros"``.
        gamma_initializer: Keras default ``"ones"``.
        beta_regularizer, gamma_regularizer: optional penalties.
        **kwargs: ``name``, ``dtype``, ``input_shape`` (see ``Layer``).
    """

    def _init_scale_shift(self, epsilon: float, center: bool, scale: bool,
                          beta_initializer: Any, gamma_initializer: Any,
                          beta_regularizer: Any,
                          gamma_regularizer: Any) -> None:
        """Check the Keras arguments and resolve the initializers and
        regularizers (names, dicts or objects)."""
        where = self.describe()
        self.epsilon = check.positive(where, "epsilon", epsilon)
        self.center = check.boolean(where, "center", center)
        self.scale = check.boolean(where, "scale", scale)
        self._weight_arguments(beta_initializer=beta_initializer,
                               gamma_initializer=gamma_initializer,
                               beta_regularizer=beta_regularizer,
                               gamma_regularizer=gamma_regularizer)

    def _build_scale_shift(self, shape: tuple[int, ...], rng: Any) -> None:
        """``gamma`` (if ``scale``), then ``beta`` (if ``center``), each
        of ``shape``: Keras' order, so weights copy across as a list."""
        self.gamma = self.beta = None
        if self.scale:
            self.gamma = self.add_weight(
                "gamma", self.gamma_initializer(shape, rng, self.dtype),
                regularizer=self.gamma_regularizer)
        if self.center:
            self.beta = self.add_weight(
                "beta", self.beta_initializer(shape, rng, self.dtype),
                regularizer=self.beta_regularizer)

    def _scale_shift_config(self) -> dict[str, Any]:
        ser = initializers.serialize
        return {
            "epsilon": self.epsilon, "center": self.center,
            "scale": self.scale,
            "beta_initializer": ser(self.beta_initializer),
            "gamma_initializer": ser(self.gamma_initializer),
            "beta_regularizer": _reg.serialize(self.beta_regularizer),
            "gamma_regularizer": _reg.serialize(self.gamma_regularizer),
        }
