"""Training curves: learning_curves, compare_curves."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from ._style import (
    _LINESTYLES,
    OKABE_ITO,
    _new_axes,
)


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
