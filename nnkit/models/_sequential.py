"""The Sequential class: structure, forward and backward, compile and fit.

Input checks, the divergence diagnosis, the summary table and
saving live in the sibling modules the methods call.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import layers as _layers
from .. import losses as _losses
from .. import metrics as _metrics
from .. import optimizers as _optimizers
from ..callbacks import Callback, CallbackList, History, ProgbarLogger
from ..layers.base import Layer, Parameter, as_shape
from . import _divergence, _inputs, _saving, _summary
from ._inputs import Input

__all__ = ["Sequential", "load_model"]


class Sequential:
    """A linear stack of layers.

    Args:
        layers: optional list of layers (an ``Input`` may come first).
        name: the model's name.
        seed: seeds the model's random generator, which initialises the
            weights and shuffles the data. Same seed, same numbers.
        dtype: ``"float32"`` or ``"float64"``: given to every layer that
            was not created with an explicit dtype.
    """

    def __init__(self, layers: list | None = None,
                 name: str = "sequential", seed: int | None = None,
                 dtype: str | None = None):
        self.name = name
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.dtype = None if dtype is None else np.dtype(dtype)
        self.layers: list[Layer] = []
        self.input_shape: tuple[int, ...] | None = None
        self.built = False
        self.optimizer: _optimizers.Optimizer | None = None
        self.loss: _losses.Loss | None = None
        self._metric_ids: list[Any] = []
        self.stop_training = False
        self.history: History | None = None
        for layer in layers or []:
            self.add(layer)

    # ----- structure -----------------------------------------------------
    def add(self, layer: Layer | Input) -> None:
        """Append a layer (or declare the input shape with ``Input``)."""
        if isinstance(layer, Input):
            if self.layers:
                raise ValueError("Sequential: Input must come first")
            self.input_shape = layer.shape
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects an nnkit Layer, got "
                            f"{type(layer).__name__}")
        names = {existing.name for existing in self.layers}
        if layer._explicit_name:
            if layer.name in names:
                raise ValueError(f"Sequential '{self.name}': a layer "
                                 f"named '{layer.name}' already exists")
        else:
            base, k = layer.name, 1
            while layer.name in names:
                layer.name = f"{base}_{k}"
                k += 1
        for p in layer.parameters():
            p.path = f"{layer.name}/{p.name}"
        if self.dtype is not None and not layer._explicit_dtype \
                and not layer.built:
            layer.dtype = self.dtype
        if not self.layers and self.input_shape is None \
                and layer.input_shape is not None:
            self.input_shape = layer.input_shape
        self.layers.append(layer)
        if self.built:
            self._build_layer(layer, self._out_shape)
        elif self.input_shape is not None:
            self.build(self.input_shape)

    def _build_layer(self, layer: Layer, shape: tuple[int, ...]):
        if layer.built and layer.input_shape != tuple(shape):
            raise ValueError(
                f"{layer.describe()} was built for inputs "
                f"{layer.input_shape} but receives {tuple(shape)} here")
        layer.ensure_built(shape, self.rng)
        self._out_shape = layer.compute_output_shape(shape)

    def build(self, input_shape: Any) -> None:
        """Create every layer's weights for examples of this shape."""
        shape = as_shape(input_shape)
        self.input_shape = shape
        for layer in self.layers:
            self._build_layer(layer, shape)
            shape = self._out_shape
        self._out_shape = shape
        self.built = bool(self.layers)

    @property
    def output_shape(self) -> tuple[int, ...] | None:
        return self._out_shape if self.built else None

    def parameters(self) -> list[Parameter]:
        return [p for layer in self.layers for p in layer.parameters()]

    @property
    def trainable_parameters(self) -> list[Parameter]:
        return [p for p in self.parameters() if p.trainable]

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    def get_weights(self) -> list[np.ndarray]:
        return [w for layer in self.layers for w in layer.get_weights()]

    def set_weights(self, weights: list[np.ndarray]) -> None:
        weights = list(weights)
        need = len(self.parameters())
        if len(weights) != need:
            raise ValueError(f"Sequential '{self.name}' has {need} weight "
                             f"arrays, got {len(weights)}")
        for layer in self.layers:
            k = len(layer.parameters())
            layer.set_weights(weights[:k])
            weights = weights[k:]

    # ----- forward and backward ------------------------------------------
    def _prepare_x(self, x: Any, where: str) -> np.ndarray:
        return _inputs.prepare_x(self, x, where)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Run the layers in order; layers keep what backward needs."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def __call__(self, x: np.ndarray, training: bool = False):
        return self.forward(self._prepare_x(x, "Sequential"), training)

    def _fused_loss(self) -> _losses.Loss | None:
        """The logits form of the loss if the last activation fuses."""
        loss, last = self.loss, self.layers[-1]
        act = getattr(last, "activation", None)
        if (isinstance(loss, _losses._CrossEntropy)
                and not loss.from_logits
                and hasattr(last, "backward_preactivation")
                and act is not None
                and act.name == loss.activation_name):
            return loss.logits_form()
        return None

    def _data_loss(self, y, out) -> tuple[float, Any, bool]:
        """Loss value and its gradient (w.r.t. logits if fused)."""
        fused = self._fused_loss()
        if fused is not None:
            z = self.layers[-1].z
            return fused(y, z), fused.gradient(y, z), True
        return self.loss(y, out), self.loss.gradient(y, out), False

    def _penalties(self) -> float:
        total = 0.0
        for layer in self.layers:
            total += layer.regularization_loss()
            act_reg = getattr(layer, "activity_regularizer", None)
            if act_reg is not None:
                # Keras 3 divides an activity penalty by the batch size
                total += float(act_reg(layer.out)) / len(layer.out)
        return total

    def forward_backward(self, x: np.ndarray, y: np.ndarray,
                         training: bool = True
                         ) -> tuple[float, np.ndarray]:
        """Zero the gradients, run forward and backward; no update.

        Returns:
            (total loss including penalties, the model's output).
            Every Parameter's ``grad`` then holds d(total loss)/d(param).
        """
        for p in self.parameters():
            p.zero_grad()
        out = self.forward(x, training=training)
        data_loss, d, fused = self._data_loss(y, out)
        total = data_loss + self._penalties()
        if not math.isfinite(total):
            return total, out          # the caller diagnoses it
        first = self.layers[0]
        first.input_grad_needed = False    # dL/d(data) is never used
        try:
            for i in range(len(self.layers) - 1, -1, -1):
                layer = self.layers[i]
                act_reg = getattr(layer, "activity_regularizer", None)
                if fused and i == len(self.layers) - 1:
                    d = layer.backward_preactivation(d)
                else:
                    if act_reg is not None:
                        d = d + act_reg.gradient(layer.out) / len(layer.out)
                    d = layer.backward(d)
                layer.add_regularization_grads()
        finally:
            first.input_grad_needed = True
        return total, out

    # ----- compile / fit / evaluate / predict ------------------------------
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None,
                metrics: list | None = None) -> None:
        """Choose the optimizer, the loss and the metrics to report."""
        if loss is None:
            raise ValueError("compile: a loss is required, e.g. "
                             "loss='mse' or loss='binary_crossentropy'")
        self.optimizer = _optimizers.get(optimizer)
        if self.built and self.optimizer is not None:
            # an optimizer another model already used
            self.optimizer.check_parameters(self.parameters())
        self.loss = _losses.get(loss)
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise TypeError("compile: metrics must be a list, e.g. "
                            "metrics=['accuracy']")
        self._metric_ids = list(metrics or [])
        self._metric_fns: list[tuple[str, Any]] | None = None

    def _metrics(self) -> list[tuple[str, Any]]:
        """(name, stateful Metric) per compiled metric; ``fit`` and
        ``evaluate`` reset, update and read them as Keras does."""
        if getattr(self, "_metric_fns", None) is None:
            units = self.output_shape[-1] if self.output_shape else None
            self._metric_fns = []
            taken = {"loss"}
            for m in self._metric_ids:
                name, fn = _metrics.get(m, loss_name=self.loss.name,
                                        output_units=units)
                base, k = name, 1
                while name in taken:      # two AUCs: "auc", "auc_1"
                    name, k = f"{base}_{k}", k + 1
                taken.add(name)
                self._metric_fns.append((name,
                                         _metrics.as_metric(name, fn)))
        return self._metric_fns

    def _check_compiled(self, where: str) -> None:
        if self.optimizer is None or self.loss is None:
            raise RuntimeError(f"{where}: call compile(optimizer=..., "
                               f"loss=...) before {where}")

    def _check_xy(self, x, y, where: str):
        return _inputs.check_xy(self, x, y, where)

    def train_on_batch(self, x: Any, y: Any) -> float:
        """One optimisation step on one batch; returns its loss."""
        self._check_compiled("train_on_batch")
        x, y = self._check_xy(x, y, "train_on_batch")
        loss, _ = self._step(x, y, 0, 0, 1, 1)
        return loss

    def _step(self, x, y, epoch, batch, epochs, steps):
        with np.errstate(over="ignore", invalid="ignore"):
            loss, out = self.forward_backward(x, y, training=True)
        if not math.isfinite(loss):
            raise _divergence.diverged(self, loss, epoch, batch, epochs, steps)
        self.optimizer.apply(self.parameters())
        return loss, out

    def fit(self, x: Any, y: Any, epochs: int = 1, batch_size: int = 32,
            verbose: int = 1, callbacks: list[Callback] | None = None,
            validation_split: float = 0.0,
            validation_data: tuple | None = None, shuffle: bool = True,
            initial_epoch: int = 0) -> History:
        """Train for ``epochs`` passes over (x, y) in mini-batches.

        As in Keras: ``validation_split`` holds out the *last* fraction
        of the data (before shuffling); the reported training loss of an
        epoch is the mean of the batch losses (weighted by batch size),
        each measured before that batch's update; ``shuffle`` reorders
        the examples every epoch using the model's seeded generator.

        Returns:
            a History whose ``.history`` maps "loss", metric names and
            their ``"val_"`` versions to per-epoch lists.
        """
        self._check_compiled("fit")
        x, y, xv, yv = _inputs.check_fit_args(
            self, x, y, epochs, batch_size, validation_split,
            validation_data)

        n = len(x)
        steps = math.ceil(n / batch_size)
        history = History()
        # As in Keras, History comes after the user's callbacks, so it
        # records what they add to the logs (e.g. "learning_rate").
        cbs = list(callbacks or []) + [history]
        if verbose:
            cbs.append(ProgbarLogger(verbose))
        cb = CallbackList(cbs, self, {"epochs": epochs, "steps": steps,
                                      "verbose": verbose})
        metric_fns = self._metrics()
        self.stop_training = False
        cb.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            cb.on_epoch_begin(epoch)
            order = self.rng.permutation(n) if shuffle else np.arange(n)
            loss_sum, seen = 0.0, 0
            for _, metric in metric_fns:
                metric.reset_state()
            logs: dict[str, float] = {}
            for b in range(steps):
                idx = order[b * batch_size:(b + 1) * batch_size]
                xb, yb = x[idx], y[idx]
                cb.on_train_batch_begin(b)
                loss, out = self._step(xb, yb, epoch, b, epochs, steps)
                loss_sum += loss * len(idx)
                seen += len(idx)
                for _, metric in metric_fns:
                    metric.update_state(yb, out)
                logs = self._logs(loss_sum / seen, metric_fns)
                cb.on_train_batch_end(b, logs)
            if xv is not None:
                val = self.evaluate(xv, yv, batch_size=batch_size,
                                    return_dict=True)
                logs.update({f"val_{k}": v for k, v in val.items()})
            cb.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        cb.on_train_end()
        self.history = history
        return history

    @staticmethod
    def _logs(loss, metric_fns) -> dict[str, Any]:
        """"loss" (mean over the examples so far) and each metric's
        running result."""
        logs: dict[str, Any] = {"loss": float(loss)}
        for name, metric in metric_fns:
            value = metric.result()
            logs[name] = float(value) if np.ndim(value) == 0 else value
        return logs

    def evaluate(self, x: Any, y: Any, batch_size: int = 32,
                 verbose: int = 0, return_dict: bool = False):
        """Loss (and metrics) on (x, y) in inference mode.

        Returns the loss alone, ``[loss, metric...]`` when metrics were
        compiled, or a dict with ``return_dict=True`` (as Keras).
        """
        self._check_compiled("evaluate")
        x, y = self._check_xy(x, y, "evaluate")
        metric_fns = self._metrics()
        loss_sum = 0.0
        for _, metric in metric_fns:
            metric.reset_state()
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            out = self.forward(xb, training=False)
            loss = self._data_loss(yb, out)[0] + self._penalties()
            loss_sum += loss * len(xb)
            for _, metric in metric_fns:
                metric.update_state(yb, out)
        logs = self._logs(loss_sum / len(x), metric_fns)
        if verbose:
            print(" - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
        if return_dict:
            return logs
        return logs["loss"] if not metric_fns else list(logs.values())

    def predict(self, x: Any, batch_size: int | None = None,
                verbose: int = 0) -> np.ndarray:
        """The model's output for x, in inference mode."""
        x = self._prepare_x(x, "predict")
        x = x.astype(self.layers[0].dtype, copy=False)
        if batch_size is None or batch_size >= len(x):
            return self.forward(x, training=False)
        return np.concatenate([
            self.forward(x[s:s + batch_size], training=False)
            for s in range(0, len(x), batch_size)])

    # ----- summary -------------------------------------------------------
    def summary(self, print_fn: Any = print) -> str:
        """A Keras-like table of layers, output shapes and parameters."""
        return _summary.summary(self, print_fn)

    # ----- config, save and load ------------------------------------------
    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name, "seed": self.seed,
            "dtype": None if self.dtype is None else self.dtype.name,
            "layers": [{"class_name": type(layer).__name__,
                        "config": layer.get_config()}
                       for layer in self.layers]}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        model = cls(name=config.get("name", "sequential"),
                    seed=config.get("seed"), dtype=config.get("dtype"))
        for spec in config["layers"]:
            layer_cls = _layers.get(spec["class_name"])
            model.add(layer_cls.from_config(dict(spec["config"])))
        return model

    def save(self, path: str) -> str:
        """Save architecture, weights, compile settings and optimizer state.

        One ``.npz`` file: the arrays, plus a JSON document stored as a
        string array, so loading never unpickles anything.

        Returns:
            the path written (``.npz`` is appended if missing).
        """
        return _saving.save(self, path)

    @classmethod
    def load(cls, path: str) -> Sequential:
        """Rebuild a model saved by ``save`` (no pickle involved)."""
        return _saving.load(cls, path)

    def save_weights(self, path: str) -> str:
        """Save only the weights (``.npz``, keys ``weights/<i>/<name>``).

        Returns:
            the path written (``.npz`` is appended if missing).
        """
        return _saving.save_weights(self, path)

    def load_weights(self, path: str) -> None:
        """Load weights written by ``save_weights`` (or ``save``) into
        this model, which must have the same architecture and be built."""
        _saving.load_weights(self, path)

    def __repr__(self) -> str:
        return (f"<Sequential '{self.name}': {len(self.layers)} layers, "
                f"{self.count_params()} parameters>")


def load_model(path: str) -> Sequential:
    """Load a model written by ``Sequential.save``."""
    return Sequential.load(path)
