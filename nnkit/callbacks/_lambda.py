"""LambdaCallback: a callback made of plain functions."""

from __future__ import annotations

from collections.abc import Callable

from .. import _validate as check
from ._base import Callback

__all__ = ["LambdaCallback"]


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
            if check.function("LambdaCallback", hook, fn,
                              allow_none=True) is not None:
                setattr(self, hook, fn)
