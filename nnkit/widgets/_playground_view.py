"""Pictures of a Playground run with matplotlib, for the book.

``render`` draws the output map and the losses; ``plot_neurons`` the
small map of every neuron; ``draw_diagram`` the network diagram the
live widget shows (same geometry, colours and line widths as
``diagram_html``); ``playground_picture`` the whole widget, controls
included, as the static picture of the HTML book.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .. import _validate as check
from ..plot import OKABE_ITO, ORANGE_BLUE
from ._playground import _DOMAIN, FEATURES, PlaygroundConfig, featurize
from ._playground_html import (
    BLUE,
    FEATURE_LABELS,
    MAP_RESOLUTION,
    NODE,
    NODE_STEP,
    ORANGE,
    diagram_geometry,
    weight_width,
)
from ._playground_training import (
    PlaygroundState,
    accuracy,
    check_resolution,
    gradient_norms,
    layer_maps,
    predict_grid,
)


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
        resolution: grid points per axis (>= 2).

    Returns:
        Array of the two Axes. The heat map is ``axes[0].images[0]``;
        the curves are ``axes[1].lines`` (train, test).
    """
    check.instance("render", "state", state, PlaygroundState,
                   "a PlaygroundState (from init_state)")
    check_resolution("render", resolution)
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
    axes = np.asarray(axes).ravel()
    if axes.size != 2:
        raise ValueError(f"render needs 2 axes, got {axes.size}")
    cfg, data = state.config, state.data
    ax, ax_loss = axes
    ticks, z = predict_grid(state, resolution)
    lo, hi = _output_range(cfg)
    if discretize:     # lighter, so that the points stay visible on it
        z = np.where(z > (lo + hi) / 2, hi, lo)
    ax.imshow(z, origin="lower", extent=(-_DOMAIN, _DOMAIN) * 2,
              cmap=ORANGE_BLUE, vmin=lo, vmax=hi,
              alpha=0.45 if discretize else 0.85,
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
    ax_loss.set_xlim(0, max(state.epoch, 10))   # sensible from epoch 0
    ax_loss.set_ylabel(f"loss ({state.model.loss.name})")
    finite = [v for v in state.train_loss + state.test_loss
              if np.isfinite(v)]
    ax_loss.set_ylim(0, 1.1 * max(finite) if finite else 1.0)
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
    check.instance("plot_neurons", "state", state, PlaygroundState,
                   "a PlaygroundState (from init_state)")
    resolution = check_resolution("plot_neurons", resolution)
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


def draw_diagram(ax: Axes, state: PlaygroundState,
                 controls: bool = True) -> Axes:
    """The live widget's network diagram, drawn with matplotlib.

    The same picture as ``diagram_html``: the seven features (the
    unselected ones faded), one heat map per neuron, one line per
    weight (blue positive, orange negative, width growing with the
    magnitude), a small square per bias; with ``controls`` also the
    feature check boxes and the +/- buttons the widget has around it.

    Returns:
        ``ax`` (pixel coordinates, y down); one image per node.
    """
    cfg = state.config
    geom = diagram_geometry(cfg.hidden)
    weights = state.model.get_weights()
    maps = layer_maps(state, MAP_RESOLUTION)
    n_layers = len(cfg.hidden) + 1
    head = 58 if controls else 4
    left = 70 if controls else 0
    ax.set_xlim(-left, geom.width + 4)
    ax.set_ylim(geom.height + 6, -head)
    ax.set_aspect("equal")
    ax.set_axis_off()
    rows = [[list(FEATURES).index(f) for f in cfg.features]]
    rows += [list(range(n)) for n in geom.columns[1:]]
    half = NODE / 2
    for k in range(n_layers):
        kernel = weights[2 * k]
        for i, r_in in enumerate(rows[k]):
            for j, r_out in enumerate(rows[k + 1]):
                w = float(kernel[i, j])
                ax.plot([geom.x(k) + NODE, geom.x(k + 1)],
                        [geom.y(r_in) + half, geom.y(r_out) + half],
                        color=BLUE if w >= 0 else ORANGE, alpha=0.75,
                        linewidth=0.75 * weight_width(w), zorder=1)
    ticks = np.linspace(-_DOMAIN, _DOMAIN, MAP_RESOLUTION)[::NODE_STEP]
    g1, g2 = np.meshgrid(ticks, ticks)

    def node(col, row, z, lo, hi, alpha=1.0):
        x, y = geom.x(col), geom.y(row)
        ax.imshow(z, origin="lower", cmap=ORANGE_BLUE, vmin=lo, vmax=hi,
                  extent=(x, x + NODE, y + NODE, y), alpha=alpha,
                  zorder=2, interpolation="bilinear")
        ax.add_patch(plt.Rectangle((x, y), NODE, NODE, fill=False,
                                   edgecolor="#999", linewidth=0.6,
                                   zorder=3))

    for row, name in enumerate(FEATURES):
        z = FEATURES[name](g1, g2)
        m = float(np.abs(z).max()) or 1.0
        on = name in cfg.features
        node(0, row, z, -m, m, 1.0 if on else 0.28)
        ax.text(geom.x(0) - 5, geom.y(row) + half, FEATURE_LABELS[name],
                ha="right", va="center", fontsize=7,
                color="#333" if on else "#999")
        if controls:
            ax.add_patch(plt.Rectangle(
                (-left + 2, geom.y(row) + half - 6), 12, 12,
                facecolor="#2a6fb0" if on else "white",
                edgecolor="#9a9a9a", linewidth=0.8))
            if on:
                ax.text(-left + 8, geom.y(row) + half, "✓", fontsize=6.5,
                        color="white", ha="center", va="center")
    lo, hi = _output_range(cfg)
    for k in range(n_layers):
        for j in range(geom.columns[k + 1]):
            z = maps[k + 1][j][::NODE_STEP, ::NODE_STEP]
            if k == n_layers - 1:
                a, b = lo, hi
            else:
                m = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() \
                    else 1.0
                a, b = -(m or 1.0), (m or 1.0)
            node(k + 1, j, z, a, b)
            bias = float(weights[2 * k + 1][j])
            ax.add_patch(plt.Rectangle(
                (geom.x(k + 1) - 4, geom.y(j) + NODE - 5), 7, 7,
                facecolor=BLUE if bias >= 0 else ORANGE,
                edgecolor="white", linewidth=0.5, zorder=4))
    if controls:
        for k, n in enumerate(cfg.hidden):
            cx = geom.x(k + 1) + half
            for dx, sign in ((-13, "+"), (13, "−")):
                ax.add_patch(plt.Rectangle((cx + dx - 11, -40), 22, 18,
                                           facecolor="#f3f3f3",
                                           edgecolor="#9a9a9a",
                                           linewidth=0.7))
                ax.text(cx + dx, -31, sign, ha="center", va="center",
                        fontsize=8, fontweight="bold")
            ax.text(cx, -12, f"{n} neuron{'s' if n > 1 else ''}",
                    ha="center", va="center", fontsize=6.5, color="#555")
        ax.text(geom.x(n_layers) + half, -12, "output", ha="center",
                va="center", fontsize=6.5, color="#555")
        ax.text(-left + 2, -31, "Features", fontsize=7, fontweight="bold",
                va="center", color="#555")
    return ax


def playground_picture(pg, width: float = 9.0, side: str = "left"
                       ) -> Figure:
    """The static picture of a ``Playground`` widget: its control panel
    (``draw_controls``) on the left, then its network diagram
    (``draw_diagram``), its output map, loss curves and gradient norms,
    all from its current state.

    Args:
        pg: the ``Playground``.
        width: inches for the diagram and the output (with
            ``side="left"`` the panel adds its own width).
        side: ``"left"``: the control panel beside the plots; ``"top"``:
            above them, for a narrow page column.

    Returns:
        A Figure (a pyplot figure: a notebook cell shows it).
    """
    from ._picture import control_rows, picture_figure

    state = pg.state
    skip = [pg.header, pg.layer_plus, pg.layer_minus, pg.layers_label,
            *pg.features.values(), pg.code_view, pg.stats, pg.loss_chart,
            pg.norms_chart, pg.compare_label, pg.feature_note, pg.message,
            pg.mode_note]
    fig, (left, bottom, right, top) = picture_figure(
        control_rows(pg.widget, skip), 3,
        (width, (0.62 if side == "left" else 0.8) * width), side)
    grid = fig.add_gridspec(3, 2, width_ratios=[1.3, 1.0],
                            height_ratios=[1.6, 1.0, 0.6], left=left - 0.03,
                            bottom=bottom, right=right, top=top,
                            wspace=0.25, hspace=0.6)
    ax_net = fig.add_subplot(grid[:, 0])
    draw_diagram(ax_net, state)
    ax_net.set_title(f"Network: epoch {state.epoch}", fontsize=9)
    ax_map = fig.add_subplot(grid[0, 1])
    ax_loss = fig.add_subplot(grid[1, 1])
    render(state, [ax_map, ax_loss], show_test=pg.show_test.value,
           discretize=pg.discretize.value, resolution=MAP_RESOLUTION)
    ax_map.set_title("Output" + (
        f": test accuracy {accuracy(state):.0%}"
        if state.config.problem == "classification" else ""), fontsize=9)
    ax_loss.set_title("Loss per epoch", fontsize=9)
    for ax in (ax_map, ax_loss):
        ax.tick_params(labelsize=7)
        ax.xaxis.label.set_size(8)
        ax.yaxis.label.set_size(8)
    ax_loss.legend(fontsize=7)
    ax_loss.set_ylabel("loss", fontsize=8)
    ax_norm = fig.add_subplot(grid[2, 1])
    norms = gradient_norms(state)
    names = [f"hidden {k + 1}" for k in range(len(state.config.hidden))]
    ax_norm.barh(names + ["output"], norms, color=OKABE_ITO[0])
    ax_norm.set_xscale("log")
    ax_norm.invert_yaxis()
    ax_norm.set_title(r"Gradient norm per layer $\|\partial L/\partial W\|$",
                      fontsize=9)
    ax_norm.tick_params(labelsize=7)
    return fig
