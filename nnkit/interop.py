"""Move models between nnkit and Keras: same architecture, same weights.

Because nnkit follows Keras' weight layouts (Dense kernel (in, out),
bias (out,)), weights copy across with ``get_weights``/``set_weights``
and no transposes. This is the only module that imports Keras, and only
inside its functions, so ``import nnkit`` stays light.

Layer converters live in two registries keyed by class name, so later
layer families (convolutional, recurrent) add themselves with
``register_to_keras`` / ``register_from_keras``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from . import activations as _acts
from . import layers as _layers
from .layers import Activation, Dense, Layer
from .losses import Loss
from .models import Sequential
from .optimizers import Optimizer

__all__ = ["to_keras", "from_keras", "optimizer_to_keras", "loss_to_keras",
           "activation_to_keras", "activation_from_keras",
           "regularizer_to_keras", "import_keras",
           "register_to_keras", "register_from_keras"]

_TO_KERAS: dict[str, Callable[[Layer, Any], Any]] = {}
_FROM_KERAS: dict[str, Callable[[Any], Layer]] = {}


def import_keras() -> Any:
    """Import Keras (TensorFlow backend) without start-up noise.

    TensorFlow's C++ runtime prints a few lines straight to the process'
    stderr while it loads (the absl and oneDNN notices), which
    ``TF_CPP_MIN_LOG_LEVEL`` does not stop and which would end up in a
    notebook's output. So the first import runs with file descriptor 2
    pointed at /dev/null; Python-level errors still raise normally.
    """
    import sys
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "keras" in sys.modules:
        return sys.modules["keras"]
    saved = os.dup(2)
    try:
        sys.stderr.flush()
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            import keras
    finally:
        os.dup2(saved, 2)
        os.close(saved)
    # tf.function retracing notices etc. are advice for production code,
    # noise in a textbook's output.
    import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    return keras


def register_to_keras(class_name: str):
    def deco(fn):
        _TO_KERAS[class_name] = fn
        return fn
    return deco


def register_from_keras(class_name: str):
    def deco(fn):
        _FROM_KERAS[class_name] = fn
        return fn
    return deco


def activation_to_keras(act: _acts.Activation) -> Any:
    """The Keras activation equal to an nnkit one (name or callable)."""
    keras = import_keras()
    if isinstance(act, _acts.LeakyReLU):
        slope = act.negative_slope

        def leaky_relu(x):
            return keras.activations.leaky_relu(x, negative_slope=slope)
        leaky_relu.nnkit_activation = act   # lets from_keras recover it
        return leaky_relu
    if isinstance(act, _acts.ELU) and act.alpha != 1.0:
        alpha = act.alpha

        def elu(x):
            return keras.activations.elu(x, alpha=alpha)
        elu.nnkit_activation = act
        return elu
    if isinstance(act, _acts.Step):
        raise ValueError("the step activation has no Keras twin (it has "
                         "no useful gradient); use a Perceptron instead")
    return {"swish": "silu"}.get(act.name, act.name)


def activation_from_keras(fn: Any) -> _acts.Activation:
    if hasattr(fn, "nnkit_activation"):
        return fn.nnkit_activation
    name = getattr(fn, "__name__", str(fn))
    name = {"silu": "swish"}.get(name, name)
    return _acts.get(name)


def regularizer_to_keras(reg: Any) -> Any:
    """The Keras penalty with the same class and rates (or None)."""
    if reg is None:
        return None
    keras = import_keras()
    cls = {"l1": keras.regularizers.L1, "l2": keras.regularizers.L2,
           "l1_l2": keras.regularizers.L1L2}[reg.name]
    return cls(**reg.get_config())


@register_to_keras("Dense")
def _dense_to_keras(layer: Dense, keras: Any) -> Any:
    return keras.layers.Dense(
        layer.units, activation=activation_to_keras(layer.activation),
        use_bias=layer.use_bias, name=layer.name, dtype=layer.dtype.name,
        kernel_regularizer=regularizer_to_keras(layer.kernel_regularizer),
        bias_regularizer=regularizer_to_keras(layer.bias_regularizer),
        activity_regularizer=regularizer_to_keras(
            layer.activity_regularizer))


@register_to_keras("Activation")
def _activation_to_keras(layer: Activation, keras: Any) -> Any:
    return keras.layers.Activation(activation_to_keras(layer.activation),
                                   name=layer.name, dtype=layer.dtype.name)


@register_from_keras("Dense")
def _dense_from_keras(k: Any) -> Layer:
    return Dense(k.units, activation=activation_from_keras(k.activation),
                 use_bias=k.use_bias, name=k.name,
                 dtype=_keras_dtype(k))


@register_from_keras("Activation")
def _activation_from_keras(k: Any) -> Layer:
    return Activation(activation_from_keras(k.activation), name=k.name,
                      dtype=_keras_dtype(k))


# ----- training layers: dropout, batch norm, parametric activations ---
def _common(layer: Layer) -> dict[str, Any]:
    return {"name": layer.name, "dtype": layer.dtype.name}


def _common_from(k: Any) -> dict[str, Any]:
    return {"name": k.name, "dtype": _keras_dtype(k)}


@register_to_keras("Dropout")
def _dropout_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Dropout(layer.rate, seed=layer.seed,
                                **_common(layer))


@register_from_keras("Dropout")
def _dropout_from_keras(k: Any) -> Layer:
    if k.noise_shape is not None:
        raise ValueError(f"from_keras: Dropout {k.name!r} uses "
                         f"noise_shape, which nnkit's Dropout lacks")
    return _layers.Dropout(k.rate, seed=k.seed, **_common_from(k))


@register_to_keras("BatchNormalization")
def _batchnorm_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.BatchNormalization(
        axis=layer.axis, momentum=layer.momentum, epsilon=layer.epsilon,
        center=layer.center, scale=layer.scale,
        beta_regularizer=regularizer_to_keras(layer.beta_regularizer),
        gamma_regularizer=regularizer_to_keras(layer.gamma_regularizer),
        **_common(layer))


@register_from_keras("BatchNormalization")
def _batchnorm_from_keras(k: Any) -> Layer:
    if k.renorm:
        raise ValueError(f"from_keras: BatchNormalization {k.name!r} "
                         f"uses renorm, which nnkit lacks")
    return _layers.BatchNormalization(
        axis=k.axis, momentum=k.momentum, epsilon=k.epsilon,
        center=k.center, scale=k.scale, **_common_from(k))


@register_to_keras("PReLU")
def _prelu_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.PReLU(
        shared_axes=layer.shared_axes,
        alpha_regularizer=regularizer_to_keras(layer.alpha_regularizer),
        **_common(layer))


@register_from_keras("PReLU")
def _prelu_from_keras(k: Any) -> Layer:
    return _layers.PReLU(shared_axes=k.shared_axes, **_common_from(k))


@register_to_keras("LeakyReLU")
def _leaky_relu_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.LeakyReLU(negative_slope=layer.negative_slope,
                                  **_common(layer))


@register_from_keras("LeakyReLU")
def _leaky_relu_from_keras(k: Any) -> Layer:
    return _layers.LeakyReLU(negative_slope=float(k.negative_slope),
                             **_common_from(k))


@register_to_keras("ELU")
def _elu_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.ELU(alpha=layer.alpha, **_common(layer))


@register_from_keras("ELU")
def _elu_from_keras(k: Any) -> Layer:
    return _layers.ELU(alpha=float(k.alpha), **_common_from(k))


# ----- convolutional layers ----------------------------------------------
def _channels_last(k: Any) -> None:
    fmt = getattr(k, "data_format", "channels_last")
    if fmt != "channels_last":
        raise ValueError(f"from_keras: {type(k).__name__} {k.name!r} uses "
                         f"data_format={fmt!r}; nnkit is channels_last")


@register_to_keras("Conv2D")
def _conv2d_to_keras(layer: Any, keras: Any) -> Any:
    if max(layer.strides) > 1 and max(layer.dilation_rate) > 1:
        raise ValueError(f"to_keras: {layer.describe()} combines strides "
                         f"{layer.strides} with dilation_rate "
                         f"{layer.dilation_rate}, which Keras refuses")
    return keras.layers.Conv2D(
        layer.filters, layer.kernel_size, strides=layer.strides,
        padding=layer.padding, dilation_rate=layer.dilation_rate,
        activation=activation_to_keras(layer.activation),
        use_bias=layer.use_bias, name=layer.name, dtype=layer.dtype.name,
        kernel_regularizer=regularizer_to_keras(layer.kernel_regularizer),
        bias_regularizer=regularizer_to_keras(layer.bias_regularizer),
        activity_regularizer=regularizer_to_keras(
            layer.activity_regularizer))


@register_from_keras("Conv2D")
def _conv2d_from_keras(k: Any) -> Layer:
    _channels_last(k)
    if k.groups != 1:
        raise ValueError(f"from_keras: Conv2D {k.name!r} uses groups="
                         f"{k.groups}; nnkit's Conv2D has no groups")
    return _layers.Conv2D(
        k.filters, k.kernel_size, strides=k.strides, padding=k.padding,
        dilation_rate=k.dilation_rate,
        activation=activation_from_keras(k.activation),
        use_bias=k.use_bias, name=k.name, dtype=_keras_dtype(k))


def _pooling_to_keras(layer: Any, keras: Any) -> Any:
    cls = getattr(keras.layers, type(layer).__name__)
    return cls(pool_size=layer.pool_size, strides=layer.strides,
               padding=layer.padding, name=layer.name,
               dtype=layer.dtype.name)


def _pooling_from_keras(k: Any) -> Layer:
    _channels_last(k)
    cls = getattr(_layers, type(k).__name__)
    return cls(pool_size=k.pool_size, strides=k.strides,
               padding=k.padding, name=k.name, dtype=_keras_dtype(k))


def _global_to_keras(layer: Any, keras: Any) -> Any:
    cls = getattr(keras.layers, type(layer).__name__)
    return cls(keepdims=layer.keepdims, name=layer.name,
               dtype=layer.dtype.name)


def _global_from_keras(k: Any) -> Layer:
    _channels_last(k)
    cls = getattr(_layers, type(k).__name__)
    return cls(keepdims=k.keepdims, name=k.name, dtype=_keras_dtype(k))


for _name in ("MaxPooling2D", "AveragePooling2D"):
    register_to_keras(_name)(_pooling_to_keras)
    register_from_keras(_name)(_pooling_from_keras)
for _name in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
    register_to_keras(_name)(_global_to_keras)
    register_from_keras(_name)(_global_from_keras)


@register_to_keras("Flatten")
def _flatten_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Flatten(name=layer.name, dtype=layer.dtype.name)


@register_from_keras("Flatten")
def _flatten_from_keras(k: Any) -> Layer:
    _channels_last(k)
    return _layers.Flatten(name=k.name, dtype=_keras_dtype(k))


@register_to_keras("Reshape")
def _reshape_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Reshape(layer.target_shape, name=layer.name,
                                dtype=layer.dtype.name)


@register_from_keras("Reshape")
def _reshape_from_keras(k: Any) -> Layer:
    return _layers.Reshape(k.target_shape, name=k.name,
                           dtype=_keras_dtype(k))


@register_to_keras("Residual")
def _residual_to_keras(layer: Any, keras: Any) -> Any:
    raise ValueError(
        f"to_keras: {layer.describe()} has no keras.Sequential twin; "
        f"build a functional model instead: y = keras.layers.Add()"
        f"([F(x), x]) with F the block's layers")


# ----- sequence layers: recurrent, embedding, time-distributed -------
def _layer_class(name: str) -> type[Layer]:
    from .layers import get
    return get(name)


def _recurrent_to_keras(layer: Any, keras: Any) -> Any:
    # bptt_truncate only changes nnkit's backward pass: no Keras twin.
    kw = dict(
        activation=activation_to_keras(layer.activation),
        use_bias=layer.use_bias, return_sequences=layer.return_sequences,
        return_state=layer.return_state, go_backwards=layer.go_backwards,
        kernel_regularizer=regularizer_to_keras(layer.kernel_regularizer),
        recurrent_regularizer=regularizer_to_keras(
            layer.recurrent_regularizer),
        bias_regularizer=regularizer_to_keras(layer.bias_regularizer),
        name=layer.name, dtype=layer.dtype.name)
    name = type(layer).__name__
    if name != "SimpleRNN":
        kw["recurrent_activation"] = activation_to_keras(
            layer.recurrent_activation)
    if name == "LSTM":
        kw["unit_forget_bias"] = layer.unit_forget_bias
    if name == "GRU":
        kw["reset_after"] = True
    return getattr(keras.layers, name)(layer.units, **kw)


def _recurrent_from_keras(k: Any) -> Layer:
    name = type(k).__name__
    for arg in ("dropout", "recurrent_dropout"):
        if getattr(k, arg, 0.0):
            raise ValueError(f"from_keras: {name} {k.name!r} uses {arg}, "
                             f"which nnkit's {name} lacks")
    if k.stateful or k.unroll:
        raise ValueError(f"from_keras: {name} {k.name!r} is stateful or "
                         f"unrolled, which nnkit's {name} is not")
    kw = dict(activation=activation_from_keras(k.activation),
              use_bias=k.use_bias, return_sequences=k.return_sequences,
              return_state=k.return_state, go_backwards=k.go_backwards,
              name=k.name, dtype=_keras_dtype(k))
    if name != "SimpleRNN":
        kw["recurrent_activation"] = activation_from_keras(
            k.recurrent_activation)
    if name == "LSTM":
        kw["unit_forget_bias"] = k.cell.unit_forget_bias
    if name == "GRU":
        kw["reset_after"] = k.cell.reset_after
    return _layer_class(name)(k.units, **kw)


for _name in ("SimpleRNN", "LSTM", "GRU"):
    register_to_keras(_name)(_recurrent_to_keras)
    register_from_keras(_name)(_recurrent_from_keras)


@register_to_keras("Embedding")
def _embedding_to_keras(layer: Any, keras: Any) -> Any:
    return keras.layers.Embedding(
        layer.input_dim, layer.output_dim,
        embeddings_regularizer=regularizer_to_keras(
            layer.embeddings_regularizer),
        name=layer.name, dtype=layer.dtype.name)


@register_from_keras("Embedding")
def _embedding_from_keras(k: Any) -> Layer:
    if k.mask_zero:
        raise ValueError(f"from_keras: Embedding {k.name!r} uses "
                         f"mask_zero, which nnkit's Embedding lacks")
    return _layer_class("Embedding")(k.input_dim, k.output_dim,
                                     name=k.name, dtype=_keras_dtype(k))


@register_to_keras("TimeDistributed")
def _time_distributed_to_keras(layer: Any, keras: Any) -> Any:
    inner = _TO_KERAS.get(type(layer.layer).__name__)
    if inner is None:
        raise ValueError(f"to_keras: no Keras conversion for "
                         f"{layer.layer.describe()}")
    return keras.layers.TimeDistributed(inner(layer.layer, keras),
                                        name=layer.name,
                                        dtype=layer.dtype.name)


@register_from_keras("TimeDistributed")
def _time_distributed_from_keras(k: Any) -> Layer:
    inner = _FROM_KERAS.get(type(k.layer).__name__)
    if inner is None:
        raise ValueError(f"from_keras: no nnkit conversion for Keras "
                         f"layer {k.layer.name!r} ({type(k.layer).__name__})")
    return _layer_class("TimeDistributed")(inner(k.layer), name=k.name,
                                           dtype=_keras_dtype(k))


def _keras_dtype(k: Any) -> str:
    dt = getattr(k, "variable_dtype", None) or getattr(k, "dtype", None)
    return str(dt) if str(dt) in ("float32", "float64") else "float32"


def optimizer_to_keras(opt: Optimizer) -> Any:
    """A fresh Keras optimizer with the same class and hyperparameters."""
    keras = import_keras()
    cls = getattr(keras.optimizers, type(opt).__name__, None)
    if cls is None:
        raise ValueError(f"no Keras optimizer named {type(opt).__name__}")
    cfg = opt.get_config()
    cfg.pop("name", None)
    if isinstance(cfg.get("learning_rate"), dict):
        cfg["learning_rate"] = _schedule_to_keras(opt._schedule)
    return cls(**cfg)


def _schedule_to_keras(schedule: Any) -> Any:
    to_keras_fn = getattr(schedule, "to_keras", None)
    if to_keras_fn is None:
        raise ValueError(f"{type(schedule).__name__} has no Keras twin")
    return to_keras_fn()


def loss_to_keras(loss: Loss) -> Any:
    """The Keras loss object with the same class and settings."""
    keras = import_keras()
    return getattr(keras.losses, type(loss).__name__)(**loss.get_config())


def to_keras(model: Sequential, compile: bool = True) -> Any:
    """A ``keras.Sequential`` with nnkit's architecture and weights.

    The nnkit model must be built. If it is compiled and ``compile`` is
    True, the Keras model is compiled with the equivalent optimizer
    (fresh state), loss and metrics.
    """
    keras = import_keras()
    if not model.built:
        raise ValueError("to_keras: build the model first (call it on "
                         "data, or give the first layer input_shape)")
    dtype = model.layers[0].dtype.name
    klayers = [keras.Input(shape=model.input_shape, dtype=dtype)]
    for layer in model.layers:
        conv = _TO_KERAS.get(type(layer).__name__)
        if conv is None:
            raise ValueError(f"to_keras: no Keras conversion for "
                             f"{layer.describe()}")
        klayers.append(conv(layer, keras))
    kmodel = keras.Sequential(klayers, name=model.name)
    kmodel.set_weights(model.get_weights())
    if compile and model.optimizer is not None:
        kmodel.compile(optimizer=optimizer_to_keras(model.optimizer),
                       loss=loss_to_keras(model.loss),
                       metrics=list(model._metric_ids) or None)
    return kmodel


def from_keras(kmodel: Any, seed: int | None = None) -> Sequential:
    """An nnkit ``Sequential`` with a Keras model's architecture/weights.

    Only the structure and weights move; compile the nnkit model
    yourself (optimizer state is not copied).
    """
    model = Sequential(name=kmodel.name, seed=seed)
    for k in kmodel.layers:
        conv = _FROM_KERAS.get(type(k).__name__)
        if conv is None:
            raise ValueError(f"from_keras: no nnkit conversion for Keras "
                             f"layer {k.name!r} ({type(k).__name__})")
        model.add(conv(k))
    model.build(tuple(kmodel.input_shape[1:]))
    model.set_weights(kmodel.get_weights())
    return model
