"""TrainingDivergedError, and the diagnosis ``fit`` puts in its message."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ._model import Model

__all__ = ["TrainingDivergedError", "diverged"]


class TrainingDivergedError(FloatingPointError):
    """Raised by ``fit`` when the loss stops being a finite number.

    Attributes ``epoch``, ``batch`` (both 1-based) and ``layer`` (the
    name of the first layer with non-finite output, or None) say where.
    """

    def __init__(self, message: str, epoch: int, batch: int,
                 layer: str | None):
        super().__init__(message)
        self.epoch, self.batch, self.layer = epoch, batch, layer


def diverged(model: Model, loss: float, epoch: int, batch: int,
             epochs: int, steps: int) -> TrainingDivergedError:
    """The error to raise: where the loss stopped being finite, and why."""
    where = f"epoch {epoch + 1}/{epochs}, batch {batch + 1}/{steps}"
    culprit, i = None, 0
    calls = model._layer_calls()     # (layer, its output), in order
    for i, (layer, out) in enumerate(calls):  # noqa: B007 (i used below)
        if out is not None and not np.all(np.isfinite(out)):
            culprit = layer
            break
    if culprit is None:
        # Outputs still finite: the loss overflowed on huge outputs.
        last, out = calls[-1]
        peak = float(np.max(np.abs(out)))
        detail = (f"every layer's output is finite, but the output of "
                  f"{last.describe()} reaches {peak:.3g} and the loss "
                  f"overflowed {last.dtype.name}")
        name = last.name
    else:
        big = max((float(np.max(np.abs(p.data)))
                   for p in culprit.parameters()), default=0.0)
        detail = (f"the first non-finite values appear in the output "
                  f"of {culprit.describe()} (layer {i + 1} of "
                  f"{len(calls)}; its largest |weight| is "
                  f"{big:.3g})")
        name = culprit.name
    msg = (f"fit stopped at {where}: the loss became {loss}; {detail}. "
           f"Try a smaller learning rate, scaled inputs or gradient "
           f"clipping.")
    return TrainingDivergedError(msg, epoch + 1, batch + 1, name)
