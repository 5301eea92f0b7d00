"""The learning-rate range test ("LR finder", Smith 2017).

Train for a few hundred mini-batches while the learning rate grows
exponentially, from far too small to far too large, and watch the
loss: flat at first (the rate is too small to matter), then falling,
then exploding. A good learning rate sits well inside the falling part:
the usual advice (Smith; Howard & Gugger's fast.ai; Géron ch. 11) is
about one decade below the rate at which the smoothed loss is lowest.

The loss of single mini-batches is noisy, so it is smoothed with an
exponential moving average, bias-corrected as in Adam::

    avg_i      = smooth * avg_{i-1} + (1 - smooth) * loss_i
    smoothed_i = avg_i / (1 - smooth**(i+1))

The test stops early once ``smoothed > divergence * min(smoothed)``
or the loss stops being finite. The model's weights, its optimizer
(state included) and every random generator it holds (the model's and
its layers', such as Dropout's) are restored afterwards, so the test
leaves no trace: a later ``fit`` gives the same numbers as without it.
"""

from __future__ import annotations

import copy
import math
from typing import Any, NamedTuple

import numpy as np

from . import _validate as check
from .models import Sequential, TrainingDivergedError

__all__ = ["lr_range_test", "LRRangeTest"]


class LRRangeTest(NamedTuple):
    """What ``lr_range_test`` returns (unpacks as a 3-tuple).

    Its fields (documented here once; autodoc lists them too):

    - ``lrs``: the learning rate of each step taken, shape (steps_run,).
    - ``losses``: the smoothed loss at each of those steps, same shape.
    - ``suggested_lr``: ``lrs[argmin(losses)] / 10``.
    """

    lrs: np.ndarray
    losses: np.ndarray
    suggested_lr: float


def _check(start, end, steps, batch_size, smooth, divergence,
           seed) -> None:
    where = "lr_range_test"
    start = check.positive(where, "start", start)
    end = check.positive(where, "end", end)
    if not start < end:
        raise ValueError(f"{where}: need 0 < start < end, got start="
                         f"{start}, end={end}")
    check.integer(where, "steps", steps, 2)
    check.positive_int(where, "batch_size", batch_size)
    check.rate(where, "smooth", smooth)
    check.number(where, "divergence", divergence, 1.0, low_open=True)
    check.seed(where, "seed", seed)


def lr_range_test(model: Sequential, x: Any, y: Any, start: float = 1e-8,
                  end: float = 10.0, steps: int = 100,
                  batch_size: int = 32, smooth: float = 0.98,
                  divergence: float = 4.0, seed: int = 0) -> LRRangeTest:
    """Sweep the learning rate exponentially and record the loss.

    Step i (0-based) trains one mini-batch with learning rate
    ``start * (end / start) ** (i / (steps - 1))``, using a fresh copy
    of the model's optimizer (same class and hyperparameters, no state).
    Mini-batches are drawn without replacement, reshuffling after each
    pass over the data.

    Args:
        model: a compiled ``Sequential``; left exactly as it was.
        x, y: training data (examples along the first axis).
        start, end: the first and last learning rates (0 < start < end).
        steps: the number of mini-batches (>= 2).
        batch_size: examples per mini-batch.
        smooth: the moving-average factor in [0, 1) (0: no smoothing).
        divergence: stop when the smoothed loss exceeds this multiple
            of its minimum so far (> 1).
        seed: seeds the shuffling.

    Returns:
        an ``LRRangeTest(lrs, losses, suggested_lr)``.
    """
    check.model("lr_range_test", "model", model)
    model._check_compiled("lr_range_test")
    _check(start, end, steps, batch_size, smooth, divergence, seed)
    x, y = model._check_xy(x, y, "lr_range_test")
    weights = [w.copy() for w in model.get_weights()]
    # Every generator the steps may advance: the model's and the
    # layers' own (Dropout's masks), kept with any other layer state.
    rng_state = copy.deepcopy(model.rng.bit_generator.state)
    layer_states = [copy.deepcopy(layer.get_state())
                    for layer in model.layers]
    original = model.optimizer
    trial = copy.copy(original)
    trial.reset_state()
    trial._schedule = None     # the sweep sets the rate at each step
    trial.learning_rate = start
    gen = np.random.default_rng(seed)
    n = len(x)
    order, pos = gen.permutation(n), 0
    lrs: list[float] = []
    losses: list[float] = []
    avg, best = 0.0, math.inf
    try:
        model.optimizer = trial
        for i in range(steps):
            lr = start * (end / start) ** (i / (steps - 1))
            trial.learning_rate = lr
            if pos >= n:
                order, pos = gen.permutation(n), 0
            idx = order[pos:pos + batch_size]
            pos += batch_size
            try:
                loss = model.train_on_batch(x[idx], y[idx],
                                            return_dict=True)["loss"]
            except TrainingDivergedError:
                break
            avg = smooth * avg + (1 - smooth) * loss
            smoothed = avg / (1 - smooth ** (i + 1))
            lrs.append(lr)
            losses.append(smoothed)
            best = min(best, smoothed)
            if smoothed > divergence * best:
                break
    finally:
        model.optimizer = original
        model.set_weights(weights)
        model.rng.bit_generator.state = rng_state
        for layer, state in zip(model.layers, layer_states):
            layer.set_state(state)
    if not lrs:
        raise ValueError("lr_range_test: the loss was not finite even at "
                         f"the first learning rate {start}; check the "
                         "data and the model")
    lrs_a, losses_a = np.array(lrs), np.array(losses)
    return LRRangeTest(lrs_a, losses_a,
                       float(lrs_a[np.argmin(losses_a)] / 10))
