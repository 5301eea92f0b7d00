"""Instruments for looking inside a network: activations and gradients.

Three one-shot functions and one callback:

* ``activation_stats(model, x)``: per layer, mean, std, fraction of
  zero outputs and fraction of dead units, in inference mode;
* ``dead_units(model, x)``: per ReLU layer, how many units output 0
  for *every* example of x (they receive no gradient, so they stay dead);
* ``gradient_norms(model, x, y)``: the L2 norm of dL/dparameter for one
  batch, per parameter path (``"dense_1/kernel"``), which shows
  vanishing or exploding gradients layer by layer;
* ``TrainingMonitor``: records the same quantities during ``fit``,
  every N batches or once per epoch.

A "unit" is one index of the last axis (a Dense unit, a conv channel);
an output is reduced over every other axis (examples, positions).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _validate as check
from .callbacks import Callback

__all__ = ["layer_outputs", "activation_stats", "dead_units",
           "gradient_norms", "TrainingMonitor"]


def layer_outputs(model: Any, x: Any, training: bool = False
                  ) -> dict[str, np.ndarray]:
    """Every layer's output for x, keyed by layer name.

    Args:
        model: a ``Sequential`` or a functional model (a layer called
            twice reports its last call).
        x: a batch, (N, ...).
        training: run layers in training mode (dropout masks, batch
            statistics); the default inference mode has no side effects.
    """
    check.model("layer_outputs", "model", model)
    check.boolean("layer_outputs", "training", training)
    xs = model._as_inputs(x, "layer_outputs")
    model._run_forward(xs, training)
    return {layer.name: out for layer, out in model._layer_calls()}


def _units(out: np.ndarray) -> np.ndarray:
    """(positions, units): the last axis is the unit axis."""
    return out.reshape(-1, out.shape[-1]) if out.ndim > 1 \
        else out.reshape(-1, 1)


def _stats(out: np.ndarray) -> dict[str, float]:
    out = np.asarray(out)
    return {"mean": float(out.mean()), "std": float(out.std()),
            "zero_fraction": float(np.mean(out == 0)),
            "dead_fraction": float(np.mean(np.all(_units(out) == 0,
                                                  axis=0)))}


def activation_stats(model: Any, x: Any) -> dict[str, dict[str, float]]:
    """Per layer: mean, std, zero_fraction, dead_fraction of its output.

    ``zero_fraction`` counts output values equal to 0; ``dead_fraction``
    the units that are 0 for every example (meaningful after ReLU).
    Computed in inference mode.
    """
    return {name: _stats(out)
            for name, out in layer_outputs(model, x).items()}


def _is_relu(layer: Any) -> bool:
    act = getattr(layer, "activation", None)
    return (getattr(act, "name", None) == "relu"
            or type(layer).__name__ == "ReLU")


def dead_units(model: Any, x: Any) -> dict[str, int]:
    """Per ReLU layer, the number of units that output 0 for all of x.

    Layers counted: ``Dense(..., activation="relu")``,
    ``Activation("relu")`` and ``ReLU``. Inference mode.

    Returns:
        {layer name: number of dead units}.
    """
    outs = layer_outputs(model, x)
    return {layer.name: int(np.all(_units(outs[layer.name]) == 0,
                                   axis=0).sum())
            for layer in model.layers if _is_relu(layer)}


def gradient_norms(model: Any, x: Any, y: Any,
                   training: bool = True) -> dict[str, float]:
    """||dL/dp||_2 for every trainable parameter, on one batch.

    The model must be compiled (for its loss). The gradients are left in
    each ``Parameter.grad``; nothing else changes: batch-norm moving
    statistics and dropout generators are put back as they were.

    Args:
        training: compute in training mode (as ``fit`` does).

    Returns:
        {parameter path: norm}, in layer order.
    """
    check.model("gradient_norms", "model", model)
    check.boolean("gradient_norms", "training", training)
    model._check_compiled("gradient_norms")
    x, y = model._check_xy(x, y, "gradient_norms")
    frozen = [(p, p.data.copy()) for p in model.parameters()
              if not p.trainable]
    states = [layer.get_state() for layer in model.layers]
    model.forward_backward(x, y, training=training)
    for p, data in frozen:
        p.data[...] = data
    for layer, state in zip(model.layers, states):
        layer.set_state(state)
    return {p.path: float(np.sqrt(np.sum(p.grad * p.grad)))
            for p in model.trainable_parameters}


class TrainingMonitor(Callback):
    """Record gradient norms and activation statistics during ``fit``.

    Between recordings the callback only counts batches, so it costs
    nothing measurable; a recording costs one pass over the gradients
    (and, with ``x_probe``, one inference pass over the probe batch).

    Args:
        every: record after every ``every``-th training batch (counted
            across epochs); None records once per epoch, after its last
            batch.
        gradients: record ||dL/dp|| per parameter path (the gradients
            of the batch just trained on, before clipping).
        activations: record per-layer output statistics (see
            ``activation_stats``).
        x_probe: a fixed batch on which activations are measured in
            inference mode; without it, each layer's output cached from
            the training batch is used (layers that keep ``out``).
        sample_size: also keep up to this many output values per layer
            per recording (for histograms).
        seed: seeds the generator that picks the samples.

    Attributes:
        steps, epochs: the global batch count (from 1) and the epoch
            (from 0) of each recording.
        grad_norms: {parameter path: [norm per recording]}.
        activation_stats: {layer: {"mean"|"std"|"zero_fraction"|
            "dead_fraction": [value per recording]}}.
        activation_samples: {layer: [array per recording]}.
    """

    def __init__(self, every: int | None = None, gradients: bool = True,
                 activations: bool = True, x_probe: Any = None,
                 sample_size: int = 0, seed: int | None = 0):
        super().__init__()
        owner = "TrainingMonitor"
        self.every = check.positive_int(owner, "every", every,
                                        allow_none=True)
        self.record_gradients = check.boolean(owner, "gradients",
                                              gradients)
        self.record_activations = check.boolean(owner, "activations",
                                                activations)
        self.x_probe = (None if x_probe is None else check.array(
            owner, "x_probe", x_probe, finite=True, nonempty=True,
            ndim=tuple(range(1, 8))))
        self.sample_size = check.non_negative_int(owner, "sample_size",
                                                  sample_size)
        self.rng = np.random.default_rng(
            check.generator_seed(owner, "seed", seed))
        self._reset()

    def _reset(self) -> None:
        self._step, self._epoch = 0, 0
        self.steps: list[int] = []
        self.epochs: list[int] = []
        self.grad_norms: dict[str, list[float]] = {}
        self.activation_stats: dict[str, dict[str, list[float]]] = {}
        self.activation_samples: dict[str, list[np.ndarray]] = {}

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        self._step += 1
        if self.every is not None:
            due = self._step % self.every == 0
        else:
            due = batch + 1 == self.params.get("steps")
        if due:
            self.record()

    def record(self) -> None:
        """Take one recording now (``fit`` calls this at the interval)."""
        model = self.model
        self.steps.append(self._step)
        self.epochs.append(self._epoch)
        if self.record_gradients:
            for p in model.trainable_parameters:
                norm = float(np.sqrt(np.sum(p.grad * p.grad)))
                self.grad_norms.setdefault(p.path, []).append(norm)
        if not self.record_activations:
            return
        if self.x_probe is not None:
            outs = layer_outputs(model, self.x_probe)
        else:
            outs = {layer.name: layer.out for layer in model.layers
                    if getattr(layer, "out", None) is not None}
        for name, out in outs.items():
            table = self.activation_stats.setdefault(name, {})
            for key, value in _stats(out).items():
                table.setdefault(key, []).append(value)
            if self.sample_size:
                flat = np.asarray(out).ravel()
                pick = self.rng.choice(flat.size, replace=False,
                                       size=min(self.sample_size,
                                                flat.size))
                self.activation_samples.setdefault(name, []).append(
                    flat[pick].copy())
