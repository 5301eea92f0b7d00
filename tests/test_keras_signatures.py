"""Public constructors take Keras' arguments, by Keras' names, in Keras'
order, and their docstrings document every one of them.

Shared bases (``BaseConv``, ``KernelMixin``, ``_Moments``...) hold the
arguments several classes take; this checks that what a reader sees
(``inspect.signature``, ``help()``, the API page) is still each Keras
class's own signature.
"""

from __future__ import annotations

import inspect

import pytest

import nnkit.layers as layers
import nnkit.losses as losses
import nnkit.metrics as metrics
import nnkit.optimizers as optimizers

# Keras arguments nnkit does not take (features it does not implement).
UNSUPPORTED = {
    "kernel_constraint", "bias_constraint", "beta_constraint",
    "gamma_constraint", "embeddings_constraint", "lora_rank", "lora_alpha",
    "quantization_config", "groups", "renorm", "renorm_clipping",
    "renorm_momentum", "synchronized", "noise_shape", "weights",
    # optimizers: clipping, EMA and the rest are Optimizer's **kwargs
    "weight_decay", "clipnorm", "clipvalue", "global_clipnorm", "use_ema",
    "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor",
    "gradient_accumulation_steps",
    # losses and metrics: nnkit has no per-object dtype or loss axis
    "name", "dtype", "axis",
}
# Keras arguments a particular nnkit class does not take (yet).
NOT_YET = {
    "SparseCategoricalCrossentropy": {"ignore_class"},
}

CLASSES = [
    (layers, "layers", name) for name in (
        "Dense", "Conv1D", "Conv2D", "Conv2DTranspose", "MaxPooling1D",
        "AveragePooling1D", "MaxPooling2D", "AveragePooling2D",
        "GlobalAveragePooling1D", "GlobalAveragePooling2D",
        "GlobalMaxPooling1D", "GlobalMaxPooling2D", "BatchNormalization",
        "LayerNormalization", "Concatenate", "Embedding", "UpSampling2D",
        "Dropout")
] + [
    (optimizers, "optimizers", name) for name in (
        "SGD", "Adam", "AdamW", "Adamax", "Nadam", "RMSprop", "Adagrad",
        "Adadelta")
] + [
    (losses, "losses", name) for name in (
        "BinaryCrossentropy", "CategoricalCrossentropy",
        "SparseCategoricalCrossentropy", "MeanSquaredError", "Huber")
] + [(metrics, "metrics", name) for name in ("Precision", "Recall", "AUC")]


def named_arguments(cls: type) -> list[str]:
    """The arguments of ``cls(...)``, without ``*args``/``**kwargs``."""
    return [p.name for p in inspect.signature(cls).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


@pytest.mark.parametrize("module, package, name", CLASSES,
                         ids=[name for _, _, name in CLASSES])
def test_constructor_takes_keras_arguments_in_keras_order(
        keras, module, package, name):
    ours = named_arguments(getattr(module, name))
    theirs = named_arguments(getattr(getattr(keras, package), name))
    assert [a for a in ours if a not in theirs] == [], \
        f"{name}: arguments Keras does not have"
    assert ours == [a for a in theirs if a in ours], \
        f"{name}: not in Keras' order"
    allowed = UNSUPPORTED | NOT_YET.get(name, set())
    missing = [a for a in theirs if a not in ours and a not in allowed]
    assert missing == [], f"{name}: Keras arguments nnkit lost"


@pytest.mark.parametrize("module, package, name", CLASSES,
                         ids=[name for _, _, name in CLASSES])
def test_docstring_documents_every_argument(module, package, name):
    """help() and the API page list each argument, inherited or not."""
    cls = getattr(module, name)
    doc = inspect.getdoc(cls)
    assert "Args:" in doc, name
    args = doc.split("Args:", 1)[1]
    for arg in named_arguments(cls):
        assert f" {arg}:" in args or f" {arg}," in args, \
            f"{name}: {arg} is not documented"


def test_shared_bases_keep_each_class_documented_once():
    """The convolutions' shared arguments are written in one docstring
    (BaseConv's, KernelMixin's), and each class still shows them."""
    from nnkit.layers.base_conv import BaseConv
    from nnkit.layers.kernel import KernelMixin

    assert "use_bias:" in KernelMixin.__doc__
    assert "data_format:" in BaseConv.__doc__
    for cls in (layers.Conv1D, layers.Conv2D, layers.Conv2DTranspose):
        assert inspect.getdoc(cls).count("use_bias:") == 1
        assert inspect.getdoc(cls).count("data_format:") == 1
    # Conv1D's own padding text (with "causal") wins over BaseConv's.
    assert '"causal"' in inspect.getdoc(layers.Conv1D)
    assert '"causal"' not in inspect.getdoc(layers.Conv2D)
