"""``Model``: what every nnkit model shares (compile, fit, evaluate, ...).

A model is layers wired together; *how* they are wired is the
subclass' business: ``Sequential`` is a chain, the functional model
(``Model(inputs=..., outputs=...)``) any directed acyclic graph. Both
provide two passes over their layers,

* ``_run_forward(xs, training) -> outputs`` (one array per output), and
* ``_run_backward(douts, dlogits)`` (fills every ``Parameter.grad``),

and everything else lives here, written once: one training step is

    zero every gradient
    outputs = forward(inputs)
    L = sum_k a_k loss_k(y_k, output_k) + penalties
    backward(dL/d(output_k) for every k)
    optimizer.apply(trainable parameters)

As in Keras, ``nnkit.Model(inputs=x, outputs=y)`` returns the
functional model, and ``isinstance(model, nnkit.Model)`` is True for a
``Sequential`` too.
"""

from __future__ import annotations

import math
import os
import warnings
from typing import Any

import numpy as np

from .. import _validate as check
from .. import optimizers as _optimizers
from ..callbacks import Callback, CallbackList, History, ProgbarLogger
from ..layers.base import KerasWeights, Layer, Parameter
from ..layers.symbolic import is_symbolic
from . import _data, _divergence, _inputs, _saving, _summary
from ._backprop import activity_penalty
from ._compile import CompiledLoss

__all__ = ["Model"]


class Model(KerasWeights):
    """The base class of every model, and the functional model itself.

    ``Model(inputs=..., outputs=...)`` builds a functional model from
    symbolic tensors (see ``nnkit.models.Functional``); ``Sequential``
    is the other kind. The methods below work for both.

    Args:
        inputs: an ``nnkit.Input`` tensor or a list of them.
        outputs: the symbolic tensor(s) computed from them.
        name: the model's name.
        seed: seeds the model's generator, which initialises the weights
            of layers not yet built and shuffles the data in ``fit``.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> Model:
        if cls is Model and (args or kwargs):
            from ._functional import Functional
            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, *args: Any, **kwargs: Any):
        raise TypeError(
            "nnkit.Model needs inputs= and outputs= (the functional API): "
            "x = nnkit.Input(shape=...); y = Dense(...)(x); "
            "Model(inputs=x, outputs=y). Without automatic "
            "differentiation nnkit has no subclassing API.")

    def _init_model(self, name: str, seed: int | None) -> None:
        """The state every model has, set by the subclass' __init__."""
        owner = type(self).__name__
        self.name = check.string(owner, "name", name)
        self.seed = check.seed(owner, "seed", seed)
        self.rng = np.random.default_rng(seed)
        self.optimizer: _optimizers.Optimizer | None = None
        self.loss: Any = None
        self.compiled_loss: CompiledLoss | None = None
        self._metric_ids: Any = []
        self._compile_args: dict[str, Any] = {}
        self.stop_training = False
        self.history: History | None = None
        self._trainable = True
        self._out_masks: list = []
        self._out_logits: list = []

    # ----- what a subclass provides ----------------------------------------
    layers: list[Layer]
    input_names: list[str]
    output_names: list[str]

    def _run_forward(self, xs: list[np.ndarray], training: bool
                     ) -> list[np.ndarray]:
        raise NotImplementedError

    def _run_backward(self, douts: list, dlogits: list) -> None:
        raise NotImplementedError

    def _output_layers(self) -> list[Layer | None]:
        """The layer whose call produces each output (for loss fusion)."""
        raise NotImplementedError

    def _input_specs(self) -> list[tuple[Any, np.dtype]]:
        """(per-example shape or None, dtype) of each input."""
        raise NotImplementedError

    def _output_shapes(self) -> list[tuple[int, ...]]:
        raise NotImplementedError

    def _build_from_data(self, xs: list[np.ndarray]) -> None:
        """Build the model on first data (Sequential without Input)."""

    def _layer_calls(self) -> list[tuple[Layer, np.ndarray]]:
        """(layer, its output) for every layer call of the last forward,
        in order (the activity penalties and the divergence report)."""
        raise NotImplementedError

    # ----- weights -----------------------------------------------------------
    def parameters(self) -> list[Parameter]:
        """Every Parameter, layer by layer (Keras' weight order)."""
        seen: set[int] = set()
        out = []
        for layer in self.layers:
            for p in layer.parameters():
                if id(p) not in seen:
                    seen.add(id(p))
                    out.append(p)
        return out

    @property
    def trainable_parameters(self) -> list[Parameter]:
        """The Parameters that training updates (frozen ones excluded)."""
        if not self._trainable:
            return []
        return [p for p in self.parameters() if p.trainable]

    def count_params(self) -> int:
        return int(sum(p.data.size for p in self.parameters()))

    def get_weights(self) -> list[np.ndarray]:
        """Copies of every weight array, in Keras' order, so that
        ``keras_model.set_weights(model.get_weights())`` works."""
        return [p.data.copy() for p in self.parameters()]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        """Set every weight array from a list in Keras' order."""
        if not getattr(self, "built", True):
            raise ValueError(
                f"set_weights: {type(self).__name__} '{self.name}' is not "
                f"built yet, so it has no weights to set; give its first "
                f"layer input_shape=..., start it with Input(...), or "
                f"call build(input_shape) first")
        check.instance("set_weights", "weights", weights, (list, tuple),
                       "a list of arrays (as get_weights returns)")
        weights = list(weights)
        params = self.parameters()
        if len(weights) != len(params):
            raise ValueError(f"{type(self).__name__} '{self.name}' has "
                             f"{len(params)} weight arrays, got "
                             f"{len(weights)}")
        owner = {id(p): layer for layer in self.layers
                 for p in layer.parameters()}
        for p, w in zip(params, weights):
            w = np.asarray(w)
            if w.shape != p.data.shape:
                raise ValueError(f"{owner[id(p)].describe()}: weight "
                                 f"'{p.name}' has shape {p.data.shape}, "
                                 f"got {w.shape}")
        for p, w in zip(params, weights):
            p.data[...] = w

    @property
    def trainable(self) -> bool:
        """False freezes every layer of the model (``Layer.trainable``).

        nnkit reads the flags at every step, so a change takes effect at
        once, as in Keras run eagerly; Keras' compiled training function
        needs ``compile()`` again, which is what the Keras guides do.
        Recompiling keeps the optimizer (and its state) you pass in.
        """
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)
        for layer in self.layers:
            layer.trainable = value

    def get_layer(self, name: str | None = None,
                  index: int | None = None) -> Layer:
        """A layer by name or by index in ``layers``, as in Keras."""
        if index is not None:
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"get_layer: no layer named {name!r} in "
                         f"{type(self).__name__} '{self.name}'; layers: "
                         f"{[la.name for la in self.layers]}")

    # ----- forward and backward ----------------------------------------------
    def forward(self, x: Any, training: bool = False) -> Any:
        """Run the model; returns one array, or a list for several
        outputs. Layers keep what ``backward`` will need."""
        outs = self._run_forward(self._as_inputs(x, "forward"), training)
        return outs[0] if len(outs) == 1 else outs

    def __call__(self, x: Any, training: bool | None = None) -> Any:
        """Run the model on data, or reuse it inside a functional model.

        Called on symbolic tensors, the model's layers are called on them
        in turn (the same layer objects, so the weights are shared and
        ``model.trainable = False`` freezes them), and the outputs
        returned: the Keras idiom ``y = base(x, training=False)`` for a
        pretrained base. ``training=False`` keeps those layers in
        inference mode (batch normalization, dropout) even in ``fit``.
        Unlike Keras, the outer model lists the inner layers one by one
        rather than the inner model as one layer.
        """
        if is_symbolic(x):
            return self._call_symbolic(x, training)
        return self.forward(x, training=bool(training))

    def _call_symbolic(self, x: Any, training: bool | None) -> Any:
        raise NotImplementedError

    def _as_inputs(self, x: Any, where: str) -> list[np.ndarray]:
        xs = _data.as_inputs(self, x, where)
        self._build_from_data(xs)
        return _data.cast_inputs(self, xs)

    def _fusions(self) -> list:
        """For each output: (logits loss, logits) if its loss fuses
        with the output layer's activation, else None."""
        out = []
        for k, layer in enumerate(self._output_layers()):
            fn = self.compiled_loss.fused(k, layer)
            z = self._out_logits[k] if k < len(self._out_logits) else None
            out.append(None if fn is None or z is None else (fn, z))
        return out

    def _penalties(self) -> float:
        """Weight penalties (each layer once) and activity penalties
        (each call) of the last forward pass."""
        total = sum(layer.regularization_loss() for layer in self.layers)
        for layer, out in self._layer_calls():
            total += activity_penalty(layer, out)
        return total

    def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None,
                     sample_weight: Any = None, training: bool = True
                     ) -> float:
        """The total loss of ``y_pred`` (Keras' name and arguments).

        ``y_pred`` must come from this model's latest forward pass (a
        fused loss reads the logits that pass left behind). The total is
        sum_k loss_weight_k * loss_k plus the weight and activity
        penalties.
        """
        self._check_compiled("compute_loss")
        outs = y_pred if isinstance(y_pred, list) else [y_pred]
        ys = _data.as_targets(self, y, "compute_loss")
        sws = _data.as_sample_weights(self, sample_weight, ys,
                                      "compute_loss")
        total, _ = self.compiled_loss.values(ys, outs, sws,
                                             self._out_masks,
                                             self._fusions())
        return total + self._penalties()

    def forward_backward(self, x: Any, y: Any, training: bool = True,
                         sample_weight: Any = None) -> tuple[float, Any]:
        """Zero the gradients, run forward and backward; no update.

        Returns:
            (total loss including penalties, the model's output).
            Every Parameter's ``grad`` then holds d(total loss)/d(param).
        """
        self._check_compiled("forward_backward")
        xs = self._as_inputs(x, "forward_backward")
        ys = _data.as_targets(self, y, "forward_backward")
        sws = _data.as_sample_weights(self, sample_weight, ys,
                                      "forward_backward")
        loss, outs, _ = self._forward_backward(xs, ys, sws, training)
        return loss, outs[0] if len(outs) == 1 else outs

    def _forward_backward(self, xs, ys, sws, training,
                          labels_checked=False):
        """``forward_backward``'s work; ``labels_checked``: the targets
        passed the losses' checks already (``Loss.value_and_gradient``).
        """
        for p in self.parameters():
            p.zero_grad()
        outs = self._run_forward(xs, training)
        data_loss, each, douts, dlogits = \
            self.compiled_loss.values_and_gradients(
                ys, outs, sws, self._out_masks, self._fusions(),
                labels_checked)
        total = data_loss + self._penalties()
        if not math.isfinite(total):
            return total, outs, each     # the caller diagnoses it
        self._run_backward(douts, dlogits)
        for layer in self.layers:        # once per layer, even if shared
            layer.add_regularization_grads()
        return total, outs, each

    # ----- compile -----------------------------------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None,
                metrics: Any = None, loss_weights: Any = None) -> None:
        """Choose the optimizer, the loss(es) and the metrics to report.

        Args:
            optimizer: a name (``"adam"``) or an optimizer object; an
                object is used as it is, with its state.
            loss: a loss (name or object) for every output, a list with
                one per output, or a dict keyed by output name.
            metrics: a list of metrics (one output); with several
                outputs a list of lists or a dict keyed by output name.
            loss_weights: scalars a_k (same structures as ``loss``): the
                model minimises sum_k a_k loss_k.
        """
        optimizer = check.lookup("compile", "optimizer", optimizer,
                                 _optimizers.get)
        if getattr(self, "built", False) and optimizer is not None:
            # an optimizer another model used
            optimizer.check_parameters(self.parameters())
        self.optimizer = optimizer
        self.compiled_loss = CompiledLoss(
            loss, loss_weights, metrics, self.output_names,
            self._output_units())
        losses = self.compiled_loss.losses
        self.loss = losses[0] if len(losses) == 1 else (
            dict(zip(self.output_names, losses)) if isinstance(loss, dict)
            else losses)
        self._metric_ids = metrics if metrics is not None else []
        self._compile_args = {"loss_weights": loss_weights}

    def _output_units(self) -> list[int | None]:
        try:
            return [s[-1] if s else None for s in self._output_shapes()]
        except (TypeError, ValueError, AttributeError):
            return [None] * len(self.output_names)

    def _check_compiled(self, where: str) -> None:
        if self.optimizer is None or self.compiled_loss is None:
            raise RuntimeError(f"{where}: call compile(optimizer=..., "
                               f"loss=...) before {where}")

    def _check_xy(self, x: Any, y: Any, where: str) -> tuple[Any, Any]:
        """x and y checked (arrays for one input and output, else lists)."""
        xs, ys = _data.check_xy(self, x, y, where)
        return (xs[0] if len(xs) == 1 else xs,
                ys[0] if len(ys) == 1 else ys)

    # ----- training ----------------------------------------------------------
    def train_on_batch(self, x: Any, y: Any, sample_weight: Any = None,
                       class_weight: dict | None = None,
                       return_dict: bool = False):
        """One optimisation step on one batch.

        As in Keras, the metrics are reset first, so they (and the loss)
        describe this batch alone, measured before the update.

        Returns:
            the loss alone, ``[loss, ...]`` when more values are logged
            (per-output losses, metrics), or a dict with
            ``return_dict=True``, as ``evaluate``.
        """
        self._check_compiled("train_on_batch")
        check.boolean("train_on_batch", "return_dict", return_dict)
        xs, ys = _data.check_xy(self, x, y, "train_on_batch")
        sws = _data.fit_sample_weights(self, sample_weight, class_weight,
                                       ys, "train_on_batch")
        self.compiled_loss.reset_metrics()
        loss, outs, each = self._step(xs, ys, sws, 0, 0, 1, 1)
        _divergence.check_weights(self, loss, 0, 0, 1, 1)
        self.compiled_loss.update_metrics(ys, outs)
        return _returned(self._logs(self._loss_values(loss, each)),
                         return_dict)

    def test_on_batch(self, x: Any, y: Any, sample_weight: Any = None,
                      return_dict: bool = False):
        """Loss (and metrics) on one batch in inference mode.

        Returns:
            what ``evaluate`` returns for the same batch.
        """
        self._check_compiled("test_on_batch")
        check.boolean("test_on_batch", "return_dict", return_dict)
        xs, ys = _data.check_xy(self, x, y, "test_on_batch")
        sws = _data.as_sample_weights(self, sample_weight, ys,
                                      "test_on_batch")
        logs = self._evaluate(xs, ys, sws, len(xs[0]))
        return _returned(logs, return_dict)

    def predict_on_batch(self, x: Any) -> Any:
        """The model's output for one batch x, in inference mode (what
        ``predict`` returns)."""
        return self.predict(x)

    def _step(self, xs, ys, sws, epoch, batch, epochs, steps):
        with np.errstate(over="ignore", invalid="ignore"):
            # fit and train_on_batch checked every target (check_xy)
            loss, outs, each = self._forward_backward(
                xs, ys, sws, True, labels_checked=True)
        if not math.isfinite(loss):
            raise _divergence.diverged(self, loss, epoch, batch, epochs,
                                       steps)
        if self.trainable_parameters:
            # All weights: the optimizer binds to the model's weights and
            # itself skips the frozen ones.
            self.optimizer.apply(self.parameters())
        else:
            warnings.warn("The model does not have any trainable weights.",
                          stacklevel=3)
        return loss, outs, each

    def _loss_values(self, loss, each) -> list[float]:
        """The batch's total loss, and each output's if several."""
        vals = [loss]
        if len([e for e in each if e is not None]) > 1:
            vals += [e for e in each if e is not None]
        return vals

    def _logs(self, loss_means) -> dict[str, Any]:
        """Mean losses over the examples so far, then the metrics'
        running results (streaming over the batches, as Keras)."""
        cl = self.compiled_loss
        logs = {k: float(v) for k, v in zip(cl.loss_names(), loss_means)}
        metric_names = cl.log_names()[len(logs):]
        logs.update(zip(metric_names, cl.metric_results()))
        return logs

    def fit(self, x: Any, y: Any, epochs: int = 1,
            batch_size: int | None = 32,
            verbose: int = 1, callbacks: list[Callback] | None = None,
            validation_split: float = 0.0,
            validation_data: tuple | None = None, shuffle: bool = True,
            class_weight: dict | None = None, sample_weight: Any = None,
            initial_epoch: int = 0) -> History:
        """Train for ``epochs`` passes over (x, y) in mini-batches.

        As in Keras: ``validation_split`` holds out the *last* fraction
        of the data (before shuffling); the reported training loss of an
        epoch is the mean of the batch losses (weighted by batch size),
        each measured before that batch's update; ``shuffle`` reorders
        the examples every epoch using the model's seeded generator.

        Args:
            x: an array, or for several inputs a list (in ``inputs``
                order) or a dict keyed by input name.
            y: the same for the outputs.
            batch_size: examples per step (None means 32, as in Keras).
            sample_weight: a weight per example (N,) (every output), or a
                list/dict with one array per output; the losses weigh
                each example's term by it (``nnkit.losses``).
            class_weight: a dict {class: weight} (one output only): each
                example weighs as its class (the argmax of one-hot y).
            validation_data: ``(x_val, y_val)`` or
                ``(x_val, y_val, sample_weight_val)``.

        Returns:
            a History whose ``.history`` maps "loss", the per-output
            losses, the metric names and their ``"val_"`` versions to
            per-epoch lists.
        """
        self._check_compiled("fit")
        if batch_size is None:               # Keras' default
            batch_size = 32
        verbose = _inputs.check_verbose("fit", verbose)
        shuffle = check.boolean("fit", "shuffle", shuffle)
        xs, ys, sws, val = _data.check_fit_args(
            self, x, y, epochs, batch_size, validation_split,
            validation_data, sample_weight, class_weight, initial_epoch)

        n = len(xs[0])
        steps = math.ceil(n / batch_size)
        history = History()
        # As in Keras, History comes after the user's callbacks, so it
        # records what they add to the logs (e.g. "learning_rate").
        cbs = _inputs.check_callbacks("fit", callbacks) + [history]
        if verbose:
            cbs.append(ProgbarLogger(verbose))
        cb = CallbackList(cbs, self, {"epochs": epochs, "steps": steps,
                                      "verbose": verbose})
        n_losses = len(self.compiled_loss.loss_names())
        self.stop_training = False
        cb.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            cb.on_epoch_begin(epoch)
            order = self.rng.permutation(n) if shuffle else None
            sums = np.zeros(n_losses)
            seen = 0
            self.compiled_loss.reset_metrics()
            logs: dict[str, Any] = {}
            for b in range(steps):
                idx = slice(b * batch_size, (b + 1) * batch_size)
                if order is not None:      # shuffled: gather the rows
                    idx = order[idx]
                xb, yb, swb = _data.take(xs, idx), _data.take(ys, idx), \
                    _data.take(sws, idx)
                cb.on_train_batch_begin(b)
                loss, outs, each = self._step(xb, yb, swb, epoch, b,
                                              epochs, steps)
                size = len(xb[0])
                sums += np.array(self._loss_values(loss, each)) * size
                seen += size
                self.compiled_loss.update_metrics(yb, outs)
                logs = self._logs(sums / seen)
                cb.on_train_batch_end(b, logs)
            # a blow-up on the epoch's last update, or in validation,
            # must not pass silently either
            _divergence.check_weights(self, loss, epoch, steps - 1,
                                      epochs, steps)
            if val is not None:
                xv, yv, swv = val
                scores = self._evaluate(xv, yv, swv, batch_size)
                _divergence.check_validation(self, scores["loss"], epoch,
                                             epochs, xv)
                logs.update({f"val_{k}": v for k, v in scores.items()})
            cb.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        cb.on_train_end()
        self.history = history
        return history

    def evaluate(self, x: Any, y: Any, batch_size: int | None = 32,
                 verbose: int = 0, sample_weight: Any = None,
                 return_dict: bool = False):
        """Loss (and metrics) on (x, y) in inference mode.

        Args:
            batch_size: examples per step (None means 32, as in Keras).
            sample_weight: weights of the examples in the loss, as in
                ``fit``.

        Returns:
            the loss alone, ``[loss, ...]`` when more values are logged
            (per-output losses, metrics), or a dict with
            ``return_dict=True`` (as Keras).
        """
        self._check_compiled("evaluate")
        if batch_size is None:               # Keras' default
            batch_size = 32
        _data.check_positive_int("evaluate", "batch_size", batch_size)
        verbose = _inputs.check_verbose("evaluate", verbose)
        check.boolean("evaluate", "return_dict", return_dict)
        xs, ys = _data.check_xy(self, x, y, "evaluate")
        sws = _data.as_sample_weights(self, sample_weight, ys, "evaluate")
        _data.check_positive_int("evaluate", "batch_size", batch_size)
        logs = self._evaluate(xs, ys, sws, batch_size)
        if verbose:
            print(" - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
        return _returned(logs, return_dict)

    def _evaluate(self, xs, ys, sws, batch_size) -> dict[str, Any]:
        sums = np.zeros(len(self.compiled_loss.loss_names()))
        self.compiled_loss.reset_metrics()
        n = len(xs[0])
        for start in range(0, n, batch_size):
            idx = slice(start, start + batch_size)
            xb, yb, swb = _data.take(xs, idx), _data.take(ys, idx), \
                _data.take(sws, idx)
            outs = self._run_forward(xb, training=False)
            data_loss, each = self.compiled_loss.values(
                yb, outs, swb, self._out_masks, self._fusions())
            loss = data_loss + self._penalties()
            sums += np.array(self._loss_values(loss, each)) * len(xb[0])
            self.compiled_loss.update_metrics(yb, outs)
        return self._logs(sums / n)

    def predict(self, x: Any, batch_size: int | None = None,
                verbose: int = 0) -> Any:
        """The model's output for x, in inference mode (a list of arrays
        for several outputs).

        As in Keras, an input row holding inf (or NaN) gives a row of
        non-finite outputs instead of an error: predict checks the
        arguments, not the values, so it stays as fast as the forward
        pass. (fit and evaluate refuse such data; finite float64 values
        too large for a float32 model are refused everywhere, since the
        cast would turn them into inf.)
        """
        check.positive_int("predict", "batch_size", batch_size,
                           allow_none=True)
        _inputs.check_verbose("predict", verbose)
        xs = self._as_inputs(x, "predict")
        _data.check_batch(xs, "predict")
        n = len(xs[0])
        if batch_size is None or batch_size >= n:
            outs = self._run_forward(xs, training=False)
        else:
            parts = [self._run_forward(
                _data.take(xs, slice(s, s + batch_size)), training=False)
                for s in range(0, n, batch_size)]
            outs = [np.concatenate([p[k] for p in parts])
                    for k in range(len(parts[0]))]
        return outs[0] if len(outs) == 1 else outs

    # ----- summary, config, saving -------------------------------------------
    def summary(self, print_fn: Any = None) -> None:
        """Print a Keras-like table: layers, output shapes, parameter
        counts (with a "Connected to" column for functional models), and
        the total, trainable and non-trainable counts.

        As in Keras, it returns None (so a notebook cell ending in
        ``model.summary()`` shows the table once), and the table goes
        to ``print_fn`` (default ``print``) as one string: to keep it,
        pass e.g. ``lines.append``.

        Args:
            print_fn: called with the table; None prints it.
        """
        (print if print_fn is None else print_fn)(_summary.table(self))

    def get_config(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Model:
        """A model from ``get_config``'s dict (no weights)."""
        if cls is Model:
            from ._functional import Functional
            return Functional.from_config(config)
        raise NotImplementedError

    def save(self, filepath: str, overwrite: bool = True) -> str:
        """Save architecture, weights, compile settings and optimizer state.

        One ``.npz`` file: the arrays, plus a JSON document stored as a
        string array, so loading never unpickles anything.

        Args:
            filepath: where to write (``.npz`` is appended if missing).
            overwrite: False refuses to replace an existing file (Keras
                asks the user instead).

        Returns:
            the path written.
        """
        _refuse_overwrite("save", filepath, overwrite)
        return _saving.save(self, filepath)

    @classmethod
    def load(cls, filepath: str) -> Model:
        """Rebuild a model saved by ``save`` (no pickle involved).

        ``filepath`` may omit the ``.npz`` that ``save`` appended.
        """
        return _saving.load(cls, filepath)

    def save_weights(self, filepath: str, overwrite: bool = True) -> str:
        """Save only the weights (``.npz``, keys ``weights/<i>/<name>``,
        i the layer's index in ``layers``, plus a Sequential's input
        shape).

        Args:
            filepath: where to write (``.npz`` is appended if missing).
            overwrite: False refuses to replace an existing file.

        Returns:
            the path written.
        """
        _refuse_overwrite("save_weights", filepath, overwrite)
        return _saving.save_weights(self, filepath)

    def load_weights(self, filepath: str) -> None:
        """Load weights written by ``save_weights`` (or ``save``).

        The file must match the model exactly, layer by layer and shape
        by shape: any difference (a missing or extra weight, another
        shape) raises a ValueError naming the first mismatching layer
        and both shapes, and nothing is loaded. A Sequential not built
        yet is first built for the input shape the file records.
        """
        _saving.load_weights(self, filepath)

    def __repr__(self) -> str:
        return (f"<{type(self).__name__} '{self.name}': "
                f"{len(self.layers)} layers, {self.count_params()} "
                f"parameters>")


def _returned(logs: dict[str, Any], return_dict: bool) -> Any:
    """What evaluate, train_on_batch and test_on_batch return, as Keras:
    the dict, or the loss alone, or all the values in the logs' order."""
    if return_dict:
        return logs
    return logs["loss"] if len(logs) == 1 else list(logs.values())


def _refuse_overwrite(fn: str, filepath: Any, overwrite: bool) -> None:
    """With ``overwrite=False``, an error if the file already exists."""
    check.boolean(fn, "overwrite", overwrite)
    if not overwrite and isinstance(filepath, (str, os.PathLike)):
        target = os.fspath(filepath)
        if not target.endswith(".npz"):
            target += ".npz"
        if os.path.exists(target):
            raise FileExistsError(f"{fn}: {target} exists and overwrite "
                                  f"is False")
