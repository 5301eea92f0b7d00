"""The optimizer race: real nnkit optimizers on a 2-D surface.

``optimize_path`` follows one optimizer, ``race`` several from the same
start, ``plot_paths`` draws them on the surface's contours, and the
``OptimizerRace`` widget animates them.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from .. import _validate as check
from .. import optimizers
from ..layers.base import Parameter
from ._base import _bad, _FigureWidget, _no_null_tooltips, _with_label
from ._surfaces import Surface, _surface, surfaces

# The race's names for SGD's three forms; every other optimizer counts
# as adaptive.
SGD_FAMILY = ("SGD", "Momentum", "Nesterov")


def suggested_learning_rates(surface: str | Surface,
                             names: Sequence[str] | None = None
                             ) -> dict[str, float]:
    """The surface's default rate for each optimizer (default: all):
    ``learning_rate`` for ``SGD_FAMILY``, ``adaptive_learning_rate``
    for the rest."""
    surf = _surface(surface, "suggested_learning_rates")
    names = list(race_optimizers()) if names is None else names
    return {n: surf.learning_rate if n in SGD_FAMILY
            else surf.adaptive_learning_rate for n in names}


def race_optimizers(learning_rate: float | Mapping[str, float] = 0.01
                    ) -> dict[str, optimizers.Optimizer]:
    """One fresh instance of every optimizer nnkit has, by display name.

    ``"SGD"``, ``"Momentum"`` (SGD, momentum 0.9), ``"Nesterov"``
    (SGD, Nesterov momentum 0.9), then every other ``Optimizer``
    subclass that ``nnkit.optimizers`` exports when called (Adagrad,
    RMSprop, Adam...), each with Keras' default hyperparameters.

    Adadelta in Keras' form multiplies its step by the learning rate
    (default 0.001): give it 1.0 to get Zeiler's method.

    Args:
        learning_rate: one rate for all, or a dict from display name to
            rate (names missing from it get 0.01).
    """
    def lr(name: str) -> float:
        if isinstance(learning_rate, Mapping):
            return float(learning_rate.get(name, 0.01))
        return float(learning_rate)

    sgd = optimizers.SGD
    out: dict[str, optimizers.Optimizer] = {
        "SGD": sgd(lr("SGD")),
        "Momentum": sgd(lr("Momentum"), momentum=0.9),
        "Nesterov": sgd(lr("Nesterov"), momentum=0.9, nesterov=True),
    }
    for name in getattr(optimizers, "__all__", []):
        cls = getattr(optimizers, name, None)
        if (isinstance(cls, type) and issubclass(cls, optimizers.Optimizer)
                and cls not in (optimizers.Optimizer, sgd)):
            try:
                out[name] = cls(learning_rate=lr(name))
            except (TypeError, ValueError):
                continue           # needs arguments we cannot guess
    return out


def optimize_path(surface: str | Surface,
                  optimizer: optimizers.Optimizer | str,
                  start: Sequence[float] | None = None, steps: int = 100,
                  learning_rate: float | None = None) -> np.ndarray:
    """The points a real nnkit optimizer visits on a surface.

    The point is a float64 ``Parameter`` of shape (2,); each step puts
    the exact gradient into ``grad`` and calls ``optimizer.apply``, so
    the path follows nnkit's update rule. A copy of the optimizer is
    used (reset), so the one passed in is left untouched.

    Args:
        surface: a name from ``surfaces()`` or a ``Surface``.
        optimizer: an nnkit optimizer, or a display name from
            ``race_optimizers`` (e.g. ``"Momentum"``, ``"Adam"``).
        start: the starting point; default the surface's.
        steps: number of updates.
        learning_rate: with a name: the rate (default: the surface's
            suggestion, ``suggested_learning_rates``).

    Returns:
        Array (steps + 1, 2): the start, then the point after each step.
        If the point leaves every sensible range (non-finite or beyond
        1e6), the remaining rows are NaN.
    """
    fn = "optimize_path"
    surf = _surface(surface, fn)
    check.non_negative_int(fn, "steps", steps)
    if isinstance(optimizer, str):
        table = race_optimizers(0.01)
        check.one_of(fn, "optimizer", optimizer, table)
        rate = (suggested_learning_rates(surf, [optimizer])[optimizer]
                if learning_rate is None else learning_rate)
        opt = race_optimizers({optimizer: rate})[optimizer]
    else:
        check.instance(fn, "optimizer", optimizer, optimizers.Optimizer,
                       "an nnkit optimizer or a name from race_optimizers")
        opt = copy.deepcopy(optimizer)
        opt.reset_state()
    point = check.array(fn, "start", surf.start if start is None
                        else start, finite=True).astype(np.float64)
    if point.shape != (2,):
        raise _bad("optimize_path", "start", "a point (x, y)", start)
    p = Parameter(point, "xy")
    path = np.full((int(steps) + 1, 2), np.nan)
    path[0] = p.data
    with np.errstate(all="ignore"):
        for k in range(1, int(steps) + 1):
            p.grad[...] = surf.grad(*p.data)
            opt.apply([p])
            if not (np.all(np.isfinite(p.data))
                    and np.abs(p.data).max() < 1e6):
                break
            path[k] = p.data
    return path


def race(surface: str | Surface = "rosenbrock",
         names: Sequence[str] | None = None,
         learning_rate: float | Mapping[str, float] | None = None,
         steps: int = 300, start: Sequence[float] | None = None
         ) -> dict[str, np.ndarray]:
    """Paths of several optimizers from the same start.

    Args:
        surface: a name from ``surfaces()`` or a ``Surface``.
        names: display names from ``race_optimizers``; default all.
        learning_rate: one rate for all, a dict name -> rate, or None:
            the surface's suggestions (``suggested_learning_rates``),
            which also fill in names a dict leaves out.
        steps: updates per optimizer.
        start: the starting point; default the surface's.

    Returns:
        Dict name -> path, each (steps + 1, 2) (see ``optimize_path``).
    """
    surf = _surface(surface, "race")
    rates: Any = suggested_learning_rates(surf)
    if isinstance(learning_rate, Mapping):
        rates.update(learning_rate)
    elif learning_rate is not None:
        rates = float(learning_rate)
    table = race_optimizers(rates)
    names = list(table) if names is None else list(names)
    unknown = [n for n in names if n not in table]
    if unknown:
        raise ValueError(f"unknown optimizer {unknown[0]!r}; choose from "
                         f"{', '.join(table)}")
    return {n: optimize_path(surf, table[n], start, steps) for n in names}


def _levels(z: np.ndarray) -> np.ndarray:
    if z.min() >= 0:     # log-spaced: the valleys get most of the lines
        low = max(float(np.percentile(z, 0.5)), 1e-3)
        return np.geomspace(low, float(z.max()), 25)
    return np.linspace(float(z.min()), float(z.max()), 25)


_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "h", "<", ">")
# Colour-blind safe (Okabe & Ito), the darkest first, yellow last: it
# is the hardest to see on white.
_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7",
            "#000000", "#56B4E9", "#F0E442")
_DASHES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1)))


def optimizer_style(name: str) -> dict[str, Any]:
    """The colour, marker and line style of an optimizer in the race.

    Fixed per optimizer (its place in ``race_optimizers``' order), so
    that a path keeps its look whichever optimizers are selected.
    Unknown names get a style from their hash.
    """
    check.string("optimizer_style", "name", name)
    names = list(race_optimizers())
    k = names.index(name) if name in names else \
        sum(map(ord, name)) % 11
    return {"color": _COLOURS[k % len(_COLOURS)],
            "marker": _MARKERS[k % len(_MARKERS)],
            "linestyle": _DASHES[k % len(_DASHES)]}


def _path_label(name: str, path: np.ndarray, surf: Surface) -> str:
    (x0, x1), (y0, y1) = surf.bounds
    end = path[-1]
    if not (x0 <= end[0] <= x1 and y0 <= end[1] <= y1):
        return f"{name} (left the plot)"      # also NaN: ran away
    return name


def _draw_surface(ax: Axes, surf: Surface) -> None:
    (x0, x1), (y0, y1) = surf.bounds
    gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    z = surf.f(gx, gy)
    ax.contour(gx, gy, z, levels=_levels(z), colors="#9a9a9a",
               linewidths=0.5, alpha=0.6)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("$x$")
    ax.set_ylabel("$y$")


def _mark_start_and_minimum(ax: Axes, surf: Surface,
                            paths: Mapping[str, np.ndarray]) -> None:
    """The start (black cross) and the minimum (star)."""
    first = next(iter(paths.values()), None)
    if first is not None:
        ax.plot(first[0, 0], first[0, 1], "kx", markersize=9, zorder=30)
    if surf.minimum is not None:
        ax.plot(*surf.minimum, "*", color="black", markersize=12, zorder=30)


def _path_artists(ax: Axes, name: str, n_steps: int, order: int,
                  total: int, animated: bool = False) -> tuple[Any, Any]:
    """A path's line (with a marker every tenth of the run) and its
    current-point dot. The first optimizers are drawn on top and the
    lines below are wider, so paths that overlap all stay visible."""
    from matplotlib import patheffects
    st = optimizer_style(name)
    width = 1.2 + 2.0 * order / max(total - 1, 1)
    line, = ax.plot([], [], linestyle=st["linestyle"], color=st["color"],
                    marker=st["marker"], markersize=4.5,
                    markevery=max(n_steps // 10, 1), linewidth=width,
                    zorder=20 - order, animated=animated,
                    path_effects=[patheffects.withStroke(
                        linewidth=width + 1.6, foreground="white",
                        alpha=0.7)])
    dot, = ax.plot([], [], st["marker"], color=st["color"], markersize=8,
                   markeredgecolor="black", zorder=25 - order,
                   animated=animated)
    return line, dot


def plot_paths(surface: str | Surface, paths: Mapping[str, np.ndarray],
               step: int | None = None, ax: Axes | None = None,
               title: str | None = None) -> Axes:
    """Optimizer paths on the contour plot of a surface.

    Args:
        surface: a name from ``surfaces()`` or a ``Surface``.
        paths: name -> (T, 2) points, e.g. from ``race``.
        step: draw each path up to this step only (for animation).
        ax: the Axes; a new figure when None.
        title: default the surface's name (or "surface").

    Returns:
        The Axes: one contour set, then per path a line (label
        ``name``, with "(left the plot)" appended if the path ends
        outside the bounds or ran away, i.e. has NaN rows; colour,
        marker and dashes from ``optimizer_style``) and a dot at its
        current point; the start is a black cross, the minimum a star.
        The legend sits to the right of the plot.
    """
    name = surface if isinstance(surface, str) else "surface"
    surf = _surface(surface, "plot_paths")
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.5), layout="constrained")
    _draw_surface(ax, surf)
    for k, (label, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        shown = path if step is None else path[:int(step) + 1]
        shown = shown[np.all(np.isfinite(shown), axis=1)]
        line, dot = _path_artists(ax, label, len(path) - 1, k, len(paths))
        line.set_data(shown[:, 0], shown[:, 1])
        line.set_label(_path_label(label, path, surf))
        dot.set_data(shown[-1:, 0], shown[-1:, 1])
    _mark_start_and_minimum(ax, surf, paths)
    ax.set_title(title or name, fontsize="medium")
    if paths:
        ax.legend(fontsize="small", loc="upper left",
                  bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    return ax


def path_losses(surface: str | Surface, paths: Mapping[str, np.ndarray]
                ) -> dict[str, np.ndarray]:
    """The surface's value along each path, minus its minimum value
    (when the surface has one), so that 0 means "arrived".

    Returns:
        name -> float array of the path's length (NaN where the path
        ran away).
    """
    surf = _surface(surface, "path_losses")
    check.instance("path_losses", "paths", paths, Mapping,
                   "a dict {optimizer name: path}, as race returns")
    base = 0.0 if surf.minimum is None else float(surf.f(*surf.minimum))
    return {n: surf.f(np.asarray(p)[:, 0], np.asarray(p)[:, 1]) - base
            for n, p in paths.items()}


def plot_losses(surface: str | Surface, paths: Mapping[str, np.ndarray],
                step: int | None = None, ax: Axes | None = None) -> Axes:
    """The loss per step of each path (``path_losses``), log scale where
    the values are positive.

    Returns:
        The Axes, one line per path in its ``optimizer_style``, up to
        ``step`` (all steps when None).
    """
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 3.5), layout="constrained")
    losses = path_losses(surface, paths)
    _setup_loss_axes(ax, losses)
    for name, values in losses.items():
        st = optimizer_style(name)
        shown = values if step is None else values[:int(step) + 1]
        ax.plot(np.arange(len(shown)), shown, color=st["color"],
                linestyle=st["linestyle"], linewidth=1.4, label=name)
    return ax


def _setup_loss_axes(ax: Axes, losses: Mapping[str, np.ndarray]) -> None:
    finite = np.concatenate([v[np.isfinite(v)] for v in losses.values()]
                            or [np.zeros(1)])
    steps = max((len(v) for v in losses.values()), default=2) - 1
    ax.set_xlim(0, max(steps, 1))
    if finite.size and finite.min() > 0:
        ax.set_yscale("log")
        lo = max(float(finite.min()), float(finite.max()) * 1e-12, 1e-300)
        ax.set_ylim(lo / 2, float(finite.max()) * 2)
        ax.set_ylabel("loss − minimum (log)")
    else:
        lo, hi = float(finite.min()), float(finite.max())
        pad = 0.05 * (hi - lo or 1.0)
        ax.set_ylim(max(lo, -1e3) - pad, min(hi, 1e3) + pad)
        ax.set_ylabel("loss")
    ax.set_xlabel("step")
    ax.grid(alpha=0.3)
    ax.set_title("loss per step", fontsize="medium")


class OptimizerRace(_FigureWidget):
    """Race nnkit's optimizers on a 2-D surface; animate the paths.

    Controls: surface, optimizers (multiple selection), two learning
    rates (log sliders: one for SGD, Momentum and Nesterov, one for the
    adaptive methods; both reset to the surface's suggestions when the
    surface changes), number of steps, start point, and a step slider
    driven by a play/pause button. Paths are computed once per setting
    (``race``); the animation only moves the lines: the contours and
    the legend are drawn once and each frame redraws just the paths
    over them (matplotlib blitting), so it keeps up with the slider.
    Left: the paths; right: the loss per step (``plot_losses``).

    Args:
        surface: a name from ``surfaces()``.
        names: optimizers to show; default SGD, Momentum, Nesterov,
            RMSprop and Adam (those that exist).
        steps: updates per optimizer.

    Attributes:
        paths: the current dict name -> path.
        widget: the ipywidgets box (the object itself displays as it).
    """

    def __init__(self, surface: str = "rosenbrock",
                 names: Sequence[str] | None = None, steps: int = 300):
        super().__init__((9.6, 4.2), dpi=80)
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        self.canvas = FigureCanvasAgg(self.figure)
        w, lay = widgets, widgets.Layout
        surf = _surface(surface, "OptimizerRace")
        available = list(race_optimizers())
        if names is None:
            names = [n for n in ("SGD", "Momentum", "Nesterov", "RMSprop",
                                 "Adam") if n in available]
        wide = {"description_width": "90px"}
        box = lay(width="290px")
        self.surface = w.Dropdown(
            options=list(surfaces()), value=surface,
            description="Surface", style=wide, layout=box,
            tooltip="The function the optimizers minimise")
        self.names = w.SelectMultiple(
            options=available, value=list(names),
            rows=min(len(available), 8), description="Optimizers",
            style=wide, layout=box,
            tooltip="Ctrl- or Shift-click to race several optimizers")
        self.sgd_rate = w.FloatLogSlider(
            surf.learning_rate, base=10, min=-4, max=0, step=0.05,
            description="SGD-family lr", readout_format=".4f", style=wide,
            layout=box, tooltip="Learning rate of SGD, Momentum and "
                                "Nesterov")
        self.adaptive_rate = w.FloatLogSlider(
            surf.adaptive_learning_rate, base=10, min=-4, max=0.5,
            step=0.05, description="Adaptive lr", readout_format=".4f",
            style=wide, layout=box,
            tooltip="Learning rate of the adaptive methods (Adagrad, "
                    "RMSprop, Adam...)")
        self.steps = w.IntSlider(steps, 10, 1000, 10, description="Steps",
                                 style=wide, layout=box,
                                 tooltip="Updates per optimizer")
        self.start_x = w.FloatText(surf.start[0], description="Start x",
                                   style=wide, layout=lay(width="170px"),
                                   tooltip="Where every optimizer starts")
        self.start_y = w.FloatText(surf.start[1], description="Start y",
                                   style=wide, layout=lay(width="170px"),
                                   tooltip="Where every optimizer starts")
        self.step_slider = w.IntSlider(
            steps, 0, steps, description="Step", style=wide, layout=box,
            tooltip="Show the paths up to this step")
        self.play = w.Play(value=steps, min=0, max=steps, step=2,
                           interval=60, layout=lay(display="none"))
        self.play_button = w.ToggleButton(
            False, description="Play", icon="play",
            tooltip="Play / pause: animate the paths from the start",
            layout=lay(width="90px"))
        w.jslink((self.play, "value"), (self.step_slider, "value"))
        w.jslink((self.play_button, "value"), (self.play, "playing"))
        self.play_button.observe(self._on_play, names="value")
        self.surface.observe(self._on_surface, names="value")
        for control in (self.names, self.sgd_rate, self.adaptive_rate,
                        self.steps, self.start_x, self.start_y):
            control.observe(lambda _: self.recompute(), names="value")
        self.step_slider.observe(lambda _: self.redraw(), names="value")
        self.image.layout = lay(width=f"{9.6 * 80:.0f}px",
                                height=f"{4.2 * 80:.0f}px")
        cw = "196px"
        controls = w.VBox([
            _with_label(self.surface, "Surface", control_width=cw),
            _with_label(self.names, "Optimizers", control_width=cw),
            _with_label(self.sgd_rate, "SGD-family lr", control_width=cw),
            _with_label(self.adaptive_rate, "Adaptive lr",
                        control_width=cw),
            _with_label(self.steps, "Steps", control_width=cw),
            _with_label(self.start_x, "Start x", control_width="90px"),
            _with_label(self.start_y, "Start y", control_width="90px"),
            w.HBox([self.play_button, self.play]),
            _with_label(self.step_slider, "Step", control_width=cw)],
            layout=lay(width="300px"))
        self.widget = w.HBox([controls, self.image],
                             layout=lay(flex_flow="row wrap"))
        _no_null_tooltips(self.widget)
        self.recompute()

    def learning_rates(self) -> dict[str, float]:
        """The rate each selected optimizer gets from the sliders."""
        return {n: self.sgd_rate.value if n in SGD_FAMILY
                else self.adaptive_rate.value for n in self.names.value}

    def _on_surface(self, change: Any) -> None:
        surf = _surface(change["new"])
        with self._quietly():  # recompute once, not per control
            self.start_x.value, self.start_y.value = surf.start
            self.sgd_rate.value = surf.learning_rate
            self.adaptive_rate.value = surf.adaptive_learning_rate
        self.recompute()

    def _on_play(self, change: Any) -> None:
        b = self.play_button
        b.description, b.icon = (("Pause", "pause") if change["new"]
                                 else ("Play", "play"))
        if change["new"] and self.step_slider.value >= self.step_slider.max:
            with self._quietly():          # from the start again
                self.play.value = 0
            self.redraw()

    def recompute(self) -> None:
        """Run the race for the current settings; show the full paths."""
        if self._quiet:
            return
        self.paths = race(self.surface.value, list(self.names.value),
                          self.learning_rates(), self.steps.value,
                          (self.start_x.value, self.start_y.value))
        n = self.steps.value
        with self._quietly():
            self.play_button.value = False
            self.play.playing = False
            self.play.step = max(1, n // 150)
            self.step_slider.max = self.play.max = n
            self.step_slider.value = self.play.value = n
        self._draw_background()
        self.redraw()

    def _draw_background(self) -> None:
        """Draw what does not move (contours, legend, axes) once and keep
        it; create the moving artists."""
        self._clear()
        fig = self.figure
        ax, ax_loss = fig.subplots(1, 2, width_ratios=[1.35, 1])
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.13, top=0.9,
                            wspace=0.5)
        surf = _surface(self.surface.value)
        _draw_surface(ax, surf)
        n = self.steps.value
        self._artists = {}
        losses = path_losses(surf, self.paths)
        _setup_loss_axes(ax_loss, losses)
        for k, (name, path) in enumerate(self.paths.items()):
            line, dot = _path_artists(ax, name, n, k, len(self.paths),
                                      animated=True)
            st = optimizer_style(name)
            lline, = ax_loss.plot([], [], color=st["color"],
                                  linestyle=st["linestyle"],
                                  linewidth=1.4, animated=True)
            self._artists[name] = (line, dot, lline, path, losses[name])
            ax.plot([], [], linestyle=st["linestyle"], color=st["color"],
                    marker=st["marker"],
                    label=_path_label(name, path, surf))   # legend entry
        _mark_start_and_minimum(ax, surf, self.paths)
        if self.paths:
            ax.legend(fontsize="x-small", loc="upper left",
                      bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
        self._title = ax.set_title("", fontsize="medium", animated=True)
        self.canvas.draw()
        self._background = self.canvas.copy_from_bbox(fig.bbox)

    def redraw(self) -> None:
        """Draw the paths up to the step slider's value over the kept
        background."""
        if self._quiet:
            return
        from ._png import png_bytes
        k = self.step_slider.value
        self.canvas.restore_region(self._background)
        for line, dot, lline, path, loss in self._artists.values():
            shown = path[:k + 1]
            shown = shown[np.all(np.isfinite(shown), axis=1)]
            line.set_data(shown[:, 0], shown[:, 1])
            dot.set_data(shown[-1:, 0], shown[-1:, 1])
            lline.set_data(np.arange(min(k + 1, len(loss))), loss[:k + 1])
            for artist in (line, dot, lline):
                artist.axes.draw_artist(artist)
        self._title.set_text(f"{self.surface.value}, step {k}")
        self._title.axes.draw_artist(self._title)
        rgba = np.asarray(self.canvas.buffer_rgba())
        self.image.value = png_bytes(rgba[:, :, :3], level=1)

    def picture(self, side: str = "left",
                plot_size: tuple[float, float] = (9.0, 4.2),
                columns: int = 1) -> Any:
        """The widget as a static figure: its controls beside (or above)
        the paths and the loss per step at the current step.

        Args:
            side: ``"left"``: the control panel beside the plots;
                ``"top"``: above them, for a narrow page column.
            plot_size: (width, height) in inches of the two plots.
            columns: the control panel's columns.

        Returns:
            The matplotlib figure.
        """
        from ._picture import control_rows, picture_figure
        fig, (left, bottom, right, top) = picture_figure(
            control_rows(self.widget), columns, plot_size, side)
        grid = fig.add_gridspec(1, 2, width_ratios=[1.45, 1], left=left,
                                bottom=bottom, right=right, top=top,
                                wspace=0.62)
        k = self.step_slider.value
        plot_paths(self.surface.value, self.paths, k,
                   fig.add_subplot(grid[0]),
                   title=f"{self.surface.value}, step {k}")
        plot_losses(self.surface.value, self.paths, k,
                    fig.add_subplot(grid[1]))
        return fig


def optimizer_race(surface: str = "rosenbrock", **kwargs: Any
                   ) -> OptimizerRace:
    """An ``OptimizerRace`` widget (arguments as its constructor)."""
    return OptimizerRace(surface, **kwargs)
