"""One layer's step of backpropagation, shared by every model.

Chapter 3's diagram, for one layer with output ``out = f(z)``::

    dL/d(out)  --layer.backward-->  dL/d(input)   (and dL/dW into W.grad)

Two named shortcuts change where that step starts or what it returns,
both chosen by the model and both explicit here:

* **Loss fusion.** When the loss fuses with the output layer's
  activation (``loss.fuses_with(layer.logits_activation)``: a softmax
  output with categorical cross-entropy, a sigmoid with binary
  cross-entropy), the model computes the loss from the logits z and
  gets dL/dz directly (p - y, divided by the batch size). The step then
  starts *below* the activation: ``layer.backward_from_logits(dz)``.
* **No dx for the data.** A layer fed directly by the data does not
  need dL/d(input): nobody uses the gradient of the data. A layer that
  ``can_skip_dx`` is called with ``need_dx=False`` and skips that
  product (for a wide first layer, a sizeable share of the step).

The activity regularizer adds its own gradient to dL/d(out) first
(Keras divides an activity penalty by the batch size).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..layers.base import Layer

__all__ = ["backward_step", "activity_penalty"]


def activity_penalty(layer: Layer, out: np.ndarray) -> float:
    """The activity penalty of one call of ``layer`` (0 without one)."""
    reg = getattr(layer, "activity_regularizer", None)
    if reg is None:
        return 0.0
    return float(reg(out)) / len(out)


def backward_step(layer: Layer, dout: Any, dlogits: Any = None,
                  need_dx: bool = True) -> Any:
    """Backpropagate through one call of ``layer``.

    Args:
        layer: the layer, holding the cache of the call (its forward
            was the last one run, or its cache was put back).
        dout: dL/d(output) from the layers that use the output (a list
            for a layer with several outputs; None if nothing reached).
        dlogits: dL/dz from a loss fused with the layer's activation,
            or None.
        need_dx: False if the layer's input is the data.

    Returns:
        dL/d(input) (a list for a ``multi_input`` layer), or None when
        ``need_dx`` is False and the layer skipped it.
    """
    reg = getattr(layer, "activity_regularizer", None)
    if reg is not None:
        dout = _add_activity_gradient(reg, layer.out, dout)
    skip = {} if need_dx or not layer.can_skip_dx else {"need_dx": False}
    if dlogits is None:
        return layer.backward(dout, **skip)
    if dout is not None:
        # The output also feeds other layers (or has an activity
        # penalty): bring their gradient below the activation too.
        dlogits = dlogits + layer.logits_activation.backward(
            layer.z, layer.out, dout)
    return layer.backward_from_logits(dlogits, **skip)


def _add_activity_gradient(reg: Any, out: Any, dout: Any) -> Any:
    """dout plus d(penalty)/d(out); with several outputs the penalty is
    on the first one (as ``Model._layer_calls`` reports it)."""
    if isinstance(dout, list):
        first = out[0] if isinstance(out, list) else out
        return [_add_activity_gradient(reg, first, dout[0])] + dout[1:]
    d_reg = reg.gradient(out) / len(out)
    return d_reg if dout is None else dout + d_reg
