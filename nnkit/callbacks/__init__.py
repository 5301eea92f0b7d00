"""Callbacks: code that ``fit`` calls at fixed points of training.

The hooks and their ``logs`` follow Keras: ``on_epoch_end(epoch, logs)``
receives ``{"loss": ..., "accuracy": ..., "val_loss": ...}`` for the
epoch just finished; setting ``model.stop_training = True`` ends
training after the current epoch.
"""

from .._public import set_public_module
from ._base import Callback, CallbackList, History, ProgbarLogger
from ._early_stopping import EarlyStopping
from ._files import CSVLogger, ModelCheckpoint
from ._lambda import LambdaCallback
from ._learning_rate import LearningRateScheduler, ReduceLROnPlateau
from ._monitor import MonitorCallback

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
__all__ += ["MonitorCallback", "EarlyStopping", "ReduceLROnPlateau",
            "LearningRateScheduler", "ModelCheckpoint", "CSVLogger",
            "LambdaCallback"]

set_public_module(__name__, __all__)
