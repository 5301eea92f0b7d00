"""Saving and loading: one ``.npz`` of arrays plus a JSON document.

The bodies of ``Sequential.save``, ``load``, ``save_weights`` and
``load_weights``; the file format is described on ``save``.
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
from .. import optimizers as _optimizers

if TYPE_CHECKING:
    from ._sequential import Sequential

__all__ = ["save", "load", "save_weights", "load_weights"]

_FORMAT = "nnkit.Sequential"
_VERSION = 1
_INPUT_SHAPE = "__input_shape__"    # in weights files: the model's input


def _npz_path(fn: str, path: Any) -> str:
    """``path`` as a str ending in ``.npz`` (as ``np.savez`` writes)."""
    path = check.path(fn, "path", path)
    return path if path.endswith(".npz") else path + ".npz"


def _existing(fn: str, path: Any) -> str:
    """The file to read: ``path``, or ``path + ".npz"`` (what ``save``
    writes for a path without the suffix)."""
    path = check.path(fn, "path", path)
    if os.path.isfile(path):
        return path
    if not path.endswith(".npz") and os.path.isfile(path + ".npz"):
        return path + ".npz"
    tried = path if path.endswith(".npz") else f"{path} or {path}.npz"
    raise FileNotFoundError(f"{fn}: no file {tried}")


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
                         f"{detail})") from None


def _metric_names(model: Sequential) -> list[str]:
    """The compiled metrics as names; functions cannot go in a file."""
    for m in model._metric_ids:
        if not isinstance(m, str):
            name = getattr(m, "__name__", repr(m))
            raise TypeError(
                f"save: the model was compiled with the metric function "
                f"{name!r}; a model file holds data, never code (nnkit "
                f"does not pickle), so it cannot be saved. Save the "
                f"weights with save_weights(path) and compile again "
                f"after loading, or compile with metric names "
                f"(e.g. 'accuracy', 'mae')")
    return list(model._metric_ids)


def save(model: Sequential, path: str) -> str:
    """``Sequential.save``: returns the path written."""
    path = _npz_path("save", path)
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
            "metrics": _metric_names(model)}
        state = model.optimizer.get_state(model.parameters())
        for k, v in state.items():
            arrays[f"optimizer/{k}"] = v
    arrays["__meta__"] = np.array(json.dumps(meta))
    np.savez(path, **arrays)
    return path


def load(cls: type[Sequential], path: str) -> Sequential:
    """``Sequential.load``: a model of class ``cls``."""
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
                         f"(no __meta__ entry)")
    meta = json.loads(str(arrays.pop("__meta__")))
    if meta.get("format") != _FORMAT:
        raise ValueError(f"load_model: {path}: unknown format "
                         f"{meta.get('format')!r}")
    model = cls.from_config(meta["config"])
    if meta["built"] and meta["input_shape"] is not None:
        model.build(meta["input_shape"])
    _assign(model, arrays, path, "load_model")
    model.rng.bit_generator.state = meta["rng_state"]
    for i, state in meta.get("layer_states", {}).items():
        model.layers[int(i)].set_state(state)
    comp = meta.get("compile")
    if comp is not None:
        model.compile(_optimizers.get(comp["optimizer"]),
                      _losses.get(comp["loss"]), comp["metrics"])
        state = {k[len("optimizer/"):]: v for k, v in arrays.items()
                 if k.startswith("optimizer/")}
        model.optimizer.set_state(model.parameters(), state)
    return model


def save_weights(model: Sequential, path: str) -> str:
    """``Sequential.save_weights``: returns the path written."""
    path = _npz_path("save_weights", path)
    arrays = {f"weights/{i}/{p.name}": p.data
              for i, layer in enumerate(model.layers)
              for p in layer.parameters()}
    if model.built:
        # lets load_weights build a model that has not seen data yet
        arrays[_INPUT_SHAPE] = np.array(model.input_shape, dtype=np.int64)
    np.savez(path, **arrays)
    return path


def load_weights(model: Sequential, path: str) -> None:
    """``Sequential.load_weights``: every array, or an error."""
    fn = "load_weights"
    path = _existing(fn, path)
    arrays = _read(fn, path)
    if not model.built:
        shape = arrays.get(_INPUT_SHAPE)
        if shape is None and "__meta__" in arrays:
            meta = json.loads(str(arrays["__meta__"]))
            shape = meta.get("input_shape")
        if shape is None:
            raise ValueError(
                f"{fn}: Sequential '{model.name}' is not built yet and "
                f"{path} does not record the input shape, so there is "
                f"nothing to load the weights into; give the first layer "
                f"input_shape=..., start the model with Input(...), or "
                f"call model.build(input_shape) first")
        model.build([int(s) for s in np.asarray(shape).ravel()])
    _assign(model, {k: v for k, v in arrays.items()
                    if k.startswith("weights/")}, path, fn)


def _assign(model: Sequential, arrays: dict[str, np.ndarray], path: str,
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
