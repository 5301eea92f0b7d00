"""The Callback hooks, CallbackList, History and the progress bar."""

from __future__ import annotations

import sys
import time
from typing import Any

from .. import _validate as check

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]


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
        owner = "CallbackList"
        self.callbacks = check.list_of(owner, "callbacks", callbacks,
                                       Callback, "nnkit Callback",
                                       "[callback]")
        if not hasattr(model, "stop_training"):
            raise check.ArgumentTypeError(
                f"{owner}: model must be an nnkit model, got "
                f"{check.show(model)}")
        check.instance(owner, "params", params, dict, "a dict")
        for cb in self.callbacks:
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
        self.verbose = check.one_of("ProgbarLogger", "verbose", verbose,
                                    (0, 1, 2))
        if stream is not None and not callable(getattr(stream, "write",
                                                       None)):
            raise check.ArgumentTypeError(
                f"ProgbarLogger: stream must be a text stream (with a "
                f"write method) or None, got {check.show(stream)}")
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
