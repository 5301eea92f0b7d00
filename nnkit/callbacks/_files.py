"""Callbacks that write files: ModelCheckpoint and CSVLogger."""

from __future__ import annotations

import csv
import os
from typing import Any

from .. import _validate as check
from ._base import Callback
from ._monitor import MonitorCallback

__all__ = ["ModelCheckpoint", "CSVLogger"]


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

    Args:
        verbose: 1 prints, as Keras, each save (and with
            ``save_best_only`` each epoch that did not improve).
    """

    def __init__(self, filepath: str, monitor: str = "val_loss",
                 verbose: int = 0, save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto",
                 initial_value_threshold: float | None = None):
        owner = "ModelCheckpoint"
        check.number(owner, "initial_value_threshold",
                     initial_value_threshold, allow_none=True,
                     allow_inf=True)
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        self.filepath = check.path(owner, "filepath", filepath)
        self.verbose = check.non_negative_int(owner, "verbose", verbose)
        self.save_best_only = check.boolean(owner, "save_best_only",
                                            save_best_only)
        self.save_weights_only = check.boolean(owner, "save_weights_only",
                                               save_weights_only)

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
                best = "None" if self.best is None else f"{self.best:.5f}"
                if not self._is_improvement(current, self.best):
                    if self.verbose:
                        print(f"\nEpoch {epoch + 1}: {self.monitor} did not "
                              f"improve from {best}")
                    return
                if self.verbose:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} improved "
                          f"from {best} to {current:.5f}, saving model to "
                          f"{path}")
                self.best = current
        elif self.verbose:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: finished saving model to {path}")


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
        owner = "CSVLogger"
        self.filename = check.path(owner, "filename", filename)
        self.sep = check.string(owner, "separator", separator)
        self.append = check.boolean(owner, "append", append)
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
