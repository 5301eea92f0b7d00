"""Decision boundaries of 2-D classifiers."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb

from ._style import (
    _BLUE,
    _ORANGE,
    OKABE_ITO,
    ORANGE_BLUE,
    _new_axes,
)


def _scores(model: Any, grid: np.ndarray) -> np.ndarray:
    """model.predict(grid) (or model(grid)) as an (M, C) float array."""
    if hasattr(model, "predict"):
        predict = model.predict
        try:
            quiet = "verbose" in inspect.signature(predict).parameters
        except (TypeError, ValueError):
            quiet = False
        out = predict(grid, verbose=0) if quiet else predict(grid)
    elif callable(model):
        out = model(grid)
    else:
        raise TypeError("decision_boundary: model must have .predict(x) "
                        f"or be callable, got {type(model).__name__}")
    out = np.asarray(out, dtype=np.float64)
    if out.ndim == 1:
        out = out[:, None]
    if out.shape[0] != grid.shape[0] or out.ndim != 2:
        raise ValueError(f"decision_boundary: the model returned shape "
                         f"{out.shape} for {grid.shape[0]} grid points; "
                         "expected (M,), (M, 1) or (M, C)")
    return out


def _class_labels(y: Any) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)           # one-hot rows
    return y.reshape(-1)


def decision_boundary(model: Any, x: Any, y: Any = None,
                      ax: Axes | None = None, resolution: int = 200,
                      padding: float = 0.5, cmap: Any = ORANGE_BLUE,
                      proba: bool = True, threshold: float = 0.5,
                      title: str | None = None) -> Axes:
    """Heat map of a 2-D classifier's output, with the data on top.

    Args:
        model: anything with ``.predict(x)`` (nnkit, Keras, the
            Perceptron) or a plain callable, mapping (M, 2) inputs to
            scores of shape (M,), (M, 1) or (M, C).
        x: the points, shape (N, 2); the map covers their bounding box
            plus ``padding`` on every side.
        y: their labels, shape (N,) (or one-hot), to colour the points.
        resolution: grid points per axis.
        cmap: colour map for single-output models.
        proba: single output: show the score itself (True) or the
            predicted class ``score > threshold`` (False). Several
            outputs: shade each class's colour by its score (True) or
            show the argmax class only (False).
        threshold: where a single output switches class; the contour
            drawn there is the decision boundary (use 0 for tanh or
            +-1 outputs).
        title: optional axes title.

    Returns:
        The Axes. The map is an image (``ax.images[0]``) whose extent is
        the plotted region.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"decision_boundary needs 2-D points, shape "
                         f"(N, 2); got {x.shape}")
    ax = _new_axes(ax)
    lo = x.min(axis=0) - padding
    hi = x.max(axis=0) + padding
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution),
                         np.linspace(lo[1], hi[1], resolution))
    grid = np.column_stack([g1.ravel(), g2.ravel()])
    scores = _scores(model, grid)
    extent = (lo[0], hi[0], lo[1], hi[1])
    if scores.shape[1] == 1:
        z = scores[:, 0].reshape(g1.shape)
        if not proba:
            z = (z > threshold).astype(float)
        inside01 = z.min() >= 0 and z.max() <= 1
        vmin, vmax = (0, 1) if inside01 else (z.min(), z.max())
        im = ax.imshow(z, origin="lower", extent=extent, cmap=cmap,
                       vmin=vmin, vmax=vmax, aspect="auto", alpha=0.8,
                       interpolation="bilinear")
        if z.min() < threshold < z.max():
            ax.contour(g1, g2, z, levels=[threshold], colors="k",
                       linewidths=1)
        if proba:
            ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
        point_colors = [_ORANGE, _BLUE]
    else:
        c = scores.shape[1]
        colors = np.array([to_rgb(OKABE_ITO[k % 8])
                           for k in range(c)])
        cls = np.argmax(scores, axis=1)
        rgb = colors[cls]
        if proba:
            top = np.max(scores, axis=1, keepdims=True)
            strength = np.clip((top - 1 / c) / (1 - 1 / c), 0, 1)
            rgb = 1 - strength * (1 - rgb)       # fade to white if unsure
        ax.imshow(rgb.reshape(*g1.shape, 3), origin="lower", extent=extent,
                  aspect="auto", alpha=0.6)
        point_colors = [OKABE_ITO[k % 8] for k in range(c)]
    if y is None:
        ax.scatter(x[:, 0], x[:, 1], s=14, c="0.3", edgecolors="white",
                   linewidths=0.5)
    else:
        labels = _class_labels(y)
        classes = np.unique(labels)
        if len(classes) > len(point_colors):
            point_colors = list(OKABE_ITO)
        for k, label in enumerate(classes):
            pts = x[labels == label]
            color = point_colors[k % len(point_colors)]
            ax.scatter(pts[:, 0], pts[:, 1], s=16, color=color,
                       edgecolors="black", linewidths=0.5,
                       label=f"class {label}")
        ax.legend(loc="upper right", fontsize="small", framealpha=0.8)
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax
