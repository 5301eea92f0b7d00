"""Sequential: a stack of layers trained by backpropagation.

The training step is the whole algorithm of chapter 3 in six lines::

    zero every gradient
    out = x -> layer_1 -> ... -> layer_L          (forward)
    loss = L(y, out) + penalties
    d = dL/d(out)
    d -> layer_L.backward -> ... -> layer_1        (backward)
    optimizer.apply(parameters)                    (update)

The public surface copies Keras (``add``, ``compile``, ``fit``,
``evaluate``, ``predict``, ``summary``, ``save``), so chapter code ports to
Keras by changing the import.

One Keras convention deserves a word: when the last layer ends in a
sigmoid (softmax) and the loss is binary (categorical) cross-entropy on
probabilities, Keras computes the loss from the logits instead, which is
exact and never saturates. ``Sequential`` does the same; the gradient
reaching the logits is then simply ``p - y`` (divided by N).
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from . import layers as _layers
from . import losses as _losses
from . import metrics as _metrics
from . import optimizers as _optimizers
from .callbacks import Callback, CallbackList, History, ProgbarLogger
from .layers.base import Layer, Parameter, as_shape
from .layers.sequence_checks import check_not_ragged

__all__ = ["Sequential", "Input", "load_model", "TrainingDivergedError"]

_FORMAT = "nnkit.Sequential"
_VERSION = 1


class TrainingDivergedError(FloatingPointError):
    """Raised by ``fit`` when the loss stops being a finite number.

    Attributes ``epoch``, ``batch`` (both 1-based) and ``layer`` (the
    name of the first layer with non-finite output, or None) say where.
    """

    def __init__(self, message: str, epoch: int, batch: int,
                 layer: str | None):
        super().__init__(message)
        self.epoch, self.batch, self.layer = epoch, batch, layer


class Input:
    """Declares the per-example input shape, as ``keras.Input(shape=...)``.

    ``Sequential([Input((2,)), Dense(4)])`` builds the model at once.
    """

    def __init__(self, shape: Any):
        self.shape = as_shape(shape)


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
        check_not_ragged(where, x)
        x = np.asarray(x)
        if not self.layers:
            raise ValueError(f"{where}: the model has no layers")
        if x.dtype.kind not in "fiub":
            raise TypeError(f"{where}: x must be numeric, got dtype "
                            f"{x.dtype}")
        if x.ndim < 1 or len(x) == 0:
            raise ValueError(f"{where}: x must be a non-empty batch, got "
                             f"shape {x.shape}")
        if not self.built:
            self.build(x.shape[1:])
        return x

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
        self.loss = _losses.get(loss)
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise TypeError("compile: metrics must be a list, e.g. "
                            "metrics=['accuracy']")
        self._metric_ids = list(metrics or [])
        self._metric_fns: list[tuple[str, Any]] | None = None

    def _metrics(self) -> list[tuple[str, Any]]:
        if getattr(self, "_metric_fns", None) is None:
            units = self.output_shape[-1] if self.output_shape else None
            self._metric_fns = [
                _metrics.get(m, loss_name=self.loss.name,
                             output_units=units)
                for m in self._metric_ids]
        return self._metric_fns

    def _check_compiled(self, where: str) -> None:
        if self.optimizer is None or self.loss is None:
            raise RuntimeError(f"{where}: call compile(optimizer=..., "
                               f"loss=...) before {where}")

    def _check_xy(self, x, y, where: str):
        x = self._prepare_x(x, where)
        y = np.asarray(y)
        if len(y) != len(x):
            raise ValueError(f"{where}: x has {len(x)} examples but y has "
                             f"{len(y)}")
        for arr, label in ((x, "x"), (y, "y")):
            if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
                bad = ~np.isfinite(arr.reshape(len(arr), -1)).all(axis=1)
                raise ValueError(
                    f"{where}: {label} contains NaN or inf in "
                    f"{int(bad.sum())} example(s), the first at index "
                    f"{int(np.argmax(bad))}; clean or impute them first")
        # Catch label/loss mismatches (e.g. label 3 with 3 classes) now,
        # with the loss' own message, rather than mid-epoch.
        dtype = self.layers[0].dtype
        self.loss.prepare(y, np.zeros((len(y),) + self.output_shape,
                                      dtype=dtype))
        return x.astype(dtype, copy=False), y

    def _diverged(self, loss: float, epoch: int, batch: int,
                  epochs: int, steps: int) -> TrainingDivergedError:
        where = f"epoch {epoch + 1}/{epochs}, batch {batch + 1}/{steps}"
        culprit, i = None, 0
        for i, layer in enumerate(self.layers):  # noqa: B007 (i used below)
            out = getattr(layer, "out", None)
            if out is not None and not np.all(np.isfinite(out)):
                culprit = layer
                break
        if culprit is None:
            # Outputs still finite: the loss overflowed on huge outputs.
            last = self.layers[-1]
            peak = float(np.max(np.abs(last.out)))
            detail = (f"every layer's output is finite, but the output of "
                      f"{last.describe()} reaches {peak:.3g} and the loss "
                      f"overflowed {last.dtype.name}")
            name = last.name
        else:
            big = max((float(np.max(np.abs(p.data)))
                       for p in culprit.parameters()), default=0.0)
            detail = (f"the first non-finite values appear in the output "
                      f"of {culprit.describe()} (layer {i + 1} of "
                      f"{len(self.layers)}; its largest |weight| is "
                      f"{big:.3g})")
            name = culprit.name
        msg = (f"fit stopped at {where}: the loss became {loss}; {detail}. "
               f"Try a smaller learning rate, scaled inputs or gradient "
               f"clipping.")
        return TrainingDivergedError(msg, epoch + 1, batch + 1, name)

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
            raise self._diverged(loss, epoch, batch, epochs, steps)
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
        for arg, v in (("epochs", epochs), ("batch_size", batch_size)):
            if not isinstance(v, (int, np.integer)) or v < 1:
                raise ValueError(f"fit: {arg} must be a positive integer, "
                                 f"got {v!r}")
        if not 0.0 <= validation_split < 1.0:
            raise ValueError(f"fit: validation_split must be in [0, 1), "
                             f"got {validation_split}")
        x, y = self._check_xy(x, y, "fit")
        if validation_data is not None:
            if len(validation_data) != 2:
                raise ValueError("fit: validation_data must be (x_val, "
                                 "y_val)")
            xv, yv = self._check_xy(*validation_data, "fit "
                                    "(validation_data)")
        elif validation_split:
            cut = int(math.floor(len(x) * (1.0 - validation_split)))
            if cut < 1 or cut == len(x):
                raise ValueError(f"fit: validation_split="
                                 f"{validation_split} leaves no training "
                                 f"or no validation data for {len(x)} "
                                 f"examples")
            x, xv, y, yv = x[:cut], x[cut:], y[:cut], y[cut:]
        else:
            xv = yv = None

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
            sums = np.zeros(1 + len(metric_fns))
            seen = 0
            logs: dict[str, float] = {}
            for b in range(steps):
                idx = order[b * batch_size:(b + 1) * batch_size]
                xb, yb = x[idx], y[idx]
                cb.on_train_batch_begin(b)
                loss, out = self._step(xb, yb, epoch, b, epochs, steps)
                vals = [loss] + [fn(yb, out) for _, fn in metric_fns]
                sums += np.array(vals) * len(idx)
                seen += len(idx)
                logs = self._logs(sums / seen, metric_fns)
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
    def _logs(values, metric_fns) -> dict[str, float]:
        names = ["loss"] + [name for name, _ in metric_fns]
        return {k: float(v) for k, v in zip(names, values)}

    def evaluate(self, x: Any, y: Any, batch_size: int = 32,
                 verbose: int = 0, return_dict: bool = False):
        """Loss (and metrics) on (x, y) in inference mode.

        Returns the loss alone, ``[loss, metric...]`` when metrics were
        compiled, or a dict with ``return_dict=True`` (as Keras).
        """
        self._check_compiled("evaluate")
        x, y = self._check_xy(x, y, "evaluate")
        metric_fns = self._metrics()
        sums = np.zeros(1 + len(metric_fns))
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size], y[start:start + batch_size]
            out = self.forward(xb, training=False)
            loss = self._data_loss(yb, out)[0] + self._penalties()
            vals = [loss] + [fn(yb, out) for _, fn in metric_fns]
            sums += np.array(vals) * len(xb)
        logs = self._logs(sums / len(x), metric_fns)
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
        rows = [("Layer (type)", "Output Shape", "Param #")]
        shape = self.input_shape
        for layer in self.layers:
            if layer.built and shape is not None:
                shape = layer.compute_output_shape(shape)
                out = str((None,) + tuple(shape))
                count = f"{layer.count_params():,}"
            else:
                out, count = "? (unbuilt)", "0"
            rows.append((f"{layer.name} ({type(layer).__name__})", out,
                         count))
        widths = [max(len(r[i]) for r in rows) + 2 for i in range(3)]
        widths[0] = max(widths[0], 30)
        line = "-" * sum(widths)

        def fmt(r):
            return (r[0].ljust(widths[0]) + r[1].ljust(widths[1])
                    + r[2].rjust(widths[2]))

        total = self.count_params()
        trainable = sum(p.data.size for p in self.trainable_parameters)
        text = "\n".join(
            [f'Model: "{self.name}"', line, fmt(rows[0]), "=" * len(line)]
            + [fmt(r) for r in rows[1:]]
            + [line, f"Total params: {total:,}",
               f"Trainable params: {trainable:,}",
               f"Non-trainable params: {total - trainable:,}", line])
        if print_fn is not None:
            print_fn(text)
        return text

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
        path = str(path)
        if not path.endswith(".npz"):
            path += ".npz"
        meta: dict[str, Any] = {
            "format": _FORMAT, "version": _VERSION,
            "config": self.get_config(),
            "input_shape": (None if self.input_shape is None
                            else list(self.input_shape)),
            "built": self.built,
            "rng_state": self.rng.bit_generator.state,
            "layer_states": {str(i): layer.get_state()
                             for i, layer in enumerate(self.layers)
                             if layer.get_state()},
            "compile": None}
        arrays: dict[str, np.ndarray] = {}
        for i, layer in enumerate(self.layers):
            for p in layer.parameters():
                arrays[f"weights/{i}/{p.name}"] = p.data
        if self.optimizer is not None:
            meta["compile"] = {
                "optimizer": _optimizers.serialize(self.optimizer),
                "loss": _losses.serialize(self.loss),
                "metrics": self._metric_ids}
            state = self.optimizer.get_state(self.parameters())
            for k, v in state.items():
                arrays[f"optimizer/{k}"] = v
        arrays["__meta__"] = np.array(json.dumps(meta))
        np.savez(path, **arrays)
        return path

    @classmethod
    def load(cls, path: str) -> Sequential:
        """Rebuild a model saved by ``save`` (no pickle involved)."""
        with np.load(str(path), allow_pickle=False) as data:
            if "__meta__" not in data:
                raise ValueError(f"{path} is not an nnkit model file "
                                 "(no __meta__ entry)")
            meta = json.loads(str(data["__meta__"]))
            if meta.get("format") != _FORMAT:
                raise ValueError(f"{path}: unknown format "
                                 f"{meta.get('format')!r}")
            arrays = {k: data[k] for k in data.files}
        model = cls.from_config(meta["config"])
        if meta["built"] and meta["input_shape"] is not None:
            model.build(meta["input_shape"])
        for i, layer in enumerate(model.layers):
            layer.set_weights([arrays[f"weights/{i}/{p.name}"]
                               for p in layer.parameters()])
        model.rng.bit_generator.state = meta["rng_state"]
        for i, state in meta.get("layer_states", {}).items():
            model.layers[int(i)].set_state(state)
        comp = meta.get("compile")
        if comp is not None:
            model.compile(_optimizers.get(comp["optimizer"]),
                          _losses.get(comp["loss"]), comp["metrics"])
            state = {k[len("optimizer/"):]: v for k, v in arrays.items()
                     if k.startswith("optimizer/")}
            model.optimizer.set_state(model.parameters(), state)
        return model

    def save_weights(self, path: str) -> str:
        """Save only the weights (``.npz``, keys ``weights/<i>/<name>``).

        Returns:
            the path written (``.npz`` is appended if missing).
        """
        path = str(path)
        if not path.endswith(".npz"):
            path += ".npz"
        np.savez(path, **{f"weights/{i}/{p.name}": p.data
                          for i, layer in enumerate(self.layers)
                          for p in layer.parameters()})
        return path

    def load_weights(self, path: str) -> None:
        """Load weights written by ``save_weights`` (or ``save``) into
        this model, which must have the same architecture and be built."""
        with np.load(str(path), allow_pickle=False) as data:
            for i, layer in enumerate(self.layers):
                keys = [f"weights/{i}/{p.name}" for p in layer.parameters()]
                missing = [k for k in keys if k not in data.files]
                if missing:
                    raise ValueError(f"load_weights: {path} has no "
                                     f"{missing[0]!r}; was it saved from "
                                     f"a model with this architecture?")
                layer.set_weights([data[k] for k in keys])

    def __repr__(self) -> str:
        return (f"<Sequential '{self.name}': {len(self.layers)} layers, "
                f"{self.count_params()} parameters>")


def load_model(path: str) -> Sequential:
    """Load a model written by ``Sequential.save``."""
    return Sequential.load(path)
