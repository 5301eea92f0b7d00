"""Saving and loading: one ``.npz`` of arrays plus a JSON document.

The bodies of ``Model.save``, ``load``, ``save_weights`` and
``load_weights``; the file format is described on ``save``. Weights
are stored as ``weights/<i>/<name>`` with i the layer's index in
``model.layers``. Files of format 1 ("nnkit.Sequential", before the
functional model existed) still load.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import losses as _losses
from .. import optimizers as _optimizers

if TYPE_CHECKING:
    from ._model import Model

__all__ = ["save", "load", "save_weights", "load_weights"]

_FORMAT = "nnkit.Model"
_VERSION = 2
_OLD_FORMAT = "nnkit.Sequential"      # version 1: Sequential only


def _serialize_loss(loss: Any) -> tuple[str, Any]:
    """(structure, JSON) of the compiled loss(es)."""
    def one(lo):
        return None if lo is None else _losses.serialize(lo)
    if isinstance(loss, dict):
        return "dict", {k: one(v) for k, v in loss.items()}
    if isinstance(loss, list):
        return "list", [one(v) for v in loss]
    return "single", one(loss)


def _deserialize_loss(structure: str, data: Any) -> Any:
    def one(lo):
        return None if lo is None else _losses.get(lo)
    if structure == "dict":
        return {k: one(v) for k, v in data.items()}
    if structure == "list":
        return [one(v) for v in data]
    return one(data)


def _weight_arrays(model: Model) -> dict[str, np.ndarray]:
    return {f"weights/{i}/{p.name}": p.data
            for i, layer in enumerate(model.layers)
            for p in layer.parameters()}


def save(model: Model, path: str) -> str:
    """``Model.save``: returns the path written."""
    path = str(path)
    if not path.endswith(".npz"):
        path += ".npz"
    input_shape = getattr(model, "input_shape", None)
    meta: dict[str, Any] = {
        "format": _FORMAT, "version": _VERSION,
        "class_name": type(model).__name__,
        "config": model.get_config(),
        "input_shape": (list(input_shape) if type(model).__name__ ==
                        "Sequential" and input_shape is not None
                        else None),
        "built": bool(getattr(model, "built", True)),
        "rng_state": model.rng.bit_generator.state,
        "layer_states": {str(i): layer.get_state()
                         for i, layer in enumerate(model.layers)
                         if layer.get_state()},
        "trainable": [layer.trainable for layer in model.layers],
        "compile": None}
    arrays = _weight_arrays(model)
    if model.optimizer is not None:
        structure, loss = _serialize_loss(model.loss)
        meta["compile"] = {
            "optimizer": _optimizers.serialize(model.optimizer),
            "loss": loss, "loss_structure": structure,
            "loss_weights": model._compile_args.get("loss_weights"),
            "metrics": model._metric_ids}
        state = model.optimizer.get_state(model.parameters())
        for k, v in state.items():
            arrays[f"optimizer/{k}"] = v
    arrays["__meta__"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)
    return path


def load(cls: type[Model], path: str) -> Model:
    """``Model.load``: the saved model (a ``cls``)."""
    from ._model import Model
    from ._sequential import Sequential

    with np.load(str(path), allow_pickle=False) as data:
        if "__meta__" not in data:
            raise ValueError(f"{path} is not an nnkit model file "
                             "(no __meta__ entry)")
        meta = json.loads(str(data["__meta__"]))
        arrays = {k: data[k] for k in data.files}
    fmt = meta.get("format")
    if fmt == _OLD_FORMAT:
        kind = "Sequential"
    elif fmt == _FORMAT:
        kind = meta.get("class_name")
    else:
        raise ValueError(f"{path}: unknown format {fmt!r}")
    if kind == "Sequential":
        model_cls: type[Model] = Sequential
    else:
        from ._functional import Functional
        model_cls = Functional
    if not issubclass(model_cls, cls) and cls is not Model:
        raise ValueError(f"{cls.__name__}.load: {path} holds a "
                         f"{kind} model; load it with nnkit.load_model")
    model = model_cls.from_config(meta["config"])
    if kind == "Sequential" and meta["built"] \
            and meta["input_shape"] is not None:
        model.build(meta["input_shape"])
    for i, layer in enumerate(model.layers):
        layer.set_weights([arrays[f"weights/{i}/{p.name}"]
                           for p in layer.parameters()])
    for layer, flag in zip(model.layers, meta.get("trainable", [])):
        layer.trainable = flag
    model.rng.bit_generator.state = meta["rng_state"]
    for i, state in meta.get("layer_states", {}).items():
        model.layers[int(i)].set_state(state)
    comp = meta.get("compile")
    if comp is not None:
        loss = _deserialize_loss(comp.get("loss_structure", "single"),
                                 comp["loss"])
        model.compile(_optimizers.get(comp["optimizer"]), loss,
                      comp["metrics"], comp.get("loss_weights"))
        state = {k[len("optimizer/"):]: v for k, v in arrays.items()
                 if k.startswith("optimizer/")}
        model.optimizer.set_state(model.parameters(), state)
    return model


def save_weights(model: Model, path: str) -> str:
    """``Model.save_weights``: returns the path written."""
    path = str(path)
    if not path.endswith(".npz"):
        path += ".npz"
    np.savez(path, **_weight_arrays(model))
    return path


def load_weights(model: Model, path: str) -> None:
    """``Model.load_weights``."""
    with np.load(str(path), allow_pickle=False) as data:
        for i, layer in enumerate(model.layers):
            keys = [f"weights/{i}/{p.name}" for p in layer.parameters()]
            missing = [k for k in keys if k not in data.files]
            if missing:
                raise ValueError(f"load_weights: {path} has no "
                                 f"{missing[0]!r}; was it saved from "
                                 f"a model with this architecture?")
            layer.set_weights([data[k] for k in keys])
