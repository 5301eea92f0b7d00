"""Saving and loading: one ``.npz`` of arrays plus a JSON document.

The bodies of ``Model.save``, ``load``, ``save_weights`` and
``load_weights``; the file format is described on ``save``. Weights
are stored as ``weights/<i>/<name>`` with i the layer's index in
``model.layers``. Files of format 1 ("nnkit.Sequential", before the
functional model existed) still load.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import _validate as check
from .. import losses as _losses
from .. import metrics as _metrics
from .. import optimizers as _optimizers

if TYPE_CHECKING:
    from ._model import Model

__all__ = ["save", "load", "save_weights", "load_weights"]

_FORMAT = "nnkit.Model"
_VERSION = 2
_OLD_FORMAT = "nnkit.Sequential"      # version 1: Sequential only
_INPUT_SHAPE = "__input_shape__"    # in weights files: the model's input


def _npz_path(fn: str, path: Any) -> str:
    """``path`` as a str ending in ``.npz`` (as ``np.savez`` writes)."""
    path = check.path(fn, "filepath", path)
    return path if path.endswith(".npz") else path + ".npz"


def _existing(fn: str, path: Any) -> str:
    """The file to read: ``path``, or ``path + ".npz"`` (what ``save``
    writes for a path without the suffix)."""
    path = check.path(fn, "filepath", path)
    if os.path.isfile(path):
        return path
    if not path.endswith(".npz") and os.path.isfile(path + ".npz"):
        return path + ".npz"
    tried = path if path.endswith(".npz") else f"{path} or {path}.npz"
    raise FileNotFoundError(f"{fn}: no file {tried}")


def _keras_hint(path: str) -> str:
    """A pointer for a Keras file handed to nnkit (empty otherwise)."""
    if not path.endswith((".keras", ".h5")):
        return ""
    return ("; it looks like a Keras file: nnkit reads only the .npz "
            "files it writes, so load it with Keras and convert the model "
            "with nnkit.interop.from_keras")


def _read(fn: str, path: str) -> dict[str, np.ndarray]:
    """Every array of an .npz file, without unpickling anything."""
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("a single array, not an .npz archive")
        with data:
            return {k: data[k] for k in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile,
            zlib.error) as e:
        detail = str(e) or type(e).__name__
        if "allow_pickle" in detail:
            detail = "it holds pickled objects, which nnkit never loads"
        raise ValueError(f"{fn}: {path} is not a readable nnkit file "
                         f"(truncated, corrupt or another format: "
                         f"{detail}){_keras_hint(path)}") from None


def _metric_ids(metrics: Any) -> Any:
    """The compiled metrics as JSON (names and metric configs, in lists
    or dicts per output); a function cannot go in a file."""
    if isinstance(metrics, dict):
        return {k: _metric_ids(v) for k, v in metrics.items()}
    if isinstance(metrics, (list, tuple)):
        return [_metric_ids(m) for m in metrics]
    if not callable(metrics):
        return metrics
    name = getattr(metrics, "__name__", repr(metrics))
    raise TypeError(
        f"save: the model was compiled with the metric function "
        f"{name!r}; a model file holds data, never code (nnkit does not "
        f"pickle), so it cannot be saved. Save the weights with "
        f"save_weights(path) and compile again after loading, or "
        f"compile with metric names (e.g. 'accuracy', 'mae')")


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
    path = _npz_path("save", path)
    input_shape = getattr(model, "_example_shape", None)  # Sequential
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
            "metrics": _metric_ids(_metrics.serialize(model._metric_ids))}
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

    path = _existing("load_model", path)
    arrays = _read("load_model", path)
    if "__meta__" not in arrays:
        if arrays and all(k.startswith("weights/") or k == _INPUT_SHAPE
                          for k in arrays):
            raise ValueError(
                f"load_model: {path} holds only weights (written by "
                f"save_weights), not a model; create the model with the "
                f"same layers and call model.load_weights({path!r})")
        raise ValueError(f"load_model: {path} is not an nnkit model file "
                         f"(no __meta__ entry){_keras_hint(path)}")
    meta = json.loads(str(arrays.pop("__meta__")))
    fmt = meta.get("format")
    if fmt == _OLD_FORMAT:
        kind = "Sequential"
    elif fmt == _FORMAT:
        kind = meta.get("class_name")
    else:
        raise ValueError(f"load_model: {path}: unknown format {fmt!r}")
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
    _assign(model, arrays, path, "load_model")
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
                      _metrics.deserialize(comp["metrics"]),
                      comp.get("loss_weights"))
        state = {k[len("optimizer/"):]: v for k, v in arrays.items()
                 if k.startswith("optimizer/")}
        model.optimizer.set_state(model.parameters(), state)
    return model


def save_weights(model: Model, path: str) -> str:
    """``Model.save_weights``: returns the path written."""
    path = _npz_path("save_weights", path)
    arrays = _weight_arrays(model)
    shape = getattr(model, "_example_shape", None)   # Sequential
    if getattr(model, "built", False) and shape is not None and \
            type(model).__name__ == "Sequential":
        # lets load_weights build a model that has not seen data yet
        arrays[_INPUT_SHAPE] = np.array(shape, dtype=np.int64)
    np.savez(path, **arrays)
    return path


def load_weights(model: Model, path: str) -> None:
    """``Model.load_weights``: every array, or an error."""
    fn = "load_weights"
    path = _existing(fn, path)
    arrays = _read(fn, path)
    if not getattr(model, "built", True):
        shape = arrays.get(_INPUT_SHAPE)
        if shape is None and "__meta__" in arrays:
            shape = json.loads(str(arrays["__meta__"])).get("input_shape")
        if shape is None:
            raise ValueError(
                f"{fn}: {type(model).__name__} '{model.name}' is not built "
                f"yet and {path} does not record the input shape, so "
                f"there is nothing to load the weights into; give the "
                f"first layer input_shape=..., start the model with "
                f"Input(...), or call model.build(input_shape) first")
        model.build([int(s) for s in np.asarray(shape).ravel()])
    _assign(model, {k: v for k, v in arrays.items()
                    if k.startswith("weights/")}, path, fn)


def _assign(model: Model, arrays: dict[str, np.ndarray], path: str,
            fn: str) -> None:
    """Put the file's ``weights/<i>/<name>`` arrays into the model's
    layers, after checking that they match exactly (nothing is changed
    if anything differs)."""
    keys = {k for k in arrays if k.startswith("weights/")}
    plan = []
    for i, layer in enumerate(model.layers):
        for p in layer.parameters():
            key = f"weights/{i}/{p.name}"
            if key not in arrays:
                raise ValueError(
                    f"{fn}: {path} has no weight '{p.name}' for layer "
                    f"{i} ({layer.describe()}, shape {p.data.shape}); "
                    f"was it saved from a model with these layers?")
            w = arrays[key]
            if w.shape != p.data.shape:
                raise ValueError(
                    f"{fn}: layer {i} ({layer.describe()}): weight "
                    f"'{p.name}' has shape {p.data.shape} in the model "
                    f"but {w.shape} in {path}")
            plan.append((p, w))
            keys.discard(key)
    if keys:
        extra = sorted(keys, key=lambda k: (int(k.split("/")[1]), k))[0]
        i = int(extra.split("/")[1])
        raise ValueError(
            f"{fn}: {path} holds weights the model has no place for, "
            f"first '{extra}' (shape {arrays[extra].shape}) for layer "
            f"{i}, but the model has {len(model.layers)} layers"
            + (f" and its layer {i} ({model.layers[i].describe()}) has "
               f"no such weight" if i < len(model.layers) else "")
            + "; was it saved from a deeper or different model?")
    for p, w in plan:
        p.data[...] = w
