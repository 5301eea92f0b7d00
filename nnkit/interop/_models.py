"""Whole models: ``to_keras`` and ``from_keras``.

A ``Sequential`` becomes a ``keras.Sequential``; a functional model a
``keras.Model(inputs, outputs)`` with the same graph: each layer is
converted once (so a shared layer stays shared) and called on the Keras
tensors in the nnkit model's node order. Keras' weight order equals
nnkit's (both sort the graph the same way), so the weights copy over
as one list.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..models import Functional, Input, Model, Sequential
from ._base import LAYERS, MODELS, import_keras
from ._functions import loss_to_keras
from ._optimizers import optimizer_to_keras

__all__ = ["to_keras", "from_keras", "metric_to_keras"]


def to_keras(model: Any, compile: bool = True) -> Any:
    """A Keras model with nnkit's architecture and weights.

    The nnkit model must be built. If it is compiled and ``compile`` is
    True, the Keras model is compiled with the equivalent optimizer
    (fresh state), loss and metrics.
    """
    if not model.built:
        raise ValueError("to_keras: build the model first (call it on "
                         "data, or give the first layer input_shape)")
    kmodel = MODELS.to_keras(model)
    kmodel.set_weights(model.get_weights())
    if compile and model.optimizer is not None:
        kmodel.compile(optimizer=optimizer_to_keras(model.optimizer),
                       loss=_losses_to_keras(model.loss),
                       loss_weights=model._compile_args.get(
                           "loss_weights"),
                       metrics=_metrics_to_keras(model._metric_ids))
    return kmodel


def _losses_to_keras(loss: Any) -> Any:
    """One loss, or a list/dict of them (None stays None)."""
    if isinstance(loss, dict):
        return {k: _losses_to_keras(v) for k, v in loss.items()}
    if isinstance(loss, list):
        return [_losses_to_keras(v) for v in loss]
    return None if loss is None else loss_to_keras(loss)


def _metrics_to_keras(metrics: Any) -> Any:
    if not metrics:
        return None
    if isinstance(metrics, dict):
        return {k: _metrics_to_keras(v) if isinstance(v, (list, tuple))
                else metric_to_keras(v) for k, v in metrics.items()}
    return [_metrics_to_keras(m) if isinstance(m, (list, tuple))
            else metric_to_keras(m) for m in metrics]


def metric_to_keras(metric: Any) -> Any:
    """A ``compile(metrics=[...])`` entry for Keras: names stay names;
    an nnkit ``Metric`` (Precision, Recall, AUC) becomes the Keras
    metric of the same class and configuration."""
    from ..metrics import Metric
    if not isinstance(metric, Metric):
        return metric
    keras = import_keras()
    cls = getattr(keras.metrics, type(metric).__name__, None)
    if cls is None:
        raise ValueError(f"to_keras: no Keras metric for {metric!r}")
    return cls(**metric.get_config())


def from_keras(kmodel: Any, seed: int | None = None) -> Model:
    """An nnkit model with a Keras model's architecture and weights.

    Only the structure and weights move; compile the nnkit model
    yourself (optimizer state is not copied).
    """
    model = MODELS.from_keras(kmodel, seed=seed)
    model.set_weights(kmodel.get_weights())
    return model


@MODELS.register_to_keras(Sequential)
def _sequential_to_keras(model: Sequential, keras: Any) -> Any:
    dtype = (model.input_dtype or model.layers[0].dtype).name
    klayers = [keras.Input(shape=model.input_shape[1:], dtype=dtype)]
    klayers += [LAYERS.to_keras(layer) for layer in model.layers]
    return keras.Sequential(klayers, name=model.name)


@MODELS.register_from_keras("Sequential")
def _sequential_from_keras(kmodel: Any, seed: int | None = None
                           ) -> Sequential:
    model = Sequential(name=kmodel.name, seed=seed)
    dtype = np.dtype(str(kmodel.inputs[0].dtype))
    if dtype.kind != "f":                 # e.g. integer ids
        model.input_dtype = dtype
    for k in kmodel.layers:
        model.add(LAYERS.from_keras(k))
    model.build(tuple(kmodel.input_shape[1:]))
    return model


@MODELS.register_to_keras(Functional)
def _functional_to_keras(model: Functional, keras: Any) -> Any:
    tensors: dict[int, Any] = {}         # id(nnkit tensor) -> Keras's
    for t in model.inputs:
        if not t.node.is_input:
            raise ValueError(
                f"to_keras: the input of model '{model.name}' from "
                f"{t.layer.describe()} is an intermediate tensor; build "
                f"the model from Input tensors to convert it")
        tensors[id(t)] = keras.Input(shape=t.example_shape, name=t.name,
                                     dtype=t.dtype.name)
    converted: dict[int, Any] = {}       # one Keras layer per nnkit layer
    for node in model.nodes:
        if node.is_input:
            continue
        layer = node.layer
        if id(layer) not in converted:
            converted[id(layer)] = LAYERS.to_keras(layer)
        ins = [tensors[id(t)] for t in node.inputs]
        kwargs = dict(node.kwargs)
        if node.training is not None:
            kwargs["training"] = node.training
        klayer = converted[id(layer)]
        if isinstance(klayer, keras.layers.MultiHeadAttention):
            out = klayer(*ins, **kwargs)      # (query, value, key=None)
        else:
            out = klayer(ins if layer.multi_input else ins[0], **kwargs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        for t, k in zip(node.outputs, outs):
            tensors[id(t)] = k
    inputs = [tensors[id(t)] for t in model.inputs]
    outputs = [tensors[id(t)] for t in model.outputs]
    return keras.Model(inputs[0] if len(inputs) == 1 else inputs,
                       outputs[0] if len(outputs) == 1 else outputs,
                       name=model.name)


def _tensor_of(tensors: dict[int, Any], kt: Any, kmodel: Any) -> Any:
    """The nnkit tensor made for the Keras tensor ``kt``."""
    if id(kt) not in tensors:
        op = kt._keras_history.operation
        raise ValueError(
            f"from_keras: model '{kmodel.name}' computes a layer's input "
            f"with the Keras operation {op.name!r} "
            f"({type(op).__name__}), which nnkit cannot convert")
    return tensors[id(kt)]


@MODELS.register_from_keras("Functional")
def _functional_from_keras(kmodel: Any, seed: int | None = None
                           ) -> Functional:
    tensors: dict[int, Any] = {}         # id(Keras tensor) -> nnkit's
    for kt in kmodel.inputs:
        layer = kt._keras_history.operation
        tensors[id(kt)] = Input(tuple(kt.shape[1:]), name=layer.name,
                                dtype=str(kt.dtype))
    converted: dict[int, Any] = {}
    keras = import_keras()
    for depth in sorted(kmodel._nodes_by_depth, reverse=True):
        for node in kmodel._nodes_by_depth[depth]:
            if node.is_input:
                continue
            op = node.operation
            if not isinstance(op, keras.layers.Layer):
                # an op on tensors, e.g. the mask x != 0 that Keras
                # records for Embedding(mask_zero=True); nnkit layers
                # make their masks themselves. Needed elsewhere, it
                # fails below with its name.
                continue
            if id(op) not in converted:
                converted[id(op)] = LAYERS.from_keras(op)
            layer = converted[id(op)]
            ins = [_tensor_of(tensors, t, kmodel) for t in
                   keras.tree.flatten(node.arguments.args)
                   if hasattr(t, "_keras_history")]     # not mask=
            kwargs = {}
            training = node.arguments.kwargs.get("training")
            if isinstance(training, bool):
                kwargs["training"] = training
            if type(op).__name__ == "MultiHeadAttention":
                kwargs.update(_mha_call_options(op, node))
            out = layer(ins if layer.multi_input else ins[0], **kwargs)
            outs = out if isinstance(out, list) else [out]
            for kt, t in zip(node.outputs, outs):
                tensors[id(kt)] = t
    return Functional([tensors[id(t)] for t in kmodel.inputs],
                      [tensors[id(t)] for t in kmodel.outputs],
                      name=kmodel.name, seed=seed)


def _mha_call_options(op: Any, node: Any) -> dict[str, Any]:
    """The call options of a Keras MultiHeadAttention node that nnkit's
    takes (its attention_mask is a plain array, not a graph tensor)."""
    kw = node.arguments.kwargs
    if kw.get("attention_mask") is not None:
        raise ValueError(f"from_keras: MultiHeadAttention {op.name!r} takes "
                         f"an attention_mask tensor from the graph; nnkit's "
                         f"takes attention_mask as an array when called")
    return {k: bool(kw[k]) for k in ("use_causal_mask",
                                     "return_attention_scores")
            if isinstance(kw.get(k), bool)}
