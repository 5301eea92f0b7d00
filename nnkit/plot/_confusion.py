"""A confusion matrix as an annotated image."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes

from ._style import (
    _new_axes,
)


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
