"""nnkit layers: each a file, each following ``Layer``'s protocol."""

from .activation import Activation
from .base import Layer, Parameter
from .batch_normalization import BatchNormalization
from .conv import Conv2D
from .dense import Dense
from .dropout import Dropout
from .elu import ELU
from .embedding import Embedding
from .global_pooling import GlobalAveragePooling2D, GlobalMaxPooling2D
from .gru import GRU
from .im2col import col2im, conv_output_size, im2col
from .input_layer import Input, InputLayer  # noqa: F401 (documented in models)
from .kernel import KernelMixin
from .leaky_relu import LeakyReLU
from .lstm import LSTM
from .merging import Add, Average, Concatenate, Merge, Multiply, Subtract
from .pooling import AveragePooling2D, MaxPooling2D
from .prelu import PReLU
from .recurrent import Recurrent
from .reshape import Flatten, Reshape
from .residual import Residual
from .simple_rnn import SimpleRNN
from .time_distributed import TimeDistributed

__all__ = ["Layer", "Parameter", "KernelMixin", "Dense", "Activation", "get",
           "register"]
__all__ += ["Dropout", "BatchNormalization", "PReLU", "LeakyReLU", "ELU"]
__all__ += ["Recurrent", "SimpleRNN", "LSTM", "GRU", "Embedding",
            "TimeDistributed"]
__all__ += ["Conv2D", "MaxPooling2D", "AveragePooling2D",
            "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten",
            "Reshape", "Residual", "conv_output_size", "im2col", "col2im"]
__all__ += ["Merge", "Add", "Subtract", "Multiply", "Average",
            "Concatenate"]

_REGISTRY: dict[str, type[Layer]] = {}


def register(cls: type[Layer]) -> type[Layer]:
    """Make a layer class known to ``get`` (used when loading models)."""
    _REGISTRY[cls.__name__] = cls
    return cls


for _cls in (Dense, Activation):
    register(_cls)
for _cls in (Dropout, BatchNormalization, PReLU, LeakyReLU, ELU):
    register(_cls)
for _cls in (SimpleRNN, LSTM, GRU, Embedding, TimeDistributed):
    register(_cls)
for _cls in (Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D,
             GlobalMaxPooling2D, Flatten, Reshape, Residual):
    register(_cls)
for _cls in (InputLayer, Add, Subtract, Multiply, Average, Concatenate):
    register(_cls)


def get(class_name: str) -> type[Layer]:
    """The layer class called ``class_name`` (for deserialisation)."""
    try:
        return _REGISTRY[class_name]
    except KeyError:
        raise ValueError(
            f"unknown layer class {class_name!r}; known: "
            f"{', '.join(sorted(_REGISTRY))}") from None
