"""TrainingDivergedError, and the diagnosis ``fit`` puts in its message."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ._model import Model

__all__ = ["TrainingDivergedError", "diverged", "check_weights",
           "check_validation"]


class TrainingDivergedError(FloatingPointError):
    """Raised by ``fit`` when training stops producing finite numbers.

    Three checks, so a blow-up never passes silently: the loss of each
    batch (before its update), every weight after the last update of
    each epoch (a blow-up on the very last update would otherwise leave
    a model that predicts NaN behind a finite history), and the
    validation loss of each epoch.

    Attributes ``epoch``, ``batch`` (both 1-based; ``batch`` is None
    for the validation loss) and ``layer`` (the name of the first layer
    with non-finite output or weights, or None) say where.
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


def _first_bad_weights(model: Model):
    """(layer, parameter) of the first non-finite weight, or None."""
    for layer in model.layers:
        for p in layer.parameters():
            if not np.all(np.isfinite(p.data)):
                return layer, p
    return None


def check_weights(model: Model, loss: float, epoch: int, batch: int,
                  epochs: int, steps: int) -> None:
    """Raise if an update (the last one checked) made a weight non-finite.

    Called after the last update of each epoch: a non-finite weight
    before that makes the next batch's loss non-finite, which the
    per-batch check reports.
    """
    bad = _first_bad_weights(model)
    if bad is None:
        return
    layer, p = bad
    where = f"epoch {epoch + 1}/{epochs}, batch {batch + 1}/{steps}"
    msg = (f"fit stopped at {where}: the update after this batch made "
           f"the weight '{p.name}' of {layer.describe()} non-finite (the "
           f"batch's loss was {loss:.6g}, finite, so the step itself "
           f"overflowed). Try a smaller learning rate, scaled inputs or "
           f"gradient clipping.")
    raise TrainingDivergedError(msg, epoch + 1, batch + 1, layer.name)


def check_validation(model: Model, val_loss: float, epoch: int,
                     epochs: int, xs_val: list) -> None:
    """Raise if the validation loss of an epoch is not finite."""
    if np.isfinite(val_loss):
        return
    with np.errstate(over="ignore", invalid="ignore"):
        model._run_forward(xs_val, training=False)
    culprit = next((layer for layer, out in model._layer_calls()
                    if out is not None and not np.all(np.isfinite(out))),
                   None)
    detail = (f"the first non-finite values appear in the output of "
              f"{culprit.describe()}" if culprit is not None else
              f"every layer's output is finite, but the loss overflowed "
              f"{model.layers[-1].dtype.name}")
    msg = (f"fit stopped at epoch {epoch + 1}/{epochs} (validation): "
           f"the validation loss became {val_loss} while the training "
           f"loss stayed finite; {detail}. The model gives non-finite "
           f"outputs on the validation data: check that data (its scale, "
           f"values the training data never had) or try a smaller "
           f"learning rate.")
    raise TrainingDivergedError(msg, epoch + 1, None,
                                None if culprit is None else culprit.name)
