"""What ``compile`` sets up: a loss (and metrics) per output, and the
total loss with the gradients that start backpropagation.

For a model with outputs y_1..y_K, losses L_k and ``loss_weights`` a_k,

    L = sum_k a_k L_k(y_true_k, y_pred_k) + penalties

so backpropagation starts at every output at once, with
dL/d(y_pred_k) = a_k dL_k/d(y_pred_k). Keras' conventions:

* ``loss`` is one loss (used for every output), a list with one entry
  per output, or a dict keyed by output name naming every output (None
  for an output without a loss);
* ``loss_weights`` the same shapes, default 1;
* ``metrics`` a list (one output), or for several outputs a list of
  lists (one list per output) or a dict keyed by output name;
* the logs hold ``"loss"`` (the total), then, with several losses, each
  output's *unweighted* loss as ``"<output name>_loss"``, then the
  metrics, named ``"<output name>_<metric>"`` with several outputs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _validate as check
from .. import losses as _losses
from .. import metrics as _metrics

__all__ = ["CompiledLoss"]


def _per_output(value: Any, names: list[str], what: str,
                single_ok: bool = True, missing_ok: bool = False
                ) -> list[Any]:
    """A list aligned with the outputs from one value, a list or a dict
    (where an output left out gets None if ``missing_ok``)."""
    k = len(names)
    if isinstance(value, dict):
        unknown = [key for key in value if key not in names]
        if unknown:
            raise ValueError(
                f"compile: {what} has keys {unknown} that are not output "
                f"names; the model's outputs are {names}")
        missing = [name for name in names if name not in value]
        if missing and not missing_ok:
            raise ValueError(
                f"compile: {what} has no entry for the outputs "
                f"{missing}; give every output a key (None for an output "
                f"without a {what.rstrip('s')})")
        return [value.get(name) for name in names]
    if isinstance(value, (list, tuple)):
        if len(value) != k:
            raise ValueError(
                f"compile: {what} has {len(value)} entries but the model "
                f"has {k} output{'s' if k != 1 else ''} {names}; give "
                f"one per output (or a dict keyed by output name)")
        return list(value)
    if not single_ok and k > 1:
        raise ValueError(f"compile: give {what} as a list or a dict with "
                         f"one entry per output {names}")
    return [value] * k


class CompiledLoss:
    """The losses, loss weights and metrics of a compiled model.

    Args:
        loss, loss_weights, metrics: ``compile``'s arguments.
        output_names: the model's output names, in order.
        output_units: the width of each output (for "accuracy").
    """

    def __init__(self, loss: Any, loss_weights: Any, metrics: Any,
                 output_names: list[str],
                 output_units: list[int | None]):
        if loss is None:
            raise ValueError("compile: a loss is required, e.g. "
                             "loss='mse' or loss='binary_crossentropy'")
        self.names = list(output_names)
        self._logits_forms: dict[int, _losses.Loss] = {}
        self.losses = [None if lo is None else check.lookup(
            "compile", "loss", lo, _losses.get)
            for lo in _per_output(loss, self.names, "loss")]
        if all(lo is None for lo in self.losses):
            raise ValueError("compile: every loss is None; at least one "
                             "output needs a loss")
        weights = _per_output(1.0 if loss_weights is None else
                              loss_weights, self.names, "loss_weights")
        for w in weights:
            if w is not None and (isinstance(w, bool) or not isinstance(
                    w, (int, float, np.number)) or not np.isfinite(w)):
                raise ValueError(f"compile: loss_weights must be finite "
                                 f"numbers, got {loss_weights!r}")
        self.weights = [1.0 if w is None else float(w) for w in weights]
        if metrics is not None and not isinstance(metrics,
                                                  (list, tuple, dict)):
            raise check.ArgumentTypeError(
                f"compile: metrics must be a list, e.g. "
                f"metrics=['accuracy'], got {check.show(metrics)}")
        self.metric_ids = metrics
        if len(self.names) == 1 and not isinstance(metrics, dict):
            per_output = [list(metrics or [])]
        else:
            # as in Keras, a dict may leave out outputs without metrics
            per_output = _per_output(metrics or [[] for _ in self.names],
                                     self.names, "metrics", False,
                                     missing_ok=True)
        # (name, stateful Metric) per output: fit and evaluate reset,
        # update and read them as Keras does (nnkit.metrics.Metric).
        self.metrics: list[list[tuple[str, Any]]] = []
        for k, ids in enumerate(per_output):
            if ids is None:
                ids = []
            if not isinstance(ids, (list, tuple)):
                ids = [ids]
            loss_k = self.losses[k]
            taken, entries = {"loss"}, []
            for m in ids:
                name, fn = check.lookup(
                    "compile", "metrics", m,
                    lambda m, k=k, loss_k=loss_k: _metrics.get(
                        m, loss_name=getattr(loss_k, "name", None),
                        output_units=output_units[k]))
                base, i = name, 1
                while name in taken:          # two AUCs: "auc", "auc_1"
                    name, i = f"{base}_{i}", i + 1
                taken.add(name)
                entries.append((name, _metrics.as_metric(name, fn)))
            self.metrics.append(entries)

    # ----- names of the logged values -----------------------------------
    @property
    def several(self) -> bool:
        return len(self.names) > 1

    def loss_names(self) -> list[str]:
        """"loss", then each output's loss if there are several."""
        names = ["loss"]
        with_loss = [n for n, lo in zip(self.names, self.losses)
                     if lo is not None]
        if len(with_loss) > 1:
            names += [f"{n}_loss" for n in with_loss]
        return names

    def log_names(self) -> list[str]:
        """The loss names, then the metrics'."""
        names = self.loss_names()
        for n, fns in zip(self.names, self.metrics):
            names += [f"{n}_{m}" if self.several else m for m, _ in fns]
        return names

    # ----- values and gradients -----------------------------------------
    def fused(self, k: int, layer: Any) -> _losses.Loss | None:
        """The logits form of loss k if it fuses with ``layer``."""
        loss = self.losses[k]
        if loss is not None and layer is not None \
                and loss.fuses_with(layer.logits_activation):
            if k not in self._logits_forms:        # made once
                self._logits_forms[k] = loss.logits_form()
            return self._logits_forms[k]
        return None

    def values(self, ys: list, outs: list, sample_weights: list,
               masks: list, fused_logits: list) -> tuple[float, list]:
        """(weighted total, each output's unweighted loss or None)."""
        total, each = 0.0, []
        for k, loss in enumerate(self.losses):
            if loss is None:
                each.append(None)
                continue
            logits = fused_logits[k]
            pred, fn = (outs[k], loss) if logits is None \
                else (logits[1], logits[0])
            value = _mean_if_array(fn(ys[k], pred,
                                      *_extra(sample_weights[k], masks[k])))
            each.append(value)
            total += self.weights[k] * value
        return total, each

    def values_and_gradients(self, ys: list, outs: list,
                             sample_weights: list, masks: list,
                             fused_logits: list,
                             labels_checked: bool = False) -> tuple:
        """What a training step needs, each loss computing its value
        and gradient together (``Loss.value_and_gradient``).

        Returns:
            (weighted total, each output's unweighted loss or None,
            dL/d(output k) or None, dL/d(logits k) or None), the last
            two as lists with one entry per output.
        """
        total, each, douts, dlogits = 0.0, [], [], []
        for k, loss in enumerate(self.losses):
            if loss is None:
                each.append(None)
                douts.append(None)
                dlogits.append(None)
                continue
            logits = fused_logits[k]
            pred, fn = (outs[k], loss) if logits is None \
                else (logits[1], logits[0])
            value, grad = fn.value_and_gradient(
                ys[k], pred, *_extra(sample_weights[k], masks[k]),
                labels_checked=labels_checked)
            value = _mean_if_array(value)
            each.append(value)
            total += self.weights[k] * value
            grad = self.weights[k] * grad
            douts.append(grad if logits is None else None)
            dlogits.append(None if logits is None else grad)
        return total, each, douts, dlogits

    def reset_metrics(self) -> None:
        """Start accumulating afresh (an epoch, an ``evaluate``)."""
        for fns in self.metrics:
            for _, metric in fns:
                metric.reset_state()

    def update_metrics(self, ys: list, outs: list) -> None:
        """Add one batch to every metric."""
        for k, fns in enumerate(self.metrics):
            for _, metric in fns:
                metric.update_state(ys[k], outs[k])

    def metric_results(self) -> list[Any]:
        """Each metric's value since the last reset, in log order (a
        float, or an array for a metric with several thresholds)."""
        out = []
        for fns in self.metrics:
            for _, metric in fns:
                value = metric.result()
                out.append(float(value) if np.ndim(value) == 0 else value)
        return out

    def check_targets(self, ys: list, outs_shapes: list, dtype: Any,
                      where: str) -> None:
        """Catch label/loss mismatches now, with the loss' own message."""
        for k, loss in enumerate(self.losses):
            if loss is not None and ys[k] is not None:
                try:
                    loss.prepare(ys[k], np.zeros((len(ys[k]),)
                                                 + tuple(outs_shapes[k]),
                                                 dtype=dtype))
                except ValueError as err:
                    if not self.several:
                        raise
                    raise ValueError(f"{where}: output "
                                     f"'{self.names[k]}': {err}") from None

    def serialize(self) -> dict[str, Any]:
        """JSON for ``save``: losses, loss weights, metric names."""
        return {"losses": [None if lo is None else _losses.serialize(lo)
                           for lo in self.losses],
                "loss_weights": self.weights}


def _extra(sample_weight: Any, mask: Any) -> tuple:
    """The optional loss arguments, left out when unused (so a custom
    loss written as ``loss(y_true, y_pred)`` keeps working)."""
    if mask is not None:
        return sample_weight, mask
    return () if sample_weight is None else (sample_weight,)


def _mean_if_array(value: Any) -> float:
    """A loss with reduction "none" reports the mean of its values, as
    Keras' loss tracker does (its gradient is that of their sum)."""
    if isinstance(value, float):
        return value
    return float(np.mean(value))
