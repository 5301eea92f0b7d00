"""Plots the chapters reuse: decision boundaries, curves, diagrams.

Every function draws on the Axes it is given (or on a new figure when
``ax`` is None) and returns the Axes; none calls ``plt.show()`` and
none changes matplotlib's global style. Colours come from the Okabe-Ito
palette, which stays distinguishable with the common colour-vision
deficiencies; two-class pictures use the Playground's orange (class 0)
and blue (class 1), with a white midpoint.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.patches import Circle
from matplotlib.ticker import MaxNLocator

from . import activations

__all__ = [
    "OKABE_ITO", "ORANGE_BLUE", "decision_boundary", "learning_curves",
    "compare_curves", "network_diagram", "confusion_matrix_plot",
    "activation_plot",
]

# Okabe & Ito (2008), "Color Universal Design", in a plotting order.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
             "#56B4E9", "#F0E442", "#000000")
_ORANGE, _BLUE = "#E69F00", "#0072B2"
ORANGE_BLUE = LinearSegmentedColormap.from_list(
    "nnkit_orange_blue", [_ORANGE, "#FFFFFF", _BLUE])
_LINESTYLES = ("-", "--", "-.", ":")


def _new_axes(ax: Axes | None, figsize=(5, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


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


def _history_dict(history: Any) -> Mapping[str, Sequence[float]]:
    hist = getattr(history, "history", history)
    if not isinstance(hist, Mapping):
        raise TypeError("learning_curves: history must be a dict of lists "
                        "or have a .history dict (Keras/nnkit History), got "
                        f"{type(history).__name__}")
    return hist


def learning_curves(history: Any, metrics: Sequence[str] = ("loss",),
                    ax: Axes | Sequence[Axes] | None = None,
                    logy: bool = False) -> Axes | np.ndarray:
    """Training and validation curves per epoch, one panel per metric.

    Args:
        history: a dict of per-epoch lists, or an object with such a
            dict in ``.history`` (Keras' and nnkit's History).
        metrics: keys to plot; ``val_<key>`` is drawn dashed in the same
            colour when present.
        ax: one Axes (all metrics on it) or one per metric.
        logy: logarithmic y axis.

    Returns:
        The Axes, or an array of Axes when several panels were made.
    """
    hist = _history_dict(history)
    if isinstance(metrics, str):
        metrics = (metrics,)
    missing = [m for m in metrics if m not in hist]
    if missing:
        raise ValueError(f"learning_curves: no {missing[0]!r} in the "
                         f"history; it has {sorted(hist)}")
    if ax is None:
        fig, axes = plt.subplots(1, len(metrics),
                                 figsize=(4.5 * len(metrics), 3.5),
                                 squeeze=False, layout="constrained")
        axes = axes[0]
    elif isinstance(ax, Axes):
        axes = np.array([ax] * len(metrics))
    else:
        axes = np.asarray(ax).ravel()
        if axes.size != len(metrics):
            raise ValueError(f"learning_curves: {len(metrics)} metrics "
                             f"but {axes.size} axes")
    for k, (m, a) in enumerate(zip(metrics, axes, strict=True)):
        color = OKABE_ITO[k % len(OKABE_ITO)]
        train = np.asarray(hist[m], dtype=float)
        epochs = np.arange(1, train.size + 1)
        a.plot(epochs, train, color=color, label=f"train {m}")
        if f"val_{m}" in hist:
            val = np.asarray(hist[f"val_{m}"], dtype=float)
            a.plot(np.arange(1, val.size + 1), val, "--", color=color,
                   label=f"validation {m}")
        a.set_xlabel("epoch")
        a.xaxis.set_major_locator(MaxNLocator(integer=True))
        a.set_ylabel(m)
        if logy:
            a.set_yscale("log")
        a.grid(alpha=0.3)
        a.legend(fontsize="small")
    return axes[0] if len(metrics) == 1 else axes


def compare_curves(curves: Mapping[str, Sequence[float]],
                   ax: Axes | None = None, xlabel: str = "epoch",
                   ylabel: str = "loss", logy: bool = False,
                   title: str | None = None) -> Axes:
    """Overlay named curves, e.g. ``{"nnkit": ..., "Keras": ...}``.

    Colours and line styles both change from curve to curve, so
    curves that coincide stay visible and the plot reads in grey.

    Returns:
        The Axes (one line per curve, in the order given).
    """
    if not curves:
        raise ValueError("compare_curves: no curves given")
    ax = _new_axes(ax, figsize=(5.5, 3.5))
    for k, (name, values) in enumerate(curves.items()):
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, values.size + 1), values,
                _LINESTYLES[k % len(_LINESTYLES)],
                color=OKABE_ITO[k % len(OKABE_ITO)], label=str(name),
                linewidth=2.0 if k == 0 else 1.5)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylabel(ylabel)
    if logy:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small")
    return ax


def network_diagram(layer_sizes: Sequence[int], ax: Axes | None = None,
                    labels: Sequence[str] | None = None,
                    max_neurons: int = 8) -> Axes:
    """A fully connected network: one column of circles per layer.

    Layers wider than ``max_neurons`` show their first and last few
    neurons with a vertical ellipsis between them and their true size
    in the label, so ``[784, 128, 10]`` stays readable.

    Args:
        layer_sizes: neurons per layer, input first, e.g. [2, 4, 1].
        labels: one caption per layer; default "input", "hidden k",
            "output" with the size.
        max_neurons: most circles drawn per layer (>= 2).

    Returns:
        The Axes; neurons are ``Circle`` patches, connections one
        ``LineCollection``.
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError("network_diagram: need at least two layers of "
                         f">= 1 neuron, got {list(layer_sizes)}")
    if max_neurons < 2:
        raise ValueError(f"max_neurons must be >= 2, got {max_neurons}")
    if labels is None:
        labels = [f"input\n({sizes[0]})"]
        labels += [f"hidden {k}\n({s})" for k, s in
                   enumerate(sizes[1:-1], start=1)]
        labels += [f"output\n({sizes[-1]})"]
    elif len(labels) != len(sizes):
        raise ValueError(f"network_diagram: {len(sizes)} layers but "
                         f"{len(labels)} labels")
    ax = _new_axes(ax, figsize=(1.5 * len(sizes) + 1, 4))
    radius, dx = 0.3, 3.0      # neuron size, distance between layers
    columns = []                 # y positions of the drawn neurons
    for size in sizes:
        if size <= max_neurons:
            slots = np.arange(size, dtype=float)
            gap = None
        else:                    # top half, a gap for the dots, bottom
            top = max_neurons // 2
            slots = np.r_[np.arange(top),
                          np.arange(top + 1, max_neurons + 1)].astype(float)
            gap = float(top)
        offset = slots.max() / 2
        columns.append((slots - offset, None if gap is None
                        else gap - offset))
    segments = []
    for k in range(len(sizes) - 1):
        for y0 in columns[k][0]:
            for y1 in columns[k + 1][0]:
                segments.append([(dx * k, -y0), (dx * (k + 1), -y1)])
    ax.add_collection(LineCollection(segments, colors="0.6",
                                     linewidths=0.6, zorder=1))
    tallest = max(np.abs(ys).max() for ys, _ in columns)
    for k, (ys, gap) in enumerate(columns):
        color = (OKABE_ITO[1] if k == 0 else
                 OKABE_ITO[0] if k == len(sizes) - 1 else OKABE_ITO[2])
        for yk in ys:
            ax.add_patch(Circle((dx * k, -yk), radius, facecolor=color,
                                edgecolor="black", zorder=2))
        if gap is not None:
            ax.text(dx * k, -gap, "\u22ee", ha="center", va="center",
                    fontsize=16, zorder=2)
        ax.text(dx * k, -tallest - 0.7, labels[k], ha="center", va="top",
                fontsize=9)
    ax.set_xlim(-1, dx * (len(sizes) - 1) + 1)
    ax.set_ylim(-tallest - 2.2, tallest + 1)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def confusion_matrix_plot(cm: Any, labels: Sequence[str] | None = None,
                          ax: Axes | None = None, normalize: bool = False,
                          cmap: Any = "Blues") -> Axes:
    """Show a confusion matrix (rows true, columns predicted) with counts.

    Args:
        cm: square array, e.g. ``nnkit.metrics.confusion_matrix(...)``.
        labels: class names for both axes.
        normalize: divide each row by its total (per-class recall on
            the diagonal).

    Returns:
        The Axes, with the matrix as ``ax.images[0]`` and one text per
        cell.
    """
    cm = np.asarray(cm, dtype=float)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"confusion_matrix_plot: cm must be square, got "
                         f"shape {cm.shape}")
    c = cm.shape[0]
    if labels is None:
        labels = [str(k) for k in range(c)]
    elif len(labels) != c:
        raise ValueError(f"confusion_matrix_plot: {c} classes but "
                         f"{len(labels)} labels")
    if normalize:
        rows = cm.sum(axis=1, keepdims=True)
        cm = np.divide(cm, rows, out=np.zeros_like(cm), where=rows != 0)
    ax = _new_axes(ax, figsize=(1 + 0.6 * c, 1 + 0.6 * c) if c > 5
                   else (4, 3.5))
    im = ax.imshow(cm, cmap=cmap, vmin=0)
    ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    cutoff = cm.max() / 2 if cm.size else 0
    for i in range(c):
        for j in range(c):
            text = f"{cm[i, j]:.2f}" if normalize else f"{cm[i, j]:.0f}"
            ax.text(j, i, text, ha="center", va="center", fontsize=9,
                    color="white" if cm[i, j] > cutoff else "black")
    ax.set_xticks(range(c), labels, rotation=45 if c > 4 else 0,
                  ha="right" if c > 4 else "center")
    ax.set_yticks(range(c), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    return ax


def activation_plot(names: str | Sequence[str],
                    x: np.ndarray | None = None,
                    axes: Sequence[Axes] | None = None) -> np.ndarray:
    """Plot activations f (left panel) and their derivatives f' (right).

    Args:
        names: activation names for ``nnkit.activations.get``.
        x: inputs, default np.linspace(-5, 5, 401).
        axes: two Axes to draw on.

    Returns:
        Array of the two Axes (f, f').
    """
    if isinstance(names, str):
        names = [names]
    x = np.linspace(-5, 5, 401) if x is None else np.asarray(x, float)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.5),
                               layout="constrained")
    axes = np.asarray(axes).ravel()
    if axes.size != 2:
        raise ValueError(f"activation_plot needs 2 axes, got {axes.size}")
    for k, name in enumerate(names):
        act = activations.get(name)
        if not act.elementwise:
            raise ValueError(f"activation_plot: {name!r} is not "
                             "elementwise (softmax acts on whole vectors)")
        style = dict(color=OKABE_ITO[k % len(OKABE_ITO)],
                     linestyle=_LINESTYLES[k // len(OKABE_ITO) % 4],
                     label=str(name))
        axes[0].plot(x, act.forward(x), **style)
        axes[1].plot(x, act.derivative(x), **style)
    for a, title in zip(axes, ("$f(x)$", "$f'(x)$"), strict=True):
        a.axhline(0, color="0.7", linewidth=0.8)
        a.axvline(0, color="0.7", linewidth=0.8)
        a.set_title(title)
        a.set_xlabel("$x$")
        a.grid(alpha=0.3)
        a.legend(fontsize="small")
    return axes

