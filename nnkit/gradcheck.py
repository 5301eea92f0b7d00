"""Gradient checking by central differences.

Backpropagation is easy to get subtly wrong, and there is a slow but
almost foolproof check: nudge one number by ±h and watch the loss,

    df/dx_i ≈ (f(x + h e_i) - f(x - h e_i)) / (2h),

whose error is O(h^2). Each check costs two evaluations of f per
number, so checking all W weights of a network costs O(W) passes of
O(W) work each — O(W^2), against O(W) for backpropagation itself.

We compare analytic and numerical gradients with a scale-aware relative
error (``rel_error``). In float64 with h = 1e-5, a correct gradient of
a smooth function gives about 1e-9 or less; 1e-7 is the pass mark
used by the tests. Kinks (ReLU at 0, max-pooling ties) can give larger
errors when an input lands within h of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import _validate as check
from . import activations, losses
from .layers.base import Layer

__all__ = ["numerical_gradient", "rel_error", "check_layer",
           "check_activation", "check_loss", "check_model",
           "model_numerical_gradients"]


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """``max|a - b| / max(|a| + |b|)``, denominator floored at 1e-8.

    Scale-aware: it compares the worst discrepancy with the size of the
    gradient as a whole, so entries that are ~0 in both do not dominate.
    """
    a = check.array("rel_error", "a", a).astype(float)
    b = check.array("rel_error", "b", b).astype(float)
    if a.shape != b.shape:
        raise ValueError(f"rel_error: shapes differ, {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b))
                 / max(1e-8, float(np.max(np.abs(a) + np.abs(b)))))


def numerical_gradient(f: Callable[[], float], x: np.ndarray,
                       h: float = 1e-5) -> np.ndarray:
    """Central-difference gradient of the scalar ``f()`` w.r.t. ``x``.

    ``x`` is modified in place (each entry nudged, then restored), so
    ``f`` must read ``x`` rather than a copy of it.
    """
    fn = "numerical_gradient"
    check.function(fn, "f", f, "a function of no arguments returning "
                   "the scalar to differentiate")
    check.instance(fn, "x", x, np.ndarray, "a float64 numpy array (it "
                   "is nudged in place)")
    if x.dtype != np.float64:
        raise TypeError(f"numerical_gradient needs float64 arrays for "
                        f"accurate differences, got {x.dtype}")
    check.positive(fn, "h", h)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fp = f()
        x[i] = old - h
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2.0 * h)
    return grad


def _need_float64(layer: Any) -> None:
    if getattr(layer, "dtype", np.float64) != np.float64:
        raise TypeError(f"{layer.describe()} must be created with "
                        f"dtype='float64' for a gradient check")


def check_layer(layer: Any, x: Any, training: bool = True,
                seed: int = 0, h: float = 1e-5,
                **kwargs: Any) -> dict[str, float]:
    """Check a layer's backward: dx and every parameter's gradient.

    The scalar checked is sum(forward(x) * dout) for a fixed random
    ``dout``, whose gradient is exactly what backward computes. For a
    ``multi_input`` layer x is a list of arrays and each input gets its
    own entry ``"x0"``, ``"x1"``...; ``kwargs`` (e.g. ``mask=``) are
    passed to every ``forward``.

    Returns:
        {"x": err, "<param name>": err, ...} relative errors.
    """
    where = "check_layer"
    check.instance(where, "layer", layer, Layer, "an nnkit layer")
    _need_float64(layer)
    check.boolean(where, "training", training)
    check.seed(where, "seed", seed)
    check.positive(where, "h", h)
    multi = getattr(layer, "multi_input", False)
    if multi:
        check.instance(where, "x", x, (list, tuple), "a list of arrays "
                       "(the layer takes several inputs)")
    xs = [check.array(where, "x", a, finite=True,
                      nonempty=True).astype(np.float64)
          for a in (x if multi else [x])]
    arg = xs if multi else xs[0]
    shapes = [a.shape[1:] for a in xs]
    layer.ensure_built(shapes if multi else shapes[0],
                       np.random.default_rng(seed))
    rng = np.random.default_rng(seed + 1)
    dout = rng.standard_normal(np.shape(layer.forward(arg, training,
                                                      **kwargs)))

    def f() -> float:
        return float(np.sum(layer.forward(arg, training, **kwargs) * dout))

    for p in layer.parameters():
        p.zero_grad()
    layer.forward(arg, training, **kwargs)
    dx = layer.backward(dout)
    names = [f"x{i}" for i in range(len(xs))] if multi else ["x"]
    dxs = dx if multi else [dx]
    analytic = dict(zip(names, dxs)) | {
        p.name: p.grad.copy() for p in layer.parameters() if p.trainable}
    numeric = {n: numerical_gradient(f, a, h) for n, a in zip(names, xs)}
    for p in layer.parameters():
        if p.trainable:
            numeric[p.name] = numerical_gradient(f, p.data, h)
    return {k: rel_error(analytic[k], numeric[k]) for k in analytic}


def check_activation(act: Any, x: np.ndarray, seed: int = 0,
                     h: float = 1e-5) -> float:
    """Relative error of an activation's backward against differences."""
    act = check.lookup("check_activation", "act", act, activations.get)
    x = check.array("check_activation", "x", x,
                    finite=True).astype(np.float64)
    check.seed("check_activation", "seed", seed)
    check.positive("check_activation", "h", h)
    dout = np.random.default_rng(seed).standard_normal(x.shape)
    dx = act.backward(x, act.forward(x), dout)
    num = numerical_gradient(lambda: float(np.sum(act.forward(x) * dout)),
                             x, h)
    return rel_error(dx, num)


def check_loss(loss: Any, y_true: np.ndarray, y_pred: np.ndarray,
               h: float = 1e-5) -> float:
    """Relative error of ``loss.gradient`` w.r.t. y_pred."""
    loss = check.lookup("check_loss", "loss", loss, losses.get)
    y_pred = check.array("check_loss", "y_pred", y_pred,
                         finite=True).astype(np.float64)
    check.positive("check_loss", "h", h)
    analytic = loss.gradient(y_true, y_pred)
    num = numerical_gradient(lambda: loss(y_true, y_pred), y_pred, h)
    return rel_error(analytic, num)


def model_numerical_gradients(model: Any, x: Any, y: Any,
                              training: bool = False, h: float = 1e-5,
                              sample_weight: Any = None
                              ) -> list[np.ndarray]:
    """Central differences of the model's total loss, every trainable
    parameter (x and y as ``fit`` takes them: arrays, lists or dicts)."""
    def f() -> float:
        out = model.forward(x, training=training)
        return model.compute_loss(y=y, y_pred=out,
                                  sample_weight=sample_weight)

    return [numerical_gradient(f, p.data, h)
            for p in model.trainable_parameters]


def check_model(model: Any, x: Any, y: Any, training: bool = False,
                h: float = 1e-5, sample_weight: Any = None
                ) -> dict[str, float]:
    """Backprop vs central differences for every parameter of a model.

    The model must be compiled (for its loss) and float64. Works for
    any model: Sequential or functional (x, y and sample_weight as
    ``fit`` takes them).

    Returns:
        {"layer/param": relative error}.
    """
    check.model("check_model", "model", model)
    check.boolean("check_model", "training", training)
    check.positive("check_model", "h", h)
    if getattr(model, "compiled_loss", None) is None:
        raise RuntimeError("check_model: compile the model first (it "
                           "needs the loss)")
    xs = model._as_inputs(x, "check_model")
    for layer in model.layers:
        if layer.parameters():
            _need_float64(layer)
    xs = [a.astype(np.float64) if a.dtype.kind == "f" else a for a in xs]
    x = xs[0] if len(xs) == 1 else xs
    model.forward_backward(x, y, training=training,
                           sample_weight=sample_weight)
    analytic = [p.grad.copy() for p in model.trainable_parameters]
    numeric = model_numerical_gradients(model, x, y, training, h,
                                        sample_weight)
    return {p.path: rel_error(a, n) for p, a, n in
            zip(model.trainable_parameters, analytic, numeric)}
