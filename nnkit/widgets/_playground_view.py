"""Pictures of a Playground run: the output map, the losses, neurons.

``render`` draws what the Playground shows in its middle and right
columns; ``plot_neurons`` the small map of every neuron.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..plot import OKABE_ITO, ORANGE_BLUE
from ._playground import _DOMAIN, PlaygroundConfig, featurize
from ._playground_training import PlaygroundState, predict_grid


def _output_range(config: PlaygroundConfig) -> tuple[float, float]:
    if config.problem == "classification" and not config.exact:
        return 0.0, 1.0
    return -1.0, 1.0


def _scatter(ax: Axes, x: np.ndarray, y: np.ndarray,
             config: PlaygroundConfig, edge: str, label: str) -> None:
    lo, hi = _output_range(config)
    if config.problem == "classification":
        values = np.where(y == 1, hi, lo)
    else:
        values = np.asarray(y, dtype=float)
    ax.scatter(x[:, 0], x[:, 1], c=values, cmap=ORANGE_BLUE,
               vmin=lo, vmax=hi, s=18, edgecolors=edge, linewidths=0.7,
               label=label)


def render(state: PlaygroundState,
           axes: Sequence[Axes] | None = None, show_test: bool = True,
           discretize: bool = False, resolution: int = 100) -> np.ndarray:
    """Draw the output heat map with the data, and the loss curves.

    Left: the network's output over [-6, 6]^2 (orange negative or 0,
    blue positive, as the Playground) with the training points
    (white edge) and, if ``show_test``, the test points (black edge).
    Right: training and test loss per epoch.

    Args:
        state: a ``PlaygroundState``.
        axes: two Axes; a new (9, 4) figure when None.
        show_test: also draw the test points.
        discretize: show the predicted class instead of the output.
        resolution: grid points per axis.

    Returns:
        Array of the two Axes. The heat map is ``axes[0].images[0]``;
        the curves are ``axes[1].lines`` (train, test).
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
    axes = np.asarray(axes).ravel()
    if axes.size != 2:
        raise ValueError(f"render needs 2 axes, got {axes.size}")
    cfg, data = state.config, state.data
    ax, ax_loss = axes
    ticks, z = predict_grid(state, resolution)
    lo, hi = _output_range(cfg)
    if discretize:
        z = np.where(z > (lo + hi) / 2, hi, lo)
    ax.imshow(z, origin="lower", extent=(-_DOMAIN, _DOMAIN) * 2,
              cmap=ORANGE_BLUE, vmin=lo, vmax=hi, alpha=0.85,
              interpolation="bilinear" if not discretize else "nearest")
    _scatter(ax, data.x_train, data.y_train, cfg, "white", "train")
    if show_test:
        _scatter(ax, data.x_test, data.y_test, cfg, "black", "test")
    ax.set_xlim(-_DOMAIN, _DOMAIN)
    ax.set_ylim(-_DOMAIN, _DOMAIN)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    shape = "-".join(str(h) for h in cfg.hidden) or "no hidden layer"
    ax.set_title(f"{cfg.dataset}, {shape}, epoch {state.epoch}",
                 fontsize="medium")
    epochs = np.arange(len(state.train_loss))
    ax_loss.plot(epochs, state.train_loss, color=OKABE_ITO[0],
                 label=f"train {state.train_loss[-1]:.3f}")
    ax_loss.plot(epochs, state.test_loss, "--", color=OKABE_ITO[1],
                 label=f"test {state.test_loss[-1]:.3f}")
    if state.epoch == 0:               # a single point: make it visible
        for line in ax_loss.lines:
            line.set_marker("o")
    ax_loss.set_xlabel("epoch")
    ax_loss.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_loss.set_ylabel(f"loss ({state.model.loss.name})")
    ax_loss.set_ylim(bottom=0)
    ax_loss.grid(alpha=0.3)
    title = "diverged" if state.diverged else "loss"
    ax_loss.set_title(title, fontsize="medium")
    ax_loss.legend(fontsize="small")
    return axes


def plot_neurons(state: PlaygroundState, resolution: int = 40,
                 fig: Figure | None = None) -> Figure:
    """Each neuron's own heat map over [-6, 6]^2, as in the Playground.

    One row per layer (hidden layers, then the output), one small map
    per neuron; a hidden neuron's map is scaled to its own largest
    magnitude, the output's to the output range (orange negative or
    low, blue positive or high).

    Returns:
        The Figure; row k holds ``units[k]`` images (empty axes are
        hidden).
    """
    ticks = np.linspace(-_DOMAIN, _DOMAIN, resolution)
    g1, g2 = np.meshgrid(ticks, ticks)
    out = featurize(np.column_stack([g1.ravel(), g2.ravel()]),
                    state.config.features)
    layers = state.model.layers
    cols = max(layer.units for layer in layers)
    if fig is None:
        fig = plt.figure(figsize=(1.1 * cols + 0.6, 1.1 * len(layers)),
                         layout="constrained")
    grid = fig.subplots(len(layers), cols, squeeze=False)
    for row, layer in enumerate(layers):
        with np.errstate(all="ignore"):
            out = layer.forward(out)
        for j, ax in enumerate(grid[row]):
            ax.set_xticks([])
            ax.set_yticks([])
            if j >= layer.units:
                ax.set_visible(False)
                continue
            z = out[:, j].reshape(resolution, resolution)
            scale = float(np.nanmax(np.abs(z))) or 1.0
            lo, hi = ((-scale, scale) if row < len(layers) - 1
                      else _output_range(state.config))
            ax.imshow(z, origin="lower", cmap=ORANGE_BLUE, vmin=lo,
                      vmax=hi, extent=(-_DOMAIN, _DOMAIN) * 2)
        name = "output" if row == len(layers) - 1 else f"hidden {row + 1}"
        grid[row][0].set_ylabel(name, fontsize="small")
    return fig
