"""A fully connected network drawn as neurons and connections."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.patches import Circle

from ._style import (
    OKABE_ITO,
    _new_axes,
)


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
