"""Activation functions and their derivatives, side by side."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from .. import activations
from ._style import (
    _LINESTYLES,
    OKABE_ITO,
)


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
