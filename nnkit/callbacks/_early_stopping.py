"""EarlyStopping: stop when the monitored metric stops improving."""

from __future__ import annotations

import numpy as np

from .. import _validate as check
from ._monitor import MonitorCallback

__all__ = ["EarlyStopping"]


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
        verbose: 1 prints, as Keras, the epoch that stopped training and
            the epoch whose weights are restored.
        mode: "min", "max" or "auto" (from the name).
        baseline: a value the monitored quantity must beat for ``wait``
            to be reset.
        restore_best_weights: restore the best epoch's weights at the end.
        start_from_epoch: epochs to ignore at the start (warm-up).
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0,
                 patience: int = 0, verbose: int = 0, mode: str = "auto",
                 baseline: float | None = None,
                 restore_best_weights: bool = False,
                 start_from_epoch: int = 0):
        super().__init__(monitor, mode, min_delta=min_delta)
        owner = "EarlyStopping"
        self.patience = check.non_negative_int(owner, "patience", patience)
        self.verbose = check.non_negative_int(owner, "verbose", verbose)
        self.start_from_epoch = check.non_negative_int(
            owner, "start_from_epoch", start_from_epoch)
        self.baseline = check.number(owner, "baseline", baseline,
                                     allow_none=True, allow_inf=True)
        self.restore_best_weights = check.boolean(
            owner, "restore_best_weights", restore_best_weights)
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
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best "
                      f"epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
