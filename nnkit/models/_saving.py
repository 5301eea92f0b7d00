"""Saving and loading: one ``.npz`` of arrays plus a JSON document.

The bodies of ``Sequential.save``, ``load``, ``save_weights`` and
``load_weights``; the file format is described on ``save``.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import losses as _losses
from .. import metrics as _metrics
from .. import optimizers as _optimizers

if TYPE_CHECKING:
    from ._sequential import Sequential

__all__ = ["save", "load", "save_weights", "load_weights"]

_FORMAT = "nnkit.Sequential"
_VERSION = 1


def save(model: Sequential, path: str) -> str:
    """``Sequential.save``: returns the path written."""
    path = str(path)
    if not path.endswith(".npz"):
        path += ".npz"
    meta: dict[str, Any] = {
        "format": _FORMAT, "version": _VERSION,
        "config": model.get_config(),
        "input_shape": (None if model.input_shape is None
                        else list(model.input_shape)),
        "built": model.built,
        "rng_state": model.rng.bit_generator.state,
        "layer_states": {str(i): layer.get_state()
                         for i, layer in enumerate(model.layers)
                         if layer.get_state()},
        "compile": None}
    arrays: dict[str, np.ndarray] = {}
    for i, layer in enumerate(model.layers):
        for p in layer.parameters():
            arrays[f"weights/{i}/{p.name}"] = p.data
    if model.optimizer is not None:
        meta["compile"] = {
            "optimizer": _optimizers.serialize(model.optimizer),
            "loss": _losses.serialize(model.loss),
            "metrics": [_metrics.serialize(m) for m in model._metric_ids]}
        state = model.optimizer.get_state(model.parameters())
        for k, v in state.items():
            arrays[f"optimizer/{k}"] = v
    arrays["__meta__"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)
    return path


def load(cls: type[Sequential], path: str) -> Sequential:
    """``Sequential.load``: a model of class ``cls``."""
    with np.load(str(path), allow_pickle=False) as data:
        if "__meta__" not in data:
            raise ValueError(f"{path} is not an nnkit model file "
                             "(no __meta__ entry)")
        meta = json.loads(str(data["__meta__"]))
        if meta.get("format") != _FORMAT:
            raise ValueError(f"{path}: unknown format "
                             f"{meta.get('format')!r}")
        arrays = {k: data[k] for k in data.files}
    model = cls.from_config(meta["config"])
    if meta["built"] and meta["input_shape"] is not None:
        model.build(meta["input_shape"])
    for i, layer in enumerate(model.layers):
        layer.set_weights([arrays[f"weights/{i}/{p.name}"]
                           for p in layer.parameters()])
    model.rng.bit_generator.state = meta["rng_state"]
    for i, state in meta.get("layer_states", {}).items():
        model.layers[int(i)].set_state(state)
    comp = meta.get("compile")
    if comp is not None:
        metrics = [_metrics.get(m)[1] if isinstance(m, dict) else m
                   for m in comp["metrics"]]      # Metric objects back
        model.compile(_optimizers.get(comp["optimizer"]),
                      _losses.get(comp["loss"]), metrics)
        state = {k[len("optimizer/"):]: v for k, v in arrays.items()
                 if k.startswith("optimizer/")}
        model.optimizer.set_state(model.parameters(), state)
    return model


def save_weights(model: Sequential, path: str) -> str:
    """``Sequential.save_weights``: returns the path written."""
    path = str(path)
    if not path.endswith(".npz"):
        path += ".npz"
    np.savez(path, **{f"weights/{i}/{p.name}": p.data
                      for i, layer in enumerate(model.layers)
                      for p in layer.parameters()})
    return path


def load_weights(model: Sequential, path: str) -> None:
    """``Sequential.load_weights``."""
    with np.load(str(path), allow_pickle=False) as data:
        for i, layer in enumerate(model.layers):
            keys = [f"weights/{i}/{p.name}" for p in layer.parameters()]
            missing = [k for k in keys if k not in data.files]
            if missing:
                raise ValueError(f"load_weights: {path} has no "
                                 f"{missing[0]!r}; was it saved from "
                                 f"a model with this architecture?")
            layer.set_weights([data[k] for k in keys])
