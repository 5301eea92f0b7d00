"""nnkit layers: each a file, each following ``Layer``'s protocol."""

from .activation import Activation
from .attention import (
    causal_mask,
    scaled_dot_product_attention,
    scaled_dot_product_attention_backward,
)
from .base import Layer, Parameter
from .batch_normalization import BatchNormalization
from .bidirectional import Bidirectional
from .conv import Conv2D
from .conv1d import Conv1D
from .conv_transpose import Conv2DTranspose
from .dense import Dense
from .dropout import Dropout
from .elu import ELU
from .embedding import Embedding
from .global_pooling import (
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
)
from .gru import GRU
from .im2col import col2im, conv_output_size, im2col
from .input_layer import Input, InputLayer  # noqa: F401 (documented in models)
from .kernel import KernelMixin
from .layer_normalization import LayerNormalization
from .leaky_relu import LeakyReLU
from .lstm import LSTM
from .masking import Masking
from .merging import Add, Average, Concatenate, Merge, Multiply, Subtract
from .multi_head_attention import MultiHeadAttention
from .pooling import AveragePooling2D, MaxPooling2D
from .pooling1d import AveragePooling1D, MaxPooling1D
from .position import (
    PositionEmbedding,
    SinePositionEncoding,
    sine_position_encoding,
)
from .prelu import PReLU
from .recurrent import Recurrent
from .relu import ReLU
from .reshape import Flatten, Reshape
from .residual import Residual
from .simple_rnn import SimpleRNN
from .softmax import Softmax
from .time_distributed import TimeDistributed
from .upsampling import UpSampling2D

__all__ = ["Layer", "Parameter", "KernelMixin", "Dense", "Activation", "get",
           "register"]
__all__ += ["Dropout", "BatchNormalization", "PReLU", "LeakyReLU", "ELU"]
__all__ += ["Recurrent", "SimpleRNN", "LSTM", "GRU", "Embedding",
            "TimeDistributed", "Masking", "Bidirectional"]
__all__ += ["Conv2D", "MaxPooling2D", "AveragePooling2D",
            "GlobalAveragePooling2D", "GlobalMaxPooling2D", "Flatten",
            "Reshape", "Residual", "conv_output_size", "im2col", "col2im"]
__all__ += ["Merge", "Add", "Subtract", "Multiply", "Average",
            "Concatenate"]

__all__ += ["Conv1D", "MaxPooling1D", "AveragePooling1D",
            "GlobalAveragePooling1D", "GlobalMaxPooling1D",
            "LayerNormalization", "ReLU", "Softmax", "UpSampling2D",
            "Conv2DTranspose", "MultiHeadAttention",
            "scaled_dot_product_attention",
            "scaled_dot_product_attention_backward", "causal_mask",
            "SinePositionEncoding", "PositionEmbedding",
            "sine_position_encoding"]

_REGISTRY: dict[str, type[Layer]] = {}


def register(cls: type[Layer]) -> type[Layer]:
    """Make a layer class known to ``get`` (used when loading models)."""
    _REGISTRY[cls.__name__] = cls
    return cls


for _cls in (Dense, Activation):
    register(_cls)
for _cls in (Dropout, BatchNormalization, PReLU, LeakyReLU, ELU):
    register(_cls)
for _cls in (SimpleRNN, LSTM, GRU, Embedding, TimeDistributed, Masking,
             Bidirectional):
    register(_cls)
for _cls in (Conv2D, MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D,
             GlobalMaxPooling2D, Flatten, Reshape, Residual):
    register(_cls)
for _cls in (InputLayer, Add, Subtract, Multiply, Average, Concatenate):
    register(_cls)

for _cls in (Conv1D, MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D,
             GlobalMaxPooling1D, LayerNormalization, ReLU, Softmax,
             UpSampling2D, Conv2DTranspose, MultiHeadAttention,
             SinePositionEncoding, PositionEmbedding):
    register(_cls)


def get(class_name: str) -> type[Layer]:
    """The layer class called ``class_name`` (for deserialisation)."""
    try:
        return _REGISTRY[class_name]
    except KeyError:
        raise ValueError(
            f"unknown layer class {class_name!r}; known: "
            f"{', '.join(sorted(_REGISTRY))}") from None
