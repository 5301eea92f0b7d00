"""Callbacks: code that ``fit`` calls at fixed points of training.

The hooks and their ``logs`` follow Keras: ``on_epoch_end(epoch, logs)``
receives ``{"loss": ..., "accuracy": ..., "val_loss": ...}`` for the
epoch just finished; setting ``model.stop_training = True`` ends
training after the current epoch.
"""

from __future__ import annotations

import csv
import inspect
import os
import sys
import time
import warnings
from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
__all__ += ["MonitorCallback", "EarlyStopping", "ReduceLROnPlateau",
            "LearningRateScheduler", "ModelCheckpoint", "CSVLogger",
            "LambdaCallback"]


class Callback:
    """Base class; override the hooks you need. ``self.model`` is set."""

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params

    def on_train_begin(self, logs: dict | None = None) -> None: ...
    def on_train_end(self, logs: dict | None = None) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        ...
    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        ...
    def on_train_batch_begin(self, batch: int,
                             logs: dict | None = None) -> None: ...
    def on_train_batch_end(self, batch: int,
                           logs: dict | None = None) -> None: ...


class CallbackList(Callback):
    """Calls each hook on every callback in order."""

    def __init__(self, callbacks: list[Callback], model: Any,
                 params: dict[str, Any]):
        super().__init__()
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"fit: callbacks must be nnkit Callback "
                                f"objects, got {type(cb).__name__}")
            cb.set_model(model)
            cb.set_params(params)

    def _call(self, hook: str, *args: Any) -> None:
        for cb in self.callbacks:
            getattr(cb, hook)(*args)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs)


class History(Callback):
    """Records every epoch's logs: ``history.history["loss"][e]``."""

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for k, v in (logs or {}).items():
            self.history.setdefault(k, []).append(v)

    def __repr__(self) -> str:
        keys = ", ".join(self.history)
        return f"<History: {len(self.epoch)} epochs; {keys}>"


def _fmt(logs: dict[str, float]) -> str:
    return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())


class ProgbarLogger(Callback):
    """The text shown by ``fit(verbose=1)`` (a bar) or ``verbose=2``.

    verbose=1 redraws one line per epoch at most ~20 times, so a
    notebook's stored output stays small; verbose=2 prints one line
    per epoch.
    """

    def __init__(self, verbose: int = 1, stream: Any = None):
        super().__init__()
        self.verbose = verbose
        self.stream = stream

    def _out(self):
        return self.stream if self.stream is not None else sys.stdout

    def on_epoch_begin(self, epoch, logs=None):
        self._t0 = time.perf_counter()
        self._epoch = epoch
        self._shown = -1
        if self.verbose == 1:
            print(f"Epoch {epoch + 1}/{self.params.get('epochs')}",
                  file=self._out())

    def on_train_batch_end(self, batch, logs=None):
        if self.verbose != 1:
            return
        steps = self.params.get("steps") or 1
        tick = (batch + 1) * 20 // steps
        if tick == self._shown and batch + 1 < steps:
            return
        self._shown = tick
        bar = "=" * tick + (">" if tick < 20 else "") + "." * (19 - tick)
        print(f"\r{batch + 1}/{steps} [{bar[:20]}] - {_fmt(logs or {})}",
              end="", file=self._out(), flush=True)

    def on_epoch_end(self, epoch, logs=None):
        dt = time.perf_counter() - self._t0
        if self.verbose == 1:
            steps = self.params.get("steps")
            print(f"\r{steps}/{steps} [{'=' * 20}] - {dt:.2f}s - "
                  f"{_fmt(logs or {})}", file=self._out(), flush=True)
        elif self.verbose == 2:
            print(f"Epoch {epoch + 1}/{self.params.get('epochs')} - "
                  f"{dt:.2f}s - {_fmt(logs or {})}", file=self._out(),
                  flush=True)


# ----- callbacks that watch a metric ---------------------------------------
# These follow Keras 3's callbacks line by line in behaviour (which
# epoch stops, when the learning rate changes); the tests drive nnkit's
# and Keras' versions with the same metric values and compare.

_MAXIMISE = ("acc", "auc", "precision", "recall", "f1", "fbeta", "mcc")
_MINIMISE = ("loss", "error", "crossentropy", "mse", "mae", "hinge")


def _direction(owner: str, monitor: str, mode: str) -> str:
    """Return "min" or "max": should ``monitor`` go down or up?

    ``mode="auto"`` decides from the name, as Keras does from its
    metric objects: "loss" (and "val_loss") goes down, accuracy-like
    names go up, error-like names go down; anything else is an error.
    """
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{owner}: mode must be 'auto', 'min' or 'max', "
                         f"got {mode!r}")
    if mode != "auto":
        return mode
    name = monitor.removeprefix("val_").lower()
    if any(word in name for word in _MINIMISE):
        return "min"
    if any(word in name for word in _MAXIMISE):
        return "max"
    raise ValueError(f"{owner}: cannot tell whether {monitor!r} should "
                     f"be minimised or maximised; pass mode='min' or "
                     f"mode='max'")


def _check_number(owner: str, arg: str, value: Any, ok: Callable,
                  valid: str) -> float:
    if (not isinstance(value, Real) or isinstance(value, bool)
            or not ok(value)):
        raise ValueError(f"{owner}: {arg} must be {valid}, got {value!r}")
    return value


class MonitorCallback(Callback):
    """Shared logic of callbacks that track the best value of a metric.

    An epoch's value ``current`` improves on ``reference`` when (Keras'
    rule, with ``min_delta`` taken as ``|min_delta|``)

        current + min_delta < reference      (mode "min")
        current - min_delta > reference      (mode "max")

    so a change smaller than min_delta does not count. Keras makes the
    comparison with its tensor ops, which turn both Python floats into
    float32 first (even when floatx is float64); nnkit does the same, so
    two values equal in float32 are a tie in both libraries.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto",
                 baseline: float | None = None, min_delta: float = 0.0):
        super().__init__()
        owner = type(self).__name__
        if not isinstance(monitor, str):
            raise ValueError(f"{owner}: monitor must be a metric name such "
                             f"as 'val_loss', got {monitor!r}")
        _check_number(owner, "min_delta", min_delta, np.isfinite,
                      "a finite number")
        self.monitor, self.mode = monitor, mode
        self.direction = _direction(owner, monitor, mode)
        self.best = baseline
        self.min_delta = abs(float(min_delta))

    def _is_improvement(self, current: float,
                        reference: float | None) -> bool:
        if reference is None:
            return True
        ref = np.float32(reference)
        if self.direction == "min":
            return bool(np.float32(current + self.min_delta) < ref)
        return bool(np.float32(current - self.min_delta) > ref)

    def _monitored(self, logs: dict | None) -> float | None:
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"{type(self).__name__} monitors {self.monitor!r}, which is "
                f"not in the logs (available: {', '.join(logs or {})}); "
                f"did you forget validation data?", stacklevel=3)
        return value


class EarlyStopping(MonitorCallback):
    """Stop training when ``monitor`` has stopped improving.

    At each epoch end (from ``start_from_epoch`` on), exactly as Keras 3:
    ``wait`` grows by one; an improvement records ``best`` (and the
    weights) and resets ``wait`` to 0, unless a ``baseline`` is set and
    not beaten; otherwise, if ``wait >= patience`` and this is not the
    first epoch, training stops and ``stopped_epoch`` (0-based) is this
    epoch.

    With ``restore_best_weights=True`` the weights of the best epoch are
    put back when training ends, whether it ended by patience or by
    running out of epochs (Keras 3's behaviour; Keras 2 restored only
    after an early stop). Weights include non-trainable ones such as
    batch-norm moving statistics, as ``model.get_weights()`` does.

    Args:
        monitor: the log entry to watch, e.g. "val_loss".
        min_delta: smallest change that counts as an improvement.
        patience: epochs without improvement before stopping.
        mode: "min", "max" or "auto" (from the name).
        baseline: a value the monitored quantity must beat for ``wait``
            to be reset.
        restore_best_weights: restore the best epoch's weights at the end.
        start_from_epoch: epochs to ignore at the start (warm-up).
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0,
                 patience: int = 0, mode: str = "auto",
                 baseline: float | None = None,
                 restore_best_weights: bool = False,
                 start_from_epoch: int = 0):
        super().__init__(monitor, mode, min_delta=min_delta)
        for arg, v in (("patience", patience),
                       ("start_from_epoch", start_from_epoch)):
            if not isinstance(v, (int, np.integer)) or v < 0:
                raise ValueError(f"EarlyStopping: {arg} must be an integer "
                                 f">= 0, got {v!r}")
        self.patience, self.start_from_epoch = patience, start_from_epoch
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best_weights: list[np.ndarray] | None = None

    def on_train_begin(self, logs=None):
        self.wait = self.stopped_epoch = self.best_epoch = 0
        self.best = None
        self.best_weights = None

    def on_epoch_end(self, epoch, logs=None):
        current = self._monitored(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if (self.baseline is None
                    or self._is_improvement(current, self.baseline)):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` when progress stalls.

    At each epoch end, as Keras 3: the current rate is written to
    ``logs["learning_rate"]``; during a cooldown the counter drops by
    one and ``wait`` is reset; an improvement resets ``wait``; otherwise
    (outside cooldown) ``wait`` grows, and when it reaches ``patience``
    the rate becomes ``max(lr * factor, min_lr)`` (from the next epoch
    on), the cooldown starts and ``wait`` returns to 0. A rate already
    at ``min_lr`` (compared, like Keras, with min_lr rounded to
    float32) is left alone.

    Args:
        monitor: the log entry to watch.
        factor: multiplier in (0, 1).
        patience: epochs without improvement before reducing.
        mode: "min", "max" or "auto".
        min_delta: smallest change that counts as an improvement.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: lower bound on the learning rate.
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1,
                 patience: int = 10, mode: str = "auto",
                 min_delta: float = 1e-4, cooldown: int = 0,
                 min_lr: float = 0.0):
        super().__init__(monitor, mode, min_delta=min_delta)
        owner = "ReduceLROnPlateau"
        self.factor = float(_check_number(owner, "factor", factor,
                                          lambda v: 0 < v < 1, "in (0, 1)"))
        self.min_lr = float(_check_number(owner, "min_lr", min_lr,
                                          lambda v: 0 <= v < np.inf,
                                          "a finite number >= 0"))
        for arg, v in (("patience", patience), ("cooldown", cooldown)):
            if not isinstance(v, (int, np.integer)) or v < 0:
                raise ValueError(f"{owner}: {arg} must be an integer >= 0, "
                                 f"got {v!r}")
        self.patience, self.cooldown = patience, cooldown
        self.wait = self.cooldown_counter = 0

    def on_train_begin(self, logs=None):
        self.best = None
        self.wait = self.cooldown_counter = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = self._monitored(logs)
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best, self.wait = current, 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old_lr = float(optimizer.learning_rate)
                if old_lr > np.float32(self.min_lr):
                    optimizer.learning_rate = max(old_lr * self.factor,
                                                  self.min_lr)
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


class LearningRateScheduler(Callback):
    """Set the learning rate at the start of each epoch.

    ``schedule(epoch, lr)`` (epoch counted from 0, lr the current rate)
    returns the new rate; a one-argument ``schedule(epoch)`` also works.
    The rate used is written to ``logs["learning_rate"]`` at epoch end.

    Example, the rate times 0.2 every 5 epochs::

        LearningRateScheduler(
            lambda epoch, lr: lr * 0.2 if epoch and epoch % 5 == 0 else lr)
    """

    def __init__(self, schedule: Callable[..., float]):
        super().__init__()
        if not callable(schedule):
            raise ValueError(f"LearningRateScheduler: schedule must be a "
                             f"function (epoch, lr) -> lr, got "
                             f"{schedule!r}")
        self.schedule = schedule
        try:
            n_args = len(inspect.signature(schedule).parameters)
        except (TypeError, ValueError):     # some builtins: assume 2
            n_args = 2
        self._takes_lr = n_args >= 2

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        lr = (self.schedule(epoch, float(optimizer.learning_rate))
              if self._takes_lr else self.schedule(epoch))
        if not isinstance(lr, Real) or isinstance(lr, bool):
            raise ValueError(f"LearningRateScheduler: the schedule must "
                             f"return a number, got {lr!r} at epoch "
                             f"{epoch}")
        optimizer.learning_rate = float(lr)

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class ModelCheckpoint(MonitorCallback):
    """Save the model (or only its weights) at the end of epochs.

    ``filepath`` may contain ``{epoch}`` (counted from 1) and log
    entries, formatted with ``str.format``:
    ``"ckpt-{epoch:02d}-{val_loss:.3f}.npz"``. ``.npz`` is appended if
    missing. With ``save_best_only`` a file is written only when
    ``monitor`` improves on the best value so far (which starts at
    ``initial_value_threshold``); if ``monitor`` is missing from the
    logs it warns and saves, as Keras does. Load with
    ``nnkit.load_model(path)``, or ``model.load_weights(path)`` for
    ``save_weights_only=True``.
    """

    def __init__(self, filepath: str, monitor: str = "val_loss",
                 save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto",
                 initial_value_threshold: float | None = None):
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        self.filepath = os.fspath(filepath)
        self.save_best_only = bool(save_best_only)
        self.save_weights_only = bool(save_weights_only)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        try:
            path = self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as e:
            raise KeyError(f"ModelCheckpoint: cannot fill in filepath "
                           f"{self.filepath!r}: no log entry {e}") from None
        if self.save_best_only:
            current = self._monitored(logs)
            if current is not None:
                if not self._is_improvement(current, self.best):
                    return
                self.best = current
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class CSVLogger(Callback):
    """Write each epoch's logs as a row of a CSV file.

    Columns, as in Keras: ``epoch`` (from 0), then the log keys in
    sorted order. If the first epoch has no ``val_`` entries, Keras adds
    a ``val_`` column for every key anyway, filled with "NA"; so does
    nnkit, so the files are interchangeable.

    Args:
        filename: the CSV file.
        separator: the field delimiter.
        append: add to an existing file (no second header) instead of
            overwriting it.
    """

    def __init__(self, filename: str, separator: str = ",",
                 append: bool = False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep, self.append = separator, bool(append)
        self._file: Any = None
        self._writer: Any = None
        self.keys: list[str] | None = None

    def on_train_begin(self, logs=None):
        header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename) as f:
                header = not f.readline()
        self._close()
        self._file = open(self.filename, "a" if self.append else "w",
                          newline="")
        self._header, self._writer, self.keys = header, None, None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_")
                                     for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
        if self._writer is None:
            self._writer = csv.DictWriter(
                self._file, fieldnames=["epoch"] + self.keys,
                delimiter=self.sep)
            if self._header:
                self._writer.writeheader()
        self._writer.writerow({"epoch": epoch} | {
            k: logs.get(k, "NA") for k in self.keys})
        self._file.flush()

    def on_train_end(self, logs=None):
        self._close()

    def _close(self) -> None:
        if self._file is not None and not self._file.closed:
            self._file.close()
        self._writer = None


class LambdaCallback(Callback):
    """A callback from plain functions, e.g.
    ``LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch))``.

    Hooks and their arguments: ``on_train_begin(logs)``,
    ``on_train_end(logs)``, ``on_epoch_begin(epoch, logs)``,
    ``on_epoch_end(epoch, logs)``, ``on_train_batch_begin(batch, logs)``,
    ``on_train_batch_end(batch, logs)``.
    """

    def __init__(self, on_epoch_begin: Callable | None = None,
                 on_epoch_end: Callable | None = None,
                 on_train_begin: Callable | None = None,
                 on_train_end: Callable | None = None,
                 on_train_batch_begin: Callable | None = None,
                 on_train_batch_end: Callable | None = None):
        super().__init__()
        hooks = {"on_epoch_begin": on_epoch_begin,
                 "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin,
                 "on_train_end": on_train_end,
                 "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end}
        for hook, fn in hooks.items():
            if fn is None:
                continue
            if not callable(fn):
                raise ValueError(f"LambdaCallback: {hook} must be a "
                                 f"function, got {fn!r}")
            setattr(self, hook, fn)
